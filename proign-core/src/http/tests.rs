//! The client's retry, idempotency and classification rules over a scripted transport, with
//! paused time so every delay is exact.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use tokio::time::Instant;

use super::*;
use crate::clock::FixedClock;
use crate::provider::Provider;
use crate::retry::{Jitter, RetryPolicy};

const T0: i64 = 1_767_225_600;

enum Reply {
    Respond(u16, Vec<(&'static str, &'static str)>, &'static str),
    Fail(TransportErrorKind),
}

#[derive(Debug, Default)]
struct Script {
    replies: Mutex<VecDeque<Reply>>,
    seen: Mutex<Vec<(Instant, TransportRequest)>>,
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reply")
    }
}

impl Script {
    fn new(replies: Vec<Reply>) -> Arc<Self> {
        Arc::new(Self {
            replies: Mutex::new(replies.into()),
            seen: Mutex::default(),
        })
    }

    /// The gaps between consecutive attempts.
    fn gaps(&self) -> Vec<Duration> {
        let seen = self.seen.lock().unwrap();
        seen.windows(2).map(|w| w[1].0 - w[0].0).collect()
    }

    fn attempts(&self) -> Vec<TransportRequest> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|s| s.1.clone())
            .collect()
    }
}

impl Transport for Script {
    fn send(
        &self,
        request: TransportRequest,
    ) -> BoxFuture<'_, Result<TransportResponse, TransportError>> {
        self.seen.lock().unwrap().push((Instant::now(), request));
        let reply = self
            .replies
            .lock()
            .unwrap()
            .pop_front()
            .expect("script ran out");
        Box::pin(async move {
            match reply {
                Reply::Fail(kind) => Err(TransportError::new(kind)),
                Reply::Respond(status, headers, body) => {
                    let mut map = HeaderMap::new();
                    for (k, v) in headers {
                        map.insert(HeaderName::from_static(k), HeaderValue::from_static(v));
                    }
                    Ok(TransportResponse {
                        status: StatusCode::from_u16(status).unwrap(),
                        headers: map,
                        body: Bytes::from_static(body.as_bytes()),
                    })
                }
            }
        })
    }
}

/// A profile with Stripe's habits: an `Idempotency-Key` header, `Stripe-Should-Retry`, and a
/// retryable `409 idempotency_key_in_use`.
#[derive(Debug)]
struct StripeLike;

impl ProviderProfile for StripeLike {
    fn provider(&self) -> Provider {
        Provider::Stripe
    }

    fn default_base_url(&self) -> &str {
        "https://api.stripe.test"
    }

    fn idempotency_header(&self) -> Option<HeaderName> {
        Some(HeaderName::from_static("idempotency-key"))
    }

    fn classify(&self, response: &Response, now: std::time::SystemTime) -> Classification {
        let retry = Classification::Retry {
            after: None,
            rate_limited: false,
            not_processed: false,
        };
        match response.header("stripe-should-retry") {
            Some("false") => return Classification::Fail,
            Some("true") => return retry,
            _ => {}
        }
        let in_use = self
            .decode_error(response)
            .and_then(|d| d.code)
            .is_some_and(|c| c == "idempotency_key_in_use");
        if response.status() == StatusCode::CONFLICT && in_use {
            return retry;
        }
        default_classification(response, now)
    }
}

fn client(script: &Arc<Script>, policy: RetryPolicy) -> Client {
    Client::builder(Arc::new(StripeLike))
        .transport(script.clone())
        .retry(policy)
        .clock(FixedClock::at_unix(T0))
        .build()
        .unwrap()
}

fn exact() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(4)
        .with_base_delay(Duration::from_millis(100))
        .with_max_delay(Duration::from_secs(60))
        .with_jitter(Jitter::None)
}

