#![no_main]
// Any Shopify webhook headers and body: a verdict, never a panic.

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use proign_core::secret::Secret;
use proign_core::webhook::WebhookVerifier;
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
    }
});
