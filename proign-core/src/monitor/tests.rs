use std::time::Duration;

use super::*;
use crate::clock::{Clock, FixedClock};
use crate::queue::{MemoryQueue, NewJob, Queue};

fn find(snapshot: &MonitorSnapshot, provider: Provider) -> &IntegrationSnapshot {
    snapshot
        .integrations
        .iter()
        .find(|i| i.provider == provider.as_str())
        .expect("integration listed")
}

#[test]
fn states_follow_what_happened() {
    let clock = FixedClock::at_unix(1_767_225_600);
    let monitor = Monitor::with_clock(clock.clone());
    monitor.register(Provider::TaxJar);
    monitor.record_call(
        Provider::Stripe,
        "create_refund",
        CallOutcome::Success,
        Duration::from_millis(120),
    );
    monitor.record_call(
        Provider::Stripe,
        "create_refund",
        CallOutcome::Failure("HTTP 500 key=sk_live_x"),
        Duration::from_millis(900),
    );
    monitor.record_delivery(
        Provider::Shopify,
        "orders/updated",
        DeliveryOutcome::Verified,
    );
    monitor.record_delivery(
        Provider::Resend,
        "email.bounced",
        DeliveryOutcome::Rejected("bad_signature"),
    );
    monitor.record_token_expiry(Provider::Ups, clock.now() + Duration::from_secs(60));

    let snap = monitor.snapshot();
    assert_eq!(find(&snap, Provider::TaxJar).state, State::Unknown);
    assert_eq!(find(&snap, Provider::Shopify).state, State::Connected);
    let stripe = find(&snap, Provider::Stripe);
    assert_eq!(stripe.state, State::Degraded);
    assert_eq!((stripe.counters.calls, stripe.counters.failures), (2, 1));
    let error = stripe.last_error.as_ref().unwrap();
    assert_eq!(
        (error.context.as_str(), error.message.as_str()),
        ("create_refund", "HTTP 500 key=[redacted]")
    );
    assert_eq!(stripe.latency.max_ms, 900);
    let resend = find(&snap, Provider::Resend);
    assert_eq!(resend.state, State::Degraded);
    assert_eq!(resend.rejected_by_reason.get("bad_signature"), Some(&1));
    assert_eq!(
        find(&snap, Provider::Ups).state,
        State::Degraded,
        "token close to expiry"
    );

    clock.advance_secs(61);
    let snap = monitor.snapshot();
    assert_eq!(
        find(&snap, Provider::Ups).state,
        State::Failing,
        "token expired"
    );
    assert_eq!(find(&snap, Provider::Resend).state, State::Degraded);
    clock.advance_secs(3600);
    assert_eq!(
        find(&monitor.snapshot(), Provider::Resend).state,
        State::Unknown
    );
}

#[test]
fn topics_and_reasons_are_bounded() {
    let monitor = Monitor::new();
    for i in 0..500 {
        let topic = format!("topic-{i}");
        monitor.record_delivery(Provider::Shopify, &topic, DeliveryOutcome::Rejected(&topic));
    }
    let snap = monitor.snapshot();
    let shopify = find(&snap, Provider::Shopify);
    assert_eq!(shopify.topics.len(), 64);
    assert_eq!(shopify.rejected_by_reason.len(), 32);
    assert_eq!(shopify.counters.rejected, 500);
    assert_eq!(shopify.rejected_by_reason.values().sum::<u64>(), 500);
}

#[tokio::test]
async fn worker_outcomes_and_queue_backlog_reach_the_snapshot() {
    let queue = MemoryQueue::new();
    queue
        .enqueue(NewJob::new("stripe.create_payment_intent", &b""[..]))
        .await
        .unwrap();
    let lease = queue
        .lease(1, Duration::from_secs(5))
        .await
        .unwrap()
        .remove(0);
    let monitor = Monitor::new();
    monitor.observe_job(lease.job(), &JobOutcome::Retrying { at: 0 }, Duration::ZERO);
    monitor.observe_job(lease.job(), &JobOutcome::Done, Duration::ZERO);
    monitor.record_queue(queue.stats().await.unwrap());
    let snap = monitor.snapshot();
    let stripe = find(&snap, Provider::Stripe);
    assert_eq!((stripe.counters.retried, stripe.counters.delivered), (1, 1));
    assert_eq!(stripe.topics[0].name, "create_payment_intent");
    assert_eq!(snap.queue.unwrap().depth, 1);
    let json = serde_json::to_value(&snap).unwrap();
    assert_eq!(json["integrations"][0]["state"], "connected");
}
