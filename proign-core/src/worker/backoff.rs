//! How long a worker waits before a job's next attempt.

use std::time::Duration;

/// The delay before the next attempt of a job whose attempt number `attempt` (from 1) failed.
///
/// The HTTP core's retry policy implements this too, so one policy governs both in-request
/// retries and queued retries.
pub trait Backoff: Send + Sync + 'static {
    /// The delay after failed attempt number `attempt`.
    fn delay(&self, attempt: u32) -> Duration;
}

impl<F> Backoff for F
where
    F: Fn(u32) -> Duration + Send + Sync + 'static,
{
    fn delay(&self, attempt: u32) -> Duration {
        self(attempt)
    }
}

/// The retry policy every provider call uses schedules queued retries too: the delay after
/// failed attempt `n` is [`RetryPolicy::delay_for`](crate::retry::RetryPolicy::delay_for).
impl Backoff for crate::retry::RetryPolicy {
    fn delay(&self, attempt: u32) -> Duration {
        self.delay_for(attempt)
    }
}

/// Doubling delays with random jitter: `base · 2^(attempt-1)`, capped at `max`, then shortened
/// by a random part of up to `jitter` (0.0 to 1.0) of itself so that many failed jobs do not
/// come back at the same instant.
///
/// ```
/// use std::time::Duration;
/// use proign_core::worker::{Backoff, ExponentialBackoff};
///
/// let backoff = ExponentialBackoff::new(Duration::from_secs(1), Duration::from_secs(60)).with_jitter(0.0);
/// assert_eq!(backoff.delay(1), Duration::from_secs(1));
/// assert_eq!(backoff.delay(3), Duration::from_secs(4));
/// assert_eq!(backoff.delay(30), Duration::from_secs(60));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExponentialBackoff {
    base: Duration,
    max: Duration,
    jitter: f64,
}

impl Default for ExponentialBackoff {
    /// 1 s doubling up to 10 min, with 20 % jitter.
    fn default() -> Self {
        Self::new(Duration::from_secs(1), Duration::from_secs(600))
    }
}

impl ExponentialBackoff {
    /// Delays from `base` doubling up to `max`, with 20 % jitter.
    pub fn new(base: Duration, max: Duration) -> Self {
        Self {
            base,
            max,
            jitter: 0.2,
        }
    }

    /// Sets the jitter fraction (clamped to 0.0–1.0).
    pub fn with_jitter(mut self, jitter: f64) -> Self {
        self.jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        self
    }
}

impl Backoff for ExponentialBackoff {
    fn delay(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(40);
        let full = self
            .base
            .checked_mul(1u32 << doublings.min(31))
            .unwrap_or(self.max)
            .min(self.max);
        if self.jitter == 0.0 {
            return full;
        }
        let cut = fastrand::f64() * self.jitter;
        Duration::try_from_secs_f64(full.as_secs_f64() * (1.0 - cut)).unwrap_or(full)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_only_shortens_and_never_below_its_share() {
        let backoff = ExponentialBackoff::new(Duration::from_secs(2), Duration::from_secs(60));
        for _ in 0..200 {
            let d = backoff.delay(2);
            assert!(
                d <= Duration::from_secs(4) && d >= Duration::from_millis(3_200),
                "{d:?}"
            );
        }
    }

    #[test]
    fn huge_attempt_numbers_stay_at_the_cap() {
        let backoff = ExponentialBackoff::new(Duration::from_secs(5), Duration::from_secs(60))
            .with_jitter(0.0);
        assert_eq!(backoff.delay(u32::MAX), Duration::from_secs(60));
        assert_eq!(backoff.delay(0), Duration::from_secs(5));
        let unbounded = ExponentialBackoff::new(Duration::MAX, Duration::MAX);
        assert!(unbounded.delay(3) > Duration::from_secs(1 << 40));
    }
}
