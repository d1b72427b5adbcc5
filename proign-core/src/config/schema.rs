//! Which keys each integration's section takes.

use crate::Provider;

/// The credential keys of each integration; each holds `env:NAME` or `file:PATH`.
pub const CREDENTIAL_KEYS: &[(Provider, &[&str])] = &[
    (Provider::Stripe, &["api_key", "webhook_secret"]),
    (Provider::Shopify, &["client_secret", "access_token"]),
    (Provider::Ups, &["client_secret", "callback_credential"]),
    (Provider::TaxJar, &["api_key"]),
    (Provider::Resend, &["api_key", "webhook_secret"]),
    (Provider::Turnstile, &["secret_key"]),
];

/// The plain (non-secret) settings of each integration.
pub const SETTING_KEYS: &[(Provider, &[&str])] = &[
    (Provider::Stripe, &[]),
    (Provider::Shopify, &["shop", "api_version"]),
    (Provider::Ups, &["client_id", "account_number"]),
    (Provider::TaxJar, &["environment"]),
    (Provider::Resend, &["from"]),
    (Provider::Turnstile, &["hostname"]),
];

/// The keys every integration's section takes besides its credentials and settings.
pub(super) const COMMON_KEYS: &[&str] = &["enabled", "topics", "base_url", "requests_per_second"];

/// The keys of a `[retry.*]` section.
pub(super) const RETRY_KEYS: &[&str] = &[
    "max_attempts",
    "base_delay_ms",
    "max_delay_ms",
    "deadline_ms",
    "jitter",
];

/// The keys of `[mapping]`.
pub(super) const MAPPING_KEYS: &[&str] =
    &["shipping", "default_service", "tax_codes", "shipping_price"];

pub(super) fn keys_of(
    table: &'static [(Provider, &'static [&'static str])],
    provider: Provider,
) -> &'static [&'static str] {
    table
        .iter()
        .find(|(p, _)| *p == provider)
        .map_or(&[], |(_, keys)| keys)
}

/// The provider named `name` in a configuration (`taxjar`, not `TaxJar`).
pub(super) fn provider(name: &str) -> Option<Provider> {
    CREDENTIAL_KEYS
        .iter()
        .map(|(p, _)| *p)
        .find(|p| p.as_str() == name)
}
