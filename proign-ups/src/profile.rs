//! How UPS answers: its error body and its request id.

use proign_core::Provider;
use proign_core::http::{ProviderError, ProviderProfile, Response};
use serde::Deserialize;

/// UPS's profile for the shared HTTP client.
///
/// Errors arrive as `{"response":{"errors":[{"code":"250002","message":"…"}]}}`; the first
/// error's code and message are kept. `429` (UPS's "Quota Limit Exceeded") and `5xx` are
/// retried by the client's policy, honouring `Retry-After`.
#[derive(Debug, Clone)]
pub struct UpsProfile {
    base_url: String,
}

impl UpsProfile {
    /// A profile whose default base URL is `base_url`.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
        }
    }
}

#[derive(Deserialize)]
struct Envelope {
    response: Errors,
}

#[derive(Deserialize)]
struct Errors {
    #[serde(default)]
    errors: Vec<UpsErrorItem>,
}

#[derive(Deserialize)]
struct UpsErrorItem {
    #[serde(default)]
    code: Option<serde_json::Value>,
    #[serde(default)]
    message: Option<String>,
}

/// Decodes UPS's `response.errors` array into the first error's code and message.
pub fn decode_ups_error(body: &[u8]) -> Option<ProviderError> {
    let envelope: Envelope = serde_json::from_slice(body).ok()?;
    let first = envelope.response.errors.into_iter().next()?;
    let code = match first.code {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let mut detail = ProviderError::default();
    detail.code = code;
    detail.message = first.message;
    Some(detail)
}

impl ProviderProfile for UpsProfile {
    fn provider(&self) -> Provider {
        Provider::Ups
    }

    fn default_base_url(&self) -> &str {
        &self.base_url
    }

    fn request_id_headers(&self) -> &'static [&'static str] {
        &["transid", "x-request-id", "request-id"]
    }

    fn decode_error(&self, response: &Response) -> Option<ProviderError> {
        decode_ups_error(response.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_error_code_and_message_are_kept() {
        let body = br#"{"response":{"errors":[{"code":"250002","message":"Invalid Authentication Information."},{"code":"1","message":"x"}]}}"#;
        let detail = decode_ups_error(body).unwrap();
        assert_eq!(detail.code.as_deref(), Some("250002"));
        assert_eq!(
            detail.message.as_deref(),
            Some("Invalid Authentication Information.")
        );
        assert!(decode_ups_error(b"<html>").is_none());
        assert!(decode_ups_error(br#"{"response":{"errors":[]}}"#).is_none());
        let numeric = decode_ups_error(br#"{"response":{"errors":[{"code":10001}]}}"#).unwrap();
        assert_eq!(numeric.code.as_deref(), Some("10001"));
    }

    proptest::proptest! {
        #[test]
        fn any_body_decodes_without_panicking(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256)) {
            let _ = decode_ups_error(&body);
        }
    }
}
