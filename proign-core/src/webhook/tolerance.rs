use std::time::Duration;

use super::{ConfigError, VerifyError};

/// How far a signed timestamp may lie from now, in either direction.
///
/// The window is inclusive: with 300 s, a delivery signed exactly 300 s ago passes and one
/// signed 301 s ago does not. A zero window cannot be built; skipping the check must be asked
/// for by name with [`Tolerance::unchecked`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tolerance(Option<u64>);

impl Tolerance {
    /// Five minutes, the window Stripe and Standard Webhooks use.
    pub const FIVE_MINUTES: Self = Self(Some(300));

    /// A window of `window` (whole seconds; sub-second parts are dropped).
    pub fn new(window: Duration) -> Result<Self, ConfigError> {
        Self::from_secs(window.as_secs())
    }

    /// A window of `secs` seconds.
    pub fn from_secs(secs: u64) -> Result<Self, ConfigError> {
        if secs == 0 {
            return Err(ConfigError::ZeroTolerance);
        }
        Ok(Self(Some(secs)))
    }

    /// No timestamp check at all: only for re-verifying deliveries stored earlier, whose
    /// signatures are still worth checking long after they were sent.
    pub const fn unchecked() -> Self {
        Self(None)
    }

    /// The window in seconds, or `None` when unchecked.
    pub const fn secs(self) -> Option<u64> {
        self.0
    }

    /// Checks `timestamp` against `now` (both in Unix seconds), without overflow for any input.
    pub fn check(self, timestamp: i64, now: i64) -> Result<(), VerifyError> {
        let Some(tolerance_s) = self.0 else {
            return Ok(());
        };
        let delta = i128::from(now) - i128::from(timestamp);
        let distance = u64::try_from(delta.unsigned_abs()).unwrap_or(u64::MAX);
        if distance <= tolerance_s {
            Ok(())
        } else if delta > 0 {
            Err(VerifyError::TimestampTooOld {
                age_s: distance,
                tolerance_s,
            })
        } else {
            Err(VerifyError::TimestampInFuture {
                ahead_s: distance,
                tolerance_s,
            })
        }
    }
}

impl Default for Tolerance {
    fn default() -> Self {
        Self::FIVE_MINUTES
    }
}

/// Parses a header timestamp of plain decimal digits (no sign, no spaces, no fraction).
pub fn parse_unix_seconds(text: &str) -> Option<i64> {
    if text.is_empty() || text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_767_225_600;

    #[test]
    fn window_is_inclusive_in_both_directions() {
        let tol = Tolerance::FIVE_MINUTES;
        assert_eq!(tol.check(T, T + 300), Ok(()));
        assert_eq!(
            tol.check(T, T + 301),
            Err(VerifyError::TimestampTooOld {
                age_s: 301,
                tolerance_s: 300
            })
        );
        assert_eq!(tol.check(T, T - 300), Ok(()));
        assert_eq!(
            tol.check(T, T - 301),
            Err(VerifyError::TimestampInFuture {
                ahead_s: 301,
                tolerance_s: 300
            })
        );
    }

    #[test]
    fn extremes_do_not_overflow() {
        let tol = Tolerance::FIVE_MINUTES;
        assert!(tol.check(i64::MIN, i64::MAX).is_err());
        assert!(tol.check(i64::MAX, i64::MIN).is_err());
        assert_eq!(Tolerance::unchecked().check(i64::MIN, i64::MAX), Ok(()));
    }

    #[test]
    fn zero_is_not_a_tolerance() {
        assert!(matches!(
            Tolerance::new(Duration::ZERO),
            Err(ConfigError::ZeroTolerance)
        ));
    }

    #[test]
    fn timestamps_are_plain_digits() {
        assert_eq!(parse_unix_seconds("1767225600"), Some(T));
        for bad in [
            "",
            "17672256OO",
            "-1",
            "+1",
            "1.5",
            " 1",
            "99999999999999999999",
        ] {
            assert_eq!(parse_unix_seconds(bad), None, "{bad:?}");
        }
    }
}
