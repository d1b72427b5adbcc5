//! The in-process backend.

mod stores;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Notify;

use super::stores::Checkpoint;
use super::{
    DeadLetter, Enqueued, Job, JobId, JobState, JobSummary, KindStats, Lease, LeaseToken,
    MAX_KINDS, MAX_LEASE_BATCH, NewJob, Queue, QueueError, QueueStats, RetryOutcome, UnixMillis,
    after, new_token, now_millis, redact_error,
};
use crate::clock::{self, SharedClock};

/// A queue held in this process's memory.
///
/// **Not durable**: every job, dead letter and claim is lost when the process exits. Use it
/// for tests and examples; use the SQLite or PostgreSQL backend for real work. It is bounded:
/// [`Queue::enqueue`] fails with [`QueueError::Full`] at its capacity.
#[derive(Debug)]
pub struct MemoryQueue {
    clock: SharedClock,
    capacity: usize,
    dedup_retention: Duration,
    state: Mutex<State>,
    notify: Notify,
}

#[derive(Debug, Default)]
struct State {
    next_id: i64,
    jobs: BTreeMap<JobId, Entry>,
    by_dedup: HashMap<String, JobId>,
    /// Dedup keys of acked jobs, with when they stop refusing copies.
    finished: HashMap<String, UnixMillis>,
    claims: HashMap<(String, String), UnixMillis>,
    checkpoints: HashMap<String, Checkpoint>,
    schedules: BTreeMap<String, UnixMillis>,
}

#[derive(Debug)]
struct Entry {
    job: Job,
    dedup_key: Option<String>,
    run_at: UnixMillis,
    token: Option<LeaseToken>,
    dead_at: Option<UnixMillis>,
}

impl Default for MemoryQueue {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryQueue {
    /// The capacity of [`MemoryQueue::new`].
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// An empty queue on the system clock with [`Self::DEFAULT_CAPACITY`].
    pub fn new() -> Self {
        Self::with_clock(clock::system())
    }

    /// An empty queue reading time from `clock`.
    pub fn with_clock(clock: SharedClock) -> Self {
        Self {
            clock,
            capacity: Self::DEFAULT_CAPACITY,
            dedup_retention: super::DEFAULT_DEDUP_RETENTION,
            state: Mutex::new(State::default()),
            notify: Notify::new(),
        }
    }

    /// Sets how many jobs (dead letters included) it holds at most.
    pub fn with_capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity;
        self
    }

    /// Keeps an acked job's dedup key for `retention` (default
    /// [`DEFAULT_DEDUP_RETENTION`](super::DEFAULT_DEDUP_RETENTION)), as the database backends
    /// do; at most [`Self::with_capacity`] keys are kept, the oldest dropped first.
    pub fn with_dedup_retention(mut self, retention: Duration) -> Self {
        self.dedup_retention = retention;
        self
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves the maps consistent: every update is one step.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn now(&self) -> UnixMillis {
        now_millis(self.clock.as_ref())
    }

    fn held<'s>(state: &'s mut State, lease: &Lease) -> Result<&'s mut Entry, QueueError> {
        let id = lease.job.id;
        match state.jobs.get_mut(&id) {
            Some(e) if e.token == Some(lease.token) && e.dead_at.is_none() => Ok(e),
            _ => Err(QueueError::LeaseLost { id }),
        }
    }

    fn remove(state: &mut State, id: JobId) -> Option<Entry> {
        let entry = state.jobs.remove(&id)?;
        if let Some(key) = &entry.dedup_key {
            state.by_dedup.remove(key);
        }
        Some(entry)
    }
}

fn to_dead_letter(e: &Entry) -> DeadLetter {
    DeadLetter {
        id: e.job.id,
        kind: e.job.kind.clone(),
        payload: e.job.payload.clone(),
        attempts: e.job.attempt,
        max_attempts: e.job.max_attempts,
        idempotency_key: e.job.idempotency_key.clone(),
        last_error: e.job.last_error.clone(),
        enqueued_at: e.job.enqueued_at,
        dead_at: e.dead_at.unwrap_or_default(),
    }
}

