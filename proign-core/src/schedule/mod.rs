//! Recurring jobs and catch-up checkpoints.
//!
//! A [`Scheduler`] turns [`Schedule`]s (an interval, or a cron expression in UTC) into jobs on
//! the queue. The next due time of every schedule is kept in the queue's own database
//! ([`ScheduleStore`]), and an occurrence is claimed with a compare-and-set before its job is
//! enqueued, so with several instances ticking at once each occurrence is enqueued by exactly
//! one of them. Occurrences missed while no instance ran are not replayed one by one: the
//! schedule runs once and moves on to its next future time. If an instance dies between
//! claiming an occurrence and enqueueing it, that one occurrence is skipped.
//!
//! A catch-up sync keeps its place in a [`CheckpointStore`] (same database): the last event
//! id, last `updated_at` or page cursor it processed, so a restart resumes where it stopped.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use std::sync::Arc;
//! use std::time::Duration;
//! use proign_core::clock::FixedClock;
//! use proign_core::queue::{MemoryQueue, Queue};
//! use proign_core::schedule::{Schedule, Scheduler};
//!
//! let clock = FixedClock::at_unix(1_767_225_600); // 2026-01-01 00:00 UTC
//! let queue = Arc::new(MemoryQueue::with_clock(clock.clone()));
//! let scheduler = Scheduler::new(queue.clone())
//!     .with_clock(clock.clone())
//!     .with_schedule(Schedule::cron("stripe-catch-up", "*/15 * * * *", "stripe.catch_up", Vec::new()).unwrap());
//! scheduler.register().await.unwrap();
//!
//! clock.advance_secs(15 * 60);
//! assert_eq!(scheduler.tick().await.unwrap(), 1);
//! assert_eq!(scheduler.tick().await.unwrap(), 0, "each occurrence once");
//! assert_eq!(queue.stats().await.unwrap().depth, 1);
//! # });
//! ```

use std::str::FromStr as _;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

pub use crate::queue::stores::{Checkpoint, CheckpointStore, ScheduleStore};

use crate::clock::{self, SharedClock};
use crate::queue::{NewJob, Queue, QueueError, UnixMillis, after, now_millis};

/// Why a schedule could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// The cron expression does not parse.
    #[error("invalid cron expression")]
    Cron(#[source] croner::errors::CronError),
    /// The interval is shorter than one second.
    #[error("interval must be at least one second")]
    Interval,
    /// The name is empty or longer than 128 bytes.
    #[error("schedule name must be 1 to 128 bytes")]
    Name,
}

#[derive(Debug, Clone)]
enum Every {
    Interval(Duration),
    Cron(Box<croner::Cron>),
}

/// A recurring job.
#[derive(Debug, Clone)]
pub struct Schedule {
    name: String,
    every: Every,
    kind: String,
    payload: Bytes,
}

impl Schedule {
    /// A job of `kind` every `interval` (at least a second).
    pub fn interval(
        name: impl Into<String>,
        interval: Duration,
        kind: impl Into<String>,
        payload: impl Into<Bytes>,
    ) -> Result<Self, ScheduleError> {
        if interval < Duration::from_secs(1) {
            return Err(ScheduleError::Interval);
        }
        Self::make(
            name.into(),
            Every::Interval(interval),
            kind.into(),
            payload.into(),
        )
    }

    /// A job of `kind` at the times a five- or six-field cron expression names, in UTC.
    pub fn cron(
        name: impl Into<String>,
        expression: &str,
        kind: impl Into<String>,
        payload: impl Into<Bytes>,
    ) -> Result<Self, ScheduleError> {
        let cron = croner::Cron::from_str(expression).map_err(ScheduleError::Cron)?;
        Self::make(
            name.into(),
            Every::Cron(Box::new(cron)),
            kind.into(),
            payload.into(),
        )
    }

    fn make(
        name: String,
        every: Every,
        kind: String,
        payload: Bytes,
    ) -> Result<Self, ScheduleError> {
        if name.is_empty() || name.len() > 128 {
            return Err(ScheduleError::Name);
        }
        Ok(Self {
            name,
            every,
            kind,
            payload,
        })
    }

    /// Its name, unique among the schedules sharing a store.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The first due time strictly after `now`, or `None` when the cron expression has none.
    pub fn next_after(&self, now: UnixMillis) -> Option<UnixMillis> {
        match &self.every {
            Every::Interval(every) => Some(after(now, *every)),
            Every::Cron(cron) => {
                let now = chrono::DateTime::from_timestamp_millis(now)?;
                let next = cron.find_next_occurrence(&now, false).ok()?;
                Some(next.timestamp_millis())
            }
        }
    }
}

/// Enqueues each due occurrence of its schedules once. See the [module documentation](self).
#[derive(Debug)]
pub struct Scheduler<S> {
    store: Arc<S>,
    schedules: Vec<Schedule>,
    clock: SharedClock,
}

impl<S: Queue + ScheduleStore> Scheduler<S> {
    /// A scheduler keeping its due times in `store` and enqueueing there.
    pub fn new(store: Arc<S>) -> Self {
        Self {
            store,
            schedules: Vec::new(),
            clock: clock::system(),
        }
    }

    /// Reads time from `clock`.
    pub fn with_clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// Adds a schedule.
    pub fn with_schedule(mut self, schedule: Schedule) -> Self {
        self.schedules.push(schedule);
        self
    }

    /// Stores each schedule's first due time, keeping times already stored by any instance.
    pub async fn register(&self) -> Result<(), QueueError> {
        let now = now_millis(self.clock.as_ref());
        for schedule in &self.schedules {
            if let Some(first) = schedule.next_after(now) {
                self.store.register(&schedule.name, first).await?;
            }
        }
        Ok(())
    }

    /// Enqueues the occurrences due now that this instance wins; returns how many.
    pub async fn tick(&self) -> Result<usize, QueueError> {
        let now = now_millis(self.clock.as_ref());
        let mut enqueued = 0;
        for (name, due_at) in self.store.due(now).await? {
            let Some(schedule) = self.schedules.iter().find(|s| s.name == name) else {
                continue; // another instance's schedule
            };
            let next = schedule.next_after(now).unwrap_or(i64::MAX);
            if !self.store.advance(&name, due_at, next).await? {
                continue; // another instance took this occurrence
            }
            let job = NewJob::new(schedule.kind.clone(), schedule.payload.clone())
                .with_dedup_key(format!("schedule:{name}:{due_at}"));
            if let Err(error) = self.store.enqueue(job).await {
                // Give the occurrence back so the next tick (here or elsewhere) retries it.
                let _ = self.store.advance(&name, next, due_at).await;
                return Err(error);
            }
            enqueued += 1;
        }
        Ok(enqueued)
    }

    /// Ticks every `period` until `shutdown` completes. Tick errors (a database outage) are
    /// retried at the next period.
    pub async fn run(self, period: Duration, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut ticker = tokio::time::interval(period.max(Duration::from_millis(100)));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = &mut shutdown => return,
                _ = ticker.tick() => { let _ = self.tick().await; }
            }
        }
    }
}

#[cfg(test)]
mod tests;
