//! Idempotency keys: one per side effect, chosen before the first attempt.
//!
//! A key is minted when a job is created (or when a direct call starts) and sent unchanged on
//! every retry, including retries made by the durable queue after a restart, so the provider
//! performs the operation once. Keys carry no personal data: a fixed prefix and a random
//! UUID v4.
//!
//! ```
//! use proign_core::idempotency::IdempotencyKey;
//!
//! let key = IdempotencyKey::new();
//! assert!(key.as_str().starts_with("prgn-"));
//!
//! // A key stored with a queued job comes back unchanged.
//! let stored = IdempotencyKey::parse("prgn-7f3c2a9e-1b4d-4e8a-9c61-0d2e5f7a8b90").unwrap();
//! assert_eq!(stored.as_str(), "prgn-7f3c2a9e-1b4d-4e8a-9c61-0d2e5f7a8b90");
//! assert!(IdempotencyKey::parse("has spaces").is_err());
//! ```

use std::fmt;

/// The longest key accepted; Stripe's limit, and more than any other provider needs.
pub const MAX_LEN: usize = 255;

/// A key that makes a provider perform a side effect at most once.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// A fresh key: `prgn-` followed by a random UUID v4.
    pub fn new() -> Self {
        Self(format!("prgn-{}", uuid::Uuid::new_v4()))
    }

    /// Accepts a key chosen elsewhere (stored with a job, or given by the host): 1 to
    /// [`MAX_LEN`] visible ASCII characters, so it is a valid header value everywhere.
    pub fn parse(key: impl Into<String>) -> Result<Self, InvalidIdempotencyKey> {
        let key = key.into();
        if key.is_empty() || key.len() > MAX_LEN {
            return Err(InvalidIdempotencyKey::Length(key.len()));
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(InvalidIdempotencyKey::Character);
        }
        Ok(Self(key))
    }

    /// The key as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for IdempotencyKey {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdempotencyKey({})", self.0)
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a supplied idempotency key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidIdempotencyKey {
    /// Empty or longer than [`MAX_LEN`].
    #[error("an idempotency key must be 1 to {MAX_LEN} characters long, not {0}")]
    Length(usize),
    /// Contains a space, a control character or non-ASCII text.
    #[error("an idempotency key may contain only visible ASCII characters")]
    Character,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_keys_differ_and_parse_back() {
        let a = IdempotencyKey::new();
        let b = IdempotencyKey::new();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 5 + 36);
        assert_eq!(IdempotencyKey::parse(a.as_str()).unwrap(), a);
    }

    #[test]
    fn bounds() {
        assert_eq!(
            IdempotencyKey::parse(""),
            Err(InvalidIdempotencyKey::Length(0))
        );
        assert!(IdempotencyKey::parse("k".repeat(MAX_LEN)).is_ok());
        assert!(IdempotencyKey::parse("k".repeat(MAX_LEN + 1)).is_err());
        assert_eq!(
            IdempotencyKey::parse("caf\u{e9}"),
            Err(InvalidIdempotencyKey::Character)
        );
    }
}
