//! What can go wrong checking a token.

use crate::outcome::{ErrorCode, Outcome};

/// A failed token check.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The token is longer than [`MAX_TOKEN_LEN`](crate::MAX_TOKEN_LEN) characters or empty;
    /// nothing was sent.
    #[error("token refused before sending: {reason}")]
    InvalidToken {
        /// Why the token was refused.
        reason: String,
    },
    /// Cloudflare reports the token as already checked or expired on our first attempt:
    /// the visitor (or someone replaying the token) used it before.
    #[error("the token was already spent or has expired")]
    TokenConsumed {
        /// The answer as received.
        outcome: Box<Outcome>,
    },
    /// The token is not valid (`success: false`) for a reason other than those above.
    #[error("the token was rejected: {}", codes(&outcome.error_codes))]
    Rejected {
        /// The answer as received.
        outcome: Box<Outcome>,
    },
    /// The token is valid but was solved on another hostname than expected.
    #[error("hostname mismatch: expected {expected:?}, got {actual:?}")]
    HostnameMismatch {
        /// The hostname asked for.
        expected: String,
        /// The hostname in the answer.
        actual: Option<String>,
    },
    /// The token is valid but for another action than expected.
    #[error("action mismatch: expected {expected:?}, got {actual:?}")]
    ActionMismatch {
        /// The action asked for.
        expected: String,
        /// The action in the answer.
        actual: Option<String>,
    },
    /// The secret is missing or wrong: fix the configuration; never retried.
    #[error("configuration: Cloudflare rejected the secret ({code})")]
    Configuration {
        /// The error code naming the problem.
        code: ErrorCode,
    },
    /// The call itself failed (network, timeout, `internal-error` until retries ran out,
    /// an undecodable answer).
    #[error(transparent)]
    Http(#[from] proign_core::http::Error),
}

fn codes(codes: &[ErrorCode]) -> String {
    if codes.is_empty() {
        return "no error code".to_owned();
    }
    codes
        .iter()
        .map(ErrorCode::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}
