//! Every provider simulator on loopback in one call, with the made-up credentials they
//! accept and sign with, their own signed webhooks, and fault knobs.
//!
//! ```
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use proign_core::Provider;
//! use proign_testkit::sandbox::Sandbox;
//!
//! let sandbox = Sandbox::start().await;
//! assert!(sandbox.base_url(Provider::Ups).starts_with("http://127.0.0.1:"));
//! let key = sandbox.credential(Provider::Stripe, "api_key").unwrap();
//! assert!(key.expose().starts_with("sk_test_"));
//! // UPS answers the next two shipment calls with 503.
//! sandbox.fail_ups_shipments(2);
//! # });
//! ```
//!
//! Credentials are named by the same keys as in `proign_core::config`
//! (`integrations.<provider>.<key>`), so a host can take each credential from the sandbox or
//! from its configuration with the same code.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use proign_core::Provider;
use proign_core::http::{ReqwestTransport, Transport, TransportConfig, TransportRequest};
use proign_core::secret::Secret;

use crate::sim::resend::ResendSim;
use crate::sim::shopify::{self, ShopifySim};
use crate::sim::stripe::StripeSim;
use crate::sim::taxjar::TaxJarSim;
use crate::sim::turnstile::TurnstileSim;
use crate::sim::ups::UpsSim;

/// The made-up credentials of the sandbox, by provider and configuration key. None of them
/// works anywhere but against these simulators.
const CREDENTIALS: &[(Provider, &str, &str)] = &[
    (
        Provider::Stripe,
        "api_key",
        "sk_test_prgn_sandbox_made_up_key",
    ),
    (
        Provider::Stripe,
        "webhook_secret",
        "whsec_prgn_sandbox_stripe_made_up",
    ),
    (Provider::Shopify, "client_secret", shopify::CLIENT_SECRET),
    (
        Provider::Ups,
        "client_secret",
        "prgn-sandbox-ups-client-secret-made-up",
    ),
    (
        Provider::Ups,
        "callback_credential",
        "prgn-sandbox-ups-callback-credential",
    ),
    (
        Provider::TaxJar,
        "api_key",
        "prgn_sandbox_taxjar_made_up_key",
    ),
    (Provider::Resend, "api_key", "re_prgn_sandbox_made_up_key"),
    (
        Provider::Resend,
        "webhook_secret",
        "whsec_cHJnbi1zYW5kYm94LXJlc2VuZC1zZWNyZXQtMzJiIQ==",
    ),
    (
        Provider::Turnstile,
        "secret_key",
        proign_turnstile::testing::SECRET_ALWAYS_PASSES,
    ),
];

/// A secret nobody configured, used to sign the forged delivery.
const FORGER_SECRET: &str = "prgn-sandbox-forger-secret-made-up";

/// Every simulator, running. They stop when the sandbox is dropped.
#[derive(Debug)]
#[non_exhaustive]
pub struct Sandbox {
    /// Stripe.
    pub stripe: StripeSim,
    /// Shopify.
    pub shopify: ShopifySim,
    /// UPS.
    pub ups: UpsSim,
    /// TaxJar.
    pub taxjar: TaxJarSim,
    /// Resend.
    pub resend: ResendSim,
    /// Cloudflare Turnstile.
    pub turnstile: TurnstileSim,
}

impl Sandbox {
    /// Starts all six simulators on loopback, each on its own ephemeral port.
    ///
    /// # Panics
    ///
    /// If no loopback port can be bound.
    pub async fn start() -> Self {
        let (stripe, shopify, ups, taxjar, resend, turnstile) = tokio::join!(
            StripeSim::start(),
            ShopifySim::start(),
            UpsSim::start(),
            TaxJarSim::start(),
            ResendSim::start(),
            TurnstileSim::start(),
        );
        Self {
            stripe,
            shopify,
            ups,
            taxjar,
            resend,
            turnstile,
        }
    }

