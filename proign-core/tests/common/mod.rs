//! Provider profiles and helpers shared by the HTTP core's integration tests.

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::{HeaderName, StatusCode};
use proign_core::Provider;
use proign_core::clock::FixedClock;
use proign_core::http::{
    Classification, Client, ClientBuilder, ProviderError, ProviderProfile, Response,
    default_classification, default_decode_error,
};
use proign_core::retry::{Jitter, RetryPolicy};

/// `2026-01-01T00:00:00Z`, the field cases' reference clock.
pub const T0: i64 = 1_767_225_600;

/// Stripe's habits: `Idempotency-Key`, `Stripe-Should-Retry`, retryable key-in-use conflicts.
#[derive(Debug)]
pub struct StripeLike;

impl ProviderProfile for StripeLike {
    fn provider(&self) -> Provider {
        Provider::Stripe
    }

    fn default_base_url(&self) -> &str {
        "https://api.stripe.test"
    }

    fn idempotency_header(&self) -> Option<HeaderName> {
        Some(HeaderName::from_static("idempotency-key"))
    }

    fn classify(&self, response: &Response, now: SystemTime) -> Classification {
        let retry = Classification::Retry {
            after: None,
            rate_limited: false,
            not_processed: false,
        };
        match response.header("stripe-should-retry") {
            Some("false") => return Classification::Fail,
            Some("true") => return retry,
            _ => {}
        }
        let in_use = self
            .decode_error(response)
            .and_then(|d| d.code)
            .is_some_and(|c| c == "idempotency_key_in_use");
        if response.status() == StatusCode::CONFLICT && in_use {
            return retry;
        }
        default_classification(response, now)
    }
}

/// UPS's habits: no idempotency header, errors as `{"response":{"errors":[{code,message}]}}`.
#[derive(Debug)]
pub struct UpsLike;

impl ProviderProfile for UpsLike {
    fn provider(&self) -> Provider {
        Provider::Ups
    }

    fn default_base_url(&self) -> &str {
        "https://onlinetools.ups.test"
    }

    fn request_id_headers(&self) -> &'static [&'static str] {
        &["transid"]
    }

    fn decode_error(&self, response: &Response) -> Option<ProviderError> {
        let value: serde_json::Value = serde_json::from_slice(response.body()).ok()?;
        let first = &value["response"]["errors"][0];
        if first.is_null() {
            return default_decode_error(response);
        }
        let mut detail = ProviderError::with_code(first["code"].as_str().unwrap_or_default());
        detail.message = first["message"].as_str().map(str::to_owned);
        Some(detail)
    }
}

/// Exact delays: 100 ms base, doubling, no jitter, four attempts.
pub fn exact_policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(4)
        .with_base_delay(Duration::from_millis(100))
        .with_max_delay(Duration::from_secs(60))
        .with_jitter(Jitter::None)
}

/// A client for `profile` aimed at `base_url`, with the reference clock.
pub fn builder(profile: Arc<dyn ProviderProfile>, base_url: &str) -> ClientBuilder {
    Client::builder(profile)
        .base_url(base_url)
        .retry(exact_policy())
        .clock(FixedClock::at_unix(T0))
}
