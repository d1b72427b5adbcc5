#![no_main]
// Any Standard Webhooks headers and body: a verdict, never a panic, and Resend's verifier
// (the same scheme under Resend's name) gives the same verdict as the core one; only the
// header names its errors quote may differ.

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use proign_core::clock::FixedClock;
use proign_core::secret::Secret;
use proign_core::webhook::WebhookVerifier;
use proign_core::webhook::standard::StandardVerifier;
use proign_resend::webhook::ResendVerifier;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let (parts, body) = common::split(data, 4);
    let headers = common::headers(&[
        ("svix-id", parts[0]),
        ("webhook-timestamp", parts[1]),
        ("svix-signature", parts[2]),
        ("webhook-signature", parts[3]),
    ]);
    let secret = Secret::new("whsec_wvi18TEN4paaNg8sLnNaZD6ECajM/08O").unwrap();
    let clock = || FixedClock::at_unix(1_767_225_600);
    let standard = StandardVerifier::new([&secret])
        .unwrap()
        .with_clock(clock());
    let resend = ResendVerifier::new([&secret]).unwrap().with_clock(clock());
    let body = Bytes::copy_from_slice(body);
    let seen = |d: &proign_core::webhook::Delivery| (d.id().map(str::to_owned), d.timestamp());
    let verdict = standard.verify(&headers, body.clone()).map(|d| seen(&d));
    match resend.construct_event(&headers, body) {
        Ok((delivery, _)) => assert_eq!(verdict.ok(), Some(seen(&delivery))),
        Err(proign_resend::webhook::ConstructEventError::Verify(error)) => {
            assert_eq!(verdict.map_err(|e| e.reason()), Err(error.reason()));
        }
        Err(_) => assert!(verdict.is_ok()),
    }
});