fn ok() -> Reply {
    Reply::Respond(200, vec![("request-id", "req_ok")], r#"{"id":"pi_1"}"#)
}

fn get() -> Request {
    Request::get("retrieve_thing", "/v1/things/1")
}

#[tokio::test(start_paused = true)]
async fn retry_after_seconds_decimals_and_dates_are_waited_exactly() {
    let cases = [
        ("2", Duration::from_secs(2)),
        ("1.5", Duration::from_millis(1_500)),
        ("Thu, 01 Jan 2026 00:00:30 GMT", Duration::from_secs(30)),
    ];
    for (value, wait) in cases {
        let script = Script::new(vec![
            Reply::Respond(429, vec![("retry-after", value)], ""),
            ok(),
        ]);
        let response = client(&script, exact()).send(get()).await.unwrap();
        assert_eq!(response.request_id(), Some("req_ok"));
        assert_eq!(script.gaps(), [wait], "Retry-After {value}");
    }
}

/// Field case B10 through the client: each header value, then the outcome.
#[tokio::test(start_paused = true)]
async fn b10_retry_after_through_the_client() {
    let waited = [
        ("2.0", Duration::from_millis(2_000)),
        ("0.25", Duration::from_millis(250)),
        ("30", Duration::from_secs(30)),
        ("Thu, 01 Jan 2026 00:00:30 GMT", Duration::from_secs(30)),
        ("Thursday, 01-Jan-26 00:00:30 GMT", Duration::from_secs(30)),
        ("Thu Jan  1 00:00:30 2026", Duration::from_secs(30)),
        ("Wed, 31 Dec 2025 23:59:50 GMT", Duration::ZERO),
        ("-5", Duration::from_millis(100)),
        ("soon", Duration::from_millis(100)),
        ("", Duration::from_millis(100)),
    ];
    for (value, wait) in waited {
        let script = Script::new(vec![
            Reply::Respond(429, vec![("retry-after", value)], ""),
            ok(),
        ]);
        client(&script, exact()).send(get()).await.unwrap();
        assert_eq!(script.gaps(), [wait], "Retry-After {value:?}");
    }
    for (value, asked) in [
        ("120", Duration::from_secs(120)),
        ("99999999999999999999", Duration::MAX),
    ] {
        let script = Script::new(vec![Reply::Respond(429, vec![("retry-after", value)], "")]);
        let err = client(&script, exact()).send(get()).await.unwrap_err();
        assert_eq!(
            err.kind(),
            &ErrorKind::RateLimited {
                retry_after: Some(asked)
            }
        );
        assert_eq!(err.retry_after(), Some(asked));
        assert!(err.is_retryable());
        assert_eq!(script.attempts().len(), 1, "Retry-After {value}");
    }
    // A date in the past still waits a little (jitter) and counts as an attempt.
    let script = Script::new(vec![
        Reply::Respond(
            429,
            vec![("retry-after", "Wed, 31 Dec 2025 23:59:50 GMT")],
            "",
        ),
        ok(),
    ]);
    client(&script, exact().with_jitter(Jitter::Full))
        .send(get())
        .await
        .unwrap();
    assert!(script.gaps()[0] <= Duration::from_millis(50));
}

#[tokio::test(start_paused = true)]
async fn server_errors_back_off_exponentially_then_give_up() {
    let script = Script::new(vec![
        Reply::Respond(503, vec![], ""),
        Reply::Respond(503, vec![], ""),
        Reply::Respond(503, vec![], ""),
        ok(),
    ]);
    client(&script, exact()).send(get()).await.unwrap();
    let ms = Duration::from_millis;
    assert_eq!(script.gaps(), [ms(100), ms(200), ms(400)]);

    let script = Script::new((0..4).map(|_| Reply::Respond(500, vec![], "{}")).collect());
    let err = client(&script, exact()).send(get()).await.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Server);
    assert_eq!(err.status(), Some(500));
    assert!(err.is_retryable());
    assert_eq!(script.attempts().len(), 4);
}

#[tokio::test(start_paused = true)]
async fn provider_hints_and_validation_errors_stop_retries() {
    let script = Script::new(vec![Reply::Respond(
        500,
        vec![("stripe-should-retry", "false")],
        "{}",
    )]);
    let err = client(&script, exact()).send(get()).await.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Server);
    assert!(!err.is_retryable());
    assert_eq!(script.attempts().len(), 1);

    let body =
        r#"{"error":{"type":"invalid_request_error","code":"parameter_missing","param":"amount"}}"#;
    let script = Script::new(vec![Reply::Respond(
        400,
        vec![("content-type", "application/json")],
        body,
    )]);
    let err = client(&script, exact()).send(get()).await.unwrap_err();
    let expected = ErrorKind::InvalidRequest {
        field: Some("amount".into()),
        code: Some("parameter_missing".into()),
    };
    assert_eq!(err.kind(), &expected);
    assert!(!err.is_retryable());
    assert_eq!(err.raw_body().unwrap().as_ref(), body.as_bytes());
    assert_eq!(script.attempts().len(), 1);
}

/// Field case B13 without sockets: timeout, HTML 502, key in use, success; four identical
/// attempts.
#[tokio::test(start_paused = true)]
async fn b13_every_attempt_is_byte_identical() {
    let in_use = r#"{"error":{"code":"idempotency_key_in_use","type":"invalid_request_error"}}"#;
    let script = Script::new(vec![
        Reply::Fail(TransportErrorKind::Timeout(TimeoutPhase::Response)),
        Reply::Respond(
            502,
            vec![("content-type", "text/html")],
            "<html><body>502 Bad Gateway</body></html>",
        ),
        Reply::Respond(409, vec![], in_use),
        ok(),
    ]);
    let request = Request::post("create_payment_intent", "/v1/payment_intents").form(&[
        ("amount", "1999"),
        ("currency", "usd"),
        ("customer", "cus_PrgnTest000001"),
        ("payment_method", "pm_card_visa"),
        ("confirm", "true"),
    ]);
    assert_eq!(request.body_bytes().len(), 93);
    client(&script, exact()).send(request).await.unwrap();
    let attempts = script.attempts();
    assert_eq!(attempts.len(), 4);
    let key = attempts[0].headers["idempotency-key"].clone();
    assert!(key.to_str().unwrap().starts_with("prgn-"));
    for attempt in &attempts {
        assert_eq!(attempt.body, attempts[0].body);
        assert_eq!(attempt.headers["idempotency-key"], key);
    }
}

