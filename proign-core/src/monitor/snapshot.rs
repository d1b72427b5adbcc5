//! What the monitor shows: a serialisable picture of every integration at one instant.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::queue::UnixMillis;

/// How an integration is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum State {
    /// Nothing recorded yet.
    Unknown,
    /// Recent calls and deliveries succeed.
    Connected,
    /// Working, with recent failures, rejections, dead letters or a token close to expiry.
    Degraded,
    /// Several failures in a row, or an expired token.
    Failing,
}

impl State {
    /// The lower-case name shown on the page and in metrics labels.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Connected => "connected",
            Self::Degraded => "degraded",
            Self::Failing => "failing",
        }
    }
}

/// The counters kept per integration and per topic or operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Webhook deliveries received (verified or not).
    pub received: u64,
    /// Deliveries whose signature checked out.
    pub verified: u64,
    /// Deliveries rejected, for any reason.
    pub rejected: u64,
    /// Verified deliveries that were copies of one already stored, and were dropped.
    pub duplicates: u64,
    /// Jobs handled successfully (deliveries processed, events delivered).
    pub delivered: u64,
    /// Attempts that failed and were scheduled again.
    pub retried: u64,
    /// Jobs moved to the dead-letter store.
    pub dead_lettered: u64,
    /// Outbound API calls made.
    pub calls: u64,
    /// Outbound API calls that failed.
    pub failures: u64,
}

/// The last error seen, redacted and at most 1 KiB.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LastError {
    /// When.
    pub at: UnixMillis,
    /// Where: the operation or topic.
    pub context: String,
    /// What.
    pub message: String,
}

/// Call latency over the most recent calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Latency {
    /// Calls in the window.
    pub samples: u32,
    /// Median, in milliseconds.
    pub p50_ms: u64,
    /// 95th percentile, in milliseconds.
    pub p95_ms: u64,
    /// Slowest, in milliseconds.
    pub max_ms: u64,
}

/// One topic (webhooks) or operation (API calls, jobs) of an integration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopicSnapshot {
    /// Its name, as the provider spells it (`orders/updated`, `create_payment_intent`).
    pub name: String,
    /// Its counters.
    pub counters: Counters,
    /// Its last success.
    pub last_success_at: Option<UnixMillis>,
    /// Its last error.
    pub last_error: Option<LastError>,
}

/// The queued jobs of one integration (kinds named `<provider>.<operation>`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Backlog {
    /// Jobs waiting, scheduled or running.
    pub depth: u64,
    /// Dead letters.
    pub dead: u64,
    /// When the oldest waiting job was enqueued.
    pub oldest_enqueued_at: Option<UnixMillis>,
}

/// One integration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntegrationSnapshot {
    /// The provider's name (`stripe`, `shopify`, …).
    pub provider: String,
    /// How it is doing.
    pub state: State,
    /// Why it is not connected, in a few words, when it is not.
    pub state_reason: Option<String>,
    /// Its last success (call made, delivery verified or job done).
    pub last_success_at: Option<UnixMillis>,
    /// Its last error.
    pub last_error: Option<LastError>,
    /// Totals over all topics and operations.
    pub counters: Counters,
    /// Rejected deliveries by reason (`bad_signature`, `timestamp_too_old`, …).
    pub rejected_by_reason: BTreeMap<String, u64>,
    /// Call latency.
    pub latency: Latency,
    /// When its OAuth access token expires, for providers that use one.
    pub token_expires_at: Option<UnixMillis>,
    /// Its jobs in the queue, when the queue was read.
    pub backlog: Option<Backlog>,
    /// Per topic or operation, by name.
    pub topics: Vec<TopicSnapshot>,
}

/// The queue's backlog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QueueSnapshot {
    /// Jobs waiting, scheduled or running.
    pub depth: u64,
    /// Jobs running now.
    pub leased: u64,
    /// Dead letters.
    pub dead: u64,
    /// How long the oldest job has waited, in milliseconds.
    pub oldest_age_ms: Option<u64>,
}

/// Everything the monitor knows at one instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonitorSnapshot {
    /// When it was taken.
    pub taken_at: UnixMillis,
    /// The queue, when one was attached.
    pub queue: Option<QueueSnapshot>,
    /// Every integration that recorded anything, plus those registered up front.
    pub integrations: Vec<IntegrationSnapshot>,
}