impl Queue for MemoryQueue {
    async fn enqueue(&self, job: NewJob) -> Result<Enqueued, QueueError> {
        let idempotency_key = job.validate()?;
        let now = self.now();
        let mut state = self.state();
        if let Some(key) = &job.dedup_key {
            if let Some(existing) = state.by_dedup.get(key) {
                return Ok(Enqueued::Duplicate {
                    existing: Some(*existing),
                });
            }
            match state.finished.get(key) {
                Some(until) if *until > now => return Ok(Enqueued::Duplicate { existing: None }),
                Some(_) => {
                    state.finished.remove(key);
                }
                None => {}
            }
        }
        if state.jobs.len() >= self.capacity {
            return Err(QueueError::Full {
                capacity: self.capacity,
            });
        }
        state.next_id += 1;
        let id = JobId(state.next_id);
        if let Some(key) = &job.dedup_key {
            state.by_dedup.insert(key.clone(), id);
        }
        let entry = Entry {
            job: Job {
                id,
                kind: job.kind,
                payload: job.payload,
                attempt: 0,
                max_attempts: job.max_attempts,
                idempotency_key: idempotency_key.clone(),
                enqueued_at: now,
                last_error: None,
            },
            dedup_key: job.dedup_key,
            run_at: after(now, job.delay),
            token: None,
            dead_at: None,
        };
        state.jobs.insert(id, entry);
        drop(state);
        self.notify.notify_waiters();
        Ok(Enqueued::New {
            id,
            idempotency_key,
        })
    }

    async fn lease(&self, max: usize, visibility: Duration) -> Result<Vec<Lease>, QueueError> {
        let now = self.now();
        let expires_at = after(now, visibility);
        let mut state = self.state();
        for e in state.jobs.values_mut() {
            // A job whose final attempt's lease ran out has no attempt left to give.
            if e.dead_at.is_none() && e.run_at <= now && e.job.attempt >= e.job.max_attempts {
                e.dead_at = Some(now);
                e.token = None;
                e.job
                    .last_error
                    .get_or_insert_with(|| "lease expired".to_owned());
            }
        }
        let mut due: Vec<(UnixMillis, JobId)> = state
            .jobs
            .values()
            .filter(|e| e.dead_at.is_none() && e.run_at <= now)
            .map(|e| (e.run_at, e.job.id))
            .collect();
        due.sort_unstable();
        due.truncate(max.min(MAX_LEASE_BATCH));
        let token = new_token();
        let mut leases = Vec::with_capacity(due.len());
        for (_, id) in due {
            if let Some(e) = state.jobs.get_mut(&id) {
                e.job.attempt += 1;
                e.run_at = expires_at;
                e.token = Some(token);
                leases.push(Lease {
                    job: e.job.clone(),
                    token,
                    expires_at,
                });
            }
        }
        Ok(leases)
    }

    async fn ack(&self, lease: &Lease) -> Result<(), QueueError> {
        let mut state = self.state();
        Self::held(&mut state, lease)?;
        let entry = Self::remove(&mut state, lease.job.id);
        if let Some(key) = entry.and_then(|e| e.dedup_key)
            && !self.dedup_retention.is_zero()
        {
            let now = self.now();
            if state.finished.len() >= self.capacity {
                state.finished.retain(|_, until| *until > now);
            }
            if state.finished.len() >= self.capacity
                && let Some(oldest) = state
                    .finished
                    .iter()
                    .min_by_key(|(_, until)| **until)
                    .map(|(k, _)| k.clone())
            {
                state.finished.remove(&oldest);
            }
            state.finished.insert(key, after(now, self.dedup_retention));
        }
        Ok(())
    }

    async fn retry(
        &self,
        lease: &Lease,
        delay: Duration,
        error: &str,
    ) -> Result<RetryOutcome, QueueError> {
        let now = self.now();
        let mut state = self.state();
        let e = Self::held(&mut state, lease)?;
        e.token = None;
        e.job.last_error = Some(redact_error(error));
        if e.job.attempt >= e.job.max_attempts {
            e.dead_at = Some(now);
            return Ok(RetryOutcome::DeadLettered);
        }
        e.run_at = after(now, delay);
        Ok(RetryOutcome::Scheduled { at: e.run_at })
    }

    async fn dead_letter(&self, lease: &Lease, error: &str) -> Result<(), QueueError> {
        let now = self.now();
        let mut state = self.state();
        let e = Self::held(&mut state, lease)?;
        e.token = None;
        e.job.last_error = Some(redact_error(error));
        e.dead_at = Some(now);
        Ok(())
    }

    async fn extend(&self, lease: &Lease, visibility: Duration) -> Result<UnixMillis, QueueError> {
        let until = after(self.now(), visibility);
        let mut state = self.state();
        Self::held(&mut state, lease)?.run_at = until;
        Ok(until)
    }

    async fn release(&self, lease: &Lease) -> Result<(), QueueError> {
        let now = self.now();
        let mut state = self.state();
        let e = Self::held(&mut state, lease)?;
        e.token = None;
        e.run_at = now;
        e.job.attempt = e.job.attempt.saturating_sub(1);
        drop(state);
        self.notify.notify_waiters();
        Ok(())
    }

