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
    queue
        .enqueue(NewJob::new("stripe.refund", &b""[..]))
        .await
        .unwrap();
    queue
        .enqueue(NewJob::new("nobody.knows", &b""[..]))
        .await
        .unwrap();
    monitor.register(Provider::Ups);
    monitor.record_backlog(&queue.stats_by_kind().await.unwrap());
    let snap = monitor.snapshot();
    let stripe = find(&snap, Provider::Stripe);
    assert_eq!((stripe.counters.retried, stripe.counters.delivered), (1, 1));
    assert_eq!(stripe.topics[0].name, "create_payment_intent");
    assert_eq!(stripe.backlog.map(|b| (b.depth, b.dead)), Some((2, 0)));
    assert_eq!(find(&snap, Provider::Ups).backlog, Some(Backlog::default()));
    assert_eq!(snap.queue.unwrap().depth, 1);
    let json = serde_json::to_value(&snap).unwrap();
    assert_eq!(json["integrations"][0]["state"], "connected");
}

#[cfg(feature = "metrics")]
mod exported {
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    use ::metrics::{
        Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit,
    };

    use super::*;

    /// Keeps counters and gauges by name and labels, for reading back.
    #[derive(Default)]
    struct Kept(Mutex<BTreeMap<String, Arc<AtomicU64>>>);

    impl Kept {
        fn slot(&self, key: &Key) -> Arc<AtomicU64> {
            let mut labels: Vec<String> = key
                .labels()
                .map(|l| format!("{}={}", l.key(), l.value()))
                .collect();
            labels.sort();
            let name = format!("{}{{{}}}", key.name(), labels.join(","));
            self.0.lock().unwrap().entry(name).or_default().clone()
        }

        fn get(&self, name: &str) -> u64 {
            self.0
                .lock()
                .unwrap()
                .get(name)
                .map_or(0, |v| v.load(Ordering::SeqCst))
        }
    }

    impl Recorder for Kept {
        fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
            Counter::from_arc(self.slot(key))
        }
        fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
            Gauge::from_arc(self.slot(key))
        }
        fn register_histogram(&self, _: &Key, _: &Metadata<'_>) -> Histogram {
            Histogram::noop()
        }
    }

    #[test]
    fn the_same_numbers_reach_the_metrics_facade() {
        let kept = Kept::default();
        ::metrics::with_local_recorder(&kept, || {
            let monitor = Monitor::new();
            monitor.record_delivery(
                Provider::Stripe,
                "charge.refunded",
                DeliveryOutcome::Verified,
            );
            monitor.record_delivery(
                Provider::Stripe,
                "charge.refunded",
                DeliveryOutcome::Rejected("bad_signature"),
            );
            monitor.record_call(
                Provider::Ups,
                "rate",
                CallOutcome::Failure("503"),
                Duration::ZERO,
            );
            monitor.record_dead_letter(Provider::Ups, "rate", "503");
            monitor.record_queue(crate::queue::QueueStats {
                depth: 7,
                ..Default::default()
            });
            let _ = monitor.snapshot();
        });
        assert_eq!(kept.get("proign_webhooks_received_total{outcome=verified,provider=stripe,topic=charge.refunded}"), 1);
        assert_eq!(
            kept.get("proign_webhooks_rejected_total{provider=stripe,reason=bad_signature}"),
            1
        );
        assert_eq!(
            kept.get("proign_calls_total{operation=rate,outcome=failure,provider=ups}"),
            1
        );
        assert_eq!(
            kept.get("proign_jobs_total{outcome=dead_lettered,provider=ups,topic=rate}"),
            1
        );
        assert_eq!(f64::from_bits(kept.get("proign_queue_depth{}")), 7.0);
        assert_eq!(
            f64::from_bits(kept.get("proign_integration_state{provider=ups}")),
            2.0
        );
    }
}
