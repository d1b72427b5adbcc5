#![no_main]
// Any Stripe-Signature header and body: a verdict, never a panic.

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use proign_core::clock::FixedClock;
use proign_core::secret::Secret;
use proign_core::webhook::WebhookVerifier;
use proign_stripe::webhook::StripeVerifier;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let (parts, body) = common::split(data, 1);
    let headers = common::headers(&[("stripe-signature", parts[0])]);
    let secret = Secret::new("whsec_Oo6ZKgQFzSxeqkECgey0X5AbtaNZDrSt").unwrap();
    let verifier = StripeVerifier::new([&secret])
        .unwrap()
        .with_clock(FixedClock::at_unix(1_767_225_600));
    let _ = verifier.verify(&headers, Bytes::copy_from_slice(body));
});
