//! What happened at a provider, in one provider-neutral shape, handed to whoever listens.
//!
//! An [`EventEnvelope`] carries the provider, the provider's own event id, the event type,
//! when it happened and when proign received it, and the payload as the exact JSON text the
//! provider sent. An [`EventBus`] publishes each envelope once (deduplicated on the provider
//! event id through a [`DedupStore`]) to:
//!
//! - in-process subscribers, each with a bounded channel ([`EventBus::subscribe`]); a
//!   subscriber that falls behind misses events rather than slowing the publisher, and the
//!   misses are counted;
//! - outbound HTTP subscribers (custom integrations), through the queue: one job per
//!   subscriber of kind [`DELIVER_KIND`], delivered by `OutboundDelivery` (feature
//!   `outbound`) signed the Standard Webhooks way and retried with backoff.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use std::sync::Arc;
//! use proign_core::Provider;
//! use proign_core::events::{EventBus, EventEnvelope, Published};
//! use proign_core::queue::MemoryQueue;
//!
//! let bus = EventBus::new(Arc::new(MemoryQueue::new())).with_outbound(["erp"]);
//! let mut inbox = bus.subscribe(64);
//! let event = EventEnvelope::new(
//!     Provider::Stripe, "evt_1PrgnTest", "charge.refunded",
//!     1_767_225_600_000, 1_767_225_601_000, r#"{"id":"evt_1PrgnTest"}"#,
//! ).unwrap();
//!
//! assert_eq!(bus.publish(event.clone()).await.unwrap(), Published::New { local: 1, dropped: 0, outbound: 1 });
//! assert_eq!(bus.publish(event).await.unwrap(), Published::Duplicate);
//! assert_eq!(inbox.recv().await.unwrap().event_type, "charge.refunded");
//! # });
//! ```

#[cfg(feature = "outbound")]
mod outbound;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use tokio::sync::mpsc;

#[cfg(feature = "outbound")]
pub use outbound::{OutboundDelivery, OutboundError};

use crate::Provider;
use crate::queue::stores::DedupStore;
use crate::queue::{NewJob, Queue, QueueError, UnixMillis};

/// The job kind of one outbound delivery.
pub const DELIVER_KIND: &str = "proign.event.deliver";

/// Why an event could not be built or published.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The payload is not one JSON value.
    #[error("event payload is not valid JSON")]
    Payload(#[source] serde_json::Error),
    /// The event id or type is empty or longer than 255 bytes.
    #[error("event {what} must be 1 to 255 bytes")]
    Field {
        /// Which field.
        what: &'static str,
    },
    /// The dedup store or queue failed; the event was not published and may be sent again.
    #[error("event could not be stored")]
    Store(#[source] QueueError),
}

/// One provider event, provider-neutral.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventEnvelope {
    /// Who sent it.
    #[serde(serialize_with = "provider_out", deserialize_with = "provider_in")]
    pub provider: Provider,
    /// The provider's id for it (Stripe `evt_…`, Shopify webhook id, …).
    pub event_id: String,
    /// The provider's type or topic (`charge.refunded`, `orders/updated`).
    #[serde(rename = "type")]
    pub event_type: String,
    /// When it happened, per the provider.
    pub occurred_at: UnixMillis,
    /// When proign received it.
    pub received_at: UnixMillis,
    /// The payload exactly as received.
    pub payload: Box<RawValue>,
}

impl PartialEq for EventEnvelope {
    fn eq(&self, other: &Self) -> bool {
        (
            self.provider,
            &self.event_id,
            &self.event_type,
            self.occurred_at,
            self.received_at,
        ) == (
            other.provider,
            &other.event_id,
            &other.event_type,
            other.occurred_at,
            other.received_at,
        ) && self.payload.get() == other.payload.get()
    }
}

impl EventEnvelope {
    /// Builds an envelope, checking that `payload` is one JSON value (kept byte for byte).
    pub fn new(
        provider: Provider,
        event_id: impl Into<String>,
        event_type: impl Into<String>,
        occurred_at: UnixMillis,
        received_at: UnixMillis,
        payload: impl Into<String>,
    ) -> Result<Self, EventError> {
        let (event_id, event_type) = (event_id.into(), event_type.into());
        for (what, value) in [("id", &event_id), ("type", &event_type)] {
            if value.is_empty() || value.len() > 255 {
                return Err(EventError::Field { what });
            }
        }
        Ok(Self {
            provider,
            event_id,
            event_type,
            occurred_at,
            received_at,
            payload: RawValue::from_string(payload.into()).map_err(EventError::Payload)?,
        })
    }
}

