//! What can go wrong calling TaxJar.

/// A failed TaxJar call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// TaxJar refused the request's content (`400`, `406`, `422`): a human must fix the data.
    /// Never retried; a queued transaction upload failing this way belongs in review.
    #[error("TaxJar refused the request (status {status}): {}", detail.as_deref().unwrap_or("no detail"))]
    Validation {
        /// The HTTP status.
        status: u16,
        /// TaxJar's `error` (the status text, such as `Bad Request`).
        error: Option<String>,
        /// TaxJar's `detail`, saying what is wrong.
        detail: Option<String>,
        /// The underlying call error, with the raw body and request id.
        #[source]
        source: proign_core::http::Error,
    },
    /// Any other failed call: authentication, not found, rate limit or server error after
    /// retries, timeouts, undecodable answers.
    #[error(transparent)]
    Api(proign_core::http::Error),
    /// Input refused before sending.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// What was refused.
        what: &'static str,
        /// Why.
        reason: String,
    },
}

impl Error {
    /// Whether repeating the same call later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(e) => e.is_retryable(),
            _ => false,
        }
    }

    /// Whether the request's data is wrong and needs a person, not a retry.
    pub fn needs_review(&self) -> bool {
        matches!(self, Self::Validation { .. } | Self::InvalidInput { .. })
    }
}

impl From<proign_core::http::Error> for Error {
    fn from(e: proign_core::http::Error) -> Self {
        match e.status() {
            Some(status @ (400 | 406 | 422)) => {
                let detail = e.detail();
                Self::Validation {
                    status,
                    error: detail.and_then(|d| d.code.clone()),
                    detail: detail.and_then(|d| d.message.clone()),
                    source: e,
                }
            }
            _ => Self::Api(e),
        }
    }
}
