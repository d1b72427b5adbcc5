//! Verifying Shopify webhook deliveries.
//!
//! Shopify signs the raw body with HMAC-SHA256 keyed with the app's client secret and sends
//! the base64 tag in `X-Shopify-Hmac-Sha256`. Newer event deliveries use the same headers
//! without the `X-` prefix (`shopify-hmac-sha256`, `shopify-topic`, …); both are read.
//! A delivery also names its topic, shop, API version and webhook id (all required), and may
//! carry an event id and the time it was triggered.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::HeaderMap;
use proign_core::Provider;
use proign_core::secret::Secret;
use proign_core::webhook::{
    ConfigError, DEFAULT_BODY_LIMIT, Delivery, HmacKey, KeySet, Signatures, VerifyError,
    WebhookVerifier, check_body, decode_base64_tag, headers,
};

/// The signature header's names, classic first.
pub const HMAC_HEADERS: &[&str] = &["X-Shopify-Hmac-Sha256", "Shopify-Hmac-Sha256"];
/// The topic header's names.
pub const TOPIC_HEADERS: &[&str] = &["X-Shopify-Topic", "Shopify-Topic"];
/// The shop domain header's names.
pub const SHOP_HEADERS: &[&str] = &["X-Shopify-Shop-Domain", "Shopify-Shop-Domain"];
/// The API version header's names.
pub const API_VERSION_HEADERS: &[&str] = &["X-Shopify-API-Version", "Shopify-API-Version"];
/// The webhook id header's names.
pub const WEBHOOK_ID_HEADERS: &[&str] = &["X-Shopify-Webhook-Id", "Shopify-Webhook-Id"];
/// The event id header's names.
pub const EVENT_ID_HEADERS: &[&str] = &["X-Shopify-Event-Id", "Shopify-Event-Id"];
/// The triggered-at header's names.
pub const TRIGGERED_AT_HEADERS: &[&str] = &["X-Shopify-Triggered-At", "Shopify-Triggered-At"];

/// Verifies Shopify webhook deliveries for one app.
///
/// ```
/// use bytes::Bytes;
/// use http::{HeaderMap, HeaderValue};
/// use proign_core::{secret::Secret, webhook::WebhookVerifier};
/// use proign_shopify::webhook::ShopifyVerifier;
///
/// let verifier = ShopifyVerifier::new([&Secret::new("test_secret_key").unwrap()]).unwrap();
/// let mut headers = HeaderMap::new();
/// for (name, value) in [
///     ("X-Shopify-Hmac-Sha256", "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g="),
///     ("X-Shopify-Topic", "products/create"),
///     ("X-Shopify-Shop-Domain", "shop1.myshopify.io"),
///     ("X-Shopify-API-Version", "2023-01"),
///     ("X-Shopify-Webhook-Id", "123456789"),
/// ] {
///     headers.insert(name, HeaderValue::from_static(value));
/// }
/// let delivery = verifier.verify(&headers, Bytes::from_static(br#"{"foo": "bar"}"#)).unwrap();
/// assert_eq!(delivery.topic(), "products/create");
/// assert_eq!(delivery.dedup_key(), "shop1.myshopify.io:123456789");
/// ```
#[derive(Debug, Clone)]
pub struct ShopifyVerifier {
    keys: KeySet,
    body_limit: usize,
}

impl ShopifyVerifier {
    /// A verifier accepting a signature under any of `secrets` (the app's client secret, or
    /// the old and new one while it is rotated), with a 2 MiB body limit.
    pub fn new<'s>(secrets: impl IntoIterator<Item = &'s Secret>) -> Result<Self, ConfigError> {
        let keys = secrets
            .into_iter()
            .map(|secret| HmacKey::new(secret.expose().as_bytes()))
            .collect();
        Ok(Self {
            keys: KeySet::new(keys)?,
            body_limit: DEFAULT_BODY_LIMIT,
        })
    }

    /// Sets the largest body accepted, in bytes.
    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }
}

