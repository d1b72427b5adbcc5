//! Field case B05 end to end: copies of one Shopify delivery — two in sequence, two at the
//! same instant, one more after the job is done — go through a gateway route (verify, then
//! store in a durable SQLite queue under the delivery's dedup key), all are answered 200, and
//! the order is handled exactly once. The queue keeps a finished job's dedup key for the
//! providers' retry window, so the late copy is dropped too.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use http::{HeaderMap, HeaderValue, Request, StatusCode};
use proign::core::monitor::Monitor;
use proign::core::queue::sqlite::SqliteQueue;
use proign::core::queue::{NewJob, Queue};
use proign::core::secret::Secret;
use proign::core::webhook::inbox::Inbox;
use proign::core::worker::Worker;
use proign::shopify::webhook::ShopifyVerifier;
use tokio::sync::Barrier;
use tower::ServiceExt as _;

const BODY: &[u8] = br#"{"id":820982911946154508,"email":"jon.doe@example.test","financial_status":"paid","total_price":"199.00","updated_at":"2026-01-01T00:00:00-00:00"}"#;

fn headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("X-Shopify-Topic", "orders/updated"),
        ("X-Shopify-Shop-Domain", "prgn-test.myshopify.com"),
        ("X-Shopify-API-Version", "2025-01"),
        (
            "X-Shopify-Webhook-Id",
            "5d2b6b3e-7c1f-4f0a-9a51-2f9f3c1e0b11",
        ),
        ("X-Shopify-Triggered-At", "2026-01-01T00:00:00.000000000Z"),
        (
            "X-Shopify-Hmac-Sha256",
            "s0FNP1vyTtwna4sNg0QU4SMtcKEfM3ZtW19Wbhbyxzg=",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers
}

/// Sends one copy of the delivery to the gateway and returns its answer.
async fn deliver(gateway: &axum::Router) -> StatusCode {
    let mut request = Request::post("/webhooks/shopify")
        .body(Body::from(BODY))
        .unwrap();
    *request.headers_mut() = headers();
    gateway.clone().oneshot(request).await.unwrap().status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_copy_is_answered_and_the_order_handled_once() {
    let dir = tempfile::tempdir().unwrap();
    let queue = Arc::new(
        SqliteQueue::open(dir.path().join("queue.db"))
            .await
            .unwrap(),
    );
    let secret = Secret::new("prgn_shopify_client_secret_0001").unwrap();
    let verifier = Arc::new(ShopifyVerifier::new([&secret]).unwrap());
    let monitor = Arc::new(Monitor::new());
    let inbox = Inbox::new(verifier, queue.clone())
        .with_job(|delivery| {
            NewJob::new("shopify.orders_updated", delivery.body().clone())
                .with_dedup_key(delivery.dedup_key())
        })
        .with_monitor(monitor.clone());
    let gateway = axum::Router::new().route("/webhooks/shopify", inbox.into_route());

    let mut answers = vec![deliver(&gateway).await, deliver(&gateway).await];
    let barrier = Arc::new(Barrier::new(2));
    let concurrent: Vec<_> = (0..2)
        .map(|_| {
            let (gateway, barrier) = (gateway.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                deliver(&gateway).await
            })
        })
        .collect();
    for task in concurrent {
        answers.push(task.await.unwrap());
    }
    assert_eq!(answers, [StatusCode::OK; 4]);
    assert_eq!(
        queue.stats().await.unwrap().depth,
        1,
        "four copies, one job"
    );

    let handled = Arc::new(AtomicUsize::new(0));
    let seen = handled.clone();
    let worker = Worker::new(queue.clone(), |_| Duration::from_millis(50)).handle(
        "shopify.orders_updated",
        move |job| {
            assert_eq!(job.payload().as_ref(), BODY);
            seen.fetch_add(1, Ordering::SeqCst);
            async { Ok(()) }
        },
    );
    let watched = queue.clone();
    worker
        .run(async move {
            while watched.stats().await.unwrap().depth > 0 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
    assert_eq!(handled.load(Ordering::SeqCst), 1);

    // Shopify re-sends once more after the order was handled: answered, and dropped.
    assert_eq!(deliver(&gateway).await, StatusCode::OK);
    assert_eq!(queue.stats().await.unwrap().depth, 0);
    let snapshot = monitor.snapshot();
    let counters = &snapshot.integrations[0].counters;
    assert_eq!((counters.verified, counters.duplicates), (5, 4));
}
