//! Turning a failed attempt into an [`Error`].

use super::error::{Error, ErrorKind, TimeoutPhase};
use super::profile::{Classification, ProviderProfile};
use super::response::Response;
use super::transport::{TransportError, TransportErrorKind};
use crate::provider::Provider;
use crate::secret::SecretOrigin;

/// The error for an attempt that produced no response. `may_replay` says whether the request
/// could be sent again after reaching the server; if not, a timeout or a broken connection
/// after sending leaves the outcome unknown.
pub(crate) fn transport_error(
    provider: Provider,
    operation: &'static str,
    error: TransportError,
    may_replay: bool,
) -> Error {
    let kind = match error.kind {
        TransportErrorKind::Connect => ErrorKind::Connect,
        TransportErrorKind::Timeout(TimeoutPhase::Connect) => ErrorKind::Timeout {
            phase: TimeoutPhase::Connect,
            outcome_unknown: false,
        },
        TransportErrorKind::Timeout(phase) => ErrorKind::Timeout {
            phase,
            outcome_unknown: !may_replay,
        },
        TransportErrorKind::Disconnected => ErrorKind::Disconnected {
            outcome_unknown: !may_replay,
        },
        TransportErrorKind::TooLarge(limit) => ErrorKind::ResponseTooLarge { limit },
    };
    let error_out = Error::new(provider, operation, kind);
    match error.source {
        Some(source) => error_out.with_shared_source(source),
        None => error_out,
    }
}

/// Whether an attempt that failed this way may be sent again.
pub(crate) fn transport_retry_allowed(error: &TransportError, may_replay: bool) -> bool {
    match error.kind {
        TransportErrorKind::Connect | TransportErrorKind::Timeout(TimeoutPhase::Connect) => true,
        TransportErrorKind::TooLarge(_) => false,
        _ => may_replay,
    }
}

/// The error for a response that was not a success. Body-based detail comes from the
/// profile; a body the profile cannot read turns a server or generic client error into
/// [`ErrorKind::Undecodable`] with a scrubbed excerpt.
pub(crate) fn response_error(
    profile: &dyn ProviderProfile,
    response: &Response,
    classification: Classification,
    credential: Option<&SecretOrigin>,
    secrets: &[String],
) -> Error {
    let status = response.status().as_u16();
    let detail = if response.body().is_empty() {
        None
    } else {
        profile.decode_error(response)
    };
    let undecodable = !response.body().is_empty() && detail.is_none();
    let (retryable, rate_limited_after) = match classification {
        Classification::Retry {
            rate_limited,
            after,
            ..
        } => (true, rate_limited.then_some(after)),
        _ => (false, None),
    };
    let kind = match (rate_limited_after, status) {
        (Some(after), _) => ErrorKind::RateLimited { retry_after: after },
        (None, 401) => ErrorKind::Authentication {
            credential: credential.cloned(),
        },
        (None, 403) => ErrorKind::Permission,
        (None, 404) => ErrorKind::NotFound,
        (None, 409) => ErrorKind::Conflict,
        (None, 429) => ErrorKind::RateLimited { retry_after: None },
        _ if undecodable => {
            let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
            return response
                .undecodable(&secrets)
                .with_body(response.body().clone())
                .with_retryable(retryable);
        }
        (None, s) if s >= 500 => ErrorKind::Server,
        (None, _) => ErrorKind::InvalidRequest {
            field: detail.as_ref().and_then(|d| d.field.clone()),
            code: detail.as_ref().and_then(|d| d.code.clone()),
        },
    };
    Error::new(response.provider, response.operation, kind)
        .with_status(status)
        .with_request_id(response.request_id.clone())
        .with_detail(detail)
        .with_body(response.body().clone())
        .with_retryable(retryable)
}
