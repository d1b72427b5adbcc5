#![no_main]
// Any Shopify webhook headers and body: a verdict, never a panic. The body also goes
// through the topic payload decoder directly, since a mutated body rarely keeps its HMAC.

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use proign_core::secret::Secret;
use proign_core::webhook::WebhookVerifier;
use proign_shopify::topics::{Event, Payload};
use proign_shopify::webhook::ShopifyVerifier;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let (parts, body) = common::split(data, 4);
    let headers = common::headers(&[
        ("x-shopify-hmac-sha256", parts[0]),
        ("shopify-topic", parts[1]),
        ("x-shopify-shop-domain", parts[2]),
        ("x-shopify-triggered-at", parts[3]),
        ("x-shopify-api-version", b"2026-01"),
        ("x-shopify-webhook-id", b"fuzz"),
    ]);
    let secret = Secret::new("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").unwrap();
    let verifier = ShopifyVerifier::new([&secret]).unwrap();
    if let Ok(delivery) = verifier.verify(&headers, Bytes::copy_from_slice(body)) {
        let _ = delivery.triggered_at();
        let _ = delivery.dedup_key();
        if let Ok(event) = Event::from_delivery(delivery) {
            let _ = (event.payload().order(), event.payload().fulfillment());
        }
    }
    let topic = String::from_utf8_lossy(parts[1]);
    if let Ok(payload) = Payload::parse(&topic, body) {
        let _ = (payload.order(), payload.fulfillment());
    }
});
