//! How every integration is doing.
//!
//! The HTTP core, the webhook routes and the worker report what happens through plain
//! recording methods ([`Monitor::record_call`], [`Monitor::record_delivery`],
//! [`Monitor::observe_job`], …); [`Monitor::snapshot`] turns that into a serialisable
//! [`MonitorSnapshot`] with a [`State`] per integration. With the `metrics` feature the same
//! numbers go to the `metrics` facade; with the `axum` feature [`http::MonitorRoutes`] serves the
//! snapshot as JSON and as a small HTML page. [`MonitorSnapshot::status_table`] prints it as a
//! table for a terminal, and with the `sqlite` feature `save_snapshot` keeps the latest one
//! in the queue's file for `proign status`.
//!
//! Everything is bounded: at most 64 topics per integration (the rest are counted under
//! `other`), 32 rejection reasons, and a window of the last 256 latencies.
//!
//! ```
//! use std::time::Duration;
//! use proign_core::Provider;
//! use proign_core::monitor::{CallOutcome, DeliveryOutcome, Monitor, State};
//!
//! let monitor = Monitor::new();
//! monitor.record_delivery(Provider::Shopify, "orders/updated", DeliveryOutcome::Verified);
//! monitor.record_call(Provider::Stripe, "create_refund", CallOutcome::Success, Duration::from_millis(180));
//! for _ in 0..3 {
//!     monitor.record_call(Provider::Ups, "rate", CallOutcome::Failure("HTTP 503"), Duration::from_secs(1));
//! }
//! let snapshot = monitor.snapshot();
//! let state = |name: &str| snapshot.integrations.iter().find(|i| i.provider == name).unwrap().state;
//! assert_eq!(state("shopify"), State::Connected);
//! assert_eq!(state("ups"), State::Failing);
//! ```

#[cfg(feature = "metrics")]
mod export;
#[cfg(feature = "axum")]
mod html;
#[cfg(feature = "axum")]
pub mod http;
mod integration;
mod snapshot;
#[cfg(feature = "sqlite")]
mod stored;
mod table;

#[cfg(feature = "sqlite")]
pub use stored::{load_snapshot, read_snapshot, save_snapshot};
pub use table::StatusTable;

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use snapshot::{
    Backlog, Counters, IntegrationSnapshot, LastError, Latency, MonitorSnapshot, QueueSnapshot,
    State, TopicSnapshot,
};

use crate::Provider;
use crate::clock::{self, SharedClock};
use crate::queue::{Job, KindStats, QueueStats, now_millis};
use crate::worker::JobOutcome;
use integration::Integration;

/// The result of one outbound API call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallOutcome<'a> {
    /// It succeeded.
    Success,
    /// It failed; the text is redacted and cut to 1 KiB before it is kept.
    Failure(&'a str),
}

/// What became of one incoming webhook delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryOutcome<'a> {
    /// The signature checked out.
    Verified,
    /// The signature checked out, but the delivery repeats one already stored; it was dropped.
    Duplicate,
    /// It was rejected for this reason (a short, stable name such as `bad_signature`).
    Rejected(&'a str),
}

/// Collects what happens to every integration. Cheap to call from any task.
#[derive(Debug)]
pub struct Monitor {
    clock: SharedClock,
    integrations: Mutex<BTreeMap<Provider, Integration>>,
    queue: Mutex<Option<QueueStats>>,
}

impl Default for Monitor {
    fn default() -> Self {
        Self::new()
    }
}

impl Monitor {
    /// An empty monitor on the system clock.
    pub fn new() -> Self {
        Self::with_clock(clock::system())
    }

    /// An empty monitor reading time from `clock`.
    pub fn with_clock(clock: SharedClock) -> Self {
        Self {
            clock,
            integrations: Mutex::new(BTreeMap::new()),
            queue: Mutex::new(None),
        }
    }

    /// Lists `provider` (as `unknown`) before anything is recorded for it.
    pub fn register(&self, provider: Provider) {
        self.integrations().entry(provider).or_default();
    }

    /// Records one outbound API call.
    pub fn record_call(
        &self,
        provider: Provider,
        operation: &str,
        outcome: CallOutcome<'_>,
        latency: Duration,
    ) {
        let now = self.now();
        self.integrations()
            .entry(provider)
            .or_default()
            .call(operation, outcome, latency, now);
        #[cfg(feature = "metrics")]
        export::call(provider, operation, outcome, latency);
    }

    /// Records that a call or job attempt is being retried.
    pub fn record_retry(&self, provider: Provider, operation: &str) {
        self.integrations()
            .entry(provider)
            .or_default()
            .bump(operation, |c| c.retried += 1);
        #[cfg(feature = "metrics")]
        export::job(provider, operation, "retried");
    }

    /// Records one incoming webhook delivery of `topic`.
    pub fn record_delivery(&self, provider: Provider, topic: &str, outcome: DeliveryOutcome<'_>) {
        let now = self.now();
        self.integrations()
            .entry(provider)
            .or_default()
            .delivery(topic, outcome, now);
        #[cfg(feature = "metrics")]
        export::delivery(provider, topic, outcome);
    }

