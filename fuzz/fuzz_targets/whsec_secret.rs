#![no_main]
// Any configured secret text: a key or a precise refusal, never a panic or a short key.

use libfuzzer_sys::fuzz_target;
use proign_core::webhook::standard::{MIN_KEY_LEN, decode_secret};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(key) = decode_secret(text)
    {
        assert!(key.len() >= MIN_KEY_LEN);
    }
});
