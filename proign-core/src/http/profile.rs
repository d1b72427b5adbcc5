//! What differs between providers: how a response is classified and an error body decoded.
//!
//! Each provider crate implements [`ProviderProfile`] once; the client consults it on every
//! response. The defaults follow plain HTTP semantics, so a profile only states what its
//! provider does differently: a `Stripe-Should-Retry` header, a Shopify GraphQL `THROTTLED`
//! code inside a `200`, a `409 idempotency_key_in_use`, a Turnstile `internal-error`.

use std::fmt;
use std::time::{Duration, SystemTime};

use http::HeaderName;
use http::StatusCode;

use super::error::ProviderError;
use super::response::Response;
use crate::provider::Provider;
use crate::retry::parse_retry_after;

/// The verdict on one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Classification {
    /// The call succeeded; hand the response to the caller.
    Success,
    /// A transient failure; another attempt may succeed.
    Retry {
        /// The wait the provider asked for.
        after: Option<Duration>,
        /// The provider is limiting the rate (becomes [`ErrorKind::RateLimited`] if the
        /// attempts run out).
        ///
        /// [`ErrorKind::RateLimited`]: super::ErrorKind::RateLimited
        rate_limited: bool,
        /// The provider guarantees the request was not processed (a 429, a key still in
        /// use), so even a request without an idempotency key may be sent again.
        not_processed: bool,
    },
    /// A failure another attempt will not fix.
    Fail,
}

/// A provider's rules, consulted by the client for every call.
pub trait ProviderProfile: Send + Sync + fmt::Debug + 'static {
    /// The provider.
    fn provider(&self) -> Provider;

    /// The production base URL, used when neither configuration nor
    /// `PROIGN_<PROVIDER>_BASE_URL` names one.
    fn default_base_url(&self) -> &str;

    /// The header that carries the idempotency key, if the provider supports one in a
    /// header. When set, every non-idempotent request gets a key before its first attempt.
    fn idempotency_header(&self) -> Option<HeaderName> {
        None
    }

    /// The headers that may carry the provider's request id, in order of preference.
    fn request_id_headers(&self) -> &'static [&'static str] {
        &["request-id", "x-request-id"]
    }

    /// Classifies a response. The default: `2xx` succeeds; `408`, `425`, `429` and `5xx`
    /// are retried, honouring `Retry-After`; everything else fails.
    fn classify(&self, response: &Response, now: SystemTime) -> Classification {
        default_classification(response, now)
    }

    /// Decodes the provider's code, field and message from an error body; `None` when the
    /// body is not in the provider's error format (the client then reports it as
    /// undecodable, with an excerpt). The default understands any JSON object and picks
    /// `code`/`message`/`param` from the top level or from an `error` object.
    fn decode_error(&self, response: &Response) -> Option<ProviderError> {
        default_decode_error(response)
    }
}

/// The plain-HTTP classification described on [`ProviderProfile::classify`].
pub fn default_classification(response: &Response, now: SystemTime) -> Classification {
    let status = response.status();
    if status.is_success() {
        return Classification::Success;
    }
    let after = response
        .header("retry-after")
        .and_then(|v| parse_retry_after(v, now));
    match status {
        StatusCode::TOO_MANY_REQUESTS => Classification::Retry {
            after,
            rate_limited: true,
            not_processed: true,
        },
        StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_EARLY => Classification::Retry {
            after,
            rate_limited: false,
            not_processed: true,
        },
        s if s.is_server_error() => Classification::Retry {
            after,
            rate_limited: false,
            not_processed: false,
        },
        _ => Classification::Fail,
    }
}

/// The lenient JSON error decoding described on [`ProviderProfile::decode_error`].
pub fn default_decode_error(response: &Response) -> Option<ProviderError> {
    let value: serde_json::Value = serde_json::from_slice(response.body()).ok()?;
    let object = value.as_object()?;
    let inner = match object.get("error") {
        Some(serde_json::Value::Object(inner)) => inner,
        _ => object,
    };
    let text = |key: &str| match inner.get(key).or_else(|| object.get(key)) {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    Some(ProviderError {
        code: text("code"),
        field: text("param").or_else(|| text("field")),
        message: text("message")
            .or_else(|| text("detail"))
            .or_else(|| text("error")),
    })
}
