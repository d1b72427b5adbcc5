//! What can go wrong sending email.

/// Resend's error `name`; names this crate does not know are kept in [`ErrorName::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorName {
    /// `validation_error`.
    Validation,
    /// `missing_required_field`.
    MissingRequiredField,
    /// `invalid_parameter`.
    InvalidParameter,
    /// `invalid_from_address`.
    InvalidFromAddress,
    /// `invalid_idempotency_key`.
    InvalidIdempotencyKey,
    /// `invalid_idempotent_request`: the key was used with another payload.
    InvalidIdempotentRequest,
    /// `concurrent_idempotent_requests`: the same key is in flight.
    ConcurrentIdempotentRequests,
    /// `missing_api_key`.
    MissingApiKey,
    /// `invalid_api_key`.
    InvalidApiKey,
    /// `restricted_api_key`.
    RestrictedApiKey,
    /// `invalid_access`.
    InvalidAccess,
    /// `not_found`.
    NotFound,
    /// `rate_limit_exceeded`.
    RateLimitExceeded,
    /// `daily_quota_exceeded`.
    DailyQuotaExceeded,
    /// `monthly_quota_exceeded`.
    MonthlyQuotaExceeded,
    /// `application_error` or `internal_server_error`.
    Server,
    /// Any other name, as sent.
    Other(String),
}

impl ErrorName {
    /// Reads a name as Resend spells it.
    pub fn parse(name: &str) -> Self {
        match name {
            "validation_error" => Self::Validation,
            "missing_required_field" => Self::MissingRequiredField,
            "invalid_parameter" => Self::InvalidParameter,
            "invalid_from_address" => Self::InvalidFromAddress,
            "invalid_idempotency_key" => Self::InvalidIdempotencyKey,
            "invalid_idempotent_request" => Self::InvalidIdempotentRequest,
            "concurrent_idempotent_requests" => Self::ConcurrentIdempotentRequests,
            "missing_api_key" => Self::MissingApiKey,
            "invalid_api_key" => Self::InvalidApiKey,
            "restricted_api_key" => Self::RestrictedApiKey,
            "invalid_access" => Self::InvalidAccess,
            "not_found" => Self::NotFound,
            "rate_limit_exceeded" => Self::RateLimitExceeded,
            "daily_quota_exceeded" => Self::DailyQuotaExceeded,
            "monthly_quota_exceeded" => Self::MonthlyQuotaExceeded,
            "application_error" | "internal_server_error" => Self::Server,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// A failed Resend call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Resend answered with its error body.
    #[error("Resend refused the call (status {status}, {name:?}): {}", message.as_deref().unwrap_or("no message"))]
    Api {
        /// The HTTP status.
        status: u16,
        /// The error's name.
        name: ErrorName,
        /// Resend's message.
        message: Option<String>,
        /// The underlying call error, with the raw body, request id and retryability.
        #[source]
        source: proign_core::http::Error,
    },
    /// Any other failed call: network, timeout, an undecodable answer.
    #[error(transparent)]
    Http(proign_core::http::Error),
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
    /// Whether repeating the call later (with the same idempotency key) may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api { source, .. } | Self::Http(source) => source.is_retryable(),
            Self::InvalidInput { .. } => false,
        }
    }
}

impl From<proign_core::http::Error> for Error {
    fn from(e: proign_core::http::Error) -> Self {
        let named = e.status().zip(e.detail().and_then(|d| d.code.clone()));
        match named {
            Some((status, name)) => Self::Api {
                status,
                name: ErrorName::parse(&name),
                message: e.detail().and_then(|d| d.message.clone()),
                source: e,
            },
            None => Self::Http(e),
        }
    }
}
