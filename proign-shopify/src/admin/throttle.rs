//! Shopify's GraphQL cost bucket: reading `extensions.cost`, computing the wait a throttled
//! query needs, and pacing queries before they are sent.
//!
//! Every Admin GraphQL answer reports the query's cost and the bucket's state. A query whose
//! cost exceeds what is left is refused inside an HTTP `200` with the error code
//! `THROTTLED`; the bucket refills at `restoreRate` points per second, so the query fits
//! again after `(requested − available) / restoreRate` seconds.

use std::sync::Mutex;
use std::time::Duration;

use proign_core::http::{BoxFuture, RateBudget, Response};
use serde::Deserialize;
use tokio::time::Instant;

/// The bucket's state as Shopify reported it.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ThrottleStatus {
    /// The bucket's size.
    pub maximum_available: f64,
    /// The points left.
    pub currently_available: f64,
    /// The points restored per second.
    pub restore_rate: f64,
}

/// `extensions.cost` of one answer.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct QueryCost {
    /// What the query was estimated to cost before it ran.
    pub requested_query_cost: Option<f64>,
    /// What it cost (`null` when it did not run).
    pub actual_query_cost: Option<f64>,
    /// The bucket after the query.
    pub throttle_status: Option<ThrottleStatus>,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    errors: Option<serde_json::Value>,
    #[serde(default)]
    extensions: Option<Extensions>,
}

#[derive(Deserialize)]
struct Extensions {
    cost: Option<QueryCost>,
}

/// `extensions.cost` from a GraphQL answer's bytes, if present.
pub fn cost_of(body: &[u8]) -> Option<QueryCost> {
    serde_json::from_slice::<Envelope>(body)
        .ok()?
        .extensions?
        .cost
}

/// Whether the answer carries an error whose server-set `extensions.code` is `THROTTLED`.
/// Message text never counts.
pub fn is_throttled(body: &[u8]) -> bool {
    let Ok(envelope) = serde_json::from_slice::<Envelope>(body) else {
        return false;
    };
    let Some(serde_json::Value::Array(errors)) = envelope.errors else {
        return false;
    };
    errors
        .iter()
        .any(|e| e.pointer("/extensions/code").and_then(|c| c.as_str()) == Some("THROTTLED"))
}

/// The wait before `requested` points are available again: `(requested − available) /
/// restoreRate` seconds, rounded up to the millisecond and never zero (at least the time
/// one point takes to restore). `None` when the rate is unknown or not positive.
pub fn refill_wait(requested: f64, status: &ThrottleStatus) -> Option<Duration> {
    if !(status.restore_rate.is_finite() && status.restore_rate > 0.0) {
        return None;
    }
    let missing = (requested - status.currently_available).max(1.0);
    let secs = missing / status.restore_rate;
    let millis = (secs * 1000.0).ceil();
    if !millis.is_finite() {
        return None;
    }
    Some(Duration::from_millis(
        millis.clamp(1.0, u64::MAX as f64) as u64
    ))
}

/// The wait a throttled answer asks for, from its own cost extension; one second when the
/// extension is missing or unusable, so a throttled query is never resent at once.
pub fn throttled_wait(body: &[u8]) -> Duration {
    cost_of(body)
        .and_then(|cost| refill_wait(cost.requested_query_cost?, &cost.throttle_status?))
        .unwrap_or(Duration::from_secs(1))
}

/// A [`RateBudget`] that paces queries by the last reported bucket state.
///
/// Before each attempt it estimates the points available now (the last reported level plus
/// what has been restored since, capped at the bucket's size) and, if fewer than the cost
/// estimate remain, waits until they are. The estimate is the last query's requested cost,
/// never less than the configured minimum (10 points unless set), so it is never zero.
/// Share one budget between every client of the same shop.
#[derive(Debug)]
pub struct CostBudget {
    minimum_cost: f64,
    state: Mutex<Option<Observed>>,
}

#[derive(Debug, Clone, Copy)]
struct Observed {
    status: ThrottleStatus,
    requested: f64,
    at: Instant,
}

impl Default for CostBudget {
    fn default() -> Self {
        Self::new(10.0)
    }
}

impl CostBudget {
    /// A budget assuming each query costs at least `minimum_cost` points (at least 1).
    pub fn new(minimum_cost: f64) -> Self {
        let minimum_cost = if minimum_cost.is_finite() {
            minimum_cost.max(1.0)
        } else {
            1.0
        };
        Self {
            minimum_cost,
            state: Mutex::new(None),
        }
    }

    /// The wait the next query needs now, by the last observation.
    pub fn wait_now(&self) -> Duration {
        let Some(observed) = *self.state.lock().unwrap_or_else(|p| p.into_inner()) else {
            return Duration::ZERO;
        };
        let status = observed.status;
        let restored = observed.at.elapsed().as_secs_f64() * status.restore_rate.max(0.0);
        let available = (status.currently_available + restored).min(status.maximum_available);
        let needed = observed.requested.max(self.minimum_cost);
        if available >= needed {
            return Duration::ZERO;
        }
        let now = ThrottleStatus {
            currently_available: available,
            ..status
        };
        refill_wait(needed, &now).unwrap_or(Duration::ZERO)
    }
}

impl RateBudget for CostBudget {
    fn acquire(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let wait = self.wait_now();
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
        })
    }

    fn observe(&self, response: &Response) {
        let Some(cost) = cost_of(response.body()) else {
            return;
        };
        let Some(status) = cost.throttle_status else {
            return;
        };
        let requested = cost.requested_query_cost.unwrap_or(self.minimum_cost);
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = Some(Observed {
            status,
            requested,
            at: Instant::now(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(available: f64, rate: f64) -> ThrottleStatus {
        ThrottleStatus {
            maximum_available: 2000.0,
            currently_available: available,
            restore_rate: rate,
        }
    }

    #[test]
    fn b11_waits_are_computed_from_the_bucket() {
        assert_eq!(
            refill_wait(202.0, &status(52.0, 100.0)),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            refill_wait(10.0, &status(0.0, 2.0)),
            Some(Duration::from_secs(5))
        );
        // Never zero, even when the bucket already holds enough.
        assert_eq!(
            refill_wait(10.0, &status(50.0, 100.0)),
            Some(Duration::from_millis(10))
        );
        assert_eq!(refill_wait(10.0, &status(0.0, 0.0)), None);
    }

    #[test]
    fn only_the_server_code_means_throttled() {
        let throttled = br#"{"errors":[{"message":"x","extensions":{"code":"THROTTLED"}}]}"#;
        let by_text = br#"{"errors":[{"message":"Throttled by user input"}]}"#;
        assert!(is_throttled(throttled));
        assert!(!is_throttled(by_text));
        assert!(!is_throttled(b"<html>"));
        assert_eq!(throttled_wait(throttled), Duration::from_secs(1));
    }
}
