use http::HeaderValue;
use proign_core::webhook::Reason;

use super::*;

const B05_BODY: &[u8] = br#"{"id":820982911946154508,"email":"jon.doe@example.test","financial_status":"paid","total_price":"199.00","updated_at":"2026-01-01T00:00:00-00:00"}"#;

fn b05_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("X-Shopify-Topic", "orders/updated"),
        ("X-Shopify-Shop-Domain", "prgn-test.myshopify.com"),
        ("X-Shopify-API-Version", "2025-01"),
        (
            "X-Shopify-Webhook-Id",
            "5d2b6b3e-7c1f-4f0a-9a51-2f9f3c1e0b11",
        ),
        ("X-Shopify-Triggered-At", "2026-01-01T00:00:00.000000000Z"),
        (
            "X-Shopify-Hmac-Sha256",
            "s0FNP1vyTtwna4sNg0QU4SMtcKEfM3ZtW19Wbhbyxzg=",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers
}

fn verifier() -> ShopifyVerifier {
    ShopifyVerifier::new([&Secret::new("prgn_shopify_client_secret_0001").unwrap()]).unwrap()
}

// Field case B05: every copy of a delivery carries the same identity to deduplicate on.
#[test]
fn b05_copies_share_one_dedup_key() {
    assert_eq!(B05_BODY.len(), 146);
    let first = verifier()
        .verify(&b05_headers(), Bytes::from_static(B05_BODY))
        .unwrap();
    let second = verifier()
        .verify(&b05_headers(), Bytes::from_static(B05_BODY))
        .unwrap();
    assert_eq!(first.dedup_key(), second.dedup_key());
    assert_eq!(
        first.dedup_key(),
        "prgn-test.myshopify.com:5d2b6b3e-7c1f-4f0a-9a51-2f9f3c1e0b11"
    );
    assert_eq!(first.topic(), "orders/updated");
    assert_eq!(first.api_version(), "2025-01");
    assert_eq!(first.event_id(), None);
    assert_eq!(
        first.triggered_at().map(|t| t.timestamp()),
        Some(1_767_225_600)
    );
}

// Field case B26: no signature header, no pass.
#[test]
fn b26_missing_hmac_fails_closed() {
    let mut headers = b05_headers();
    headers.remove("X-Shopify-Hmac-Sha256");
    let err = verifier()
        .verify(&headers, Bytes::from_static(B05_BODY))
        .unwrap_err();
    assert_eq!(
        err,
        VerifyError::MissingHeader {
            name: "X-Shopify-Hmac-Sha256"
        }
    );
    assert!(err.to_string().contains("proxy"));
}

#[test]
fn only_exact_base64_matches() {
    let mut headers = b05_headers();
    headers.insert(
        "X-Shopify-Hmac-Sha256",
        HeaderValue::from_static("s0FNP1vyTtwna4sNg0QU4SMtcKEfM3ZtW19Wbhbyxzg"),
    );
    assert_eq!(
        verifier()
            .verify(&headers, Bytes::from_static(B05_BODY))
            .unwrap_err()
            .reason(),
        Reason::BadSignature
    );
    headers.insert(
        "X-Shopify-Hmac-Sha256",
        HeaderValue::from_static("b3ed3f5bf24ed3276b8b0d834414e1232d70a11f33766d5b5f566e16f2c73"),
    );
    assert_eq!(
        verifier()
            .verify(&headers, Bytes::from_static(B05_BODY))
            .unwrap_err()
            .reason(),
        Reason::BadSignature
    );
}

#[test]
fn signing_round_trips() {
    let secret = Secret::new("prgn_shopify_client_secret_0001").unwrap();
    assert_eq!(
        sign(&secret, B05_BODY),
        "s0FNP1vyTtwna4sNg0QU4SMtcKEfM3ZtW19Wbhbyxzg="
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn no_input_panics(
            hmac in ".{0,80}",
            topic in ".{0,40}",
            body in proptest::collection::vec(any::<u8>(), 0..512),
        ) {
            let mut headers = b05_headers();
            for (name, value) in [("X-Shopify-Hmac-Sha256", hmac), ("Shopify-Topic", topic)] {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    headers.insert(name, value);
                }
            }
            let _ = verifier().verify(&headers, Bytes::from(body));
        }

        #[test]
        fn sign_then_verify_round_trips(body in proptest::collection::vec(any::<u8>(), 1..512)) {
            let secret = Secret::new("prgn_shopify_client_secret_0001").unwrap();
            let mut headers = b05_headers();
            headers.insert("X-Shopify-Hmac-Sha256", HeaderValue::from_str(&sign(&secret, &body)).unwrap());
            prop_assert!(verifier().verify(&headers, Bytes::from(body)).is_ok());
        }
    }
}
