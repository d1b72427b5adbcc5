//! The errors of the Admin GraphQL client.

use std::fmt;

use serde::Deserialize;

/// One entry of a GraphQL answer's top-level `errors`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct GraphQlError {
    /// What went wrong, in Shopify's words.
    #[serde(default)]
    pub message: String,
    /// Where in the answer, when Shopify says.
    #[serde(default)]
    pub path: Option<Vec<serde_json::Value>>,
    /// Everything under `extensions` (`code`, `documentation`, …).
    #[serde(default)]
    pub extensions: Option<serde_json::Map<String, serde_json::Value>>,
}

impl GraphQlError {
    /// The server-set `extensions.code` (`THROTTLED`, `ACCESS_DENIED`, …).
    pub fn code(&self) -> Option<&str> {
        self.extensions.as_ref()?.get("code")?.as_str()
    }
}

/// One entry of a mutation's `userErrors`: Shopify refused the input.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct UserError {
    /// The path of the offending input field.
    #[serde(default)]
    pub field: Option<Vec<String>>,
    /// What was wrong with it.
    #[serde(default)]
    pub message: String,
    /// A machine-readable code, on the mutations that have one.
    #[serde(default)]
    pub code: Option<String>,
}

/// What an Admin GraphQL call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The HTTP call failed: transport, timeout, status, throttling that never eased
    /// ([`ErrorKind::RateLimited`](proign_core::http::ErrorKind::RateLimited)), an
    /// undecodable body.
    #[error(transparent)]
    Http(#[from] proign_core::http::Error),
    /// The answer carried top-level GraphQL `errors` (a bad query, missing access scope).
    #[error("{operation}: GraphQL errors: {}", Summary(errors))]
    GraphQl {
        /// The operation.
        operation: &'static str,
        /// The errors, as sent.
        errors: Vec<GraphQlError>,
    },
    /// A mutation answered with `userErrors`; nothing was changed.
    #[error("{operation}: refused: {}", UserSummary(errors))]
    UserErrors {
        /// The operation.
        operation: &'static str,
        /// The errors, as sent.
        errors: Vec<UserError>,
    },
    /// The answer had no `data`, or lacked a part the operation needs.
    #[error("{operation}: the answer has no {what}")]
    MissingData {
        /// The operation.
        operation: &'static str,
        /// What was missing.
        what: &'static str,
    },
    /// `data` did not have the expected shape.
    #[error("{operation}: the answer's data has an unexpected shape")]
    Decode {
        /// The operation.
        operation: &'static str,
        /// What serde found.
        #[source]
        source: serde_json::Error,
    },
}

impl Error {
    /// Whether Shopify asked to slow down and the client gave up waiting.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Self::Http(e) if matches!(e.kind(), proign_core::http::ErrorKind::RateLimited { .. }))
    }

    /// Whether trying again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Http(e) => e.is_retryable(),
            _ => false,
        }
    }
}

struct Summary<'a>(&'a [GraphQlError]);

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            match e.code() {
                Some(code) => write!(f, "{code}: {}", e.message)?,
                None => f.write_str(&e.message)?,
            }
        }
        Ok(())
    }
}

struct UserSummary<'a>(&'a [UserError]);

impl fmt::Display for UserSummary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            if let Some(field) = &e.field {
                write!(f, "{}: ", field.join("."))?;
            }
            f.write_str(&e.message)?;
        }
        Ok(())
    }
}
