//! How Stripe's answers are classified and its error bodies decoded.

use std::time::SystemTime;

use http::HeaderName;
use proign_core::Provider;
use proign_core::http::{
    Classification, ProviderError, ProviderProfile, Response, default_classification,
};
use proign_core::retry::parse_retry_after;

use crate::error::ApiError;

/// The API's production address.
pub const DEFAULT_BASE_URL: &str = "https://api.stripe.com";

/// Stripe's rules for the shared HTTP client.
///
/// - an `Idempotency-Key` on every `POST`, the same on every retry;
/// - `Stripe-Should-Retry: true` retries and `false` fails, whatever the status;
/// - `409` with code `idempotency_key_in_use` (another request with the key is still running)
///   is retried, since Stripe did not process this one;
/// - `Request-Id` is the request id.
#[derive(Debug, Clone, Copy, Default)]
pub struct StripeProfile;

impl ProviderProfile for StripeProfile {
    fn provider(&self) -> Provider {
        Provider::Stripe
    }

    fn default_base_url(&self) -> &str {
        DEFAULT_BASE_URL
    }

    fn idempotency_header(&self) -> Option<HeaderName> {
        Some(HeaderName::from_static("idempotency-key"))
    }

    fn request_id_headers(&self) -> &'static [&'static str] {
        &["request-id"]
    }

    fn classify(&self, response: &Response, now: SystemTime) -> Classification {
        let status = response.status();
        if status.is_success() {
            return Classification::Success;
        }
        let after = response
            .header("retry-after")
            .and_then(|v| parse_retry_after(v, now));
        let key_in_use = status.as_u16() == 409
            && ApiError::from_body(409, response.body(), None)
                .is_some_and(|e| e.code.as_deref() == Some("idempotency_key_in_use"));
        if key_in_use {
            return Classification::Retry {
                after,
                rate_limited: false,
                not_processed: true,
            };
        }
        match response.header("stripe-should-retry") {
            Some("true") => Classification::Retry {
                after,
                rate_limited: status.as_u16() == 429,
                not_processed: status.as_u16() == 429,
            },
            Some("false") => Classification::Fail,
            _ => default_classification(response, now),
        }
    }

    fn decode_error(&self, response: &Response) -> Option<ProviderError> {
        let detail = ApiError::from_body(response.status().as_u16(), response.body(), None)?;
        let mut out =
            ProviderError::with_code(detail.code.unwrap_or_else(|| detail.kind.to_string()));
        out.field = detail.param;
        out.message = detail.message;
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http::{HeaderMap, HeaderValue, StatusCode};

    fn response(
        status: u16,
        headers: &[(&'static str, &'static str)],
        body: &'static str,
    ) -> Response {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_static(value));
        }
        Response::new(
            Provider::Stripe,
            "test",
            StatusCode::from_u16(status).unwrap(),
            map,
            Bytes::from_static(body.as_bytes()),
        )
    }

    #[test]
    fn stripe_hints_override_the_status() {
        let now = SystemTime::UNIX_EPOCH;
        let p = StripeProfile;
        let no = response(500, &[("stripe-should-retry", "false")], "{}");
        assert_eq!(p.classify(&no, now), Classification::Fail);
        let yes = response(400, &[("stripe-should-retry", "true")], "{}");
        assert!(matches!(
            p.classify(&yes, now),
            Classification::Retry { .. }
        ));
        let in_use = response(
            409,
            &[],
            r#"{"error":{"code":"idempotency_key_in_use","type":"invalid_request_error"}}"#,
        );
        assert!(matches!(
            p.classify(&in_use, now),
            Classification::Retry {
                not_processed: true,
                ..
            }
        ));
        let conflict = response(409, &[], r#"{"error":{"code":"resource_exists"}}"#);
        assert_eq!(p.classify(&conflict, now), Classification::Fail);
        assert!(
            p.decode_error(&response(502, &[], "<html></html>"))
                .is_none()
        );
    }
}
