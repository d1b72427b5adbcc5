use std::sync::Arc;

use super::*;
use crate::queue::{MemoryQueue, Queue};

fn event(id: &str) -> EventEnvelope {
    EventEnvelope::new(
        Provider::Shopify,
        id,
        "orders/updated",
        1_767_225_600_000,
        1_767_225_601_000,
        r#"{"id":820982911946154508, "total_price":"199.00"}"#,
    )
    .unwrap()
}

#[tokio::test]
async fn each_event_is_published_once_and_queued_per_subscriber() {
    let queue = Arc::new(MemoryQueue::new());
    let bus = EventBus::new(queue.clone()).with_outbound(["erp", "crm"]);
    let mut inbox = bus.subscribe(4);
    let first = bus.publish(event("5d2b6b3e")).await.unwrap();
    assert_eq!(
        first,
        Published::New {
            local: 1,
            dropped: 0,
            outbound: 2
        }
    );
    assert_eq!(
        bus.publish(event("5d2b6b3e")).await.unwrap(),
        Published::Duplicate
    );
    assert_eq!(queue.stats().await.unwrap().depth, 2);
    let got = inbox.recv().await.unwrap();
    assert_eq!(
        got.payload.get(),
        r#"{"id":820982911946154508, "total_price":"199.00"}"#
    );

    let leases = queue
        .lease(10, std::time::Duration::from_secs(5))
        .await
        .unwrap();
    let delivery: Delivery = serde_json::from_slice(leases[0].job().payload()).unwrap();
    assert_eq!(delivery.subscriber, "erp");
    assert_eq!(delivery.event, event("5d2b6b3e"));
}

#[tokio::test]
async fn a_full_subscriber_misses_events_without_blocking() {
    let bus = EventBus::new(Arc::new(MemoryQueue::new()));
    let _slow = bus.subscribe(1);
    let closed = bus.subscribe(1);
    drop(closed);
    bus.publish(event("a")).await.unwrap();
    let second = bus.publish(event("b")).await.unwrap();
    assert_eq!(
        second,
        Published::New {
            local: 0,
            dropped: 1,
            outbound: 0
        }
    );
    assert_eq!(bus.dropped(), 1);
}

#[test]
fn bad_envelopes_are_refused() {
    let bad_json = EventEnvelope::new(Provider::Stripe, "evt_1", "t", 0, 0, "{not json");
    assert!(matches!(bad_json, Err(EventError::Payload(_))));
    let no_id = EventEnvelope::new(Provider::Stripe, "", "t", 0, 0, "{}");
    assert!(matches!(no_id, Err(EventError::Field { what: "id" })));
    let json = serde_json::to_string(&event("x")).unwrap();
    assert!(
        json.contains(r#""provider":"shopify""#) && json.contains(r#""type":"orders/updated""#)
    );
}
