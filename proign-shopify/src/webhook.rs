//! Verifying Shopify webhook deliveries.
//!
//! Shopify signs the raw body with HMAC-SHA256 keyed with the app's client secret and sends
//! the base64 tag in `X-Shopify-Hmac-Sha256`. Newer event deliveries use the same headers
//! without the `X-` prefix (`shopify-hmac-sha256`, `shopify-topic`, …); both are read.
//! A delivery also names its topic, shop, API version and webhook id (all required), and may
//! carry an event id and the time it was triggered.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderValue};
use proign_core::Provider;
use proign_core::secret::Secret;
use proign_core::webhook::{
    ConfigError, DEFAULT_BODY_LIMIT, Delivery, HmacKey, KeySet, VerifyError, WebhookVerifier,
    check_body, decode_base64_tag, headers, headers::HeaderSpec,
};

macro_rules! shopify_header {
    ($(#[$doc:meta] $static:ident => $classic:literal, $lower:literal, $newer:literal;)*) => {
        $(#[$doc] pub static $static: HeaderSpec =
            HeaderSpec::with_alternate($classic, $lower, $newer);)*
    };
}

shopify_header! {
    /// The signature header: `X-Shopify-Hmac-Sha256`, or `shopify-hmac-sha256`.
    HMAC_HEADER => "X-Shopify-Hmac-Sha256", "x-shopify-hmac-sha256", "shopify-hmac-sha256";
    /// The topic header.
    TOPIC_HEADER => "X-Shopify-Topic", "x-shopify-topic", "shopify-topic";
    /// The shop domain header.
    SHOP_HEADER => "X-Shopify-Shop-Domain", "x-shopify-shop-domain", "shopify-shop-domain";
    /// The API version header.
    API_VERSION_HEADER => "X-Shopify-API-Version", "x-shopify-api-version", "shopify-api-version";
    /// The webhook id header.
    WEBHOOK_ID_HEADER => "X-Shopify-Webhook-Id", "x-shopify-webhook-id", "shopify-webhook-id";
    /// The event id header.
    EVENT_ID_HEADER => "X-Shopify-Event-Id", "x-shopify-event-id", "shopify-event-id";
    /// The triggered-at header.
    TRIGGERED_AT_HEADER => "X-Shopify-Triggered-At", "x-shopify-triggered-at", "shopify-triggered-at";
}

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
        let (
            [
                (_, hmac),
                (topic, _),
                (shop_domain, _),
                (api_version, _),
                (_, webhook_id),
            ],
            [event_id, triggered_at],
        ) = headers::scan(
            headers,
            [
                &HMAC_HEADER,
                &TOPIC_HEADER,
                &SHOP_HEADER,
                &API_VERSION_HEADER,
                &WEBHOOK_ID_HEADER,
            ],
            [&EVENT_ID_HEADER, &TRIGGERED_AT_HEADER],
        )?;

        // One tag per delivery: a header that is not a canonical base64 tag matches nothing.
        let tag = decode_base64_tag(hmac);
        let matched = self
            .keys
            .find(&[&body], tag.as_slice())
            .ok_or(VerifyError::SignatureMismatch)?;

        Ok(ShopifyDelivery {
            delivery: Delivery::new(
                Provider::Shopify,
                Some(webhook_id.to_owned()),
                None,
                matched,
                body,
            ),
            topic: topic.clone(),
            shop_domain: shop_domain.clone(),
            api_version: api_version.clone(),
            event_id: event_id.map(|(value, _)| value.clone()),
            triggered_at: triggered_at.map(|(value, _)| value.clone()),
        })
    }
}

/// A verified Shopify delivery and what its headers say about it.
///
/// The header values are kept as received (sharing the request's buffer) and read as text on
/// access; the verifier already checked they are printable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopifyDelivery {
    delivery: Delivery,
    topic: HeaderValue,
    shop_domain: HeaderValue,
    api_version: HeaderValue,
    event_id: Option<HeaderValue>,
    triggered_at: Option<HeaderValue>,
}

fn text(value: &HeaderValue) -> &str {
    value.to_str().unwrap_or_default().trim_ascii()
}

impl ShopifyDelivery {
    /// The topic, such as `orders/create`.
    pub fn topic(&self) -> &str {
        text(&self.topic)
    }

    /// The shop's `*.myshopify.com` domain.
    pub fn shop_domain(&self) -> &str {
        text(&self.shop_domain)
    }

    /// The API version the payload was rendered with.
    pub fn api_version(&self) -> &str {
        text(&self.api_version)
    }

    /// The webhook id; retries of one delivery share it.
    pub fn webhook_id(&self) -> &str {
        self.delivery.id().unwrap_or_default()
    }

    /// The event id, when Shopify sent one.
    pub fn event_id(&self) -> Option<&str> {
        self.event_id.as_ref().map(text)
    }

    /// When the event was triggered, as sent.
    pub fn triggered_at_raw(&self) -> Option<&str> {
        self.triggered_at.as_ref().map(text)
    }

    /// When the event was triggered; compare with now to see how stale a retried delivery is.
    /// `None` when absent or not an RFC 3339 time.
    pub fn triggered_at(&self) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(self.triggered_at_raw()?)
            .ok()
            .map(|time| time.with_timezone(&Utc))
    }

    /// The key to deduplicate on: the shop and the webhook id, which every retry of a
    /// delivery repeats.
    pub fn dedup_key(&self) -> String {
        format!("{}:{}", self.shop_domain(), self.webhook_id())
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
