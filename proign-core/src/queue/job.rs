//! The values that travel through a [`Queue`](super::Queue).

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use serde::Serialize;

use super::{MAX_PAYLOAD_BYTES, QueueError};

/// Milliseconds since the Unix epoch, as the queue stores every time.
pub type UnixMillis = i64;

/// A job's id, unique within one queue and never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct JobId(pub i64);

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Proof that a worker holds a job; changes every time the job is leased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LeaseToken(pub i64);

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub(crate) kind: String,
    pub(crate) payload: Bytes,
    pub(crate) delay: Duration,
    pub(crate) dedup_key: Option<String>,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) max_attempts: u32,
}

impl NewJob {
    /// The attempts a job gets unless told otherwise.
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

    /// A job of `kind` (how workers route it, e.g. `stripe.create_payment_intent`) carrying
    /// `payload`, due now, with [`Self::DEFAULT_MAX_ATTEMPTS`] attempts.
    pub fn new(kind: impl Into<String>, payload: impl Into<Bytes>) -> Self {
        Self {
            kind: kind.into(),
            payload: payload.into(),
            delay: Duration::ZERO,
            dedup_key: None,
            idempotency_key: None,
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
        }
    }

    /// The kind given to [`Self::new`].
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// Makes the job due only after `delay`.
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// A second job with the same key is reported as a duplicate while the first is stored
    /// (waiting, leased or dead-lettered) and, once it is acked, for the queue's dedup
    /// retention ([`DEFAULT_DEDUP_RETENTION`](super::DEFAULT_DEDUP_RETENTION) unless the
    /// backend is told otherwise): a provider re-sending a delivery that was already handled
    /// does not get it handled twice.
    pub fn with_dedup_key(mut self, key: impl Into<String>) -> Self {
        self.dedup_key = Some(key.into());
        self
    }

    /// Uses this idempotency key instead of minting a new one.
    pub fn with_idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// How many attempts the job gets before it is dead-lettered (1 to 1,000).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// Checks the limits and mints the idempotency key: `prgn-` and a random UUID.
    pub(crate) fn validate(&self) -> Result<String, QueueError> {
        let bad = |what: &'static str| Err(QueueError::InvalidJob { what });
        if self.kind.is_empty() || self.kind.len() > 128 {
            return bad("kind must be 1 to 128 bytes");
        }
        if self.payload.len() > MAX_PAYLOAD_BYTES {
            return bad("payload is larger than 1 MiB");
        }
        if !(1..=1_000).contains(&self.max_attempts) {
            return bad("max attempts must be 1 to 1,000");
        }
        if self
            .dedup_key
            .as_ref()
            .is_some_and(|k| k.is_empty() || k.len() > 255)
        {
            return bad("dedup key must be 1 to 255 bytes");
        }
        match &self.idempotency_key {
            Some(key) if key.is_empty() || key.len() > 255 => {
                bad("idempotency key must be 1 to 255 bytes")
            }
            Some(key) if !key.bytes().all(|b| b.is_ascii_graphic()) => {
                bad("idempotency key must be printable ASCII")
            }
            Some(key) => Ok(key.clone()),
            None => Ok(format!("prgn-{}", uuid::Uuid::new_v4())),
        }
    }
}

/// What [`Queue::enqueue`](super::Queue::enqueue) did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Enqueued {
    /// Stored as a new job.
    New {
        /// Its id.
        id: JobId,
        /// The idempotency key stored with it.
        idempotency_key: String,
    },
    /// A job with the same dedup key is already stored; nothing was added. `existing` is
    /// `None` when that job finished between the two checks.
    Duplicate {
        /// The stored job.
        existing: Option<JobId>,
    },
}

/// A job as a worker sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub(crate) id: JobId,
    pub(crate) kind: String,
    pub(crate) payload: Bytes,
    pub(crate) attempt: u32,
    pub(crate) max_attempts: u32,
    pub(crate) idempotency_key: String,
    pub(crate) enqueued_at: UnixMillis,
    pub(crate) last_error: Option<String>,
}

