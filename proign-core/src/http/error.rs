//! The one error every provider call returns.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use crate::provider::Provider;
use crate::secret::SecretOrigin;

/// A cause kept behind an error, shareable so one failed token fetch can be handed to every
/// caller that waited for it.
pub type Source = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// How far a call got before its time ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutPhase {
    /// No connection was made; the request never left.
    Connect,
    /// The request was sent (or was being sent) and no response head arrived in time.
    Response,
    /// The response head arrived but its body did not finish in time.
    Body,
}

impl fmt::Display for TimeoutPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connecting",
            Self::Response => "waiting for the response",
            Self::Body => "reading the response body",
        })
    }
}

/// What went wrong, in terms a caller can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The call ran out of time.
    #[error("timed out while {phase}{}", unknown_suffix(*outcome_unknown))]
    Timeout {
        /// Where the time ran out.
        phase: TimeoutPhase,
        /// The request may have been processed, and it was not retried because it has no
        /// idempotency key; check with the provider before trying again.
        outcome_unknown: bool,
    },
    /// No connection could be made; the request never left.
    #[error("could not connect")]
    Connect,
    /// The connection broke after the request was sent, before a full response arrived.
    #[error("the connection was lost{}", unknown_suffix(*outcome_unknown))]
    Disconnected {
        /// As for [`ErrorKind::Timeout`].
        outcome_unknown: bool,
    },
    /// The provider (or proign's own budget) asks to slow down.
    #[error("rate limited{}", retry_after_suffix(*retry_after))]
    RateLimited {
        /// The wait the provider asked for, when it named one.
        retry_after: Option<Duration>,
    },
    /// The credentials were refused.
    #[error("authentication failed{}", credential_suffix(credential.as_ref()))]
    Authentication {
        /// Which credential was used (the variable or file it came from, never its value).
        credential: Option<SecretOrigin>,
    },
    /// The credentials are valid but lack the permission for this call.
    #[error("permission denied")]
    Permission,
    /// The resource does not exist.
    #[error("not found")]
    NotFound,
    /// The request conflicts with the resource's state or with a concurrent request.
    #[error("conflict")]
    Conflict,
    /// The provider refused the request's content; sending it again will not help.
    #[error("invalid request{}", field_suffix(field.as_deref(), code.as_deref()))]
    InvalidRequest {
        /// The offending parameter, when the provider names it.
        field: Option<String>,
        /// The provider's error code.
        code: Option<String>,
    },
    /// The provider failed.
    #[error("provider server error")]
    Server,
    /// The response could not be understood (for example an HTML page from a proxy).
    #[error("undecodable response ({}): {excerpt:?}", content_type.as_deref().unwrap_or("no content type"))]
    Undecodable {
        /// The response's `Content-Type`.
        content_type: Option<String>,
        /// The start of the body, bounded, with control characters and known credentials
        /// removed.
        excerpt: String,
    },
    /// The response was larger than the client accepts.
    #[error("response larger than {limit} bytes")]
    ResponseTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// An OAuth token endpoint answered with a token response proign cannot use.
    #[error("invalid token response: {reason}")]
    InvalidTokenResponse {
        /// What was wrong (never the token).
        reason: String,
    },
    /// The client or request is misconfigured (bad base URL, bad header value).
    #[error("configuration: {0}")]
    Configuration(String),
}

fn unknown_suffix(unknown: bool) -> &'static str {
    if unknown {
        "; the outcome is unknown and the call was not retried"
    } else {
        ""
    }
}

fn retry_after_suffix(after: Option<Duration>) -> String {
    after.map_or_else(String::new, |d| {
        format!(", retry after {:.3} s", d.as_secs_f64())
    })
}

fn credential_suffix(origin: Option<&SecretOrigin>) -> String {
    origin.map_or_else(String::new, |o| format!(" for {o}"))
}

fn field_suffix(field: Option<&str>, code: Option<&str>) -> String {
    match (field, code) {
        (Some(f), Some(c)) => format!(" ({f}: {c})"),
        (Some(f), None) => format!(" ({f})"),
        (None, Some(c)) => format!(" ({c})"),
        (None, None) => String::new(),
    }
}

/// What a provider said about a failure, decoded from its error body by its profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderError {
    /// The provider's machine-readable code (`idempotency_key_in_use`, `250002`).
    pub code: Option<String>,
    /// The parameter the provider blames.
    pub field: Option<String>,
    /// The provider's human-readable message.
    pub message: Option<String>,
}

impl ProviderError {
    /// A detail with only a code.
    pub fn with_code(code: impl Into<String>) -> Self {
        Self {
            code: Some(code.into()),
            ..Self::default()
        }
    }
}

