//! When to try a provider call again, and how long to wait first.
//!
//! A [`RetryPolicy`] bounds the number of attempts, the wait between them (exponential
//! backoff from a base delay, capped, with full jitter) and the overall time spent. When a
//! provider names the wait itself (`Retry-After`, read by [`parse_retry_after`]), the policy
//! honours it exactly; a wait longer than the cap is not shortened but handed back to the
//! caller ([`Wait::TooLong`]) so a durable queue can reschedule the job instead of holding a
//! task asleep.
//!
//! The same policy drives the HTTP client's in-call retries and the queue worker's
//! between-attempt delays.
//!
//! ```
//! use std::time::Duration;
//! use proign_core::retry::{Jitter, RetryPolicy, Wait};
//!
//! let policy = RetryPolicy::default()
//!     .with_base_delay(Duration::from_millis(100))
//!     .with_max_delay(Duration::from_secs(60))
//!     .with_jitter(Jitter::None);
//! assert_eq!(policy.delay_for(1), Duration::from_millis(100));
//! assert_eq!(policy.delay_for(3), Duration::from_millis(400));
//! assert_eq!(policy.delay_for(30), Duration::from_secs(60));
//!
//! // A provider asking for two minutes is not cut down to one.
//! let asked = Some(Duration::from_secs(120));
//! assert_eq!(policy.wait(1, asked), Wait::TooLong(Duration::from_secs(120)));
//! ```

mod after;

pub use after::parse_retry_after;

use std::time::Duration;

/// How the computed backoff is randomised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Jitter {
    /// A uniformly random wait between zero and the backoff ("full jitter"), so clients that
    /// failed together do not come back together.
    #[default]
    Full,
    /// Exactly the backoff; for tests and for callers that add their own spread.
    None,
}

/// The wait before the next attempt, as decided by [`RetryPolicy::wait`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Sleep this long, then try again.
    After(Duration),
    /// The provider asked for a wait longer than the policy's cap; do not sleep in-process.
    TooLong(Duration),
}

/// Attempts, backoff and deadline for one logical call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    deadline: Duration,
    jitter: Jitter,
}

impl Default for RetryPolicy {
    /// Three attempts, 500 ms base delay, 60 s cap, two minutes overall, full jitter.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
            deadline: Duration::from_secs(120),
            jitter: Jitter::Full,
        }
    }
}

/// The small random wait used when a provider asks for "now" (a zero delay or a date in the
/// past), so a crowd of clients does not return in the same millisecond.
const ZERO_WAIT_SPREAD: Duration = Duration::from_millis(50);

impl RetryPolicy {
    /// One attempt, no retry.
    pub fn never() -> Self {
        Self::default().with_max_attempts(1)
    }

    /// Sets the number of attempts, the first included (at least one).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the backoff after the first failure; it doubles after each further one.
    pub fn with_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Sets the longest single wait, computed or asked for by the provider.
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Sets the overall time budget of one call, measured from its first attempt: no attempt
    /// starts or runs past it.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Sets how the backoff is randomised.
    pub fn with_jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// The number of attempts, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The longest single wait.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The overall time budget of one call.
    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// The backoff after `failed_attempts` failures (1 after the first): `base × 2^(n−1)`,
    /// capped at the maximum delay, then jittered.
    pub fn delay_for(&self, failed_attempts: u32) -> Duration {
        let exponent = failed_attempts.saturating_sub(1).min(31);
        let backoff = self
            .base_delay
            .checked_mul(1u32 << exponent)
            .unwrap_or(Duration::MAX)
            .min(self.max_delay);
        match self.jitter {
            Jitter::Full => random_up_to(backoff),
            Jitter::None => backoff,
        }
    }

    /// The wait after `failed_attempts` failures, honouring the delay a provider `asked` for.
    ///
    /// An asked delay is used as it is (not jittered) unless it is zero, which gets a small
    /// random spread; one longer than [`max_delay`](Self::max_delay) is
    /// [`Wait::TooLong`], never clamped to a shorter sleep.
    pub fn wait(&self, failed_attempts: u32, asked: Option<Duration>) -> Wait {
        match asked {
            Some(asked) if asked > self.max_delay => Wait::TooLong(asked),
            Some(asked) if asked.is_zero() => Wait::After(match self.jitter {
                Jitter::Full => random_up_to(ZERO_WAIT_SPREAD.min(self.max_delay)),
                Jitter::None => Duration::ZERO,
            }),
            Some(asked) => Wait::After(asked),
            None => Wait::After(self.delay_for(failed_attempts)),
        }
    }
}

fn random_up_to(limit: Duration) -> Duration {
    let nanos = u64::try_from(limit.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(fastrand::u64(0..=nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact() -> RetryPolicy {
        RetryPolicy::default()
            .with_base_delay(Duration::from_millis(200))
            .with_max_delay(Duration::from_secs(60))
            .with_jitter(Jitter::None)
    }

    #[test]
    fn backoff_doubles_then_caps() {
        let policy = exact();
        let delays: Vec<u64> = (1..=11)
            .map(|n| policy.delay_for(n).as_millis() as u64)
            .collect();
        assert_eq!(
            delays,
            [
                200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 51_200, 60_000, 60_000
            ]
        );
        assert_eq!(policy.delay_for(u32::MAX), Duration::from_secs(60));
        assert_eq!(policy.delay_for(0), Duration::from_millis(200));
    }

    #[test]
    fn full_jitter_stays_within_the_backoff() {
        let policy = exact().with_jitter(Jitter::Full);
        for attempt in 1..=12 {
            let ceiling = exact().delay_for(attempt);
            for _ in 0..50 {
                assert!(policy.delay_for(attempt) <= ceiling);
            }
        }
    }

    #[test]
    fn asked_delays_are_kept_or_handed_back() {
        let policy = exact();
        let secs = Duration::from_secs;
        assert_eq!(policy.wait(1, Some(secs(2))), Wait::After(secs(2)));
        assert_eq!(policy.wait(1, Some(secs(60))), Wait::After(secs(60)));
        assert_eq!(policy.wait(1, Some(secs(61))), Wait::TooLong(secs(61)));
        assert_eq!(
            policy.wait(1, Some(Duration::MAX)),
            Wait::TooLong(Duration::MAX)
        );
        assert_eq!(
            policy.wait(2, None),
            Wait::After(Duration::from_millis(400))
        );
        assert_eq!(
            policy.wait(1, Some(Duration::ZERO)),
            Wait::After(Duration::ZERO)
        );
        let spread = exact().with_jitter(Jitter::Full);
        match spread.wait(1, Some(Duration::ZERO)) {
            Wait::After(d) => assert!(d <= ZERO_WAIT_SPREAD),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn at_least_one_attempt() {
        assert_eq!(
            RetryPolicy::default().with_max_attempts(0).max_attempts(),
            1
        );
        assert_eq!(RetryPolicy::never().max_attempts(), 1);
    }
}
