//! What `siteverify` answers.

use serde::{Deserialize, Deserializer};

/// One code from the `error-codes` list of a `siteverify` answer.
///
/// Codes this crate does not know are kept in [`ErrorCode::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `missing-input-secret`: no secret was sent.
    MissingInputSecret,
    /// `invalid-input-secret`: the secret is wrong or does not exist.
    InvalidInputSecret,
    /// `missing-input-response`: no token was sent.
    MissingInputResponse,
    /// `invalid-input-response`: the token is malformed or expired.
    InvalidInputResponse,
    /// `bad-request`: the request was malformed.
    BadRequest,
    /// `timeout-or-duplicate`: the token was already checked or is too old.
    TimeoutOrDuplicate,
    /// `internal-error`: Cloudflare failed while checking; the check may be repeated.
    InternalError,
    /// A code not listed above, as sent.
    Other(String),
}

impl ErrorCode {
    /// Reads a code as Cloudflare spells it.
    pub fn parse(code: &str) -> Self {
        match code {
            "missing-input-secret" => Self::MissingInputSecret,
            "invalid-input-secret" => Self::InvalidInputSecret,
            "missing-input-response" => Self::MissingInputResponse,
            "invalid-input-response" => Self::InvalidInputResponse,
            "bad-request" => Self::BadRequest,
            "timeout-or-duplicate" => Self::TimeoutOrDuplicate,
            "internal-error" => Self::InternalError,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The code as Cloudflare spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::MissingInputSecret => "missing-input-secret",
            Self::InvalidInputSecret => "invalid-input-secret",
            Self::MissingInputResponse => "missing-input-response",
            Self::InvalidInputResponse => "invalid-input-response",
            Self::BadRequest => "bad-request",
            Self::TimeoutOrDuplicate => "timeout-or-duplicate",
            Self::InternalError => "internal-error",
            Self::Other(s) => s,
        }
    }

    /// Whether the code blames the secret: a configuration problem, not the visitor.
    pub fn is_configuration(&self) -> bool {
        matches!(self, Self::MissingInputSecret | Self::InvalidInputSecret)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok(Self::parse(&s))
    }
}

/// The typed answer of `siteverify`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Outcome {
    /// Whether the token is valid.
    pub success: bool,
    /// When the challenge was solved (ISO 8601), as sent.
    #[serde(default)]
    pub challenge_ts: Option<String>,
    /// The hostname the challenge was solved on.
    #[serde(default)]
    pub hostname: Option<String>,
    /// The action named by the widget.
    #[serde(default)]
    pub action: Option<String>,
    /// The customer data named by the widget.
    #[serde(default)]
    pub cdata: Option<String>,
    /// The error codes; empty on success.
    #[serde(default, rename = "error-codes")]
    pub error_codes: Vec<ErrorCode>,
    /// Other fields of the answer (`metadata`, …), as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Outcome {
    /// Whether `code` is among the error codes.
    pub fn has(&self, code: &ErrorCode) -> bool {
        self.error_codes.contains(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_are_kept() {
        let o: Outcome = serde_json::from_str(
            r#"{"success":false,"error-codes":["invalid-input-response","brand-new"],"messages":[]}"#,
        )
        .unwrap();
        assert_eq!(
            o.error_codes,
            vec![
                ErrorCode::InvalidInputResponse,
                ErrorCode::Other("brand-new".into())
            ]
        );
        assert!(o.extra.contains_key("messages"));
        assert_eq!(ErrorCode::parse("brand-new").as_str(), "brand-new");
        for code in [
            "missing-input-secret",
            "invalid-input-secret",
            "missing-input-response",
            "invalid-input-response",
            "bad-request",
            "timeout-or-duplicate",
            "internal-error",
        ] {
            assert_eq!(ErrorCode::parse(code).as_str(), code);
            assert!(!matches!(ErrorCode::parse(code), ErrorCode::Other(_)));
        }
    }
}
