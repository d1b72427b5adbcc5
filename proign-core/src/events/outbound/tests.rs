use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use bytes::Bytes;

use super::*;
use crate::Provider;
use crate::events::{EventBus, EventEnvelope};
use crate::queue::{MemoryQueue, Queue};
use crate::webhook::WebhookVerifier;
use crate::webhook::standard::StandardVerifier;

const SECRET: &str = "whsec_cHJnbi1yZXNlbmQtc2lnbmluZy1rZXktMzJieXRlcyE=";

/// A subscriber on loopback answering `statuses` in turn and recording verified webhook ids.
async fn subscriber(statuses: Vec<u16>) -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let answers = Arc::new(Mutex::new(statuses));
    let verifier = Arc::new(StandardVerifier::new([&Secret::new(SECRET).unwrap()]).unwrap());
    let record = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: Bytes| {
            let (verifier, record, answers) = (verifier.clone(), record.clone(), answers.clone());
            async move {
                let Ok(delivery) = verifier.verify(&headers, body) else {
                    return (StatusCode::UNAUTHORIZED, HeaderMap::new());
                };
                record
                    .lock()
                    .unwrap()
                    .push(delivery.id().unwrap_or_default().to_owned());
                let status = answers.lock().unwrap().remove(0);
                let mut out = HeaderMap::new();
                if status == 503 {
                    out.insert("retry-after", "7".parse().unwrap());
                }
                (StatusCode::from_u16(status).unwrap(), out)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

async fn queued_job(queue: &Arc<MemoryQueue>) -> crate::queue::Lease {
    let bus = EventBus::new(queue.clone()).with_outbound(["erp"]);
    let event =
        EventEnvelope::new(Provider::Stripe, "evt_1", "charge.refunded", 1, 2, "{}").unwrap();
    bus.publish(event).await.unwrap();
    queue
        .lease(1, Duration::from_secs(30))
        .await
        .unwrap()
        .remove(0)
}

#[tokio::test]
async fn signed_retried_with_the_same_id_then_delivered() {
    let (url, seen) = subscriber(vec![503, 200]).await;
    let secret = Secret::new(SECRET).unwrap();
    let delivery = OutboundDelivery::new([("erp", url.as_str(), &secret)]).unwrap();
    let queue = Arc::new(MemoryQueue::new());
    let lease = queued_job(&queue).await;

    let first = delivery.deliver(lease.job()).await.unwrap_err();
    assert_eq!(first.requested_delay(), Some(Duration::from_secs(7)));
    assert!(!first.is_permanent());
    delivery.deliver(lease.job()).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen, vec![lease.job().idempotency_key().to_owned(); 2]);
}

#[tokio::test]
async fn a_client_error_is_permanent_and_a_dead_port_is_retried() {
    let (url, _seen) = subscriber(vec![400]).await;
    let secret = Secret::new(SECRET).unwrap();
    let delivery = OutboundDelivery::new([("erp", url.as_str(), &secret)]).unwrap();
    let queue = Arc::new(MemoryQueue::new());
    let lease = queued_job(&queue).await;
    assert!(
        delivery
            .deliver(lease.job())
            .await
            .unwrap_err()
            .is_permanent()
    );

    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_url = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let delivery = OutboundDelivery::new([("erp", dead_url.as_str(), &secret)]).unwrap();
    let error = delivery.deliver(lease.job()).await.unwrap_err();
    assert!(!error.is_permanent());
    assert!(error.message().starts_with("delivery failed"));
}
