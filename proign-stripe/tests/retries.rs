//! Retries on `POST /v1/payment_intents` (field cases B12 and B13): one idempotency key,
//! chosen before the first attempt, and byte-identical attempts.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use proign_core::auth::Credential;
use proign_core::idempotency::IdempotencyKey;
use proign_core::retry::{Jitter, RetryPolicy};
use proign_core::secret::Secret;
use proign_stripe::resources::PaymentIntentCreate;
use proign_stripe::{Client, ErrorType, RequestOptions};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const KEY: &str = "prgn-7f3c2a9e-1b4d-4e8a-9c61-0d2e5f7a8b90";
const BODY: &str =
    "amount=1999&currency=usd&customer=cus_PrgnTest000001&payment_method=pm_card_visa&confirm=true";
const BODY_SHA256: &str = "145dcd1e64754bbaeee8d51a78359d2d7f53eeeaf30fd200cfde32c39010159d";
const REPLAY: &str = r#"{"id":"pi_3PrgnTest0000000001","object":"payment_intent","amount":1999,"currency":"usd","status":"succeeded"}"#;

fn params() -> PaymentIntentCreate {
    let mut params = PaymentIntentCreate::new(1999, "usd");
    params.customer = Some("cus_PrgnTest000001".into());
    params.payment_method = Some("pm_card_visa".into());
    params.confirm = Some(true);
    params
}

fn client(base: &str, attempts: u32, timeout: Duration) -> Client {
    Client::builder(Credential::new(
        Secret::new("sk_test_madeUpForRetryTests").unwrap(),
    ))
    .base_url(base)
    .timeout(timeout)
    .retry(
        RetryPolicy::default()
            .with_max_attempts(attempts)
            .with_base_delay(Duration::from_millis(10))
            .with_jitter(Jitter::None),
    )
    .build()
    .unwrap()
}

fn options() -> RequestOptions {
    RequestOptions::new().idempotency_key(IdempotencyKey::parse(KEY).unwrap())
}

/// Reads one HTTP/1.1 request: the head and a `Content-Length` body.
async fn read_request(socket: &mut tokio::net::TcpStream) -> (String, Vec<u8>) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = socket.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the client closed before sending a request");
        buffer.extend_from_slice(&chunk[..n]);
        let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map_or(0, |v| v.trim().parse().unwrap());
        while buffer.len() < end + 4 + length {
            let n = socket.read(&mut chunk).await.unwrap();
            buffer.extend_from_slice(&chunk[..n]);
        }
        return (head, buffer[end + 4..end + 4 + length].to_vec());
    }
}

/// The idempotency key and body of one attempt.
type Attempt = (Option<String>, Vec<u8>);

fn key_of(head: &str) -> Option<String> {
    head.lines()
        .find_map(|l| l.strip_prefix("idempotency-key:"))
        .map(|v| v.trim().to_owned())
}

#[tokio::test]
async fn b12_a_lost_response_is_retried_with_the_same_key() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen: Arc<Mutex<Vec<Attempt>>> = Arc::default();
    let record = seen.clone();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let (head, body) = read_request(&mut socket).await;
            let key = key_of(&head);
            let first = {
                let mut seen = record.lock().unwrap();
                seen.push((key.clone(), body));
                seen[0].0.clone()
            };
            if record.lock().unwrap().len() == 1 {
                // Attempt 1: the request arrived and was processed; the answer is lost.
                drop(socket);
                continue;
            }
            let (id, replayed) = if key.is_some() && key == first {
                ("pi_3PrgnTest0000000001", "true")
            } else {
                ("pi_3PrgnTest0000000002", "false")
            };
            let body = REPLAY.replace("pi_3PrgnTest0000000001", id);
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nrequest-id: req_PrgnReplay01\r\n\
                 idempotent-replayed: {replayed}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            socket.write_all(answer.as_bytes()).await.unwrap();
        }
    });

    let client = client(&base, 3, Duration::from_secs(30));
    let intent = client
        .payment_intents()
        .create(&params(), &options())
        .await
        .unwrap();
    assert_eq!(intent.id, "pi_3PrgnTest0000000001");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].0.as_deref(), Some(KEY));
    assert_eq!(seen[0], seen[1]);
}

/// B13's script: slow, then a proxy's HTML 502, then the key still in use, then the replay.
struct B13 {
    attempts: Mutex<Vec<Request>>,
}

impl Respond for B13 {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut attempts = self.attempts.lock().unwrap();
        attempts.push(request.clone());
        let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
        assert_eq!(hex::encode(Sha256::digest(&request.body)), BODY_SHA256);
        assert_eq!(header("content-length"), Some("93"));
        assert_eq!(header("idempotency-key"), Some(KEY));
        match attempts.len() {
            1 => ResponseTemplate::new(200)
                .set_delay(Duration::from_millis(1_500))
                .set_body_raw(REPLAY, "application/json"),
            2 => ResponseTemplate::new(502)
                .set_body_raw("<html><body>502 Bad Gateway</body></html>", "text/html"),
            3 => ResponseTemplate::new(409).set_body_raw(
                r#"{"error":{"code":"idempotency_key_in_use","type":"invalid_request_error","message":"mock: another request with this key is still running"}}"#,
                "application/json",
            ),
            _ => ResponseTemplate::new(200)
                .insert_header("idempotent-replayed", "true")
                .insert_header("request-id", "req_PrgnReplay01")
                .set_body_raw(REPLAY, "application/json"),
        }
    }
}

#[tokio::test]
async fn b13_every_attempt_is_byte_identical_through_timeout_502_and_409() {
    assert_eq!(BODY.len(), 93);
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payment_intents"))
        .respond_with(B13 {
            attempts: Mutex::default(),
        })
        .expect(4)
        .mount(&server)
        .await;
    let client = client(&server.uri(), 4, Duration::from_millis(300));
    let intent = client
        .payment_intents()
        .create(&params(), &options())
        .await
        .unwrap();
    assert_eq!(intent.id, "pi_3PrgnTest0000000001");
    assert_eq!(intent.status, "succeeded");
    let received = server.received_requests().await.unwrap();
    assert!(received.iter().all(|r| r.body == BODY.as_bytes()));
}

#[tokio::test]
async fn b12_the_same_key_with_other_parameters_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            r#"{"error":{"type":"idempotency_error","message":"Keys for idempotent requests can only be used with the same parameters they were first used with."}}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server.uri(), 4, Duration::from_secs(5));
    let error = client
        .payment_intents()
        .create(&params(), &options())
        .await
        .unwrap_err();
    assert_eq!(error.api().unwrap().kind, ErrorType::Idempotency);
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn every_post_gets_a_fresh_key_when_none_is_given() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(REPLAY, "application/json"))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server.uri(), 1, Duration::from_secs(5));
    for _ in 0..2 {
        client
            .payment_intents()
            .create(&params(), &RequestOptions::new())
            .await
            .unwrap();
    }
    let received = server.received_requests().await.unwrap();
    let keys: Vec<_> = received
        .iter()
        .map(|r| r.headers["idempotency-key"].to_str().unwrap().to_owned())
        .collect();
    assert!(keys.iter().all(|k| k.starts_with("prgn-")));
    assert_ne!(keys[0], keys[1]);
}
