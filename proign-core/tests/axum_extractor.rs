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
