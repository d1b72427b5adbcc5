//! The axum extractor: a handler runs only for verified deliveries, and rejections carry no
//! detail in their body.
#![cfg(feature = "axum")]

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use axum::routing::post;
use proign_core::clock::FixedClock;
use proign_core::secret::Secret;
use proign_core::webhook::axum::Verified;
use proign_core::webhook::standard::{StandardSigner, StandardVerifier};
use tower::ServiceExt;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW: i64 = 1_767_225_600;

async fn handler(Verified(delivery): Verified<StandardVerifier>) -> String {
    format!(
        "{}:{}",
        delivery.id().unwrap_or_default(),
        delivery.body().len()
    )
}

fn app(limit: usize) -> Router {
    let verifier = StandardVerifier::new([&Secret::new(SECRET).unwrap()])
        .unwrap()
        .with_clock(FixedClock::at_unix(NOW))
        .with_body_limit(limit);
    Router::new()
        .route("/hook", post(handler))
        .with_state(Arc::new(verifier))
}

fn request(body: &'static [u8], sign_body: &[u8]) -> Request<Body> {
    let signer = StandardSigner::new(&Secret::new(SECRET).unwrap()).unwrap();
    let mut builder = Request::post("/hook");
    for (name, value) in &signer.headers("msg_1", NOW, sign_body).unwrap() {
        builder = builder.header(name, value);
    }
    builder.body(Body::from(body)).unwrap()
}

async fn send(app: Router, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let body = to_bytes(response.into_body(), 1024).await.unwrap();
    (status, body.to_vec())
}

#[tokio::test]
async fn genuine_deliveries_reach_the_handler() {
    let (status, body) = send(app(1024), request(b"{\"a\":1}", b"{\"a\":1}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"msg_1:7");
}

#[tokio::test]
async fn forged_deliveries_get_an_empty_401() {
    let (status, body) = send(app(1024), request(b"{\"a\":2}", b"{\"a\":1}")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.is_empty());
}

#[tokio::test]
async fn unsigned_deliveries_get_an_empty_400() {
    let request = Request::post("/hook").body(Body::from("{}")).unwrap();
    let (status, body) = send(app(1024), request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.is_empty());
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let big: &'static [u8] = Box::leak(vec![b'x'; 4096].into_boxed_slice());
    let (status, _) = send(app(1024), request(big, big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// Regression (found by the load test, scripts/load.sh): a 413 left the connection looking
/// reusable, the server then closed it without reading the rest of the body, and a client
/// that pooled it lost its next request to a broken pipe. The answer must say
/// `Connection: close`, and the server must then close.
#[tokio::test]
async fn oversized_bodies_are_answered_with_connection_close_on_the_wire() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app(1024)).await });

    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    // Declares 4096 bytes, sends 512 of them, and keeps the connection open for more.
    let head = format!("POST /hook HTTP/1.1\r\nhost: {addr}\r\ncontent-length: 4096\r\n\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&[b'x'; 512]).await.unwrap();

    let mut answer = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut answer),
    )
    .await;
    let answer = String::from_utf8_lossy(&answer).to_ascii_lowercase();
    assert!(answer.starts_with("http/1.1 413"), "{answer}");
    assert!(answer.contains("\r\nconnection: close\r\n"), "{answer}");
    assert!(
        read.is_ok(),
        "the server kept the connection open: {answer}"
    );
    server.abort();
}
