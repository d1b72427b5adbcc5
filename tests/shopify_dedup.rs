//! Field case B05 end to end: four copies of one Shopify delivery — two in sequence, two at
//! the same instant — are verified, claimed in a durable SQLite queue by their dedup key, and
//! handled exactly once.
//!
//! The queue's dedup key covers copies that arrive while the job is stored; a copy arriving
//! after the job finished needs a claim kept for the provider's retry window, stored in the
//! same transaction as the job (not yet offered by the queue).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use proign::core::queue::sqlite::SqliteQueue;
use proign::core::queue::{Enqueued, NewJob, Queue};
use proign::core::secret::Secret;
use proign::core::webhook::WebhookVerifier;
use proign::core::worker::Worker;
use proign::shopify::webhook::ShopifyVerifier;
use tokio::sync::Barrier;

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

/// What a gateway does with one delivery: verify, then store under its dedup key.
async fn receive(verifier: &ShopifyVerifier, queue: &SqliteQueue) -> Enqueued {
    let delivery = verifier
        .verify(&headers(), Bytes::from_static(BODY))
        .expect("genuine");
    let job = NewJob::new("shopify.orders_updated", delivery.body().clone())
        .with_dedup_key(delivery.dedup_key());
    queue.enqueue(job).await.expect("stored")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_copies_are_handled_once() {
    let dir = tempfile::tempdir().unwrap();
    let queue = Arc::new(
        SqliteQueue::open(dir.path().join("queue.db"))
            .await
            .unwrap(),
    );
    let secret = Secret::new("prgn_shopify_client_secret_0001").unwrap();
    let verifier = Arc::new(ShopifyVerifier::new([&secret]).unwrap());

    let mut outcomes = vec![
        receive(&verifier, &queue).await,
        receive(&verifier, &queue).await,
    ];
    let barrier = Arc::new(Barrier::new(2));
    let concurrent: Vec<_> = (0..2)
        .map(|_| {
            let (verifier, queue, barrier) = (verifier.clone(), queue.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                receive(&verifier, &queue).await
            })
        })
        .collect();
    for task in concurrent {
        outcomes.push(task.await.unwrap());
    }
    let new = outcomes
        .iter()
        .filter(|o| matches!(o, Enqueued::New { .. }))
        .count();
    assert_eq!(new, 1, "{outcomes:?}");
    assert_eq!(outcomes.len(), 4);

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
}