impl Job {
    /// Its id.
    pub fn id(&self) -> JobId {
        self.id
    }
    /// Its kind.
    pub fn kind(&self) -> &str {
        &self.kind
    }
    /// Its payload, as enqueued.
    pub fn payload(&self) -> &Bytes {
        &self.payload
    }
    /// This attempt's number, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }
    /// The attempts it gets in all.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }
    /// Whether this is the last attempt.
    pub fn is_last_attempt(&self) -> bool {
        self.attempt >= self.max_attempts
    }
    /// The key to send with every side effect of this job, the same on every attempt.
    pub fn idempotency_key(&self) -> &str {
        &self.idempotency_key
    }
    /// When it was enqueued.
    pub fn enqueued_at(&self) -> UnixMillis {
        self.enqueued_at
    }
    /// The error recorded by the previous attempt, if any.
    pub fn last_error(&self) -> Option<&str> {
        self.last_error.as_deref()
    }
}

/// A job held by one worker until [`Lease::expires_at`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub(crate) job: Job,
    pub(crate) token: LeaseToken,
    pub(crate) expires_at: UnixMillis,
}

impl Lease {
    /// The job.
    pub fn job(&self) -> &Job {
        &self.job
    }
    /// The token that proves this lease.
    pub fn token(&self) -> LeaseToken {
        self.token
    }
    /// When the lease runs out unless extended.
    pub fn expires_at(&self) -> UnixMillis {
        self.expires_at
    }
    /// Keeps the expiry returned by [`Queue::extend`](super::Queue::extend).
    pub fn set_expires_at(&mut self, at: UnixMillis) {
        self.expires_at = at;
    }
}

/// What [`Queue::retry`](super::Queue::retry) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryOutcome {
    /// The job runs again at this time.
    Scheduled {
        /// When it becomes due.
        at: UnixMillis,
    },
    /// That was the last attempt: the job is in the dead-letter store.
    DeadLettered,
}

/// A job that used up its attempts (or was failed for good), kept until it is redriven or
/// purged; never purged automatically.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadLetter {
    /// Its id.
    pub id: JobId,
    /// Its kind.
    pub kind: String,
    /// Its payload.
    #[serde(skip)]
    pub payload: Bytes,
    /// The attempts made.
    pub attempts: u32,
    /// The attempts it had.
    pub max_attempts: u32,
    /// The idempotency key, kept across a redrive.
    pub idempotency_key: String,
    /// The last error, redacted and at most 1 KiB.
    pub last_error: Option<String>,
    /// When it was first enqueued.
    pub enqueued_at: UnixMillis,
    /// When it was dead-lettered.
    pub dead_at: UnixMillis,
}

/// Where a job still in the queue stands, as [`Queue::jobs`](super::Queue::jobs) lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Due now: the next lease may take it.
    Waiting,
    /// Due later (a delay or a retry's backoff).
    Scheduled,
    /// Held by a worker until its lease expires.
    Leased,
}

impl JobState {
    /// The state of a live job due (or leased until) `run_at`, at `now`.
    pub(crate) fn at(leased: bool, run_at: UnixMillis, now: UnixMillis) -> Self {
        match (leased, run_at > now) {
            (true, true) => Self::Leased,
            (false, true) => Self::Scheduled,
            (_, false) => Self::Waiting,
        }
    }

    /// `waiting`, `scheduled` or `leased`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Scheduled => "scheduled",
            Self::Leased => "leased",
        }
    }
}

/// A job still in the queue (not dead), without its payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobSummary {
    /// Its id.
    pub id: JobId,
    /// Its kind.
    pub kind: String,
    /// Where it stands.
    pub state: JobState,
    /// The attempts started so far.
    pub attempts: u32,
    /// The attempts it has.
    pub max_attempts: u32,
    /// When it is due (waiting, scheduled) or its lease ends (leased).
    pub run_at: UnixMillis,
    /// When it was enqueued.
    pub enqueued_at: UnixMillis,
    /// The error of its last failed attempt, redacted and at most 1 KiB.
    pub last_error: Option<String>,
    /// The size of its payload in bytes.
    pub payload_bytes: u64,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl JobSummary {
    /// Reads a row of `id, kind, attempts, max_attempts, run_at, enqueued_at, last_error,
    /// payload length, lease token set` as either database backend selects it.
    pub(crate) fn from_row<R>(row: &R, now: UnixMillis) -> Result<Self, QueueError>
    where
        R: sqlx::Row,
        usize: sqlx::ColumnIndex<R>,
        for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    {
        let read = || -> Result<_, sqlx::Error> {
            let number = |i: usize| row.try_get::<i64, _>(i);
            Ok((
                number(0)?,
                row.try_get::<String, _>(1)?,
                [number(2)?, number(3)?, number(4)?, number(5)?, number(7)?],
                row.try_get::<Option<String>, _>(6)?,
                row.try_get::<bool, _>(8)?,
            ))
        };
        let (id, kind, [attempts, max_attempts, run_at, enqueued_at, len], last_error, leased) =
            read().map_err(QueueError::storage("read a job"))?;
        let count = |n: i64| {
            u32::try_from(n).map_err(|_| QueueError::Corrupt {
                what: "attempt count",
            })
        };
        Ok(Self {
            id: JobId(id),
            kind,
            state: JobState::at(leased, run_at, now),
            attempts: count(attempts)?,
            max_attempts: count(max_attempts)?,
            run_at,
            enqueued_at,
            last_error,
            payload_bytes: u64::try_from(len).unwrap_or_default(),
        })
    }
}

