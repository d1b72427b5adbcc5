use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use bytes::Bytes;
use tower::ServiceExt as _;

use super::{Inbox, Receipt};
use crate::clock::FixedClock;
use crate::monitor::Monitor;
use crate::queue::{MemoryQueue, NewJob, Queue};
use crate::secret::Secret;
use crate::webhook::WebhookVerifier as _;
use crate::webhook::standard::{StandardSigner, StandardVerifier};

const NOW: i64 = 1_767_225_600;

fn secret() -> Secret {
    Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap()
}

fn verifier() -> Arc<StandardVerifier> {
    Arc::new(
        StandardVerifier::new([&secret()])
            .unwrap()
            .with_clock(FixedClock::at_unix(NOW)),
    )
}

fn signed(id: &str, body: &'static str) -> Request<Body> {
    let headers = StandardSigner::new(&secret())
        .unwrap()
        .headers(id, NOW, &Bytes::from_static(body.as_bytes()))
        .unwrap();
    request(headers, body)
}

fn request(headers: HeaderMap, body: &'static str) -> Request<Body> {
    let mut request = Request::post("/in").body(Body::from(body)).unwrap();
    *request.headers_mut() = headers;
    request
}

fn router(inbox: Inbox<StandardVerifier, MemoryQueue>) -> axum::Router {
    axum::Router::new().route("/in", inbox.into_route())
}

