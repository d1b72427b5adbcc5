//! The monitor's numbers through the `metrics` facade (feature `metrics`).
//!
//! | name | kind | labels |
//! |---|---|---|
//! | `proign_webhooks_received_total` | counter | `provider`, `topic`, `outcome` (`verified`, `duplicate`, `rejected`) |
//! | `proign_webhooks_rejected_total` | counter | `provider`, `reason` |
//! | `proign_calls_total` | counter | `provider`, `operation`, `outcome` (`success`, `failure`) |
//! | `proign_call_duration_seconds` | histogram | `provider`, `operation` |
//! | `proign_jobs_total` | counter | `provider`, `topic`, `outcome` (`delivered`, `retried`, `dead_lettered`) |
//! | `proign_queue_depth`, `proign_queue_leased`, `proign_queue_dead_letters` | gauge | |
//! | `proign_queue_oldest_age_seconds` | gauge | |
//! | `proign_backlog_depth`, `proign_backlog_dead_letters` | gauge | `provider` |
//! | `proign_token_expires_at_seconds` | gauge | `provider` |
//! | `proign_integration_state` | gauge (0 unknown, 1 connected, 2 degraded, 3 failing) | `provider` |
//!
//! Topic and operation labels come from the host's code, never from request data, so their
//! number stays small.

use std::time::Duration;

use super::{Backlog, CallOutcome, DeliveryOutcome, IntegrationSnapshot, State};
use crate::Provider;
use crate::queue::{QueueStats, UnixMillis};

pub(super) fn call(provider: Provider, operation: &str, outcome: CallOutcome<'_>, took: Duration) {
    let outcome = match outcome {
        CallOutcome::Success => "success",
        CallOutcome::Failure(_) => "failure",
    };
    let (p, op) = (provider.as_str(), operation.to_owned());
    metrics::counter!("proign_calls_total", "provider" => p, "operation" => op.clone(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!("proign_call_duration_seconds", "provider" => p, "operation" => op)
        .record(took.as_secs_f64());
}

pub(super) fn delivery(provider: Provider, topic: &str, outcome: DeliveryOutcome<'_>) {
    let p = provider.as_str();
    let label = match outcome {
        DeliveryOutcome::Verified => "verified",
        DeliveryOutcome::Duplicate => "duplicate",
        DeliveryOutcome::Rejected(reason) => {
            metrics::counter!("proign_webhooks_rejected_total", "provider" => p, "reason" => reason.to_owned())
                .increment(1);
            "rejected"
        }
    };
    metrics::counter!("proign_webhooks_received_total", "provider" => p, "topic" => topic.to_owned(), "outcome" => label)
        .increment(1);
}

pub(super) fn job(provider: Provider, topic: &str, outcome: &'static str) {
    metrics::counter!("proign_jobs_total", "provider" => provider.as_str(), "topic" => topic.to_owned(), "outcome" => outcome)
        .increment(1);
}

pub(super) fn token_expiry(provider: Provider, at: UnixMillis) {
    metrics::gauge!("proign_token_expires_at_seconds", "provider" => provider.as_str())
        .set(at as f64 / 1000.0);
}

pub(super) fn queue(stats: &QueueStats, now: UnixMillis) {
    metrics::gauge!("proign_queue_depth").set(stats.depth as f64);
    metrics::gauge!("proign_queue_leased").set(stats.leased as f64);
    metrics::gauge!("proign_queue_dead_letters").set(stats.dead as f64);
    let age = stats.oldest_age(now).map_or(0.0, |d| d.as_secs_f64());
    metrics::gauge!("proign_queue_oldest_age_seconds").set(age);
}

pub(super) fn states(integrations: &[IntegrationSnapshot]) {
    for i in integrations {
        let value = match i.state {
            State::Connected => 1.0,
            State::Degraded => 2.0,
            State::Failing => 3.0,
            _ => 0.0,
        };
        metrics::gauge!("proign_integration_state", "provider" => i.provider.clone()).set(value);
    }
}

pub(super) fn backlog(provider: Provider, backlog: &Backlog) {
    let p = provider.as_str();
    metrics::gauge!("proign_backlog_depth", "provider" => p).set(backlog.depth as f64);
    metrics::gauge!("proign_backlog_dead_letters", "provider" => p).set(backlog.dead as f64);
}
