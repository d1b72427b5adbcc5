#![no_main]
// Any Standard Webhooks headers and body: a verdict, never a panic.

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use proign_core::clock::FixedClock;
use proign_core::secret::Secret;
use proign_core::webhook::WebhookVerifier;
use proign_core::webhook::standard::StandardVerifier;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let (parts, body) = common::split(data, 3);
    let headers = common::headers(&[
        ("svix-id", parts[0]),
        ("webhook-timestamp", parts[1]),
        ("svix-signature", parts[2]),
    ]);
    let secret = Secret::new("whsec_wvi18TEN4paaNg8sLnNaZD6ECajM/08O").unwrap();
    let verifier = StandardVerifier::new([&secret])
        .unwrap()
        .with_clock(FixedClock::at_unix(1_767_225_600));
    let _ = verifier.verify(&headers, Bytes::copy_from_slice(body));
});
