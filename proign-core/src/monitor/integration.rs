//! The running record of one integration and how its state is judged.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use super::snapshot::{
    Backlog, Counters, IntegrationSnapshot, LastError, Latency, State, TopicSnapshot,
};
use super::{CallOutcome, DeliveryOutcome};
use crate::queue::{UnixMillis, redact_error};

const MAX_TOPICS: usize = 64;
const MAX_REASONS: usize = 32;
const LATENCY_WINDOW: usize = 256;
const RECENT_WINDOW: usize = 20;
/// Failures in a row that make an integration `failing`.
const FAILING_AFTER: u32 = 3;
/// A token this close to expiry makes an integration `degraded`.
const TOKEN_WARNING_MS: i64 = 5 * 60 * 1000;
/// Recent problems (rejections, dead letters) count for this long.
const RECENT_MS: i64 = 15 * 60 * 1000;

#[derive(Debug, Default)]
pub(super) struct Topic {
    counters: Counters,
    last_success_at: Option<UnixMillis>,
    last_error: Option<LastError>,
}

#[derive(Debug, Default)]
pub(super) struct Integration {
    counters: Counters,
    topics: BTreeMap<String, Topic>,
    rejected: BTreeMap<String, u64>,
    latencies: VecDeque<u64>,
    recent: VecDeque<bool>,
    failures_in_a_row: u32,
    last_success_at: Option<UnixMillis>,
    last_error: Option<LastError>,
    last_problem_at: Option<UnixMillis>,
    pub(super) token_expires_at: Option<UnixMillis>,
    pub(super) backlog: Option<Backlog>,
}

impl Integration {
    fn topic(&mut self, name: &str) -> &mut Topic {
        let name = if self.topics.contains_key(name) || self.topics.len() < MAX_TOPICS - 1 {
            name
        } else {
            "other"
        };
        self.topics.entry(name.to_owned()).or_default()
    }

    pub(super) fn bump(&mut self, topic: &str, f: impl Fn(&mut Counters)) {
        f(&mut self.counters);
        f(&mut self.topic(topic).counters);
    }

    fn success(&mut self, topic: &str, now: UnixMillis) {
        self.last_success_at = Some(now);
        self.topic(topic).last_success_at = Some(now);
        self.failures_in_a_row = 0;
        self.remember(true);
    }

    fn failure(&mut self, topic: &str, error: &str, now: UnixMillis) {
        let error = LastError {
            at: now,
            context: topic.chars().take(128).collect(),
            message: redact_error(error),
        };
        self.topic(topic).last_error = Some(error.clone());
        self.last_error = Some(error);
        self.failures_in_a_row = self.failures_in_a_row.saturating_add(1);
        self.remember(false);
    }

    fn remember(&mut self, ok: bool) {
        if self.recent.len() == RECENT_WINDOW {
            self.recent.pop_front();
        }
        self.recent.push_back(ok);
    }

    pub(super) fn call(
        &mut self,
        operation: &str,
        outcome: CallOutcome<'_>,
        latency: Duration,
        now: UnixMillis,
    ) {
        self.bump(operation, |c| c.calls += 1);
        if self.latencies.len() == LATENCY_WINDOW {
            self.latencies.pop_front();
        }
        self.latencies
            .push_back(u64::try_from(latency.as_millis()).unwrap_or(u64::MAX));
        match outcome {
            CallOutcome::Success => self.success(operation, now),
            CallOutcome::Failure(error) => {
                self.bump(operation, |c| c.failures += 1);
                self.failure(operation, error, now);
            }
        }
    }

