//! How `siteverify` answers.

use std::time::SystemTime;

use proign_core::Provider;
use proign_core::http::{Classification, ProviderProfile, Response, default_classification};

use crate::outcome::{ErrorCode, Outcome};

/// Cloudflare's production `siteverify` host.
pub const DEFAULT_BASE_URL: &str = "https://challenges.cloudflare.com";

/// Turnstile's profile for the shared HTTP client.
///
/// A `200` answer listing `internal-error` is classified as retryable: Cloudflare failed,
/// and the same idempotency key lets a second attempt return the first one's result.
#[derive(Debug, Clone)]
pub struct TurnstileProfile {
    base_url: String,
}

impl TurnstileProfile {
    /// A profile whose default base URL is `base_url`.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
        }
    }
}

impl ProviderProfile for TurnstileProfile {
    fn provider(&self) -> Provider {
        Provider::Turnstile
    }

    fn default_base_url(&self) -> &str {
        &self.base_url
    }

    fn request_id_headers(&self) -> &'static [&'static str] {
        &["cf-ray"]
    }

    fn classify(&self, response: &Response, now: SystemTime) -> Classification {
        let classification = default_classification(response, now);
        if classification != Classification::Success {
            return classification;
        }
        match serde_json::from_slice::<Outcome>(response.body()) {
            Ok(o) if !o.success && o.has(&ErrorCode::InternalError) => Classification::Retry {
                after: None,
                rate_limited: false,
                not_processed: false,
            },
            _ => Classification::Success,
        }
    }
}
