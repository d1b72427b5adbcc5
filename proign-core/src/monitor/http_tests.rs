use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

use super::http::MonitorRoutes;
use super::{CallOutcome, DeliveryOutcome, Monitor};
use crate::Provider;
use crate::queue::{MemoryQueue, NewJob, Queue};
use crate::secret::Secret;

async fn setup() -> (axum::Router, Arc<MemoryQueue>, i64) {
    let queue = Arc::new(MemoryQueue::new());
    queue
        .enqueue(NewJob::new("ups.rate", &b"{}"[..]).with_max_attempts(1))
        .await
        .unwrap();
    let lease = queue
        .lease(1, Duration::from_secs(5))
        .await
        .unwrap()
        .remove(0);
    queue
        .retry(&lease, Duration::ZERO, "HTTP 503 <b>down</b>")
        .await
        .unwrap();
    let monitor = Arc::new(Monitor::new());
    monitor.record_delivery(
        Provider::Shopify,
        "orders/updated",
        DeliveryOutcome::Verified,
    );
    monitor.record_call(
        Provider::Ups,
        "rate",
        CallOutcome::Failure("HTTP 503"),
        Duration::ZERO,
    );
    let router = MonitorRoutes::new(monitor, queue.clone())
        .with_redrive_token(Secret::new("operator-token-for-tests").unwrap())
        .into_router();
    (router, queue, lease.job().id().0)
}

async fn body(response: axum::response::Response) -> String {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn redrive(id: i64, token: &str) -> Request<Body> {
    Request::post(format!("/dead-letters/{id}/redrive"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("token={token}")))
        .unwrap()
}

#[tokio::test]
async fn page_and_json_show_states_and_dead_letters() {
    let (router, _queue, id) = setup().await;
    let page = router
        .clone()
        .oneshot(Request::get("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()[header::CACHE_CONTROL], "no-store");
    let html = body(page).await;
    assert!(html.contains("data-provider=\"shopify\""));
    assert!(html.contains(">connected<") && html.contains(">degraded<"));
    assert!(
        html.contains("HTTP 503 &lt;b&gt;down&lt;/b&gt;"),
        "error text escaped"
    );
    assert!(html.contains(&format!("dead-letters/{id}/redrive")));
    assert!(!html.contains("operator-token-for-tests"));

    let json = router
        .oneshot(Request::get("/status.json").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&body(json).await).unwrap();
    assert_eq!(json["queue"]["dead"], 1);
    assert_eq!(json["dead_letters"][0]["kind"], "ups.rate");
    assert_eq!(json["integrations"][0]["provider"], "shopify");
}

#[tokio::test]
async fn redrive_needs_the_right_token() {
    let (router, queue, id) = setup().await;
    let wrong = router.clone().oneshot(redrive(id, "guess")).await.unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    assert_eq!(queue.stats().await.unwrap().dead, 1);
    let right = router
        .clone()
        .oneshot(redrive(id, "operator-token-for-tests"))
        .await
        .unwrap();
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    assert_eq!(queue.stats().await.unwrap().dead, 0);
    let again = router
        .oneshot(redrive(id, "operator-token-for-tests"))
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn redrive_is_off_without_a_token() {
    let queue = Arc::new(MemoryQueue::new());
    let router = MonitorRoutes::new(Arc::new(Monitor::new()), queue).into_router();
    let response = router.oneshot(redrive(1, "anything")).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}
