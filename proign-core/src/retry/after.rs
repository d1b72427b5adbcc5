//! Reading the `Retry-After` header.
//!
//! The header carries either a number of seconds or an HTTP date. proign accepts the seconds
//! with a decimal fraction too (`1.5`), because several providers send them that way, and the
//! three date forms HTTP allows (IMF-fixdate, RFC 850 and asctime) through a strict parser.
//! Anything else — a negative number, a word, an empty value — is ignored, so the caller
//! falls back to its own backoff.

use std::time::{Duration, SystemTime};

/// The wait a `Retry-After` value asks for, measured from `now`.
///
/// A date in the past asks for no wait at all. A number too large for a [`Duration`] becomes
/// [`Duration::MAX`], so it is longer than any policy's cap and never wraps around.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use proign_core::retry::parse_retry_after;
///
/// let now = UNIX_EPOCH + Duration::from_secs(1_767_225_600); // 2026-01-01T00:00:00Z
/// assert_eq!(parse_retry_after("1.5", now), Some(Duration::from_millis(1_500)));
/// assert_eq!(
///     parse_retry_after("Thu, 01 Jan 2026 00:00:30 GMT", now),
///     Some(Duration::from_secs(30)),
/// );
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.as_bytes()[0].is_ascii_digit() {
        return parse_seconds(value);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// `digits [ "." digits ]`, nothing else; fractions finer than a nanosecond are dropped.
fn parse_seconds(value: &str) -> Option<Duration> {
    let (whole, fraction) = match value.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (value, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    if value.ends_with('.') {
        return None;
    }
    let Ok(secs) = whole.parse::<u64>() else {
        // Only digits, so the one way to fail is a number beyond u64: longer than any cap.
        return Some(Duration::MAX);
    };
    let mut nanos: u32 = 0;
    for (place, digit) in fraction.bytes().take(9).enumerate() {
        nanos += u32::from(digit - b'0') * 10u32.pow(8 - place as u32);
    }
    Some(Duration::new(secs, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    const T0: u64 = 1_767_225_600;

    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(T0)
    }

    /// Field case B10, the parser's half: every row of the table.
    #[test]
    fn b10_table() {
        let rows: &[(&str, Option<Duration>)] = &[
            ("2.0", Some(Duration::from_millis(2_000))),
            ("0.25", Some(Duration::from_millis(250))),
            ("30", Some(Duration::from_secs(30))),
            (
                "Thu, 01 Jan 2026 00:00:30 GMT",
                Some(Duration::from_secs(30)),
            ),
            (
                "Thursday, 01-Jan-26 00:00:30 GMT",
                Some(Duration::from_secs(30)),
            ),
            ("Thu Jan  1 00:00:30 2026", Some(Duration::from_secs(30))),
            ("Wed, 31 Dec 2025 23:59:50 GMT", Some(Duration::ZERO)),
            ("120", Some(Duration::from_secs(120))),
            ("99999999999999999999", Some(Duration::MAX)),
            ("-5", None),
            ("soon", None),
            ("", None),
        ];
        for (value, expected) in rows {
            assert_eq!(
                parse_retry_after(value, now()),
                *expected,
                "value {value:?}"
            );
        }
    }

    #[test]
    fn odd_numbers_are_ignored_not_misread() {
        for value in ["1.", ".5", "1e3", "+5", "1.2.3", "5 s", "0x10", "１"] {
            assert_eq!(parse_retry_after(value, now()), None, "value {value:?}");
        }
        assert_eq!(
            parse_retry_after(" 7 ", now()),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("0.1234567891", now()),
            Some(Duration::new(0, 123_456_789))
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(value in ".{0,40}") {
            let _ = parse_retry_after(&value, now());
        }

        #[test]
        fn whole_seconds_round_trip(secs in 0u64..10_000_000) {
            proptest::prop_assert_eq!(
                parse_retry_after(&secs.to_string(), now()),
                Some(Duration::from_secs(secs))
            );
        }
    }
}
