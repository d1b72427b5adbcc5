//! `siteverify` against a local server: form fields, typed outcomes, checks, and field case
//! B15 (retry after a dropped connection reuses the idempotency key).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use proign_core::retry::RetryPolicy;
use proign_core::secret::Secret;
use proign_turnstile::testing::{DUMMY_TOKEN, SECRET_ALWAYS_PASSES};
use proign_turnstile::{Error, ErrorCode, MAX_TOKEN_LEN, TurnstileClient, TurnstileConfig, Verify};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SUCCESS: &str = r#"{"success":true,"challenge_ts":"2026-01-01T00:00:00.000Z","hostname":"example.test","error-codes":[],"action":"login","cdata":""}"#;

fn config(base: &str) -> TurnstileConfig {
    TurnstileConfig::new(Secret::new(SECRET_ALWAYS_PASSES).unwrap())
        .base_url(base)
        .timeout(Duration::from_secs(5))
        .retry(
            RetryPolicy::default()
                .with_base_delay(Duration::from_millis(1))
                .with_max_delay(Duration::from_millis(5)),
        )
        .expected_hostname("example.test")
        .expected_action("login")
}

fn form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn field(body: &[u8], name: &str) -> Option<String> {
    form(body)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

async fn answering(body: &str, calls: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/turnstile/v0/siteverify"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/json"))
        .expect(calls)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_valid_token_is_sent_as_a_form_and_typed() {
    let server = answering(SUCCESS, 1).await;
    let client = TurnstileClient::new(config(&server.uri())).unwrap();
    let check = Verify::new(DUMMY_TOKEN).remote_ip("203.0.113.7");
    let outcome = client.verify(&check).await.unwrap();
    assert!(outcome.success);
    assert_eq!(outcome.hostname.as_deref(), Some("example.test"));
    assert_eq!(outcome.action.as_deref(), Some("login"));
    assert_eq!(outcome.cdata.as_deref(), Some(""));
    assert_eq!(
        outcome.challenge_ts.as_deref(),
        Some("2026-01-01T00:00:00.000Z")
    );

    let received = server.received_requests().await.unwrap();
    let request = &received[0];
    assert_eq!(
        request.headers.get("content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
    let fields = form(&request.body);
    let names: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["secret", "response", "remoteip", "idempotency_key"]);
    assert_eq!(
        field(&request.body, "secret").unwrap(),
        SECRET_ALWAYS_PASSES
    );
    assert_eq!(field(&request.body, "response").unwrap(), DUMMY_TOKEN);
    assert_eq!(field(&request.body, "remoteip").unwrap(), "203.0.113.7");
    let key = field(&request.body, "idempotency_key").unwrap();
    assert_eq!(key, check.key());
    let parsed = uuid::Uuid::parse_str(&key).unwrap();
    assert_eq!(parsed.get_version_num(), 4);
}

#[tokio::test]
async fn remote_ip_is_optional() {
    let server = answering(SUCCESS, 1).await;
    let client = TurnstileClient::new(config(&server.uri())).unwrap();
    client.verify(&Verify::new(DUMMY_TOKEN)).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert!(field(&received[0].body, "remoteip").is_none());
}

#[tokio::test]
async fn b15_first_attempt_timeout_or_duplicate_is_token_consumed_and_not_retried() {
    let server = answering(
        r#"{"success":false,"error-codes":["timeout-or-duplicate"]}"#,
        1,
    )
    .await;
    let client = TurnstileClient::new(config(&server.uri())).unwrap();
    let err = client.verify(&Verify::new(DUMMY_TOKEN)).await.unwrap_err();
    assert!(matches!(err, Error::TokenConsumed { .. }), "{err:?}");
}

#[tokio::test]
async fn b15_internal_error_is_retried_with_the_same_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/turnstile/v0/siteverify"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"success":false,"error-codes":["internal-error"]}"#,
            "application/json",
        ))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/turnstile/v0/siteverify"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(SUCCESS, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = TurnstileClient::new(config(&server.uri())).unwrap();
    let check = Verify::new(DUMMY_TOKEN);
    let outcome = client.verify(&check).await.unwrap();
    assert!(outcome.success);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    for r in &received {
        assert_eq!(field(&r.body, "idempotency_key").unwrap(), check.key());
    }
}

