//! Retries, delays, idempotency keys and error decoding against a local mock server.

#![cfg(feature = "http")]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{StripeLike, builder};
use proign_core::http::{ErrorKind, Request};
use proign_core::retry::RetryPolicy;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const FORM: &str =
    "amount=1999&currency=usd&customer=cus_PrgnTest000001&payment_method=pm_card_visa&confirm=true";
const REPLAY: &str = r#"{"id":"pi_3PrgnTest0000000001","object":"payment_intent","amount":1999,"currency":"usd","status":"succeeded"}"#;

fn create_intent() -> Request {
    Request::post("create_payment_intent", "/v1/payment_intents")
        .body(FORM, "application/x-www-form-urlencoded")
}

async fn first_then(server: &MockServer, first: ResponseTemplate, times: u64) {
    Mock::given(method("POST"))
        .and(path("/v1/payment_intents"))
        .respond_with(first)
        .up_to_n_times(times)
        .expect(times)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/payment_intents"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(REPLAY, "application/json"))
        .expect(1)
        .with_priority(2)
        .mount(server)
        .await;
}

async fn timed_call(server: &MockServer) -> Duration {
    let client = builder(Arc::new(StripeLike), &server.uri())
        .build()
        .unwrap();
    let started = Instant::now();
    let response = client.send(create_intent()).await.unwrap();
    assert_eq!(
        response.json::<serde_json::Value>().unwrap()["id"],
        "pi_3PrgnTest0000000001"
    );
    started.elapsed()
}

fn assert_waited(elapsed: Duration, asked: Duration) {
    assert!(elapsed >= asked, "waited {elapsed:?}, asked {asked:?}");
    assert!(
        elapsed < asked + Duration::from_millis(900),
        "waited {elapsed:?}, asked {asked:?}"
    );
}

#[tokio::test]
async fn retry_after_two_seconds() {
    let server = MockServer::start().await;
    first_then(
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", "2"),
        1,
    )
    .await;
    assert_waited(timed_call(&server).await, Duration::from_secs(2));
}

#[tokio::test]
async fn retry_after_one_and_a_half_seconds() {
    let server = MockServer::start().await;
    first_then(
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", "1.5"),
        1,
    )
    .await;
    assert_waited(timed_call(&server).await, Duration::from_millis(1_500));
}

/// Field case B10 over the wire: an HTTP date one second after the (fixed) clock's now.
#[tokio::test]
async fn retry_after_http_date() {
    let server = MockServer::start().await;
    let date = "Thu, 01 Jan 2026 00:00:01 GMT";
    first_then(
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", date),
        1,
    )
    .await;
    assert_waited(timed_call(&server).await, Duration::from_secs(1));
}

#[tokio::test]
async fn b10_a_long_wait_is_handed_back_not_slept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "120"))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(Arc::new(StripeLike), &server.uri())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .send(Request::get("list", "/v1/x"))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
}

#[tokio::test]
async fn service_unavailable_without_header_backs_off() {
    let server = MockServer::start().await;
    first_then(&server, ResponseTemplate::new(503), 2).await;
    // 100 ms, then 200 ms.
    assert_waited(timed_call(&server).await, Duration::from_millis(300));
}

#[tokio::test]
async fn stripe_should_retry_false_is_final() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("Stripe-Should-Retry", "false")
                .set_body_raw(r#"{"error":{"type":"api_error"}}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(Arc::new(StripeLike), &server.uri())
        .build()
        .unwrap();
    let err = client.send(create_intent()).await.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Server);
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_validation_error_is_not_retried() {
    let server = MockServer::start().await;
    let body = r#"{"error":{"type":"invalid_request_error","code":"parameter_invalid_integer","param":"amount"}}"#;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("Request-Id", "req_PrgnBad01")
                .set_body_raw(body, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(Arc::new(StripeLike), &server.uri())
        .build()
        .unwrap();
    let err = client.send(create_intent()).await.unwrap_err();
    let expected = ErrorKind::InvalidRequest {
        field: Some("amount".into()),
        code: Some("parameter_invalid_integer".into()),
    };
    assert_eq!(err.kind(), &expected);
    assert_eq!(err.request_id(), Some("req_PrgnBad01"));
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn an_html_502_is_an_undecodable_response_with_an_excerpt() {
    let server = MockServer::start().await;
    let page = "<html><body>502 Bad Gateway</body></html>";
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(page, "text/html"))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(Arc::new(StripeLike), &server.uri())
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let err = client
        .send(Request::get("list", "/v1/x"))
        .await
        .unwrap_err();
    let expected = ErrorKind::Undecodable {
        content_type: Some("text/html".into()),
        excerpt: page.into(),
    };
    assert_eq!(err.kind(), &expected);
    assert_eq!(err.status(), Some(502));
    assert!(err.is_retryable());
    assert!(err.to_string().contains("502 Bad Gateway"), "{err}");
}

/// Field case B13: a timed-out attempt, an HTML 502, a key-in-use 409, then the replay; the
/// mock sees four byte-identical requests with one key.
#[tokio::test]
async fn b13_same_key_and_same_bytes_on_every_attempt() {
    let server = MockServer::start().await;
    let slow = ResponseTemplate::new(200).set_delay(Duration::from_millis(600));
    let bad_gateway = ResponseTemplate::new(502)
        .set_body_raw("<html><body>502 Bad Gateway</body></html>", "text/html");
    let in_use = ResponseTemplate::new(409).set_body_raw(
        r#"{"error":{"code":"idempotency_key_in_use","type":"invalid_request_error","message":"mock: another request with this key is still running"}}"#,
        "application/json",
    );
    for (priority, reply) in [(1, slow), (2, bad_gateway), (3, in_use)] {
        Mock::given(method("POST"))
            .and(path("/v1/payment_intents"))
            .and(header("content-length", "93"))
            .respond_with(reply)
            .up_to_n_times(1)
            .expect(1)
            .with_priority(priority)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(REPLAY, "application/json"))
        .expect(1)
        .with_priority(4)
        .mount(&server)
        .await;
    let client = builder(Arc::new(StripeLike), &server.uri())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let response = client.send(create_intent()).await.unwrap();
    assert_eq!(
        response.json::<serde_json::Value>().unwrap()["id"],
        "pi_3PrgnTest0000000001"
    );

    let seen = server.received_requests().await.unwrap();
    assert_eq!(seen.len(), 4);
    let key = seen[0].headers.get("idempotency-key").unwrap().clone();
    for request in &seen {
        assert_eq!(request.body, FORM.as_bytes());
        assert_eq!(request.headers.get("idempotency-key"), Some(&key));
        let ua = request.headers.get("user-agent").unwrap().to_str().unwrap();
        assert!(ua.starts_with("proign/"), "{ua}");
    }
}