    pub(super) fn delivery(&mut self, topic: &str, outcome: DeliveryOutcome<'_>, now: UnixMillis) {
        self.bump(topic, |c| c.received += 1);
        match outcome {
            DeliveryOutcome::Verified => {
                self.bump(topic, |c| c.verified += 1);
                self.last_success_at = Some(now);
                self.topic(topic).last_success_at = Some(now);
            }
            DeliveryOutcome::Duplicate => {
                self.bump(topic, |c| {
                    c.verified += 1;
                    c.duplicates += 1;
                });
            }
            DeliveryOutcome::Rejected(reason) => {
                self.bump(topic, |c| c.rejected += 1);
                let reason = if self.rejected.contains_key(reason)
                    || self.rejected.len() < MAX_REASONS - 1
                {
                    reason.chars().take(64).collect()
                } else {
                    "other".to_owned()
                };
                *self.rejected.entry(reason).or_default() += 1;
                self.last_problem_at = Some(now);
            }
        }
    }

    pub(super) fn delivered(&mut self, topic: &str, now: UnixMillis) {
        self.bump(topic, |c| c.delivered += 1);
        self.success(topic, now);
    }

    pub(super) fn dead_letter(&mut self, topic: &str, error: &str, now: UnixMillis) {
        self.bump(topic, |c| c.dead_lettered += 1);
        self.failure(topic, error, now);
        self.last_problem_at = Some(now);
    }

    fn judge(&self, now: UnixMillis) -> (State, Option<String>) {
        if let Some(at) = self.token_expires_at
            && at <= now
        {
            return (State::Failing, Some("access token expired".into()));
        }
        if self.failures_in_a_row >= FAILING_AFTER {
            let reason = format!("{} failures in a row", self.failures_in_a_row);
            return (State::Failing, Some(reason));
        }
        if self.recent.iter().any(|ok| !ok) {
            return (State::Degraded, Some("recent failures".into()));
        }
        if self
            .last_problem_at
            .is_some_and(|at| now.saturating_sub(at) < RECENT_MS)
        {
            return (
                State::Degraded,
                Some("recent rejections or dead letters".into()),
            );
        }
        if let Some(backlog) = self.backlog {
            if backlog.dead > 0 {
                return (
                    State::Degraded,
                    Some(format!("dead letters waiting: {}", backlog.dead)),
                );
            }
            if backlog
                .oldest_enqueued_at
                .is_some_and(|at| now.saturating_sub(at) > RECENT_MS)
            {
                return (State::Degraded, Some("jobs waiting over 15 minutes".into()));
            }
        }
        if let Some(at) = self.token_expires_at
            && at.saturating_sub(now) < TOKEN_WARNING_MS
        {
            return (State::Degraded, Some("access token about to expire".into()));
        }
        if self.last_success_at.is_none() {
            return (State::Unknown, None);
        }
        (State::Connected, None)
    }

    fn latency(&self) -> Latency {
        let mut sorted: Vec<u64> = self.latencies.iter().copied().collect();
        sorted.sort_unstable();
        let at = |q: usize| {
            sorted
                .get((sorted.len().saturating_sub(1)) * q / 100)
                .copied()
        };
        Latency {
            samples: u32::try_from(sorted.len()).unwrap_or(u32::MAX),
            p50_ms: at(50).unwrap_or(0),
            p95_ms: at(95).unwrap_or(0),
            max_ms: sorted.last().copied().unwrap_or(0),
        }
    }

    pub(super) fn snapshot(&self, provider: &str, now: UnixMillis) -> IntegrationSnapshot {
        let (state, state_reason) = self.judge(now);
        IntegrationSnapshot {
            provider: provider.to_owned(),
            state,
            state_reason,
            last_success_at: self.last_success_at,
            last_error: self.last_error.clone(),
            counters: self.counters,
            rejected_by_reason: self.rejected.clone(),
            latency: self.latency(),
            token_expires_at: self.token_expires_at,
            backlog: self.backlog,
            topics: self
                .topics
                .iter()
                .map(|(name, t)| TopicSnapshot {
                    name: name.clone(),
                    counters: t.counters,
                    last_success_at: t.last_success_at,
                    last_error: t.last_error.clone(),
                })
                .collect(),
        }
    }
}
