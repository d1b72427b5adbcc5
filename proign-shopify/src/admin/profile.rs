//! How the core HTTP client treats Shopify's answers.

use std::time::SystemTime;

use proign_core::Provider;
use proign_core::http::{
    Classification, ProviderError, ProviderProfile, Response, default_classification,
};

use super::throttle::{is_throttled, throttled_wait};

/// Shopify's rules for the core client: the shop's own base URL, `X-Request-Id`, GraphQL
/// `THROTTLED` inside a `200` retried after the bucket's refill time, and Shopify's error
/// bodies (`{"errors": …}`, OAuth's `error_description`).
#[derive(Debug, Clone)]
pub struct ShopifyProfile {
    base_url: String,
}

impl ShopifyProfile {
    /// A profile whose production base URL is `base_url` (normally `https://<shop>`).
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
        }
    }
}

impl ProviderProfile for ShopifyProfile {
    fn provider(&self) -> Provider {
        Provider::Shopify
    }

    fn default_base_url(&self) -> &str {
        &self.base_url
    }

    fn request_id_headers(&self) -> &'static [&'static str] {
        &["x-request-id"]
    }

    fn classify(&self, response: &Response, now: SystemTime) -> Classification {
        if response.status().is_success() && is_throttled(response.body()) {
            return Classification::Retry {
                after: Some(throttled_wait(response.body())),
                rate_limited: true,
                not_processed: true,
            };
        }
        default_classification(response, now)
    }

    fn decode_error(&self, response: &Response) -> Option<ProviderError> {
        let value: serde_json::Value = serde_json::from_slice(response.body()).ok()?;
        let object = value.as_object()?;
        let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(str::to_owned);
        let mut detail = ProviderError::default();
        match object.get("errors") {
            Some(serde_json::Value::String(message)) => detail.message = Some(message.clone()),
            Some(serde_json::Value::Array(errors)) => {
                let first = errors.first();
                detail.message = text(first.and_then(|e| e.get("message")));
                detail.code = text(first.and_then(|e| e.pointer("/extensions/code")));
            }
            Some(serde_json::Value::Object(fields)) => {
                let (field, messages) = fields.iter().next()?;
                detail.field = Some(field.clone());
                detail.message = text(messages.get(0)).or_else(|| text(Some(messages)));
            }
            _ => {
                detail.code = text(object.get("error"));
                detail.message = text(object.get("error_description"));
                detail.code.as_ref()?;
            }
        }
        Some(detail)
    }
}
