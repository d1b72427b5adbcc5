use http::HeaderValue;
use proign_core::clock::FixedClock;
use proign_core::webhook::Reason;

use super::*;

const WHSEC: &str = "whsec_prgn_test_0123456789abcdefABCDEF";
const OLD: &str = "whsec_prgn_old_secret_ZYXWVUT987654";
const NEW: &str = "whsec_prgn_new_secret_ABCDEFG123456";
const SIG_OLD: &str = "4447efd96ddc9a16b2cd915300745e0bb4452b201882b4b4f47ca1783b2dfacc";
const SIG_NEW: &str = "7a983541e11d02e41cd6062802022350df01f342f6e53780ac31ee7c07fc6d9b";
const ROTATE_BODY: &[u8] =
    br#"{"id":"evt_1PrgnRotate0001","object":"event","type":"customer.subscription.updated"}"#;

fn verifier(secrets: &[&str], now: i64) -> StripeVerifier {
    let secrets: Vec<Secret> = secrets.iter().map(|s| Secret::new(*s).unwrap()).collect();
    StripeVerifier::new(&secrets)
        .unwrap()
        .with_clock(FixedClock::at_unix(now))
}

fn headers(value: &str) -> HeaderMap {
    let mut map = HeaderMap::new();
    map.insert("Stripe-Signature", HeaderValue::from_str(value).unwrap());
    map
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

// Field case B01: only the unmodified bytes verify.
#[test]
fn b01_only_the_raw_bytes_verify() {
    let raw: &[u8] = b"{\n  \"id\": \"evt_1PrgnTest0000000001\",\n  \"object\": \"event\",\n  \"api_version\": \"2024-06-20\",\n  \"created\": 1767225600,\n  \"data\": {\n    \"object\": {\n      \"id\": \"in_1PrgnTest0000000001\",\n      \"object\": \"invoice\",\n      \"amount_paid\": 1999,\n      \"currency\": \"usd\",\n      \"customer\": \"cus_PrgnTest000001\",\n      \"customer_email\": \"jane.roe@example.test\",\n      \"description\": \"Caf\\u00e9 plan \\u2014 monthly\"\n    }\n  },\n  \"livemode\": false,\n  \"type\": \"invoice.paid\"\n}\n";
    assert_eq!(raw.len(), 460);
    assert_eq!(
        sha256_hex(raw),
        "6269e79e7f484c1bf9cb024ad80cf5bbda6375a4520f86b5535a619009c4b06e"
    );
    let h =
        headers("t=1767225600,v1=a63780a563c54f7a04f4d71ac2852aec8ccb9a1781c9621a6ea1f16c41a78bf9");
    let v = verifier(&[WHSEC], 1767225630);

    let (delivery, event) = v.construct_event(&h, Bytes::from_static(raw)).unwrap();
    assert_eq!(event.id, "evt_1PrgnTest0000000001");
    assert_eq!(
        delivery.body().as_ref(),
        raw,
        "the delivery keeps the exact bytes"
    );
    match event.billing_object().unwrap() {
        crate::objects::Object::Invoice(invoice) => {
            assert_eq!(invoice.amount_paid, 1999);
            assert_eq!(
                invoice.extra["description"],
                "Caf\u{e9} plan \u{2014} monthly"
            );
        }
        other => panic!("expected an invoice, got {other:?}"),
    }

    // (b) parsed and re-serialised: keys sorted, escapes turned into UTF-8.
    let value: serde_json::Value = serde_json::from_slice(raw).unwrap();
    let reserialised = serde_json::to_vec(&value).unwrap();
    assert_eq!(reserialised.len(), 353);
    assert_eq!(
        sha256_hex(&reserialised),
        "47bf919a42d9f00d11f6c74aa877471999e819e6fb82439c81168ee6cdccd352"
    );
    let err = v.verify(&h, Bytes::from(reserialised)).unwrap_err();
    assert_eq!(err, VerifyError::SignatureMismatch);
    assert!(err.to_string().contains("unmodified request bytes"));

    // (c) a proxy rewrote the line endings.
    let crlf = String::from_utf8(raw.to_vec())
        .unwrap()
        .replace('\n', "\r\n");
    assert_eq!(crlf.len(), 479);
    assert_eq!(
        sha256_hex(crlf.as_bytes()),
        "47074c077f0fc0050706589ef8d84ceb37f1f4c3e307a1d7f59fed6cd1795d0f"
    );
    assert_eq!(
        v.verify(&h, Bytes::from(crlf)),
        Err(VerifyError::SignatureMismatch)
    );
}

// Field case B02: every v1 is a candidate, under every configured secret.
#[test]
fn b02_every_v1_counts() {
    let z64 = "0".repeat(64);
    let body = Bytes::from_static(ROTATE_BODY);
    assert_eq!(body.len(), 84);
    let now = 1767225610;
    let ok = |secrets: &[&str], header: String| {
        verifier(secrets, now).verify(&headers(&header), body.clone())
    };
    assert!(ok(&[OLD], format!("t=1767225600,v1={SIG_NEW},v1={SIG_OLD}")).is_ok());
    assert!(ok(&[NEW], format!("t=1767225600,v1={SIG_NEW},v1={SIG_OLD}")).is_ok());
    assert!(ok(&[OLD], format!("t=1767225600,v1={SIG_OLD},v1={z64}")).is_ok());
    assert!(ok(&[OLD], format!("t=1767225600,v1={z64},v1={SIG_OLD}")).is_ok());
    assert_eq!(
        ok(&[OLD], format!("t=1767225600,v0={SIG_OLD}"))
            .unwrap_err()
            .reason(),
        Reason::NoV1Signature
    );
    let rotated = ok(&[OLD, NEW], format!("t=1767225600,v1={SIG_NEW}")).unwrap();
    assert_eq!(rotated.matched_secret(), 1);
    assert!(matches!(
        ok(&[OLD], format!("t=1767225600,v1={SIG_OLD},t=1767225999")),
        Err(VerifyError::MalformedHeader { .. })
    ));
    // Whitespace around items and upper-case hex carry the same signature.
    let spaced = format!(" t=1767225600 , v1={} ", SIG_OLD.to_uppercase());
    assert!(ok(&[OLD], spaced).is_ok());
}

// Field case B03: the window is checked both ways, inclusively, without overflow.
#[test]
fn b03_tolerance_both_ways() {
    let body = Bytes::from_static(ROTATE_BODY);
    let h = headers(&format!("t=1767225600,v1={SIG_OLD}"));
    let at = |now| verifier(&[OLD], now).verify(&h, body.clone());
    assert!(at(1767225900).is_ok());
    assert_eq!(
        at(1767225901),
        Err(VerifyError::TimestampTooOld {
            age_s: 301,
            tolerance_s: 300
        })
    );
    assert!(at(1767225301).is_ok());
    assert_eq!(
        at(1767225299),
        Err(VerifyError::TimestampInFuture {
            ahead_s: 301,
            tolerance_s: 300
        })
    );
    for t in [
        "17672256OO",
        "99999999999999999999",
        "",
        "-1767225600",
        "1767225600.0",
    ] {
        let h = headers(&format!("t={t},v1={SIG_OLD}"));
        assert!(
            matches!(
                verifier(&[OLD], 1767225600).verify(&h, body.clone()),
                Err(VerifyError::MalformedHeader { .. })
            ),
            "t={t}"
        );
    }
    assert!(Tolerance::new(std::time::Duration::ZERO).is_err());
    let stored = verifier(&[OLD], 1867225600).with_tolerance(Tolerance::unchecked());
    assert!(stored.verify(&h, body).is_ok());
}

// Field case B26: nothing passes without a header and a secret.
#[test]
fn b26_fails_closed() {
    let body = Bytes::from_static(ROTATE_BODY);
    let v = verifier(&[OLD], 1767225600);
    let err = v.verify(&HeaderMap::new(), body.clone()).unwrap_err();
    assert_eq!(
        err,
        VerifyError::MissingHeader {
            name: SIGNATURE_HEADER
        }
    );
    assert!(err.to_string().contains("proxy"));
    assert_eq!(err.status_code(), 400);
    let mut empty = HeaderMap::new();
    empty.insert("Stripe-Signature", HeaderValue::from_static(""));
    assert_eq!(
        v.verify(&empty, body.clone()).unwrap_err().reason(),
        Reason::MissingHeader
    );
    assert!(matches!(
        StripeVerifier::new(std::iter::empty()),
        Err(ConfigError::MissingSecret)
    ));
    assert!(matches!(
        StripeVerifier::new([&Secret::new("sk_test_made_up").unwrap()]),
        Err(ConfigError::InvalidSecret(InvalidSecret::WrongKind { .. }))
    ));
    assert_eq!(
        v.verify(&headers("t=1"), Bytes::new()),
        Err(VerifyError::EmptyBody)
    );
}

#[test]
fn signing_round_trips() {
    let secret = Secret::new(WHSEC).unwrap();
    let header = sign(&secret, 1767225600, ROTATE_BODY);
    let delivery = verifier(&[WHSEC], 1767225600)
        .verify(&headers(&header), Bytes::from_static(ROTATE_BODY))
        .unwrap();
    assert_eq!(delivery.provider(), Provider::Stripe);
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn no_header_or_body_panics(header in ".{0,300}", body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let v = verifier(&[OLD], 1767225600);
            let mut map = HeaderMap::new();
            if let Ok(value) = HeaderValue::from_str(&header) {
                map.insert("Stripe-Signature", value);
            }
            let _ = v.verify(&map, Bytes::from(body));
        }

        #[test]
        fn structured_headers_never_panic(
            items in proptest::collection::vec(("[tv0-9 ]{0,3}", "[0-9a-fA-F=, ]{0,70}"), 0..6),
        ) {
            let header: Vec<String> = items.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let v = verifier(&[OLD], 1767225600);
            if let Ok(value) = HeaderValue::from_str(&header.join(",")) {
                let mut map = HeaderMap::new();
                map.insert("Stripe-Signature", value);
                let _ = v.verify(&map, Bytes::from_static(ROTATE_BODY));
            }
        }

        #[test]
        fn sign_then_verify_round_trips(body in proptest::collection::vec(any::<u8>(), 1..512), t in 0i64..4_000_000_000) {
            let secret = Secret::new(WHSEC).unwrap();
            let header = sign(&secret, t, &body);
            let v = verifier(&[WHSEC], t);
            prop_assert!(v.verify(&headers(&header), Bytes::from(body)).is_ok());
        }
    }
}
