//! Field case B23: Track Alert subscription with partial success, pre-check and chunking.

mod common;

use common::*;
use proign_core::secret::Secret;
use proign_ups::subscription::SubscribeRequest;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, ResponseTemplate};

const CRED: &str = "prgn-ups-callback-cred-7d1f0c2a";
const PATH: &str = "/api/track/v1/subscription/standard/package";

fn subscribe(numbers: &[&str]) -> SubscribeRequest {
    SubscribeRequest::new(
        numbers.iter().copied(),
        "https://hooks.example.test/ups",
        Secret::new(CRED).unwrap(),
    )
}

/// B23 exactly: both numbers sent, UPS accepts one and refuses the other.
#[tokio::test]
async fn b23_partial_success_is_reported() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .and(header("transactionSrc", "proign-tests"))
        .and(body_json(json!({
            "locale": "en_US",
            "countryCode": "US",
            "trackingNumberList": ["1ZPRGN000000000001", "1ZPRGN00000000$002"],
            "destination": {
                "url": "https://hooks.example.test/ups",
                "credentialType": "Bearer",
                "credential": CRED
            }
        })))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"validTrackingNumbers":["1ZPRGN000000000001"],"invalidTrackingNumbers":["1ZPRGN00000000$002"]}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let request = subscribe(&["1ZPRGN000000000001", "1ZPRGN00000000$002"]).without_precheck();
    let subscription = client(&server).subscribe_tracking(&request).await.unwrap();
    assert_eq!(subscription.valid, ["1ZPRGN000000000001"]);
    assert_eq!(subscription.invalid, ["1ZPRGN00000000$002"]);
    assert!(!subscription.is_complete());
    assert!(!format!("{request:?}").contains(CRED));
}

/// B23 with the client-side check: the malformed number is never sent.
#[tokio::test]
async fn b23_precheck_refuses_malformed_numbers_locally() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"validTrackingNumbers":["1ZPRGN000000000001"],"invalidTrackingNumbers":[]}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let request = subscribe(&["1ZPRGN000000000001", "1ZPRGN00000000$002"]);
    let subscription = client(&server).subscribe_tracking(&request).await.unwrap();
    assert_eq!(subscription.valid, ["1ZPRGN000000000001"]);
    assert_eq!(subscription.invalid, ["1ZPRGN00000000$002"]);
    assert_eq!(subscription.malformed, ["1ZPRGN00000000$002"]);
    let requests = server.received_requests().await.unwrap();
    let sent = requests.iter().find(|r| r.url.path() == PATH).unwrap();
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["trackingNumberList"], json!(["1ZPRGN000000000001"]));
}

/// B23: 250 numbers go out as 100 + 100 + 50.
#[tokio::test]
async fn b23_numbers_are_sent_in_chunks_of_100() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .respond_with(|request: &wiremock::Request| {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            let numbers = body["trackingNumberList"].clone();
            ResponseTemplate::new(200).set_body_json(json!({
                "validTrackingNumbers": numbers,
                "invalidTrackingNumbers": []
            }))
        })
        .expect(3)
        .mount(&server)
        .await;
    let numbers: Vec<String> = (0..250).map(|n| format!("1ZPRGN{n:012}")).collect();
    let refs: Vec<&str> = numbers.iter().map(String::as_str).collect();
    let subscription = client(&server)
        .subscribe_tracking(&subscribe(&refs))
        .await
        .unwrap();
    assert_eq!(subscription.valid, numbers);
    let sizes: Vec<usize> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == PATH)
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            body["trackingNumberList"].as_array().unwrap().len()
        })
        .collect();
    assert_eq!(sizes, [100, 100, 50]);
}
