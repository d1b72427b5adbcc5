//! Sending: idempotency keys across retries, batch limits, scheduled emails, errors, and
//! the client-side rate budget.

mod common;

use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use proign_core::retry::RetryPolicy;
use proign_resend::{BatchValidation, Email, Error, ErrorName, MAX_BATCH, ResendClient};
use wiremock::matchers::{body_string, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn email() -> Email {
    Email::new(
        "Shop <orders@shop.example>",
        "zoe@example.com",
        "Your order",
    )
    .text("Thanks")
}

#[tokio::test]
async fn a_429_is_retried_after_its_time_with_the_same_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/emails"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_raw(
                    r#"{"statusCode":429,"message":"Too many requests.","name":"rate_limit_exceeded"}"#,
                    "application/json",
                ),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/emails"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"id":"e1"}"#, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    // The policy allows waits up to 2 s, so the asked 1 s is honoured.
    let config = common::config(&server.uri()).retry(
        RetryPolicy::default()
            .with_base_delay(Duration::from_millis(1))
            .with_max_delay(Duration::from_secs(2)),
    );
    let started = Instant::now();
    let sent = ResendClient::new(config)
        .unwrap()
        .send(&email())
        .await
        .unwrap();
    assert_eq!(sent.id, "e1");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    let received = server.received_requests().await.unwrap();
    let keys: Vec<_> = received
        .iter()
        .map(|r| r.headers.get("idempotency-key").unwrap().clone())
        .collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1]);
}

#[tokio::test]
async fn a_5xx_is_retried_with_the_same_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/emails"))
        .respond_with(ResponseTemplate::new(500).set_body_raw(
            r#"{"statusCode":500,"message":"Unexpected error.","name":"application_error"}"#,
            "application/json",
        ))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/emails"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"id":"e2"}"#, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    common::client(&server.uri()).send(&email()).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(
        received[0].headers.get("idempotency-key"),
        received[1].headers.get("idempotency-key")
    );
}

#[tokio::test]
async fn a_daily_quota_429_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).set_body_raw(
            r#"{"statusCode":429,"message":"You have reached your daily email sending quota.","name":"daily_quota_exceeded"}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = common::client(&server.uri())
        .send(&email())
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Api {
                status: 429,
                name: ErrorName::DailyQuotaExceeded,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn error_bodies_are_mapped() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(422).set_body_raw(
            r#"{"statusCode":422,"message":"Invalid `from` field.","name":"invalid_from_address"}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = common::client(&server.uri())
        .send(&email())
        .await
        .unwrap_err();
    match &err {
        Error::Api {
            status,
            name,
            message,
            ..
        } => {
            assert_eq!(*status, 422);
            assert_eq!(*name, ErrorName::InvalidFromAddress);
            assert_eq!(message.as_deref(), Some("Invalid `from` field."));
        }
        other => panic!("{other:?}"),
    }
    assert!(!format!("{err} {err:?}").contains(common::KEY));
}

#[tokio::test]
async fn an_unknown_error_name_is_kept_and_html_is_undecodable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/emails/a"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            r#"{"statusCode":400,"message":"?","name":"brand_new_error"}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/emails/b"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>", "text/html"))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server.uri());
    let err = client.get("a").await.unwrap_err();
    assert!(
        matches!(err, Error::Api { name: ErrorName::Other(ref n), .. } if n == "brand_new_error")
    );
    let err = client.get("b").await.unwrap_err();
    assert!(matches!(
        err,
        Error::Http(ref e) if matches!(e.kind(), proign_core::http::ErrorKind::Undecodable { .. })
    ));
    assert!(matches!(
        client.get("../x").await,
        Err(Error::InvalidInput { .. })
    ));
}

#[tokio::test]
async fn a_batch_of_101_is_refused_before_sending() {
    let server = MockServer::start().await;
    let client = common::client(&server.uri());
    let many = vec![email(); MAX_BATCH + 1];
    let err = client
        .send_batch(&many, BatchValidation::Strict)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { what: "batch", .. }));
    let scheduled = [email().scheduled_at("in 1 hour")];
    assert!(
        client
            .send_batch(&scheduled, BatchValidation::Strict)
            .await
            .is_err()
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_batch_of_100_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/emails/batch"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"data":[]}"#, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let many = vec![email(); MAX_BATCH];
    common::client(&server.uri())
        .send_batch(&many, BatchValidation::Strict)
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(body.as_array().unwrap().len(), 100);
    assert_eq!(
        received[0].headers.get("x-batch-validation").unwrap(),
        "strict"
    );
}

#[tokio::test]
async fn a_scheduled_email_is_rescheduled_and_cancelled() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/emails/e1"))
        .and(body_string(
            r#"{"scheduled_at":"2026-01-03T09:00:00.000Z"}"#,
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"object":"email","id":"e1"}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/emails/e1/cancel"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"object":"email","id":"e1"}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server.uri());
    let moved = client
        .reschedule("e1", "2026-01-03T09:00:00.000Z")
        .await
        .unwrap();
    assert_eq!(moved.id, "e1");
    let cancelled = client.cancel("e1").await.unwrap();
    assert_eq!(cancelled.id, "e1");
}

#[tokio::test]
async fn the_default_budget_spaces_calls_at_two_per_second() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"id":"e"}"#, "application/json"))
        .expect(3)
        .mount(&server)
        .await;
    let config = common::config(&server.uri()).requests_per_second(NonZeroU32::new(2).unwrap());
    let client = ResendClient::new(config).unwrap();
    let started = Instant::now();
    for _ in 0..3 {
        client.send(&email()).await.unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
}