    /// Records a job or event handled successfully.
    pub fn record_delivered(&self, provider: Provider, topic: &str) {
        let now = self.now();
        self.integrations()
            .entry(provider)
            .or_default()
            .delivered(topic, now);
        #[cfg(feature = "metrics")]
        export::job(provider, topic, "delivered");
    }

    /// Records a job moved to the dead-letter store, with its last error.
    pub fn record_dead_letter(&self, provider: Provider, topic: &str, error: &str) {
        let now = self.now();
        self.integrations()
            .entry(provider)
            .or_default()
            .dead_letter(topic, error, now);
        #[cfg(feature = "metrics")]
        export::job(provider, topic, "dead_lettered");
    }

    /// Records when `provider`'s OAuth access token expires.
    pub fn record_token_expiry(&self, provider: Provider, expires_at: SystemTime) {
        let at = match expires_at.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(_) => 0,
        };
        self.integrations()
            .entry(provider)
            .or_default()
            .token_expires_at = Some(at);
        #[cfg(feature = "metrics")]
        export::token_expiry(provider, at);
    }

    /// Records the queue's backlog (call it from time to time, e.g. with each snapshot).
    pub fn record_queue(&self, stats: QueueStats) {
        #[cfg(feature = "metrics")]
        export::queue(&stats, self.now());
        *self.queue.lock().unwrap_or_else(|p| p.into_inner()) = Some(stats);
    }

    /// Records the queue's backlog per job kind ([`Queue::stats_by_kind`]), summed per
    /// integration by the kind's prefix (`ups.track` → UPS). Integrations without jobs get an
    /// empty backlog.
    ///
    /// [`Queue::stats_by_kind`]: crate::queue::Queue::stats_by_kind
    pub fn record_backlog(&self, kinds: &[KindStats]) {
        let mut integrations = self.integrations();
        for integration in integrations.values_mut() {
            integration.backlog = Some(Backlog::default());
        }
        for k in kinds {
            let Some((provider, _)) = provider_of(&k.kind) else {
                continue;
            };
            let backlog = integrations
                .entry(provider)
                .or_default()
                .backlog
                .get_or_insert_with(Backlog::default);
            backlog.depth += k.depth;
            backlog.dead += k.dead;
            backlog.oldest_enqueued_at = match (backlog.oldest_enqueued_at, k.oldest_enqueued_at) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        #[cfg(feature = "metrics")]
        for (provider, integration) in integrations.iter() {
            if let Some(backlog) = integration.backlog {
                export::backlog(*provider, &backlog);
            }
        }
    }

    /// Feeds a [`Worker`](crate::worker::Worker)'s outcomes in: pass
    /// `move |job, outcome, took| monitor.observe_job(job, outcome, took)` to
    /// [`Worker::observe`](crate::worker::Worker::observe). A job's provider is the part of its
    /// kind before the first `.` (`stripe.create_refund` → Stripe); other kinds are not
    /// recorded.
    pub fn observe_job(&self, job: &Job, outcome: &JobOutcome, _took: Duration) {
        let Some((provider, topic)) = provider_of(job.kind()) else {
            return;
        };
        match outcome {
            JobOutcome::Done => self.record_delivered(provider, topic),
            JobOutcome::Retrying { .. } => self.record_retry(provider, topic),
            JobOutcome::DeadLettered => {
                // The queue kept the error; the monitor keeps only that it happened.
                self.record_dead_letter(provider, topic, "moved to the dead-letter store");
            }
            _ => {}
        }
    }

    /// The picture right now.
    pub fn snapshot(&self) -> MonitorSnapshot {
        let now = self.now();
        let integrations: Vec<IntegrationSnapshot> = self
            .integrations()
            .iter()
            .map(|(provider, i)| i.snapshot(provider.as_str(), now))
            .collect();
        #[cfg(feature = "metrics")]
        export::states(&integrations);
        let queue = self
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .map(|s| QueueSnapshot {
                depth: s.depth,
                leased: s.leased,
                dead: s.dead,
                oldest_age_ms: s
                    .oldest_age(now)
                    .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            });
        MonitorSnapshot {
            taken_at: now,
            queue,
            integrations,
        }
    }

    fn integrations(&self) -> MutexGuard<'_, BTreeMap<Provider, Integration>> {
        // Every update is a few counter bumps; a panic mid-update cannot break an invariant.
        self.integrations.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn now(&self) -> i64 {
        now_millis(self.clock.as_ref())
    }
}

fn provider_of(kind: &str) -> Option<(Provider, &str)> {
    let (name, rest) = kind.split_once('.')?;
    let provider = Provider::ALL.into_iter().find(|p| p.as_str() == name)?;
    Some((provider, rest))
}

#[cfg(all(test, feature = "axum"))]
mod http_tests;
#[cfg(test)]
mod tests;