fn provider_out<S: Serializer>(provider: &Provider, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(provider.as_str())
}

fn provider_in<'de, D: Deserializer<'de>>(d: D) -> Result<Provider, D::Error> {
    let name = String::deserialize(d)?;
    Provider::ALL
        .into_iter()
        .find(|p| p.as_str() == name)
        .ok_or_else(|| serde::de::Error::custom("unknown provider"))
}

/// The payload of a [`DELIVER_KIND`] job.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Delivery {
    pub(crate) subscriber: String,
    pub(crate) event: EventEnvelope,
}

/// What [`EventBus::publish`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Published {
    /// The event was seen before; nothing was sent.
    Duplicate,
    /// Sent to `local` in-process subscribers (`dropped` more were full) and queued for
    /// `outbound` HTTP subscribers.
    New {
        /// In-process subscribers that got it.
        local: usize,
        /// In-process subscribers that were full and missed it.
        dropped: usize,
        /// Outbound deliveries queued.
        outbound: usize,
    },
}

/// Publishes events once to in-process and outbound subscribers. See the
/// [module documentation](self).
#[derive(Debug)]
pub struct EventBus<S> {
    store: Arc<S>,
    local: Mutex<Vec<mpsc::Sender<Arc<EventEnvelope>>>>,
    outbound: Vec<String>,
    retention: Duration,
    max_attempts: u32,
    dropped: AtomicU64,
}

impl<S: Queue + DedupStore> EventBus<S> {
    /// A bus deduplicating and queueing through `store`, remembering event ids for 7 days.
    pub fn new(store: Arc<S>) -> Self {
        Self {
            store,
            local: Mutex::new(Vec::new()),
            outbound: Vec::new(),
            retention: Duration::from_secs(7 * 24 * 3600),
            max_attempts: 10,
            dropped: AtomicU64::new(0),
        }
    }

    /// How long an event id is remembered; keep it longer than any provider's retry window.
    pub fn with_dedup_retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// The outbound HTTP subscribers, by the ids `OutboundDelivery` knows them by.
    pub fn with_outbound<I: IntoIterator<Item = T>, T: Into<String>>(mut self, ids: I) -> Self {
        self.outbound = ids.into_iter().map(Into::into).collect();
        self
    }

    /// Attempts per outbound delivery before it is dead-lettered (default 10).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// A new in-process subscription holding up to `capacity` (at least 1) unread events.
    pub fn subscribe(&self, capacity: usize) -> mpsc::Receiver<Arc<EventEnvelope>> {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        self.local
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(tx);
        rx
    }

    /// Events missed by full in-process subscribers since the bus was made.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Publishes `event` unless its provider event id was published before.
    pub async fn publish(&self, event: EventEnvelope) -> Result<Published, EventError> {
        let scope = format!("event:{}", event.provider.as_str());
        let fresh = self
            .store
            .claim(&scope, &event.event_id, self.retention)
            .await
            .map_err(EventError::Store)?;
        if !fresh {
            return Ok(Published::Duplicate);
        }
        if let Err(error) = self.enqueue_outbound(&event).await {
            // Let a later copy of the event try again.
            let _ = self.store.forget(&scope, &event.event_id).await;
            return Err(error);
        }
        let event = Arc::new(event);
        let (mut local, mut dropped) = (0, 0);
        self.local
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|tx| {
                match tx.try_send(event.clone()) {
                    Ok(()) => local += 1,
                    Err(mpsc::error::TrySendError::Full(_)) => dropped += 1,
                    Err(mpsc::error::TrySendError::Closed(_)) => return false,
                }
                true
            });
        self.dropped.fetch_add(dropped as u64, Ordering::Relaxed);
        Ok(Published::New {
            local,
            dropped,
            outbound: self.outbound.len(),
        })
    }

    async fn enqueue_outbound(&self, event: &EventEnvelope) -> Result<(), EventError> {
        if self.outbound.is_empty() {
            return Ok(());
        }
        let mut jobs = Vec::with_capacity(self.outbound.len());
        for subscriber in &self.outbound {
            let delivery = Delivery {
                subscriber: subscriber.clone(),
                event: event.clone(),
            };
            let payload = serde_json::to_vec(&delivery).map_err(EventError::Payload)?;
            let dedup = format!(
                "{DELIVER_KIND}:{subscriber}:{}:{}",
                event.provider, event.event_id
            );
            jobs.push(
                NewJob::new(DELIVER_KIND, payload)
                    .with_dedup_key(dedup)
                    .with_max_attempts(self.max_attempts),
            );
        }
        self.store
            .enqueue_batch(jobs)
            .await
            .map_err(EventError::Store)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