#[tokio::test(start_paused = true)]
async fn unkeyed_posts_are_not_resent_once_they_may_have_arrived() {
    let post = || Request::post("create_shipment", "/ship");
    let unkeyed = |script: &Arc<Script>| {
        #[derive(Debug)]
        struct NoKeys;
        impl ProviderProfile for NoKeys {
            fn provider(&self) -> Provider {
                Provider::Ups
            }
            fn default_base_url(&self) -> &str {
                "https://ups.example.test"
            }
        }
        Client::builder(Arc::new(NoKeys))
            .transport(script.clone())
            .retry(exact())
            .build()
            .unwrap()
    };
    for (reply, expected) in [
        (
            Reply::Fail(TransportErrorKind::Timeout(TimeoutPhase::Response)),
            ErrorKind::Timeout {
                phase: TimeoutPhase::Response,
                outcome_unknown: true,
            },
        ),
        (
            Reply::Fail(TransportErrorKind::Disconnected),
            ErrorKind::Disconnected {
                outcome_unknown: true,
            },
        ),
        (Reply::Respond(502, vec![], ""), ErrorKind::Server),
    ] {
        let script = Script::new(vec![reply]);
        let err = unkeyed(&script).send(post()).await.unwrap_err();
        assert_eq!(err.kind(), &expected);
        assert!(!err.is_retryable());
        assert_eq!(script.attempts().len(), 1);
    }
    // Nothing reached the server, or the server says it did nothing: safe to send again.
    for first in [
        Reply::Fail(TransportErrorKind::Connect),
        Reply::Fail(TransportErrorKind::Timeout(TimeoutPhase::Connect)),
        Reply::Respond(429, vec![], ""),
    ] {
        let script = Script::new(vec![first, ok()]);
        unkeyed(&script).send(post()).await.unwrap();
        assert_eq!(script.attempts().len(), 2);
    }
    // A replay-safe POST (a query) and a caller-supplied key allow a resend.
    let script = Script::new(vec![Reply::Fail(TransportErrorKind::Disconnected), ok()]);
    unkeyed(&script).send(post().replay_safe()).await.unwrap();
    assert_eq!(script.attempts().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn the_deadline_stops_retries_early() {
    let script = Script::new(vec![
        Reply::Respond(503, vec![("retry-after", "0.8")], ""),
        Reply::Respond(503, vec![("retry-after", "0.8")], ""),
        ok(),
    ]);
    let policy = exact().with_deadline(Duration::from_secs(1));
    let err = client(&script, policy).send(get()).await.unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Server);
    assert_eq!(script.attempts().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_caller_key_is_sent_and_urls_are_joined() {
    let key =
        crate::idempotency::IdempotencyKey::parse("prgn-7f3c2a9e-1b4d-4e8a-9c61-0d2e5f7a8b90")
            .unwrap();
    let script = Script::new(vec![ok()]);
    let client = Client::builder(Arc::new(StripeLike))
        .transport(script.clone())
        .base_url("http://127.0.0.1:9/prefix/")
        .build()
        .unwrap();
    let request = Request::post("op", "v1/x")
        .query([("a", "b c")])
        .idempotency_key(key.clone());
    client.send(request).await.unwrap();
    let sent = &script.attempts()[0];
    assert_eq!(sent.url.as_str(), "http://127.0.0.1:9/prefix/v1/x?a=b+c");
    assert_eq!(sent.headers["idempotency-key"], key.as_str());
    assert_eq!(sent.timeout, DEFAULT_TIMEOUT);
}

#[test]
fn misconfiguration_is_refused() {
    let build = |b: ClientBuilder| b.build().unwrap_err().kind().clone();
    let base = || Client::builder(Arc::new(StripeLike));
    assert!(matches!(
        build(base().timeout(Duration::ZERO)),
        ErrorKind::Configuration(_)
    ));
    assert!(matches!(
        build(base().connect_timeout(Duration::ZERO)),
        ErrorKind::Configuration(_)
    ));
    assert!(matches!(
        build(base().base_url("ftp://x")),
        ErrorKind::Configuration(_)
    ));
    let err = base()
        .base_url("https://user:hunter2@x.test")
        .build()
        .unwrap_err();
    assert!(!format!("{err} {err:?}").contains("hunter2"));
    assert_eq!(base_url_variable("stripe"), "PROIGN_STRIPE_BASE_URL");
    assert!(user_agent(Some("shop/2.1")).starts_with("proign/0."));
    assert!(user_agent(Some("shop/2.1")).ends_with(" shop/2.1"));
}

#[tokio::test(start_paused = true)]
async fn no_attempt_outlasts_the_deadline() {
    let script = Script::new(vec![
        Reply::Respond(503, vec![("retry-after", "7")], ""),
        ok(),
    ]);
    let policy = exact().with_deadline(Duration::from_secs(10));
    client(&script, policy).send(get()).await.unwrap();
    let attempts = script.attempts();
    assert_eq!(attempts[0].timeout, Duration::from_secs(10));
    assert_eq!(attempts[1].timeout, Duration::from_secs(3));
}
