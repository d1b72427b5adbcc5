//! The one place proign reads the wall clock.
//!
//! Everything that depends on the time (timestamp tolerances, token expiry, schedules) asks a
//! [`Clock`], so tests can fix the time with [`FixedClock`].
//!
//! ```
//! use proign_core::clock::{Clock, FixedClock};
//!
//! let clock = FixedClock::at_unix(1_767_225_600);
//! clock.advance_secs(30);
//! assert_eq!(clock.unix_seconds(), 1_767_225_630);
//! ```

use std::fmt::Debug;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of the current time.
pub trait Clock: Debug + Send + Sync {
    /// The current time.
    fn now(&self) -> SystemTime;

    /// The current time as whole seconds since the Unix epoch (negative before 1970).
    fn unix_seconds(&self) -> i64 {
        match self.now().duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
        }
    }
}

/// A clock shared between the parts of a client or verifier.
pub type SharedClock = Arc<dyn Clock>;

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one sanctioned read of the wall clock
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// The system clock, shared.
pub fn system() -> SharedClock {
    Arc::new(SystemClock)
}

/// A clock that stands still until it is moved; for tests and for re-checking stored deliveries.
#[derive(Debug)]
pub struct FixedClock {
    millis: AtomicI64,
}

impl FixedClock {
    /// A clock showing `unix_seconds` seconds after the epoch.
    pub fn at_unix(unix_seconds: i64) -> Arc<Self> {
        Arc::new(Self {
            millis: AtomicI64::new(unix_seconds.saturating_mul(1000)),
        })
    }

    /// Sets the time to `unix_seconds`.
    pub fn set_unix(&self, unix_seconds: i64) {
        self.millis
            .store(unix_seconds.saturating_mul(1000), Ordering::SeqCst);
    }

    /// Moves the time forward by `secs` seconds (backwards when negative).
    pub fn advance_secs(&self, secs: i64) {
        self.advance_millis(secs.saturating_mul(1000));
    }

    /// Moves the time forward by `millis` milliseconds (backwards when negative).
    pub fn advance_millis(&self, millis: i64) {
        self.millis.fetch_add(millis, Ordering::SeqCst);
    }

    /// Moves the time forward by a [`Duration`].
    pub fn advance(&self, by: Duration) {
        self.advance_millis(i64::try_from(by.as_millis()).unwrap_or(i64::MAX));
    }
}

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        let millis = self.millis.load(Ordering::SeqCst);
        let magnitude = Duration::from_millis(millis.unsigned_abs());
        if millis >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let clock = FixedClock::at_unix(1_767_225_600);
        assert_eq!(clock.unix_seconds(), 1_767_225_600);
        clock.advance_millis(1_500);
        assert_eq!(clock.unix_seconds(), 1_767_225_601);
        clock.set_unix(-5);
        assert_eq!(clock.unix_seconds(), -5);
    }

    #[test]
    fn system_clock_is_after_2025() {
        assert!(SystemClock.unix_seconds() > 1_735_689_600);
    }
}