#[tokio::test]
async fn internal_error_until_retries_run_out_is_a_retryable_http_error() {
    let server = answering(r#"{"success":false,"error-codes":["internal-error"]}"#, 3).await;
    let client = TurnstileClient::new(config(&server.uri())).unwrap();
    let err = client.verify(&Verify::new(DUMMY_TOKEN)).await.unwrap_err();
    match err {
        Error::Http(e) => assert!(e.is_retryable()),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn b15_invalid_secret_is_a_configuration_error_not_retried() {
    let server = answering(
        r#"{"success":false,"error-codes":["invalid-input-secret"]}"#,
        1,
    )
    .await;
    let client = TurnstileClient::new(config(&server.uri())).unwrap();
    let err = client.verify(&Verify::new(DUMMY_TOKEN)).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Configuration {
                code: ErrorCode::InvalidInputSecret
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn b15_hostname_mismatch_is_rejected() {
    let body = SUCCESS.replace("example.test", "evil.test");
    let server = answering(&body, 1).await;
    let client = TurnstileClient::new(config(&server.uri())).unwrap();
    let err = client.verify(&Verify::new(DUMMY_TOKEN)).await.unwrap_err();
    match err {
        Error::HostnameMismatch { expected, actual } => {
            assert_eq!(expected, "example.test");
            assert_eq!(actual.as_deref(), Some("evil.test"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn action_mismatch_is_rejected() {
    let body = SUCCESS.replace("login", "signup");
    let server = answering(&body, 1).await;
    let client = TurnstileClient::new(config(&server.uri())).unwrap();
    let err = client.verify(&Verify::new(DUMMY_TOKEN)).await.unwrap_err();
    assert!(matches!(err, Error::ActionMismatch { .. }), "{err:?}");
}

#[tokio::test]
async fn an_invalid_token_is_rejected_with_its_codes() {
    let server = answering(
        r#"{"success":false,"error-codes":["invalid-input-response","something-new"]}"#,
        1,
    )
    .await;
    let client = TurnstileClient::new(config(&server.uri())).unwrap();
    let err = client.verify(&Verify::new(DUMMY_TOKEN)).await.unwrap_err();
    match err {
        Error::Rejected { outcome } => assert_eq!(
            outcome.error_codes,
            [
                ErrorCode::InvalidInputResponse,
                ErrorCode::Other("something-new".into())
            ]
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn tokens_over_2048_characters_are_refused_before_any_call() {
    let server = answering(SUCCESS, 0).await;
    let client = TurnstileClient::new(config(&server.uri())).unwrap();
    let long = "a".repeat(MAX_TOKEN_LEN + 1);
    let err = client.verify(&Verify::new(long)).await.unwrap_err();
    assert!(matches!(err, Error::InvalidToken { .. }), "{err:?}");
    let err = client.verify(&Verify::new("")).await.unwrap_err();
    assert!(matches!(err, Error::InvalidToken { .. }), "{err:?}");
}

#[tokio::test]
async fn an_html_page_is_a_typed_undecodable_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>oops</html>", "text/html"))
        .expect(1)
        .mount(&server)
        .await;
    let client = TurnstileClient::new(config(&server.uri())).unwrap();
    let err = client.verify(&Verify::new(DUMMY_TOKEN)).await.unwrap_err();
    match err {
        Error::Http(e) => assert!(
            matches!(e.kind(), proign_core::http::ErrorKind::Undecodable { .. }),
            "{e:?}"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_secret_never_shows_in_debug_or_errors() {
    let server = answering(
        r#"{"success":false,"error-codes":["invalid-input-secret"]}"#,
        1,
    )
    .await;
    let config = config(&server.uri());
    assert!(!format!("{config:?}").contains(SECRET_ALWAYS_PASSES));
    let client = TurnstileClient::new(config).unwrap();
    assert!(!format!("{client:?}").contains(SECRET_ALWAYS_PASSES));
    let err = client.verify(&Verify::new(DUMMY_TOKEN)).await.unwrap_err();
    assert!(!format!("{err:?} {err}").contains(SECRET_ALWAYS_PASSES));
}

/// Reads one HTTP/1.1 request (headers and a `Content-Length` body) from `stream`.
async fn read_request(stream: &mut tokio::net::TcpStream) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed mid-request");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse().unwrap())
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                let n = stream.read(&mut chunk).await.unwrap();
                assert!(n > 0);
                buf.extend_from_slice(&chunk[..n]);
            }
            return buf[end + 4..end + 4 + length].to_vec();
        }
    }
}

#[tokio::test]
async fn b15_a_retry_after_a_dropped_connection_reuses_the_key_and_succeeds() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let bodies: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let seen = bodies.clone();
    let server = tokio::spawn(async move {
        // Attempt 1: read the request, then drop the connection without answering.
        let (mut first, _) = listener.accept().await.unwrap();
        let body = read_request(&mut first).await;
        seen.lock().unwrap().push(body.clone());
        drop(first);
        let first_key = field(&body, "idempotency_key");
        // Attempt 2: answer as Cloudflare does for a repeated key, or as for a spent token.
        let (mut second, _) = listener.accept().await.unwrap();
        let body = read_request(&mut second).await;
        seen.lock().unwrap().push(body.clone());
        let answer = if field(&body, "idempotency_key") == first_key {
            SUCCESS
        } else {
            r#"{"success":false,"error-codes":["timeout-or-duplicate"]}"#
        };
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
            answer.len()
        );
        second.write_all(response.as_bytes()).await.unwrap();
        second.shutdown().await.unwrap();
    });

    let client = TurnstileClient::new(config(&base)).unwrap();
    let check = Verify::new(DUMMY_TOKEN).remote_ip("203.0.113.7");
    let outcome = client.verify(&check).await.unwrap();
    assert!(outcome.success);
    assert_eq!(outcome.hostname.as_deref(), Some("example.test"));
    server.await.unwrap();

    let bodies = bodies.lock().unwrap();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0], bodies[1], "the retry must resend the same form");
    assert_eq!(
        field(&bodies[0], "idempotency_key").as_deref(),
        Some(check.key())
    );
}
