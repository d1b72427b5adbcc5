use super::*;
use crate::clock::FixedClock;

fn secret(text: &str) -> Secret {
    Secret::new(text).unwrap()
}

fn headers(id: &str, ts: &str, sig: &str) -> HeaderMap {
    let mut map = HeaderMap::new();
    map.insert("svix-id", HeaderValue::from_str(id).unwrap());
    map.insert("svix-timestamp", HeaderValue::from_str(ts).unwrap());
    map.insert("svix-signature", HeaderValue::from_str(sig).unwrap());
    map
}

fn verifier(secrets: &[&str], now: i64) -> StandardVerifier {
    let secrets: Vec<Secret> = secrets.iter().map(|s| secret(s)).collect();
    StandardVerifier::new(&secrets)
        .unwrap()
        .with_clock(FixedClock::at_unix(now))
}

const REF_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const REF_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const REF_BODY: &[u8] = br#"{"test": 2432232314}"#;
const REF_SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

#[test]
fn reference_vector_signs_and_verifies() {
    let signer = StandardSigner::new(&secret(REF_SECRET)).unwrap();
    assert_eq!(
        signer.signature(REF_ID, 1614265330, REF_BODY).unwrap(),
        REF_SIG
    );
    for id in ["", " padded", "msg_\u{e9}", "a\nb"] {
        assert_eq!(
            signer.signature(id, 1, b"{}"),
            Err(SignError::InvalidId),
            "{id:?}"
        );
    }
    assert_eq!(
        signer.headers(REF_ID, -5, b"{}"),
        Err(SignError::NegativeTimestamp)
    );
    let v = verifier(&[REF_SECRET], 1614265330);
    let delivery = v
        .verify(
            &headers(REF_ID, "1614265330", REF_SIG),
            Bytes::from_static(REF_BODY),
        )
        .unwrap();
    assert_eq!(delivery.id(), Some(REF_ID));
    assert_eq!(delivery.timestamp(), Some(1614265330));
    assert_eq!(delivery.matched_secret(), 0);
}

