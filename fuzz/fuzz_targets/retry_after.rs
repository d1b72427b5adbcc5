#![no_main]
// Any Retry-After value and status: a wait or nothing, never a panic, and a plain number of
// seconds is read exactly. The same bytes go through the default classification, the
// default error decoding and the redacted excerpt errors quote.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};
use libfuzzer_sys::fuzz_target;
use proign_core::Provider;
use proign_core::http::{Response, default_classification, default_decode_error, excerpt};
use proign_core::retry::parse_retry_after;

fuzz_target!(|data: &[u8]| {
    let (status, value) = match data {
        [high, low, rest @ ..] => (u16::from_be_bytes([*high, *low]), rest),
        _ => (0, data),
    };
    let now = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    let text = String::from_utf8_lossy(value);
    let wait = parse_retry_after(&text, now);
    let trimmed = text.trim();
    if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        let expected = trimmed
            .parse::<u64>()
            .map_or(Duration::MAX, Duration::from_secs);
        assert_eq!(wait, Some(expected));
    }
    let _ = parse_retry_after(&text, SystemTime::UNIX_EPOCH);

    let Ok(status) = StatusCode::from_u16(100 + status % 900) else {
        return;
    };
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_bytes(value) {
        headers.insert("retry-after", value);
    }
    let response = Response::new(
        Provider::Stripe,
        "fuzz",
        status,
        headers,
        Bytes::copy_from_slice(value),
    );
    let _ = default_classification(&response, now);
    let _ = default_decode_error(&response);
    let quoted = excerpt(value, &["sk_test_made_up", ""]);
    assert!(!quoted.contains("sk_test_made_up"));
});
