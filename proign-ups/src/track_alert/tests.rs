use http::HeaderValue;
use proign_core::webhook::Reason;

use super::*;

const CRED: &str = "prgn-ups-callback-cred-7d1f0c2a";
const B23_BODY: &[u8] = br#"{"trackingNumber":"1ZPRGN000000000001","localActivityDate":"20260101","localActivityTime":"091500","activityLocation":{"city":"Atlanta","stateProvince":"GA","postalCode":"","country":"US"},"activityStatus":{"type":"I","code":"OR","description":"On the Way"},"scheduledDeliveryDate":"20260103","actualDeliveryDate":"","actualDeliveryTime":"","gmtActivityDate":"20260101","gmtActivityTime":"141500","deliveryStartTime":"","deliveryEndTime":"","deliveryTimeDescription":"","deliveryPhoto":""}"#;

fn verifier() -> TrackAlertVerifier {
    TrackAlertVerifier::new([&Secret::new(CRED).unwrap()]).unwrap()
}

fn with(name: &'static str, value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(name, HeaderValue::from_str(value).unwrap());
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers
}

// Field case B23: the callback's credential, its blank fields and its deduplication.
#[test]
fn b23_callback() {
    let callback = verifier()
        .verify(&with("credential", CRED), Bytes::from_static(B23_BODY))
        .unwrap();
    let event = callback.event();
    assert_eq!(event.tracking_number, "1ZPRGN000000000001");
    assert_eq!(event.actual_delivery_date, None);
    let location = event.activity_location.as_ref().unwrap();
    assert_eq!(location.postal_code, None);
    assert_eq!(location.city.as_deref(), Some("Atlanta"));
    assert_eq!(
        event.scheduled_delivery(),
        NaiveDate::from_ymd_opt(2026, 1, 3)
    );
    assert_eq!(event.gmt_time(), NaiveTime::from_hms_opt(14, 15, 0));
    assert!(!event.is_delivered());
    assert_eq!(
        callback.delivery().id(),
        Some("1ZPRGN000000000001:20260101:141500:OR")
    );

    let again = verifier()
        .verify(&with("credential", CRED), Bytes::from_static(B23_BODY))
        .unwrap();
    assert_eq!(again.delivery().id(), callback.delivery().id());

    let bearer = verifier().verify(
        &with("authorization", &format!("Bearer {CRED}")),
        Bytes::from_static(B23_BODY),
    );
    assert!(bearer.is_ok());
}

#[test]
fn b23_wrong_or_missing_credential_is_refused() {
    let wrong = verifier()
        .verify(
            &with("credential", "prgn-ups-callback-cred-XXXXXXXX"),
            Bytes::from_static(B23_BODY),
        )
        .unwrap_err();
    assert_eq!(wrong, VerifyError::CredentialMismatch);
    assert_eq!(wrong.reason(), Reason::BadSignature);
    assert_eq!(wrong.status_code(), 401);
    // UPS signs nothing: the message must not send the operator looking at the body.
    assert!(!wrong.to_string().contains("body"), "{wrong}");
    let missing = verifier()
        .verify(&HeaderMap::new(), Bytes::from_static(B23_BODY))
        .unwrap_err();
    assert_eq!(missing, VerifyError::MissingHeader { name: "credential" });
    let not_json = verifier()
        .verify(&with("credential", CRED), Bytes::from_static(b"<html>"))
        .unwrap_err();
    assert_eq!(not_json.reason(), Reason::MalformedBody);
    let debug = format!("{:?}", verifier());
    assert!(!debug.contains(CRED), "{debug}");
}

#[test]
fn a_body_without_a_tracking_number_is_malformed() {
    for body in [
        &b"{}"[..],
        b"[]",
        br#"{"trackingNumber":""}"#,
        br#"{"trackingNumber":"  "}"#,
    ] {
        let err = verifier()
            .verify(&with("credential", CRED), Bytes::copy_from_slice(body))
            .unwrap_err();
        assert!(
            matches!(err, VerifyError::MalformedBody { .. }),
            "{:?} gave {err:?}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn malformed_body_detail_never_quotes_the_body() {
    let leaky = br#"{"trackingNumber":"1ZPRGN000000000001","activityStatus":"SECRET-CONTENT-42"}"#;
    let err = verifier()
        .verify(&with("credential", CRED), Bytes::from_static(leaky))
        .unwrap_err();
    let VerifyError::MalformedBody { problem } = &err else {
        panic!("{err:?}");
    };
    assert!(!problem.contains("SECRET-CONTENT"), "{problem}");
    assert!(problem.contains("line 1 column"), "{problem}");
    let truncated = verifier()
        .verify(
            &with("credential", CRED),
            Bytes::from_static(br#"{"trackingNumber":"1Z"#),
        )
        .unwrap_err();
    assert!(!truncated.to_string().contains("1Z"), "{truncated}");
}

#[test]
fn bearer_scheme_is_case_insensitive() {
    for scheme in ["bearer", "BEARER", "Bearer", "bEaReR"] {
        let headers = with("authorization", &format!("{scheme} {CRED}"));
        assert!(
            verifier()
                .verify(&headers, Bytes::from_static(B23_BODY))
                .is_ok(),
            "{scheme}"
        );
    }
    let basic = with("authorization", &format!("Basic {CRED}"));
    assert!(
        verifier()
            .verify(&basic, Bytes::from_static(B23_BODY))
            .is_err()
    );
}

#[test]
fn delivery_exposes_body_and_a_short_debug() {
    let callback = verifier()
        .verify(&with("credential", CRED), Bytes::from_static(B23_BODY))
        .unwrap();
    assert_eq!(callback.body().as_ref(), B23_BODY);
    let debug = format!("{callback:?}");
    assert!(
        debug.contains("1ZPRGN000000000001") && debug.contains("\"OR\""),
        "{debug}"
    );
    assert!(!debug.contains("Atlanta"), "{debug}");
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn no_input_panics(cred in ".{0,64}", body in proptest::collection::vec(any::<u8>(), 0..512)) {
            if let Ok(value) = HeaderValue::from_str(&cred) {
                let mut headers = HeaderMap::new();
                headers.insert("credential", value);
                let _ = verifier().verify(&headers, Bytes::from(body));
            }
        }
    }
}