impl WebhookVerifier for ShopifyVerifier {
    type Output = ShopifyDelivery;

    fn provider(&self) -> Provider {
        Provider::Shopify
    }

    fn body_limit(&self) -> usize {
        self.body_limit
    }

    fn verify(&self, headers: &HeaderMap, body: Bytes) -> Result<ShopifyDelivery, VerifyError> {
        check_body(&body, self.body_limit, false)?;
        let hmac = headers::required(headers, HMAC_HEADERS)?;
        let topic = headers::required(headers, TOPIC_HEADERS)?;
        let shop_domain = headers::required(headers, SHOP_HEADERS)?;
        let api_version = headers::required(headers, API_VERSION_HEADERS)?;
        let webhook_id = headers::required(headers, WEBHOOK_ID_HEADERS)?;
        let event_id = headers::optional(headers, EVENT_ID_HEADERS)?;
        let triggered_at = headers::optional(headers, TRIGGERED_AT_HEADERS)?;

        let mut signatures = Signatures::new();
        if let Some(tag) = decode_base64_tag(hmac) {
            signatures.push(tag);
        }
        let matched = self
            .keys
            .find(&[&body], &signatures)
            .ok_or(VerifyError::SignatureMismatch)?;

        Ok(ShopifyDelivery {
            delivery: Delivery::new(
                Provider::Shopify,
                Some(webhook_id.to_owned()),
                None,
                matched,
                body,
            ),
            topic: topic.to_owned(),
            shop_domain: shop_domain.to_owned(),
            api_version: api_version.to_owned(),
            event_id: event_id.map(str::to_owned),
            triggered_at: triggered_at.map(str::to_owned),
        })
    }
}

/// A verified Shopify delivery and what its headers say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopifyDelivery {
    delivery: Delivery,
    topic: String,
    shop_domain: String,
    api_version: String,
    event_id: Option<String>,
    triggered_at: Option<String>,
}

impl ShopifyDelivery {
    /// The topic, such as `orders/create`.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// The shop's `*.myshopify.com` domain.
    pub fn shop_domain(&self) -> &str {
        &self.shop_domain
    }

    /// The API version the payload was rendered with.
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// The webhook id; retries of one delivery share it.
    pub fn webhook_id(&self) -> &str {
        self.delivery.id().unwrap_or_default()
    }

    /// The event id, when Shopify sent one.
    pub fn event_id(&self) -> Option<&str> {
        self.event_id.as_deref()
    }

    /// When the event was triggered, as sent.
    pub fn triggered_at_raw(&self) -> Option<&str> {
        self.triggered_at.as_deref()
    }

    /// When the event was triggered; compare with now to see how stale a retried delivery is.
    /// `None` when absent or not an RFC 3339 time.
    pub fn triggered_at(&self) -> Option<DateTime<Utc>> {
        let raw = self.triggered_at.as_deref()?;
        DateTime::parse_from_rfc3339(raw)
            .ok()
            .map(|time| time.with_timezone(&Utc))
    }

    /// The key to deduplicate on: the shop and the webhook id, which every retry of a
    /// delivery repeats.
    pub fn dedup_key(&self) -> String {
        format!("{}:{}", self.shop_domain, self.webhook_id())
    }

    /// The verified bytes.
    pub fn body(&self) -> &Bytes {
        self.delivery.body()
    }

    /// The provider-neutral delivery.
    pub fn delivery(&self) -> &Delivery {
        &self.delivery
    }
}

impl AsRef<Delivery> for ShopifyDelivery {
    fn as_ref(&self) -> &Delivery {
        &self.delivery
    }
}

/// The `X-Shopify-Hmac-Sha256` value for `body`, for tests and local simulators.
pub fn sign(secret: &Secret, body: &[u8]) -> String {
    use base64::Engine as _;
    let tag = HmacKey::new(secret.expose().as_bytes()).sign(&[body]);
    base64::engine::general_purpose::STANDARD.encode(tag)
}

#[cfg(test)]
mod tests;
