//! The PostgreSQL backend: several service instances share one queue.
//!
//! Workers lease with `FOR UPDATE SKIP LOCKED`, so concurrent instances never wait on each
//! other's rows; enqueueing sends a `NOTIFY` that wakes idle workers at once. The tables live
//! in a schema of the host's choosing (`proign` by default), created by [`PgQueue::migrate`]
//! from the SQL shipped in this crate ([`MIGRATION`]).
//!
//! [`PgQueue::enqueue_in`] enqueues on the host's own connection, typically inside its
//! transaction, so a business write and the job that follows from it commit or roll back
//! together.
//!
//! ```no_run
//! # async fn run(pool: sqlx::PgPool) -> Result<(), Box<dyn std::error::Error>> {
//! use proign_core::queue::{NewJob, postgres::PgQueue};
//!
//! let queue = PgQueue::new(pool.clone(), "proign")?;
//! queue.migrate().await?;
//!
//! let mut tx = pool.begin().await?;
//! sqlx::query("UPDATE orders SET state = 'paid' WHERE id = 42").execute(&mut *tx).await?;
//! queue.enqueue_in(&mut tx, NewJob::new("stripe.capture", &b"{\"order\":42}"[..])).await?;
//! tx.commit().await?;
//! # Ok(()) }
//! ```
//!
//! Times are read from the host's [`Clock`](crate::clock::Clock), not the database's, so the
//! instances' clocks should agree to well within the shortest lease.
//!
//! The `postgres` feature builds sqlx with TLS (rustls, checking certificates against the
//! system's trusted roots), so the pool's `sslmode` is honoured as libpq honours it: the
//! default `prefer` encrypts when the server offers TLS without checking its certificate,
//! `require` insists on TLS, and `verify-ca` / `verify-full` also check the certificate (and,
//! for `verify-full`, the host name). Use `verify-full` for a server across a network.

mod queue;
mod stores;

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPool, PgRow};
use sqlx::{PgConnection, Row as _};
use tokio::sync::Mutex;

use super::job::RawJob;
use super::{Enqueued, JobId, NewJob, QueueError, UnixMillis, after, now_millis};
use crate::clock::{self, SharedClock};

/// The schema this version creates, with `__SCHEMA__` standing for the schema name.
pub const MIGRATION: &str = include_str!("../../../migrations/postgres/0001_queue.sql");

const COLUMNS: &str = "id, kind, payload, attempts, max_attempts, idempotency_key, enqueued_at, \
                       last_error, run_at, dead_at";

/// A [`Queue`](super::Queue) (and dedup, schedule and checkpoint store) in PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgQueue {
    pool: PgPool,
    clock: SharedClock,
    last_sweep: std::sync::Arc<std::sync::atomic::AtomicI64>,
    schema: Arc<str>,
    channel: Arc<str>,
    listener: Arc<Mutex<Option<PgListener>>>,
    dedup_retention: Duration,
}

impl PgQueue {
    /// A queue in `schema` (lower-case letters, digits and `_`, at most 40 characters, not
    /// starting with a digit) on the host's pool.
    pub fn new(pool: PgPool, schema: &str) -> Result<Self, QueueError> {
        let valid = !schema.is_empty()
            && schema.len() <= 40
            && !schema.starts_with(|c: char| c.is_ascii_digit())
            && schema
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid {
            return Err(QueueError::Config {
                what: "schema must be 1 to 40 of a-z, 0-9 and _, not starting with a digit",
            });
        }
        Ok(Self {
            pool,
            clock: clock::system(),
            last_sweep: std::sync::Arc::new(std::sync::atomic::AtomicI64::new(i64::MIN)),
            schema: schema.into(),
            channel: format!("{schema}_proign_jobs").into(),
            listener: Arc::new(Mutex::new(None)),
            dedup_retention: super::DEFAULT_DEDUP_RETENTION,
        })
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

    /// The connection pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The schema holding the tables.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// Creates the schema and tables if they are missing. Instances starting together are
    /// serialised by an advisory lock, so this is safe to call from each of them.
    pub async fn migrate(&self) -> Result<(), QueueError> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(QueueError::storage("begin the migration"))?;
        sqlx::query("SELECT pg_advisory_xact_lock(7153218400251)")
            .execute(&mut *tx)
            .await
            .map_err(QueueError::storage("lock for the migration"))?;
        let sql = MIGRATION.replace("__SCHEMA__", &self.schema);
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await
            .map_err(QueueError::storage("apply the schema"))?;
        tx.commit()
            .await
            .map_err(QueueError::storage("commit the migration"))
    }

    /// Enqueues on the host's connection or transaction: the job exists only if the host's
    /// transaction commits, and idle workers are woken only then.
    pub async fn enqueue_in(
        &self,
        conn: &mut PgConnection,
        job: NewJob,
    ) -> Result<Enqueued, QueueError> {
        let out = self.insert(conn, job, self.now()).await?;
        self.notify_on(conn).await?;
        Ok(out)
    }

    pub(crate) async fn insert(
        &self,
        conn: &mut PgConnection,
        job: NewJob,
        now: UnixMillis,
    ) -> Result<Enqueued, QueueError> {
        let idempotency_key = job.validate()?;
        if let Some(key) = &job.dedup_key {
            // A finished job's marker whose retention has passed no longer blocks its key.
            let sql = self.sql(
                "DELETE FROM {s}.proign_jobs WHERE dedup_key = $1 AND state = 2 AND run_at <= $2",
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(key)
                .bind(now)
                .execute(&mut *conn)
                .await
                .map_err(QueueError::storage("expire a finished job's dedup key"))?;
        }
        let sql = self.sql(
            "INSERT INTO {s}.proign_jobs (kind, payload, dedup_key, idempotency_key, \
             max_attempts, run_at, enqueued_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
        );
        let id: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(&job.kind)
            .bind(job.payload.as_ref())
            .bind(&job.dedup_key)
            .bind(&idempotency_key)
            .bind(i64::from(job.max_attempts))
            .bind(after(now, job.delay))
            .bind(now)
            .fetch_optional(&mut *conn)
            .await
            .map_err(QueueError::storage("insert a job"))?;
        if let Some(id) = id {
            return Ok(Enqueued::New {
                id: JobId(id),
                idempotency_key,
            });
        }
        let sql = self.sql("SELECT id FROM {s}.proign_jobs WHERE dedup_key = $1 AND state < 2");
        let existing: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(&job.dedup_key)
            .fetch_optional(&mut *conn)
            .await
            .map_err(QueueError::storage("look up a duplicate"))?;
        Ok(Enqueued::Duplicate {
            existing: existing.map(JobId),
        })
    }

    pub(crate) async fn notify_on(&self, conn: &mut PgConnection) -> Result<(), QueueError> {
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(&*self.channel)
            .execute(conn)
            .await
            .map_err(QueueError::storage("notify workers"))?;
        Ok(())
    }

    /// `template` with `{s}` replaced by the schema name (validated in [`Self::new`]).
    pub(crate) fn sql(&self, template: &str) -> String {
        template
            .replace("{s}", &self.schema)
            .replace("{cols}", COLUMNS)
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

    pub(crate) fn now(&self) -> UnixMillis {
        now_millis(self.clock.as_ref())
    }
}

pub(crate) fn raw(row: &PgRow) -> Result<RawJob, sqlx::Error> {
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
pub(crate) mod tests;