    async fn jobs(
        &self,
        after: Option<JobId>,
        limit: usize,
    ) -> Result<Vec<JobSummary>, QueueError> {
        let now = self.now();
        let state = self.state();
        let from = after.map_or(JobId(i64::MIN), |id| JobId(id.0.saturating_add(1)));
        Ok(state
            .jobs
            .range(from..)
            .map(|(_, e)| e)
            .filter(|e| e.dead_at.is_none())
            .take(limit.min(1_000))
            .map(|e| JobSummary {
                id: e.job.id,
                kind: e.job.kind.clone(),
                state: JobState::at(e.token.is_some(), e.run_at, now),
                attempts: e.job.attempt,
                max_attempts: e.job.max_attempts,
                run_at: e.run_at,
                enqueued_at: e.job.enqueued_at,
                last_error: e.job.last_error.clone(),
                payload_bytes: e.job.payload.len() as u64,
            })
            .collect())
    }

    async fn dead_letters(
        &self,
        after: Option<JobId>,
        limit: usize,
    ) -> Result<Vec<DeadLetter>, QueueError> {
        let start = after.map_or(i64::MIN, |id| id.0.saturating_add(1));
        let state = self.state();
        Ok(state
            .jobs
            .range(JobId(start)..)
            .filter(|(_, e)| e.dead_at.is_some())
            .take(limit.min(1_000))
            .map(|(_, e)| to_dead_letter(e))
            .collect())
    }

    async fn dead_letter_by_id(&self, id: JobId) -> Result<Option<DeadLetter>, QueueError> {
        let state = self.state();
        Ok(state
            .jobs
            .get(&id)
            .filter(|e| e.dead_at.is_some())
            .map(to_dead_letter))
    }

    async fn redrive(&self, id: JobId) -> Result<bool, QueueError> {
        let now = self.now();
        let mut state = self.state();
        let Some(e) = state.jobs.get_mut(&id).filter(|e| e.dead_at.is_some()) else {
            return Ok(false);
        };
        e.dead_at = None;
        e.job.attempt = 0;
        e.run_at = now;
        drop(state);
        self.notify.notify_waiters();
        Ok(true)
    }

    async fn purge_dead_letter(&self, id: JobId) -> Result<bool, QueueError> {
        let mut state = self.state();
        if state.jobs.get(&id).is_some_and(|e| e.dead_at.is_some()) {
            Self::remove(&mut state, id);
            return Ok(true);
        }
        Ok(false)
    }

    async fn stats(&self) -> Result<QueueStats, QueueError> {
        let now = self.now();
        let state = self.state();
        let mut stats = QueueStats::default();
        for e in state.jobs.values() {
            if e.dead_at.is_some() {
                stats.dead += 1;
                continue;
            }
            stats.depth += 1;
            if e.token.is_some() && e.run_at > now {
                stats.leased += 1;
            }
            let oldest = stats.oldest_enqueued_at.get_or_insert(e.job.enqueued_at);
            *oldest = (*oldest).min(e.job.enqueued_at);
        }
        Ok(stats)
    }

    async fn stats_by_kind(&self) -> Result<Vec<KindStats>, QueueError> {
        let state = self.state();
        let mut kinds: BTreeMap<&str, KindStats> = BTreeMap::new();
        for e in state.jobs.values() {
            if kinds.len() >= MAX_KINDS && !kinds.contains_key(e.job.kind.as_str()) {
                continue;
            }
            let k = kinds.entry(&e.job.kind).or_insert_with(|| KindStats {
                kind: e.job.kind.clone(),
                depth: 0,
                dead: 0,
                oldest_enqueued_at: None,
            });
            if e.dead_at.is_some() {
                k.dead += 1;
            } else {
                k.depth += 1;
                let oldest = k.oldest_enqueued_at.get_or_insert(e.job.enqueued_at);
                *oldest = (*oldest).min(e.job.enqueued_at);
            }
        }
        Ok(kinds.into_values().collect())
    }

    async fn wait_for_jobs(&self, max: Duration) {
        let _ = tokio::time::timeout(max, self.notify.notified()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;

    crate::queue::conformance::queue_conformance!(async {
        let clock = FixedClock::at_unix(1_767_225_600);
        Some((MemoryQueue::with_clock(clock.clone()), clock, ()))
    });

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_named_check_runs() {
        use crate::queue::conformance::{CHECKS, run_check};
        for name in CHECKS {
            let clock = FixedClock::at_unix(1_767_225_600);
            let queue = std::sync::Arc::new(MemoryQueue::with_clock(clock.clone()));
            run_check(name, queue, clock).await;
        }
    }

    #[tokio::test]
    async fn a_full_queue_says_so() {
        let queue = MemoryQueue::new().with_capacity(1);
        queue.enqueue(NewJob::new("k", &b"1"[..])).await.unwrap();
        let err = queue
            .enqueue(NewJob::new("k", &b"2"[..]))
            .await
            .unwrap_err();
        assert!(matches!(err, QueueError::Full { capacity: 1 }));
    }
}