/// A failed provider call: the kind, where it happened, and what the provider said.
///
/// `Debug` and `Display` never show request or response bodies, headers or credentials; the
/// raw error body is available through [`Error::raw_body`] for callers who want to store it.
#[derive(Clone)]
pub struct Error(Box<Inner>);

#[derive(Clone)]
struct Inner {
    provider: Provider,
    operation: &'static str,
    kind: ErrorKind,
    retryable: bool,
    status: Option<u16>,
    request_id: Option<String>,
    detail: Option<ProviderError>,
    body: Option<Bytes>,
    source: Option<Source>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        write!(f, "{} {}: {}", e.provider, e.operation, e.kind)?;
        match (e.status, e.request_id.as_deref()) {
            (Some(s), Some(id)) => write!(f, " (status {s}, request id {id})"),
            (Some(s), None) => write!(f, " (status {s})"),
            (None, Some(id)) => write!(f, " (request id {id})"),
            (None, None) => Ok(()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

impl Error {
    /// An error of `kind` for `operation` on `provider`; its retryability follows the kind
    /// until [`with_retryable`](Self::with_retryable) says otherwise.
    pub fn new(provider: Provider, operation: &'static str, kind: ErrorKind) -> Self {
        let retryable = kind_is_retryable(&kind, None);
        Self(Box::new(Inner {
            provider,
            operation,
            kind,
            retryable,
            status: None,
            request_id: None,
            detail: None,
            body: None,
            source: None,
        }))
    }

    /// Records the HTTP status (and re-derives retryability from it).
    pub fn with_status(mut self, status: u16) -> Self {
        self.0.status = Some(status);
        self.0.retryable = kind_is_retryable(&self.0.kind, Some(status));
        self
    }

    /// Records the provider's request id.
    pub fn with_request_id(mut self, id: Option<String>) -> Self {
        self.0.request_id = id;
        self
    }

    /// Records what the provider said.
    pub fn with_detail(mut self, detail: Option<ProviderError>) -> Self {
        self.0.detail = detail;
        self
    }

    /// Keeps the provider's raw error body.
    pub fn with_body(mut self, body: Bytes) -> Self {
        self.0.body = Some(body);
        self
    }

    /// Keeps the underlying cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Arc::new(source));
        self
    }

    /// Keeps an already shared cause.
    pub fn with_shared_source(mut self, source: Source) -> Self {
        self.0.source = Some(source);
        self
    }

    /// Overrides retryability, for a provider hint such as `Stripe-Should-Retry`.
    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.0.retryable = retryable;
        self
    }

    /// Replaces the kind, keeping status, request id, detail, body and source.
    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.0.kind = kind;
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The provider called.
    pub fn provider(&self) -> Provider {
        self.0.provider
    }

    /// The operation's name, as in the tracing span.
    pub fn operation(&self) -> &'static str {
        self.0.operation
    }

    /// The HTTP status of the last response, if one arrived.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// The provider's request id, for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The provider's code, field and message, when its profile could decode them.
    pub fn detail(&self) -> Option<&ProviderError> {
        self.0.detail.as_ref()
    }

    /// The provider's error body, exactly as received.
    pub fn raw_body(&self) -> Option<&Bytes> {
        self.0.body.as_ref()
    }

    /// The wait the provider asked for, if this is [`ErrorKind::RateLimited`].
    pub fn retry_after(&self) -> Option<Duration> {
        match self.0.kind {
            ErrorKind::RateLimited { retry_after } => retry_after,
            _ => None,
        }
    }

    /// Whether trying the same call again later (with the same idempotency key) may succeed.
    pub fn is_retryable(&self) -> bool {
        self.0.retryable
    }
}

fn kind_is_retryable(kind: &ErrorKind, status: Option<u16>) -> bool {
    match kind {
        ErrorKind::Timeout {
            outcome_unknown, ..
        }
        | ErrorKind::Disconnected { outcome_unknown } => !outcome_unknown,
        ErrorKind::Connect | ErrorKind::RateLimited { .. } | ErrorKind::Server => true,
        ErrorKind::Undecodable { .. } => {
            status.is_some_and(|s| s >= 500 || s == 408 || s == 425 || s == 429)
        }
        _ => false,
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        f.debug_struct("Error")
            .field("provider", &e.provider)
            .field("operation", &e.operation)
            .field("kind", &e.kind)
            .field("retryable", &e.retryable)
            .field("status", &e.status)
            .field("request_id", &e.request_id)
            .field("detail", &e.detail)
            .field("body_len", &e.body.as_ref().map(Bytes::len))
            .field("source", &e.source)
            .finish()
    }
}
