//! How TaxJar answers: its error body and its request id.

use proign_core::Provider;
use proign_core::http::{ProviderError, ProviderProfile, Response};
use serde::Deserialize;

/// TaxJar's profile for the shared HTTP client.
///
/// Errors arrive as `{"error":"Bad Request","detail":"…","status":400}`: `error` becomes the
/// code and `detail` the message. `429` and `5xx` are retried by the client's policy whatever
/// their body says.
#[derive(Debug, Clone)]
pub struct TaxJarProfile {
    base_url: String,
}

impl TaxJarProfile {
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
    error: Option<serde_json::Value>,
    #[serde(default)]
    detail: Option<serde_json::Value>,
}

fn text(value: Option<serde_json::Value>) -> Option<String> {
    match value? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Decodes TaxJar's `{error, detail, status}` body; `None` for anything else.
pub fn decode_taxjar_error(body: &[u8]) -> Option<ProviderError> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    if !value.is_object() {
        return None;
    }
    let body: Body = serde_json::from_value(value).ok()?;
    let code = text(body.error);
    let message = text(body.detail);
    if code.is_none() && message.is_none() {
        return None;
    }
    let mut detail = ProviderError::default();
    detail.code = code;
    detail.message = message;
    Some(detail)
}

impl ProviderProfile for TaxJarProfile {
    fn provider(&self) -> Provider {
        Provider::TaxJar
    }

    fn default_base_url(&self) -> &str {
        &self.base_url
    }

    fn request_id_headers(&self) -> &'static [&'static str] {
        &["x-request-id", "x-amzn-requestid", "request-id"]
    }

    fn decode_error(&self, response: &Response) -> Option<ProviderError> {
        decode_taxjar_error(response.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_and_detail_are_kept() {
        let d = decode_taxjar_error(
            br#"{"status":400,"error":"Bad Request","detail":"to_zip 90002 is not used within to_state NY"}"#,
        )
        .unwrap();
        assert_eq!(d.code.as_deref(), Some("Bad Request"));
        assert_eq!(
            d.message.as_deref(),
            Some("to_zip 90002 is not used within to_state NY")
        );
        assert!(decode_taxjar_error(b"<html>").is_none());
        assert!(decode_taxjar_error(br#"{"tax":{}}"#).is_none());
        assert!(decode_taxjar_error(b"[1,2]").is_none());
    }
}
