//! The error every UPS operation returns.

use proign_core::http::{self, ErrorKind};

/// A failed UPS operation.
///
/// Calls that reached UPS keep the core's [`http::Error`] whole: status, UPS's error code
/// (for example `250002` for refused credentials) and message, and the request id.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The call failed on the wire or UPS refused it.
    #[error(transparent)]
    Api(#[from] http::Error),
    /// The request was refused before it was sent.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// The input at fault.
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// UPS answered with a success that lacks what the operation needs.
    #[error("UPS {operation} answered without {missing}")]
    Incomplete {
        /// The operation.
        operation: &'static str,
        /// What was missing.
        missing: &'static str,
    },
    /// A label image was not valid base64.
    #[error("label for {tracking_number} is not valid base64")]
    LabelEncoding {
        /// The package the label belongs to.
        tracking_number: String,
        /// The decoding failure.
        #[source]
        source: base64::DecodeError,
    },
}

impl Error {
    /// UPS's own error code (`response.errors[0].code`), when UPS sent one.
    pub fn ups_code(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.detail().and_then(|d| d.code.as_deref()),
            _ => None,
        }
    }

    /// UPS's message for the error, when UPS sent one.
    pub fn ups_message(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.detail().and_then(|d| d.message.as_deref()),
            _ => None,
        }
    }

    /// Whether UPS refused the credentials (after one token refresh and one replay).
    pub fn is_authentication(&self) -> bool {
        matches!(self, Self::Api(e) if matches!(e.kind(), ErrorKind::Authentication { .. }))
    }

    /// Whether the request may have been processed although no answer arrived (a shipment
    /// timed out): look the shipment up before buying again.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(
            self,
            Self::Api(e) if matches!(
                e.kind(),
                ErrorKind::Timeout { outcome_unknown: true, .. }
                    | ErrorKind::Disconnected { outcome_unknown: true }
            )
        )
    }

    /// Whether the same call may succeed later.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Api(e) if e.is_retryable())
    }

    /// The core error, when the call reached the wire.
    pub fn as_http(&self) -> Option<&http::Error> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }
}