/// The backlog of one job kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindStats {
    /// The kind.
    pub kind: String,
    /// Jobs waiting, scheduled or leased.
    pub depth: u64,
    /// Dead letters.
    pub dead: u64,
    /// When the oldest job still in the queue (not dead) was enqueued.
    pub oldest_enqueued_at: Option<UnixMillis>,
}

/// How much work a queue holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueueStats {
    /// Jobs waiting, scheduled or leased.
    pub depth: u64,
    /// Of those, jobs leased right now.
    pub leased: u64,
    /// Jobs in the dead-letter store.
    pub dead: u64,
    /// When the oldest job still in the queue (not dead) was enqueued.
    pub oldest_enqueued_at: Option<UnixMillis>,
}

impl QueueStats {
    /// How long the oldest job has been waiting at `now`.
    pub fn oldest_age(&self, now: UnixMillis) -> Option<Duration> {
        self.oldest_enqueued_at
            .map(|at| Duration::from_millis(u64::try_from(now.saturating_sub(at)).unwrap_or(0)))
    }
}

/// A job row as the database backends read it, before its numbers are checked.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) struct RawJob {
    pub(crate) id: i64,
    pub(crate) kind: String,
    pub(crate) payload: Vec<u8>,
    pub(crate) attempts: i64,
    pub(crate) max_attempts: i64,
    pub(crate) idempotency_key: String,
    pub(crate) enqueued_at: i64,
    pub(crate) last_error: Option<String>,
    pub(crate) run_at: i64,
    pub(crate) dead_at: Option<i64>,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl RawJob {
    fn count(n: i64) -> Result<u32, QueueError> {
        u32::try_from(n).map_err(|_| QueueError::Corrupt {
            what: "attempt count",
        })
    }

    pub(crate) fn into_lease(self, token: LeaseToken) -> Result<Lease, QueueError> {
        Ok(Lease {
            expires_at: self.run_at,
            token,
            job: Job {
                id: JobId(self.id),
                kind: self.kind,
                payload: Bytes::from(self.payload),
                attempt: Self::count(self.attempts)?,
                max_attempts: Self::count(self.max_attempts)?,
                idempotency_key: self.idempotency_key,
                enqueued_at: self.enqueued_at,
                last_error: self.last_error,
            },
        })
    }

    pub(crate) fn into_dead_letter(self) -> Result<DeadLetter, QueueError> {
        Ok(DeadLetter {
            id: JobId(self.id),
            kind: self.kind,
            payload: Bytes::from(self.payload),
            attempts: Self::count(self.attempts)?,
            max_attempts: Self::count(self.max_attempts)?,
            idempotency_key: self.idempotency_key,
            last_error: self.last_error,
            enqueued_at: self.enqueued_at,
            dead_at: self.dead_at.unwrap_or_default(),
        })
    }
}

/// A `(kind, depth, dead, oldest)` row as the database backends read it, checked.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn kind_stats(
    (kind, depth, dead, oldest): (String, i64, i64, Option<i64>),
) -> Result<KindStats, QueueError> {
    let count = |n: i64| u64::try_from(n).map_err(|_| QueueError::Corrupt { what: "job count" });
    Ok(KindStats {
        kind,
        depth: count(depth)?,
        dead: count(dead)?,
        oldest_enqueued_at: oldest,
    })
}