#[test]
fn svix_crate_vector_and_decoys() {
    let secret_text = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    let id = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";
    let body = Bytes::from_static(br#"{"email":"test@example.com","username":"test_user"}"#);
    let good = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";
    let decoys = "v1,tFtCZ5RDCPxzWQRWXWPgrCgE2frDBe9gjpbWQxnVfsQ= \
                  v1,Mm7xgUVICxZfQ3bgf0h0Dof65L/IFx+PnZvnDWPCX6Q= \
                  v1,9DfC1c3eeOrXB6w/5dIDydLNQaEyww5KalE5jLBZucE=";
    let v = verifier(&[secret_text], 1649367553);
    let ts = "1649367553";
    assert!(v.verify(&headers(id, ts, good), body.clone()).is_ok());
    let with_real = format!("{decoys} {good}");
    assert!(v.verify(&headers(id, ts, &with_real), body.clone()).is_ok());
    assert_eq!(
        v.verify(&headers(id, ts, decoys), body.clone()),
        Err(VerifyError::SignatureMismatch)
    );
    let negative = "v1,R3PTzyfHASBKHH98a7yexTwaJ4yNIcGhFQc1yuN+BPU=";
    assert_eq!(
        v.verify(&headers(id, ts, negative), body.clone()),
        Err(VerifyError::SignatureMismatch)
    );
    for broken in ["v1,", "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kk"] {
        assert_eq!(
            v.verify(&headers(id, ts, broken), body.clone()),
            Err(VerifyError::SignatureMismatch),
            "{broken}"
        );
    }
    // Signed for ts, sent as ts + 1.
    assert_eq!(
        v.verify(&headers(id, "1649367554", good), body),
        Err(VerifyError::SignatureMismatch)
    );
}

#[test]
fn derived_negatives_fail() {
    let v = verifier(&[REF_SECRET], 1614265331);
    let off_by_one = "v1,l6C9/1+N/lSU6+gfh+YEGqTK2aQ+k8nMEWDvvCgHh7U=";
    assert_eq!(
        v.verify(
            &headers(REF_ID, "1614265330", off_by_one),
            Bytes::from_static(REF_BODY)
        ),
        Err(VerifyError::SignatureMismatch)
    );
    let literal_key = "v1,TcxlhK9b6UD6iVI1ZU2tTqp8PEVfYRseNNfa6b+LcUg=";
    assert_eq!(
        v.verify(
            &headers(REF_ID, "1614265330", literal_key),
            Bytes::from_static(REF_BODY)
        ),
        Err(VerifyError::SignatureMismatch)
    );
}

#[test]
fn timestamps_outside_the_window_fail_both_ways() {
    let h = headers(REF_ID, "1614265330", REF_SIG);
    let body = Bytes::from_static(REF_BODY);
    assert!(
        verifier(&[REF_SECRET], 1614265330 + 300)
            .verify(&h, body.clone())
            .is_ok()
    );
    assert!(matches!(
        verifier(&[REF_SECRET], 1614265330 + 301).verify(&h, body.clone()),
        Err(VerifyError::TimestampTooOld { age_s: 301, .. })
    ));
    assert!(matches!(
        verifier(&[REF_SECRET], 1614265330 - 301).verify(&h, body.clone()),
        Err(VerifyError::TimestampInFuture { ahead_s: 301, .. })
    ));
    let unchecked = verifier(&[REF_SECRET], 0).with_tolerance(Tolerance::unchecked());
    assert!(unchecked.verify(&h, body.clone()).is_ok());
    for bad in [
        "-1614265330",
        "1614265330x",
        "161426533.0",
        "invalid timestamp",
    ] {
        assert!(
            matches!(
                verifier(&[REF_SECRET], 1614265330)
                    .verify(&headers(REF_ID, bad, REF_SIG), body.clone()),
                Err(VerifyError::MalformedHeader { .. })
            ),
            "{bad}"
        );
    }
}

#[test]
fn every_header_is_required() {
    let full = headers(REF_ID, "1614265330", REF_SIG);
    for name in ["svix-id", "svix-timestamp", "svix-signature"] {
        let mut h = full.clone();
        h.remove(name);
        let err = verifier(&[REF_SECRET], 1614265330)
            .verify(&h, Bytes::from_static(REF_BODY))
            .unwrap_err();
        assert_eq!(
            err.reason(),
            crate::webhook::Reason::MissingHeader,
            "{name}"
        );
        assert!(err.to_string().contains("proxy"), "{err}");
    }
}

// Field case B07: secrets are decoded strictly, once, at construction.
#[test]
fn secrets_are_decoded_strictly() {
    let padded = "whsec_cHJnbi1yZXNlbmQtc2lnbmluZy1rZXktMzJieXRlcyE=";
    let key = decode_secret(padded).unwrap();
    assert_eq!(key.as_slice(), b"prgn-resend-signing-key-32bytes!");
    assert_eq!(decode_secret(&padded[..padded.len() - 1]).unwrap(), key);
    assert_eq!(decode_secret(&padded["whsec_".len()..]).unwrap(), key);
    assert!(matches!(
        decode_secret("whsec_xyz!"),
        Err(InvalidSecret::NotBase64 { position: 3 })
    ));
    let err = decode_secret(&format!("v1,{padded}")).unwrap_err();
    assert_eq!(err, InvalidSecret::SignaturePrefix);
    assert!(err.to_string().contains("signature prefix"));
    assert_eq!(
        decode_secret("whsec_AAAA"),
        Err(InvalidSecret::TooShort { len: 3, min: 16 })
    );
    assert!(decode_secret("whsec_cHJn=bi1y").is_err());
    assert!(matches!(
        StandardVerifier::new([&secret("whsec_xyz!")]),
        Err(ConfigError::InvalidSecret(_))
    ));
}

#[test]
fn rotation_reports_the_matching_secret() {
    let old = "whsec_cHJnbi1yZXNlbmQtc2lnbmluZy1rZXktMzJieXRlcyE=";
    let new = "whsec_cHJnbi1yZXNlbmQtcm90YXRlZC1rZXktMzJieXRlcyE=";
    let signer = StandardSigner::new(&secret(new))
        .unwrap()
        .with_brand(HeaderBrand::Svix);
    let h = signer.headers("msg_1", 1_767_225_600, b"{}").unwrap();
    assert!(h.contains_key("svix-signature"));
    let delivery = verifier(&[old, new], 1_767_225_600)
        .verify(&h, Bytes::from_static(b"{}"))
        .unwrap();
    assert_eq!(delivery.matched_secret(), 1);
}

#[test]
fn body_limit_applies_before_hashing() {
    let v = verifier(&[REF_SECRET], 1614265330).with_body_limit(8);
    assert_eq!(
        v.verify(
            &headers(REF_ID, "1614265330", REF_SIG),
            Bytes::from_static(REF_BODY)
        ),
        Err(VerifyError::BodyTooLarge { len: 20, limit: 8 })
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn no_headers_or_body_panic(
            id in ".{0,40}",
            ts in ".{0,24}",
            sig in ".{0,200}",
            body in proptest::collection::vec(any::<u8>(), 0..256),
        ) {
            let mut map = HeaderMap::new();
            for (name, value) in [("webhook-id", id), ("svix-timestamp", ts), ("webhook-signature", sig)] {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    map.insert(name, value);
                }
            }
            let _ = verifier(&[REF_SECRET], 1614265330).verify(&map, Bytes::from(body));
        }

        #[test]
        fn secrets_never_panic(text in ".{0,80}") {
            let _ = decode_secret(&text);
        }

        #[test]
        fn sign_then_verify_round_trips(
            id in "[a-zA-Z0-9_]{1,40}",
            ts in 0i64..4_000_000_000,
            body in proptest::collection::vec(any::<u8>(), 0..512),
        ) {
            let signer = StandardSigner::new(&secret(REF_SECRET)).unwrap();
            let h = signer.headers(&id, ts, &body).unwrap();
            let delivery = verifier(&[REF_SECRET], ts).verify(&h, Bytes::from(body)).unwrap();
            prop_assert_eq!(delivery.id(), Some(id.as_str()));
        }
    }
}