    /// The simulator's base URL for `provider`; empty for a provider without one.
    pub fn base_url(&self, provider: Provider) -> &str {
        match provider {
            Provider::Stripe => self.stripe.base_url(),
            Provider::Shopify => self.shopify.base_url(),
            Provider::Ups => self.ups.base_url(),
            Provider::TaxJar => self.taxjar.base_url(),
            Provider::Resend => self.resend.base_url(),
            Provider::Turnstile => self.turnstile.base_url(),
            _ => "",
        }
    }

    /// The made-up credential the simulators accept (or sign with) under the configuration
    /// key `key` of `provider`'s section, such as `(Provider::Stripe, "webhook_secret")`.
    /// A Shopify access token is issued fresh on each call.
    pub fn credential(&self, provider: Provider, key: &str) -> Option<Secret> {
        if (provider, key) == (Provider::Shopify, "access_token") {
            return Some(self.shopify.issue_token());
        }
        CREDENTIALS
            .iter()
            .find(|(p, k, _)| *p == provider && *k == key)
            .and_then(|(_, _, value)| Secret::new(*value).ok())
    }

    /// Makes the simulators send their own signed webhooks to the host at `base_url`, on
    /// the paths `/webhooks/<provider>`: Stripe every event (such as `invoice.paid`),
    /// Resend `email.delivered` after every email accepted, and UPS a "delivered" Track
    /// Alert as soon as a parcel is subscribed (to the URL the subscription names). Shopify
    /// delivers to the subscriptions the host creates through the Admin API.
    pub fn send_webhooks_to(&self, base_url: &str) {
        let base = base_url.trim_end_matches('/');
        if let Some(secret) = self.credential(Provider::Stripe, "webhook_secret") {
            self.stripe
                .deliver_to(format!("{base}/webhooks/stripe"), secret);
        }
        if let Some(secret) = self.credential(Provider::Resend, "webhook_secret") {
            self.resend
                .deliver_events_to(format!("{base}/webhooks/resend"), secret);
        }
        self.ups.auto_deliver();
    }

    /// Sends an `orders/create` delivery to `url` that looks like Shopify's but is signed
    /// with a secret nobody configured; returns the status the receiver answered (`None`
    /// when it could not be reached). A correct receiver answers 401.
    pub async fn send_forged(&self, url: &str) -> Option<u16> {
        let body = Bytes::from_static(br#"{"id":1,"email":"forged@example.test","line_items":[]}"#);
        let forger = Secret::new(FORGER_SECRET).ok()?;
        let pairs = [
            ("content-type", "application/json".to_owned()),
            ("x-shopify-topic", "orders/create".to_owned()),
            (
                "x-shopify-hmac-sha256",
                proign_shopify::webhook::sign(&forger, &body),
            ),
            ("x-shopify-shop-domain", shopify::SHOP.to_owned()),
            ("x-shopify-api-version", shopify::API_VERSION.to_owned()),
            ("x-shopify-webhook-id", uuid::Uuid::new_v4().to_string()),
        ];
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(name, HeaderValue::from_str(&value).ok()?);
        }
        let transport = ReqwestTransport::new(&TransportConfig::default()).ok()?;
        let request = TransportRequest {
            method: http::Method::POST,
            url: url::Url::parse(url).ok()?,
            headers,
            body,
            timeout: Duration::from_secs(10),
        };
        let response = transport.send(request).await.ok()?;
        Some(response.status.as_u16())
    }

    /// UPS answers the next `count` shipment calls (`/shipments/…`) with `503` and an
    /// outage error body; other UPS calls are not affected.
    pub fn fail_ups_shipments(&self, count: usize) {
        let body = r#"{"response":{"errors":[{"code":"10001","message":"The service is temporarily unavailable"}]}}"#;
        self.ups.fail_next_on("/shipments/", count, 503, body);
    }

    /// Resend answers its next call with `429` and `Retry-After: <seconds>`.
    pub fn throttle_resend_once(&self, retry_after_seconds: u64) {
        self.resend.throttle_next(retry_after_seconds);
    }
}
