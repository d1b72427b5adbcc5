#![no_main]
// Any Track Alert credential and body: a verdict, never a panic.

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use proign_core::secret::Secret;
use proign_core::webhook::WebhookVerifier;
use proign_ups::track_alert::TrackAlertVerifier;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let (parts, body) = common::split(data, 1);
    let mut headers = common::headers(&[("credential", parts[0])]);
    if data.first() == Some(&b'A') {
        headers = common::headers(&[("credential", b"prgn-ups-callback-cred-7d1f0c2a")]);
    }
    let secret = Secret::new("prgn-ups-callback-cred-7d1f0c2a").unwrap();
    let verifier = TrackAlertVerifier::new([&secret]).unwrap();
    if let Ok(callback) = verifier.verify(&headers, Bytes::copy_from_slice(body)) {
        let event = callback.event();
        let _ = (
            event.gmt_date(),
            event.gmt_time(),
            event.scheduled_delivery(),
        );
    }
});