#[tokio::test]
async fn stores_a_verified_delivery_once_and_answers_200_for_copies() {
    let queue = Arc::new(MemoryQueue::new());
    let monitor = Arc::new(Monitor::new());
    let app = router(Inbox::new(verifier(), queue.clone()).with_monitor(monitor.clone()));

    for _ in 0..3 {
        let response = app
            .clone()
            .oneshot(signed("msg_1", r#"{"type":"email.delivered"}"#))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }

    let leased = queue.lease(10, Duration::from_secs(30)).await.unwrap();
    assert_eq!(leased.len(), 1, "three copies, one job");
    let job = leased[0].job();
    assert_eq!(job.kind(), "standard_webhooks.webhook");
    assert_eq!(&job.payload()[..], br#"{"type":"email.delivered"}"#);

    let snapshot = monitor.snapshot();
    let resend = snapshot
        .integrations
        .iter()
        .find(|i| i.provider == "standard_webhooks")
        .unwrap();
    assert_eq!(resend.counters.received, 3);
    assert_eq!(resend.counters.verified, 3);
    assert_eq!(resend.counters.duplicates, 2);
    assert_eq!(resend.counters.rejected, 0);
}

#[tokio::test]
async fn a_forged_delivery_is_refused_and_nothing_is_stored() {
    let queue = Arc::new(MemoryQueue::new());
    let monitor = Arc::new(Monitor::new());
    let inbox = Inbox::new(verifier(), queue.clone()).with_monitor(monitor.clone());

    let mut forged = signed("msg_2", r#"{"type":"email.delivered"}"#);
    *forged.body_mut() = Body::from(r#"{"type":"email.bounced"}"#);
    let receipt = inbox.receive(forged).await;
    assert!(matches!(receipt, Receipt::Rejected(_)), "{receipt:?}");
    assert_eq!(receipt.status(), StatusCode::UNAUTHORIZED);

    // Headers a proxy stripped: refused as a bad request, also counted.
    let unsigned = inbox.receive(request(HeaderMap::new(), "{}")).await;
    assert_eq!(unsigned.status(), StatusCode::BAD_REQUEST);

    assert_eq!(queue.stats().await.unwrap().depth, 0);
    let snapshot = monitor.snapshot();
    let resend = &snapshot.integrations[0];
    assert_eq!(resend.counters.rejected, 2);
    assert_eq!(resend.counters.verified, 0);
}

#[tokio::test]
async fn an_oversized_body_is_refused_before_it_is_read() {
    let queue = Arc::new(MemoryQueue::new());
    let inbox = Inbox::new(verifier(), queue.clone());
    let limit = verifier().body_limit();
    let mut request = Request::post("/in")
        .header("content-length", (limit + 1).to_string())
        .body(Body::from(vec![b'x'; limit + 1]))
        .unwrap();
    request.headers_mut().extend(
        StandardSigner::new(&secret())
            .unwrap()
            .headers("msg_3", NOW, &Bytes::from_static(b"{}"))
            .unwrap(),
    );
    let response = router(inbox).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // The rest of the body is never read, so the connection must not be reused (found by
    // the load test: a pooled connection lost the client's next request).
    assert_eq!(response.headers()["connection"], "close");
    assert_eq!(queue.stats().await.unwrap().depth, 0);
}

#[tokio::test]
async fn a_store_failure_answers_503_so_the_provider_sends_it_again() {
    let queue = Arc::new(MemoryQueue::new().with_capacity(1));
    queue
        .enqueue(NewJob::new("other", &b"x"[..]))
        .await
        .unwrap();
    let monitor = Arc::new(Monitor::new());
    let inbox = Inbox::new(verifier(), queue.clone()).with_monitor(monitor.clone());

    let receipt = inbox.receive(signed("msg_4", "{}")).await;
    assert!(matches!(receipt, Receipt::StoreFailed(_)), "{receipt:?}");
    assert_eq!(receipt.status(), StatusCode::SERVICE_UNAVAILABLE);
    let snapshot = monitor.snapshot();
    assert_eq!(snapshot.integrations[0].counters.rejected, 1);
}

#[tokio::test]
async fn the_job_can_be_shaped_by_the_host() {
    let queue = Arc::new(MemoryQueue::new());
    let inbox = Inbox::new(verifier(), queue.clone()).with_job(|delivery| {
        let kind = if delivery.body().starts_with(br#"{"type":"email."#) {
            "email.event"
        } else {
            "other.event"
        };
        NewJob::new(kind, delivery.body().clone())
            .with_dedup_key(format!("custom:{}", delivery.id().unwrap_or("-")))
            .with_max_attempts(3)
    });
    assert_eq!(
        inbox
            .receive(signed("msg_5", r#"{"type":"email.opened"}"#))
            .await
            .status(),
        StatusCode::OK
    );
    let leased = queue.lease(1, Duration::from_secs(30)).await.unwrap();
    assert_eq!(leased[0].job().kind(), "email.event");
    assert_eq!(leased[0].job().max_attempts(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_body_that_stalls_is_answered_408_once_the_body_timeout_passes() {
    let queue = Arc::new(MemoryQueue::new());
    let monitor = Arc::new(Monitor::new());
    let timeout = Duration::from_secs(5);
    let inbox = Inbox::new(verifier(), queue.clone())
        .with_monitor(monitor.clone())
        .with_body_timeout(timeout);
    // Three bytes of the body, then nothing, ever.
    let trickle = futures_util::stream::unfold(0, |sent| async move {
        if sent == 0 {
            Some((Ok::<_, std::io::Error>(Bytes::from_static(b"{\"a")), 1))
        } else {
            std::future::pending().await
        }
    });
    let mut request = Request::post("/in")
        .header("content-length", "1000")
        .body(Body::from_stream(trickle))
        .unwrap();
    request.headers_mut().extend(
        StandardSigner::new(&secret())
            .unwrap()
            .headers("msg_9", NOW, &Bytes::from_static(b"{}"))
            .unwrap(),
    );
    let started = tokio::time::Instant::now();
    let response = router(inbox).oneshot(request).await.unwrap();
    assert_eq!(started.elapsed(), timeout);
    assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
    assert_eq!(response.headers()["connection"], "close");
    assert_eq!(queue.stats().await.unwrap().depth, 0);
    let snapshot = monitor.snapshot();
    assert_eq!(snapshot.integrations[0].counters.rejected, 1);
    assert_eq!(
        snapshot.integrations[0]
            .rejected_by_reason
            .get("body_timeout"),
        Some(&1),
        "{snapshot:?}"
    );
}
