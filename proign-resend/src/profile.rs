//! How Resend answers: its error body, its idempotency header, its quota answers.

use std::time::SystemTime;

use http::HeaderName;
use proign_core::Provider;
use proign_core::http::{
    Classification, ProviderError, ProviderProfile, Response, default_classification,
};
use serde::Deserialize;

/// Resend's production API.
pub const DEFAULT_BASE_URL: &str = "https://api.resend.com";

/// Resend's profile for the shared HTTP client.
///
/// Errors arrive as `{"statusCode":422,"message":"…","name":"validation_error"}`: `name`
/// becomes the code. A `429` naming a daily or monthly quota is not retried (waiting seconds
/// cannot help); any other `429` is retried after its `retry-after`.
#[derive(Debug, Clone)]
pub struct ResendProfile {
    base_url: String,
}

impl ResendProfile {
    /// A profile whose default base URL is `base_url`.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
        }
    }
}

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// Decodes Resend's `{statusCode, message, name}`; `None` for anything else.
pub fn decode_resend_error(body: &[u8]) -> Option<ProviderError> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    if !value.is_object() {
        return None;
    }
    let body: Body = serde_json::from_value(value).ok()?;
    if body.name.is_none() && body.message.is_none() {
        return None;
    }
    let mut detail = ProviderError::default();
    detail.code = body.name;
    detail.message = body.message;
    Some(detail)
}

impl ProviderProfile for ResendProfile {
    fn provider(&self) -> Provider {
        Provider::Resend
    }

    fn default_base_url(&self) -> &str {
        &self.base_url
    }

    fn idempotency_header(&self) -> Option<HeaderName> {
        Some(HeaderName::from_static("idempotency-key"))
    }

    fn request_id_headers(&self) -> &'static [&'static str] {
        &["x-resend-id", "x-request-id", "cf-ray"]
    }

    fn classify(&self, response: &Response, now: SystemTime) -> Classification {
        if response.status().as_u16() == 429 {
            let quota = decode_resend_error(response.body())
                .and_then(|d| d.code)
                .is_some_and(|name| name.ends_with("_quota_exceeded"));
            if quota {
                return Classification::Fail;
            }
        }
        default_classification(response, now)
    }

    fn decode_error(&self, response: &Response) -> Option<ProviderError> {
        decode_resend_error(response.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_and_message_are_kept() {
        let d = decode_resend_error(
            br#"{"statusCode":422,"message":"Invalid `to` field.","name":"validation_error"}"#,
        )
        .unwrap();
        assert_eq!(d.code.as_deref(), Some("validation_error"));
        assert_eq!(d.message.as_deref(), Some("Invalid `to` field."));
        assert!(decode_resend_error(b"<html>").is_none());
        assert!(decode_resend_error(br#"{"id":"x"}"#).is_none());
    }
}
