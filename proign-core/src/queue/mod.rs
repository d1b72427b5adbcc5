//! Durable, at-least-once job queue.
//!
//! Every verified webhook delivery and every outbound call goes through a [`Queue`]: it is
//! enqueued (with an optional dedup key and an idempotency key minted once, here), leased by
//! a worker for a visibility timeout, and then acknowledged, retried at a later time, or moved
//! to the dead-letter store after its last attempt. A job is never lost: a worker that
//! crashes simply lets its lease run out, and the job comes back with its attempt count
//! raised by one and the same idempotency key.
//!
//! Backends:
//!
//! - [`MemoryQueue`]: in process, for tests and examples. **Not durable**: everything is gone
//!   when the process exits.
//! - `SqliteQueue` (feature `sqlite`): one file in WAL mode; survives a crash of the process.
//! - `PgQueue` (feature `postgres`): several service instances share one queue.
//!
//! Each lease carries a [`LeaseToken`]. Once a lease has expired and another worker has
//! leased the job again, the first worker's token no longer matches: its ack, retry or
//! extension fails with [`QueueError::LeaseLost`].
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use std::time::Duration;
//! use proign_core::queue::{Enqueued, MemoryQueue, NewJob, Queue};
//!
//! let queue = MemoryQueue::new();
//! let job = NewJob::new("stripe.refund", br#"{"charge":"ch_1"}"#.to_vec()).with_dedup_key("refund-ch_1");
//! assert!(matches!(queue.enqueue(job.clone()).await?, Enqueued::New { .. }));
//! assert!(matches!(queue.enqueue(job).await?, Enqueued::Duplicate { .. }));
//!
//! let leases = queue.lease(10, Duration::from_secs(30)).await?;
//! assert_eq!(leases.len(), 1);
//! assert_eq!(leases[0].job().attempt(), 1);
//! queue.ack(&leases[0]).await?;
//! assert_eq!(queue.stats().await?.depth, 0);
//! # Ok::<_, proign_core::queue::QueueError>(())
//! # }).unwrap();
//! ```

mod error;
mod job;
mod memory;
#[cfg(feature = "postgres")]
pub mod postgres;
mod redact;
#[cfg(feature = "sqlite")]
pub mod sqlite;
pub mod stores;

#[cfg(any(test, feature = "conformance"))]
#[doc(hidden)]
pub mod conformance;

use std::future::Future;
use std::time::Duration;

pub use error::QueueError;
pub use job::{
    DeadLetter, Enqueued, Job, JobId, JobState, JobSummary, KindStats, Lease, LeaseToken, NewJob,
    QueueStats, RetryOutcome, UnixMillis,
};
pub use memory::MemoryQueue;
pub use redact::{MAX_ERROR_BYTES, redact_error};

/// The most jobs one call to [`Queue::lease`] hands out.
pub const MAX_LEASE_BATCH: usize = 1_000;

/// How often the database backends look for final attempts whose lease ran out.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) const SWEEP_EVERY_MS: i64 = 1_000;

/// How long the database backends keep a finished job's dedup key, unless told otherwise:
/// three days, the longest any supported provider keeps re-sending a delivery (Stripe).
/// A copy arriving within it is reported as a duplicate even though the job is done.
pub const DEFAULT_DEDUP_RETENTION: std::time::Duration =
    std::time::Duration::from_secs(3 * 24 * 3600);

/// The most kinds [`Queue::stats_by_kind`] reports.
pub const MAX_KINDS: usize = 1_000;

/// The largest payload a job may carry (1 MiB).
pub const MAX_PAYLOAD_BYTES: usize = 1 << 20;

