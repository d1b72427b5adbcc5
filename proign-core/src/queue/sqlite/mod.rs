//! The SQLite backend: one file, WAL journal, survives a crash of the process.
//!
//! Every change is a single statement or an `IMMEDIATE` transaction, so a job is always in
//! exactly one state on disk. The journal is synced the WAL way (`synchronous = NORMAL`): a
//! crash of the process loses nothing committed; a power cut can lose the last commits. Set
//! [`SqliteQueue::open_with`]'s options to `FULL` where that matters more than throughput.
//!
//! ```no_run
//! # async fn run() -> Result<(), proign_core::queue::QueueError> {
//! use proign_core::queue::{NewJob, Queue, sqlite::SqliteQueue};
//!
//! let queue = SqliteQueue::open("/var/lib/shop/proign-queue.db").await?;
//! queue.enqueue(NewJob::new("ups.track", &b"1Z999AA10123456784"[..])).await?;
//! # Ok(()) }
//! ```

mod queue;
mod stores;

use std::path::Path;
use std::time::Duration;

use sqlx::Row as _;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use tokio::sync::Notify;

use super::job::RawJob;
use super::{QueueError, UnixMillis, now_millis};
use crate::clock::{self, SharedClock};

/// The schema this version creates; shipped with the crate.
pub const MIGRATION: &str = include_str!("../../../migrations/sqlite/0001_queue.sql");

const COLUMNS: &str = "id, kind, payload, attempts, max_attempts, idempotency_key, enqueued_at, last_error, run_at, dead_at";

/// A [`Queue`](crate::queue::Queue) (and dedup, schedule and checkpoint store) in one SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteQueue {
    pool: SqlitePool,
    clock: SharedClock,
    last_sweep: std::sync::Arc<std::sync::atomic::AtomicI64>,
    notify: std::sync::Arc<Notify>,
    dedup_retention: Duration,
}

impl SqliteQueue {
    /// Opens (creating if needed) the queue file at `path` with WAL, a 10 s busy timeout and a
    /// pool of 4 connections, and applies the schema.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, QueueError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10));
        Self::open_with(options, 4).await
    }

    /// Opens with the host's own connection options and pool size.
    pub async fn open_with(
        options: SqliteConnectOptions,
        connections: u32,
    ) -> Result<Self, QueueError> {
        let pool = SqlitePoolOptions::new()
            .max_connections(connections.max(1))
            .connect_with(options)
            .await
            .map_err(QueueError::storage("open the SQLite file"))?;
        let queue = Self::from_pool(pool);
        queue.migrate().await?;
        Ok(queue)
    }

    /// Wraps a pool the host already has; call [`Self::migrate`] once before use.
    pub fn from_pool(pool: SqlitePool) -> Self {
        Self {
            pool,
            clock: clock::system(),
            last_sweep: std::sync::Arc::new(std::sync::atomic::AtomicI64::new(i64::MIN)),
            notify: std::sync::Arc::new(Notify::new()),
            dedup_retention: super::DEFAULT_DEDUP_RETENTION,
        }
    }

    /// Keeps a finished job's dedup key for `retention` after its ack (default
    /// [`DEFAULT_DEDUP_RETENTION`](super::DEFAULT_DEDUP_RETENTION)), so a copy of a delivery
    /// that arrives after its job is done is still dropped. The key is kept in the job's own
    /// row, which the ack turns into a payload-free marker in the same statement; the marker
    /// is removed once `retention` has passed. `Duration::ZERO` deletes the row at the ack.
    pub fn with_dedup_retention(mut self, retention: Duration) -> Self {
        self.dedup_retention = retention;
        self
    }

    /// Reads time from `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// The connection pool, for the host's own statements in the same file.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Creates the tables if they are missing (safe to run concurrently and repeatedly).
    pub async fn migrate(&self) -> Result<(), QueueError> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(QueueError::storage("connect for the migration"))?;
        let version: i64 = sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(&mut *conn)
            .await
            .map_err(QueueError::storage("read the schema version"))?;
        if version < 1 {
            sqlx::raw_sql(MIGRATION)
                .execute(&mut *conn)
                .await
                .map_err(QueueError::storage("apply the schema"))?;
        }
        Ok(())
    }

    /// Whether the sweep for expired final attempts is due (at most once a second: such a
    /// job waits up to a second longer for the dead-letter store, and leasing stays cheap).
    pub(crate) fn sweep_due(&self, now: UnixMillis) -> bool {
        use std::sync::atomic::Ordering;
        let last = self.last_sweep.load(Ordering::Relaxed);
        now.saturating_sub(last) >= super::SWEEP_EVERY_MS
            && self
                .last_sweep
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }

    /// Enqueues on the host's own connection or transaction in the same file, so a business
    /// write and its job commit together. Begin the host's transaction with
    /// `BEGIN IMMEDIATE` (e.g. `pool.begin_with("BEGIN IMMEDIATE")`) so it cannot fail to
    /// upgrade to a writer halfway through.
    pub async fn enqueue_in(
        &self,
        conn: &mut sqlx::SqliteConnection,
        job: super::NewJob,
    ) -> Result<super::Enqueued, QueueError> {
        let out = queue::insert(conn, job, self.now()).await?;
        self.notify.notify_waiters();
        Ok(out)
    }

    fn now(&self) -> UnixMillis {
        now_millis(self.clock.as_ref())
    }
}

pub(crate) fn raw(row: &SqliteRow) -> Result<RawJob, sqlx::Error> {
    Ok(RawJob {
        id: row.try_get(0)?,
        kind: row.try_get(1)?,
        payload: row.try_get(2)?,
        attempts: row.try_get(3)?,
        max_attempts: row.try_get(4)?,
        idempotency_key: row.try_get(5)?,
        enqueued_at: row.try_get(6)?,
        last_error: row.try_get(7)?,
        run_at: row.try_get(8)?,
        dead_at: row.try_get(9)?,
    })
}

#[cfg(test)]
mod tests;
