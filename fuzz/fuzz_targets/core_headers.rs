#![no_main]
// The helpers every verifier shares: any header set, timestamp, tolerance, tag text and
// configured `whsec_` secret gives an answer, the one-pass header scan agrees with looking
// headers up one by one, and a secret that decodes is never shorter than the minimum.

use libfuzzer_sys::fuzz_target;
use proign_core::idempotency::IdempotencyKey;
use proign_core::webhook::headers::{HeaderSpec, optional_value, required_value, scan};
use proign_core::webhook::standard::{MIN_KEY_LEN, decode_secret};
use proign_core::webhook::{Tolerance, decode_base64_tag, decode_hex_tag, parse_unix_seconds};

#[path = "common.rs"]
mod common;

static ID: HeaderSpec = HeaderSpec::with_alternate("Webhook-Id", "webhook-id", "svix-id");
static TIMESTAMP: HeaderSpec =
    HeaderSpec::with_alternate("Webhook-Timestamp", "webhook-timestamp", "svix-timestamp");
static SIGNATURE: HeaderSpec = HeaderSpec::new("Stripe-Signature", "stripe-signature");

fuzz_target!(|data: &[u8]| {
    let (parts, rest) = common::split(data, 5);
    let headers = common::headers(&[
        ("webhook-id", parts[0]),
        ("svix-id", parts[1]),
        ("webhook-timestamp", parts[2]),
        ("svix-timestamp", parts[3]),
        ("stripe-signature", parts[4]),
        ("webhook-id", rest),
    ]);
    // All optional: each answer is the one a single lookup gives.
    let found = scan(&headers, [], [&ID, &TIMESTAMP, &SIGNATURE]).map(|(_, found)| found);
    let one_by_one = [&ID, &TIMESTAMP, &SIGNATURE]
        .map(|spec| optional_value(&headers, spec))
        .into_iter()
        .collect::<Result<Vec<_>, _>>();
    assert_eq!(found.map(Vec::from), one_by_one);
    // Some required: the first error in order is the one the lookups give.
    let found = scan(&headers, [&ID, &TIMESTAMP], [&SIGNATURE]);
    let one_by_one = required_value(&headers, &ID).and_then(|id| {
        let timestamp = required_value(&headers, &TIMESTAMP)?;
        Ok(([id, timestamp], [optional_value(&headers, &SIGNATURE)?]))
    });
    assert_eq!(found, one_by_one);

    let text = String::from_utf8_lossy(rest);
    if let Some(seconds) = parse_unix_seconds(&text) {
        assert!(seconds >= 0);
        assert!(seconds.to_string().len() <= text.len());
    }
    let number = |bytes: &[u8]| {
        let mut word = [0u8; 8];
        for (slot, byte) in word.iter_mut().zip(bytes) {
            *slot = *byte;
        }
        i64::from_le_bytes(word)
    };
    let (timestamp, now) = (number(parts[0]), number(parts[1]));
    let window = u64::from_le_bytes(number(parts[2]).to_le_bytes());
    if let Ok(tolerance) = Tolerance::from_secs(window) {
        let verdict = tolerance.check(timestamp, now);
        let distance = (i128::from(now) - i128::from(timestamp)).unsigned_abs();
        assert_eq!(verdict.is_ok(), distance <= u128::from(window));
    }

    let _ = decode_hex_tag(&text);
    let _ = decode_base64_tag(&text);
    if let Ok(key) = IdempotencyKey::parse(text.as_ref()) {
        assert_eq!(key.as_str(), text);
    }
    if let Ok(key) = decode_secret(&text) {
        assert!(key.len() >= MIN_KEY_LEN);
    }
});
