//! The errors the billing client returns.
//!
//! Every failed call is an [`Error`]. When Stripe answered with its error body, the call
//! becomes [`Error::Api`] carrying an [`ApiError`] (`type`, `code`, `decline_code`, `param`,
//! `message`, request id); a declined card is [`ErrorType::Card`] and answers
//! [`Error::is_card_declined`], apart from a request Stripe refused as invalid.

use std::fmt;

use serde::Deserialize;

use crate::form::FormError;

/// Stripe's error `type`, with unknown values kept.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorType {
    /// `api_error`: Stripe failed.
    Api,
    /// `card_error`: the card was declined or could not be charged.
    Card,
    /// `idempotency_error`: the key was reused with other parameters.
    Idempotency,
    /// `invalid_request_error`: the request was refused as it is.
    InvalidRequest,
    /// A type this version does not know, as Stripe wrote it.
    Other(String),
}

impl ErrorType {
    /// Reads Stripe's `type` field.
    pub fn parse(text: &str) -> Self {
        match text {
            "api_error" => Self::Api,
            "card_error" => Self::Card,
            "idempotency_error" => Self::Idempotency,
            "invalid_request_error" => Self::InvalidRequest,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The type as Stripe writes it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Api => "api_error",
            Self::Card => "card_error",
            Self::Idempotency => "idempotency_error",
            Self::InvalidRequest => "invalid_request_error",
            Self::Other(other) => other,
        }
    }
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What Stripe said about a failed call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// Stripe's error type.
    pub kind: ErrorType,
    /// Stripe's error code (`resource_missing`, `card_declined`, `idempotency_key_in_use`).
    pub code: Option<String>,
    /// The issuer's reason for a card decline (`insufficient_funds`).
    pub decline_code: Option<String>,
    /// The parameter Stripe blames.
    pub param: Option<String>,
    /// Stripe's human-readable message.
    pub message: Option<String>,
    /// The `Request-Id` of the response, for support.
    pub request_id: Option<String>,
}

#[derive(Deserialize)]
struct Envelope {
    error: Body,
}

#[derive(Deserialize)]
struct Body {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    decline_code: Option<String>,
    #[serde(default)]
    param: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

impl ApiError {
    /// Decodes Stripe's `{"error": {...}}` body; `None` when the body is not one.
    pub fn from_body(status: u16, body: &[u8], request_id: Option<String>) -> Option<Self> {
        let envelope: Envelope = serde_json::from_slice(body).ok()?;
        let body = envelope.error;
        Some(Self {
            status,
            kind: ErrorType::parse(body.kind.as_deref().unwrap_or("api_error")),
            code: body.code,
            decline_code: body.decline_code,
            param: body.param,
            message: body.message,
            request_id,
        })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (status {}", self.kind, self.status)?;
        for (label, value) in [
            ("code", &self.code),
            ("decline code", &self.decline_code),
            ("param", &self.param),
            ("request id", &self.request_id),
        ] {
            if let Some(value) = value {
                write!(f, ", {label} {value}")?;
            }
        }
        f.write_str(")")?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

/// Why a Stripe call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Stripe answered with its error body.
    #[error("stripe {operation}: {detail}")]
    Api {
        /// The operation, as in the tracing span.
        operation: &'static str,
        /// What Stripe said.
        detail: Box<ApiError>,
        /// The transport-level error, with retryability and the raw body.
        #[source]
        source: proign_core::http::Error,
    },
    /// The call failed without a Stripe error body: timeout, connection, rate limit, a proxy's
    /// HTML page, an undecodable answer.
    #[error(transparent)]
    Http(proign_core::http::Error),
    /// The key is not one that may call the API.
    #[error("a {0} cannot call the Stripe API; use a secret (sk_…) or restricted (rk_…) key")]
    KeyRefused(&'static str),
    /// The parameters could not be form-encoded.
    #[error("the request parameters could not be encoded")]
    Form(#[from] FormError),
    /// A successful answer whose body was not the expected object.
    #[error("stripe {operation}: the response could not be decoded")]
    Decode {
        /// The operation.
        operation: &'static str,
        /// The decoding error.
        #[source]
        source: serde_json::Error,
    },
    /// Auto-pagination was handed a cursor it had already used; the list is not advancing.
    #[error("pagination stalled: cursor {cursor} came back a second time")]
    PaginationStalled {
        /// The repeated cursor.
        cursor: String,
    },
    /// Auto-pagination reached its page cap while Stripe still had more.
    #[error("pagination stopped at the cap of {pages} pages with more remaining")]
    PageLimit {
        /// The cap.
        pages: usize,
    },
    /// The client or request is misconfigured.
    #[error("configuration: {0}")]
    Configuration(String),
}

impl Error {
    /// Splits a core error into Stripe's detail when its body is Stripe's error format.
    pub(crate) fn from_http(error: proign_core::http::Error) -> Self {
        let detail = match (error.status(), error.raw_body()) {
            (Some(status), Some(body)) => {
                ApiError::from_body(status, body, error.request_id().map(str::to_owned))
            }
            _ => None,
        };
        match detail {
            Some(detail) => Self::Api {
                operation: error.operation(),
                detail: Box::new(detail),
                source: error,
            },
            None => Self::Http(error),
        }
    }

    /// Stripe's detail, when it sent its error body.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api { detail, .. } => Some(detail),
            _ => None,
        }
    }

    /// The core error behind a failed HTTP call.
    pub fn http(&self) -> Option<&proign_core::http::Error> {
        match self {
            Self::Api { source, .. } | Self::Http(source) => Some(source),
            _ => None,
        }
    }

    /// Whether a card was declined (`card_error`), as opposed to an invalid request.
    pub fn is_card_declined(&self) -> bool {
        self.api().is_some_and(|d| d.kind == ErrorType::Card)
    }

    /// Whether Stripe refused the request's content (`invalid_request_error`).
    pub fn is_invalid_request(&self) -> bool {
        self.api()
            .is_some_and(|d| d.kind == ErrorType::InvalidRequest)
    }

    /// Whether the same call (with the same idempotency key) may succeed later.
    pub fn is_retryable(&self) -> bool {
        self.http()
            .is_some_and(proign_core::http::Error::is_retryable)
    }

    /// Stripe's request id, when a response arrived.
    pub fn request_id(&self) -> Option<&str> {
        self.http().and_then(proign_core::http::Error::request_id)
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        self.http().and_then(proign_core::http::Error::status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_errors_keep_every_field() {
        let body = br#"{"error":{"type":"card_error","code":"card_declined",
            "decline_code":"insufficient_funds","param":"payment_method",
            "message":"Your card has insufficient funds.","doc_url":"x"}}"#;
        let e = ApiError::from_body(402, body, Some("req_1".into())).unwrap();
        assert_eq!(e.kind, ErrorType::Card);
        assert_eq!(e.decline_code.as_deref(), Some("insufficient_funds"));
        assert_eq!(e.param.as_deref(), Some("payment_method"));
        assert_eq!(
            e.to_string(),
            "card_error (status 402, code card_declined, decline code insufficient_funds, \
             param payment_method, request id req_1): Your card has insufficient funds."
        );
        let other = ApiError::from_body(400, br#"{"error":{"type":"new_kind"}}"#, None).unwrap();
        assert_eq!(other.kind, ErrorType::Other("new_kind".into()));
        assert!(ApiError::from_body(502, b"<html>502</html>", None).is_none());
    }
}
