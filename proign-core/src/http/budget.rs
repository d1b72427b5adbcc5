//! Client-side rate budgets, so a busy host waits instead of collecting `429`s.
//!
//! A [`RateBudget`] is asked before every attempt and shown every response. Share one budget
//! (behind an `Arc`) between all clients of the same provider account. [`RequestRate`]
//! is a requests-per-second budget; a provider with a cost-based limit (Shopify's GraphQL
//! cost bucket) implements the trait itself and feeds it from
//! [`observe`](RateBudget::observe).

use std::fmt;
use std::num::NonZeroU32;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use super::response::Response;
use super::transport::BoxFuture;

/// A limit on how fast a provider account may be called.
pub trait RateBudget: Send + Sync + fmt::Debug + 'static {
    /// Waits until one more request fits the budget.
    fn acquire(&self) -> BoxFuture<'_, ()>;

    /// Sees each response, to learn the provider's view of the remaining budget.
    fn observe(&self, response: &Response) {
        let _ = response;
    }
}

/// A steady requests-per-second budget that allows a burst of one second's worth.
pub struct RequestRate {
    limiter: DefaultDirectRateLimiter,
    per_second: NonZeroU32,
}

impl RequestRate {
    /// `per_second` requests per second.
    pub fn per_second(per_second: NonZeroU32) -> Self {
        Self {
            limiter: RateLimiter::direct(Quota::per_second(per_second)),
            per_second,
        }
    }

    /// Stripe's live-mode limit, 100 requests per second.
    pub fn stripe_live() -> Self {
        Self::per_second(NonZeroU32::new(100).unwrap_or(NonZeroU32::MIN))
    }

    /// Stripe's test-mode limit, 25 requests per second.
    pub fn stripe_test() -> Self {
        Self::per_second(NonZeroU32::new(25).unwrap_or(NonZeroU32::MIN))
    }

    /// Resend's default limit, 2 requests per second.
    pub fn resend() -> Self {
        Self::per_second(NonZeroU32::new(2).unwrap_or(NonZeroU32::MIN))
    }

    /// The configured rate.
    pub fn rate(&self) -> NonZeroU32 {
        self.per_second
    }
}

impl fmt::Debug for RequestRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestRate")
            .field("per_second", &self.per_second)
            .finish()
    }
}

impl RateBudget for RequestRate {
    fn acquire(&self) -> BoxFuture<'_, ()> {
        Box::pin(self.limiter.until_ready())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[tokio::test]
    async fn a_burst_beyond_the_rate_waits() {
        let budget = RequestRate::resend();
        let started = Instant::now();
        budget.acquire().await;
        budget.acquire().await;
        assert!(started.elapsed() < Duration::from_millis(100));
        budget.acquire().await;
        assert!(
            started.elapsed() >= Duration::from_millis(400),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(budget.rate().get(), 2);
    }
}
