//! The small stores that live beside a queue in the same database: delivery dedup records,
//! schedule occurrences and per-integration checkpoints.

use std::future::Future;
use std::time::Duration;

use serde::Serialize;

use super::{QueueError, UnixMillis};

/// Claims that a delivery or event has been seen, so a copy is recognised (field case B05:
/// identical webhooks delivered several times, some at the same instant).
///
/// A claim is an atomic insert-if-absent: of two concurrent claims of the same key, exactly
/// one wins. It is kept for its retention, which should outlast the provider's retry window.
pub trait DedupStore: Send + Sync + 'static {
    /// Claims `key` within `scope` for `retain`. `true`: this caller won and should process;
    /// `false`: it is a duplicate. An expired claim can be won again.
    fn claim(
        &self,
        scope: &str,
        key: &str,
        retain: Duration,
    ) -> impl Future<Output = Result<bool, QueueError>> + Send;

    /// Drops a claim, for instance because storing the delivery failed after claiming it.
    fn forget(
        &self,
        scope: &str,
        key: &str,
    ) -> impl Future<Output = Result<bool, QueueError>> + Send;

    /// Deletes expired claims; returns how many.
    fn purge_expired(&self) -> impl Future<Output = Result<u64, QueueError>> + Send;
}

/// Where a catch-up sync of one integration stopped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Checkpoint {
    /// The last provider event id processed (Stripe `evt_…`).
    pub last_event_id: Option<String>,
    /// The `updated_at` of the last record processed (Shopify orders updated since).
    pub last_updated_at: Option<UnixMillis>,
    /// An opaque page cursor.
    pub cursor: Option<String>,
    /// When it was saved; set by the store.
    pub saved_at: UnixMillis,
}

/// Saves one [`Checkpoint`] per integration name.
pub trait CheckpointStore: Send + Sync + 'static {
    /// The saved checkpoint, if any.
    fn load(
        &self,
        integration: &str,
    ) -> impl Future<Output = Result<Option<Checkpoint>, QueueError>> + Send;

    /// Replaces the checkpoint (its `saved_at` is set to now).
    fn save(
        &self,
        integration: &str,
        checkpoint: &Checkpoint,
    ) -> impl Future<Output = Result<(), QueueError>> + Send;
}

/// The next due time of every named schedule, shared by all instances.
pub trait ScheduleStore: Send + Sync + 'static {
    /// Adds a schedule due at `first_run_at`, keeping the stored time if it already exists.
    fn register(
        &self,
        name: &str,
        first_run_at: UnixMillis,
    ) -> impl Future<Output = Result<(), QueueError>> + Send;

    /// Schedules due at `now` (at most 100), with their due times.
    fn due(
        &self,
        now: UnixMillis,
    ) -> impl Future<Output = Result<Vec<(String, UnixMillis)>, QueueError>> + Send;

    /// Moves a schedule from `expected` to `next` if it still shows `expected`; `true` if this
    /// caller moved it, which makes it the one instance to run that occurrence.
    fn advance(
        &self,
        name: &str,
        expected: UnixMillis,
        next: UnixMillis,
    ) -> impl Future<Output = Result<bool, QueueError>> + Send;
}

pub(crate) fn validate_key(scope: &str, key: &str) -> Result<(), QueueError> {
    if scope.is_empty() || scope.len() > 128 || key.is_empty() || key.len() > 512 {
        return Err(QueueError::InvalidJob {
            what: "dedup scope must be 1 to 128 bytes and key 1 to 512 bytes",
        });
    }
    Ok(())
}