/// A durable job queue. See the [module documentation](self).
///
/// All times are read from the backend's [`Clock`](crate::clock::Clock), so tests can move
/// them. Every method is safe to call from many tasks and, for the database backends, from
/// many processes at once.
pub trait Queue: Send + Sync + 'static {
    /// Stores a job, or reports that a job with the same dedup key is already stored.
    fn enqueue(&self, job: NewJob) -> impl Future<Output = Result<Enqueued, QueueError>> + Send;

    /// Stores several jobs; the database backends do so in one transaction.
    fn enqueue_batch(
        &self,
        jobs: Vec<NewJob>,
    ) -> impl Future<Output = Result<Vec<Enqueued>, QueueError>> + Send {
        async move {
            let mut out = Vec::with_capacity(jobs.len());
            for job in jobs {
                out.push(self.enqueue(job).await?);
            }
            Ok(out)
        }
    }

    /// Leases up to `max` due jobs (at most [`MAX_LEASE_BATCH`]) for `visibility`; each job's
    /// attempt count goes up by one. A job whose lease runs out becomes due again.
    fn lease(
        &self,
        max: usize,
        visibility: Duration,
    ) -> impl Future<Output = Result<Vec<Lease>, QueueError>> + Send;

    /// Marks a leased job done and removes it.
    fn ack(&self, lease: &Lease) -> impl Future<Output = Result<(), QueueError>> + Send;

    /// Acknowledges several leases; the database backends do so in one statement. Returns how
    /// many were still held (a lease that was lost is skipped, not an error).
    fn ack_batch(
        &self,
        leases: &[Lease],
    ) -> impl Future<Output = Result<usize, QueueError>> + Send {
        async move {
            let mut held = 0;
            for lease in leases {
                match self.ack(lease).await {
                    Ok(()) => held += 1,
                    Err(QueueError::LeaseLost { .. }) => {}
                    Err(other) => return Err(other),
                }
            }
            Ok(held)
        }
    }

    /// Records a failed attempt. The job runs again `delay` from now, unless this was its
    /// last attempt, in which case it moves to the dead-letter store in the same step.
    ///
    /// `error` is redacted and cut to [`MAX_ERROR_BYTES`] before it is stored.
    fn retry(
        &self,
        lease: &Lease,
        delay: Duration,
        error: &str,
    ) -> impl Future<Output = Result<RetryOutcome, QueueError>> + Send;

    /// Moves a leased job to the dead-letter store now, whatever attempts it has left (for
    /// errors that no retry can fix).
    fn dead_letter(
        &self,
        lease: &Lease,
        error: &str,
    ) -> impl Future<Output = Result<(), QueueError>> + Send;

    /// Pushes a lease's expiry to `visibility` from now; returns the new expiry.
    fn extend(
        &self,
        lease: &Lease,
        visibility: Duration,
    ) -> impl Future<Output = Result<UnixMillis, QueueError>> + Send;

    /// Gives a leased job back without counting the attempt (used at shutdown).
    fn release(&self, lease: &Lease) -> impl Future<Output = Result<(), QueueError>> + Send;

    /// Jobs still in the queue (waiting, scheduled or leased; not dead), in id order,
    /// starting after `after`, at most `limit` (capped at 1,000); payloads are not read.
    fn jobs(
        &self,
        after: Option<JobId>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<JobSummary>, QueueError>> + Send;

    /// Dead letters in id order, starting after `after`, at most `limit` (capped at 1,000).
    fn dead_letters(
        &self,
        after: Option<JobId>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<DeadLetter>, QueueError>> + Send;

    /// One dead letter.
    fn dead_letter_by_id(
        &self,
        id: JobId,
    ) -> impl Future<Output = Result<Option<DeadLetter>, QueueError>> + Send;

    /// Puts a dead letter back in the queue, due now, with its attempts reset and its
    /// idempotency key kept. Returns `false` when there is no such dead letter.
    fn redrive(&self, id: JobId) -> impl Future<Output = Result<bool, QueueError>> + Send;

    /// Deletes one dead letter for good. Returns `false` when there is no such dead letter.
    fn purge_dead_letter(&self, id: JobId)
    -> impl Future<Output = Result<bool, QueueError>> + Send;

    /// Depth, dead letters and the age of the oldest waiting job.
    fn stats(&self) -> impl Future<Output = Result<QueueStats, QueueError>> + Send;

    /// The backlog per job kind, for the monitor (at most [`MAX_KINDS`] kinds, by name).
    fn stats_by_kind(&self) -> impl Future<Output = Result<Vec<KindStats>, QueueError>> + Send;

    /// Waits until new work may be there or `max` has passed, whichever is first. The default
    /// sleeps for `max`; backends that can be woken (in-process, `LISTEN/NOTIFY`) return early.
    fn wait_for_jobs(&self, max: Duration) -> impl Future<Output = ()> + Send {
        tokio::time::sleep(max)
    }
}

/// The wall-clock time in milliseconds since the Unix epoch according to `clock`.
pub(crate) fn now_millis(clock: &dyn crate::clock::Clock) -> UnixMillis {
    use std::time::UNIX_EPOCH;
    match clock.now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |m| -m),
    }
}

/// `now + d` in milliseconds, saturating.
pub(crate) fn after(now: UnixMillis, d: Duration) -> UnixMillis {
    now.saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A fresh random lease token.
pub(crate) fn new_token() -> LeaseToken {
    LeaseToken(fastrand::i64(..))
}
