//! The axum extractor against the local Turnstile simulator.
#![cfg(feature = "axum")]

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use axum::routing::post;
use proign_core::secret::Secret;
use proign_testkit::sim::turnstile::TurnstileSim;
use proign_turnstile::axum::Checked;
use proign_turnstile::{TurnstileClient, TurnstileConfig, testing};
use tower::ServiceExt;

async fn handler(checked: Checked) -> String {
    format!(
        "{}:{}",
        checked.outcome().success,
        checked.field("email").unwrap_or("-")
    )
}

fn app(sim: &TurnstileSim, secret: &str) -> Router {
    let config = TurnstileConfig::new(Secret::new(secret).unwrap()).base_url(sim.base_url());
    let client = Arc::new(TurnstileClient::new(config).unwrap());
    Router::new()
        .route("/check", post(handler))
        .with_state(client)
}

async fn send(app: Router, request: Request<Body>) -> (StatusCode, String) {
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let body = to_bytes(response.into_body(), 1024).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn a_passing_token_in_a_form_reaches_the_handler_with_the_fields() {
    let sim = TurnstileSim::start().await;
    let form = format!(
        "email=jane%40example.test&cf-turnstile-response={}",
        testing::DUMMY_TOKEN
    );
    let request = Request::post("/check")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let (status, body) = send(app(&sim, testing::SECRET_ALWAYS_PASSES), request).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "true:jane@example.test")
    );
}

#[tokio::test]
async fn a_passing_token_in_the_header_is_accepted() {
    let sim = TurnstileSim::start().await;
    let request = Request::post("/check")
        .header("cf-turnstile-response", testing::DUMMY_TOKEN)
        .body(Body::empty())
        .unwrap();
    let (status, body) = send(app(&sim, testing::SECRET_ALWAYS_PASSES), request).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "true:-"));
}

#[tokio::test]
async fn missing_and_failing_tokens_are_refused_without_detail() {
    let sim = TurnstileSim::start().await;
    let missing = Request::post("/check").body(Body::empty()).unwrap();
    let (status, body) = send(app(&sim, testing::SECRET_ALWAYS_PASSES), missing).await;
    assert_eq!((status, body.as_str()), (StatusCode::BAD_REQUEST, ""));

    let failing = Request::post("/check")
        .header("cf-turnstile-response", testing::DUMMY_TOKEN)
        .body(Body::empty())
        .unwrap();
    let (status, body) = send(app(&sim, testing::SECRET_ALWAYS_FAILS), failing).await;
    assert_eq!((status, body.as_str()), (StatusCode::FORBIDDEN, ""));
}
