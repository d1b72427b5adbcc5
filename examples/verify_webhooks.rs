//! A webhook gateway on loopback with a verified route for every provider.
//!
//! ```text
//! cargo run --example verify_webhooks
//! ```
//!
//! Secrets come from environment variables; when one is unset, a made-up demo secret is
//! used and the route says so at start-up (never printing the value). Send it a signed
//! delivery made by `proign webhook sign` (see the README).

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRef, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use proign::core::secret::{Secret, SecretError};
use proign::core::webhook::axum::Verified;
use proign::resend::webhook::ResendVerifier;
use proign::shopify::query::QueryVerifier;
use proign::shopify::webhook::ShopifyVerifier;
use proign::stripe::webhook::StripeVerifier;
use proign::ups::track_alert::TrackAlertVerifier;

/// Made-up secrets for trying the gateway without accounts; never use them for real traffic.
const DEMO: [(&str, &str); 4] = [
    ("STRIPE_WEBHOOK_SECRET", "whsec_proign_demo_stripe_secret"),
    ("SHOPIFY_CLIENT_SECRET", "proign_demo_shopify_client_secret"),
    (
        "RESEND_WEBHOOK_SECRET",
        "whsec_cHJvaWduLWRlbW8tcmVzZW5kLXNlY3JldC0zMmJ5dGVzIQ==",
    ),
    (
        "UPS_CALLBACK_CREDENTIAL",
        "proign-demo-ups-callback-credential",
    ),
];

#[derive(Clone)]
struct Gateway {
    stripe: Arc<StripeVerifier>,
    shopify: Arc<ShopifyVerifier>,
    shopify_queries: Arc<QueryVerifier>,
    resend: Arc<ResendVerifier>,
    ups: Arc<TrackAlertVerifier>,
}

macro_rules! from_ref {
    ($($field:ident: $ty:ty),*) => {
        $(impl FromRef<Gateway> for Arc<$ty> {
            fn from_ref(gateway: &Gateway) -> Self {
                gateway.$field.clone()
            }
        })*
    };
}

from_ref!(
    stripe: StripeVerifier,
    shopify: ShopifyVerifier,
    resend: ResendVerifier,
    ups: TrackAlertVerifier
);

/// The secret in `var`; only when the variable is not set at all, the made-up demo secret.
/// A variable that is set but unusable (empty, padded) stops the gateway.
fn secret(var: &str) -> Result<Secret, SecretError> {
    match Secret::from_env(var) {
        Err(SecretError::NotSet { .. }) => {
            let demo = DEMO
                .iter()
                .find(|(name, _)| *name == var)
                .map(|(_, value)| *value)
                .unwrap_or_default();
            tracing::warn!(var, "not set; using the made-up demo secret");
            Secret::new(demo)
        }
        other => other,
    }
}

async fn stripe(Verified(delivery): Verified<StripeVerifier>) -> StatusCode {
    tracing::info!(bytes = delivery.body().len(), "verified stripe delivery");
    StatusCode::OK
}

async fn shopify(Verified(delivery): Verified<ShopifyVerifier>) -> StatusCode {
    tracing::info!(
        topic = delivery.topic(),
        shop = delivery.shop_domain(),
        "verified shopify delivery"
    );
    StatusCode::OK
}

async fn resend(Verified(delivery): Verified<ResendVerifier>) -> StatusCode {
    tracing::info!(id = delivery.id(), "verified resend delivery");
    StatusCode::OK
}

async fn ups(Verified(callback): Verified<TrackAlertVerifier>) -> StatusCode {
    let event = callback.event();
    tracing::info!(tracking = %event.tracking_number, delivered = event.is_delivered(), "track alert");
    StatusCode::OK
}

async fn shopify_callback(State(gateway): State<Gateway>, RawQuery(query): RawQuery) -> StatusCode {
    match gateway
        .shopify_queries
        .verify_hmac(query.as_deref().unwrap_or_default())
    {
        Ok(verified) => {
            tracing::info!(shop = verified.shop(), "verified shopify oauth callback");
            StatusCode::OK
        }
        Err(err) => {
            tracing::info!(reason = %err.reason(), "shopify oauth callback rejected");
            StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::UNAUTHORIZED)
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,proign_core=debug".into()),
        )
        .init();

    let shopify_secret = secret("SHOPIFY_CLIENT_SECRET")?;
    let gateway = Gateway {
        stripe: Arc::new(StripeVerifier::new([&secret("STRIPE_WEBHOOK_SECRET")?])?),
        shopify: Arc::new(ShopifyVerifier::new([&shopify_secret])?),
        shopify_queries: Arc::new(QueryVerifier::new([&shopify_secret])?),
        resend: Arc::new(ResendVerifier::new([&secret("RESEND_WEBHOOK_SECRET")?])?),
        ups: Arc::new(TrackAlertVerifier::new([&secret(
            "UPS_CALLBACK_CREDENTIAL",
        )?])?),
    };
    let app = Router::new()
        .route("/webhooks/stripe", post(stripe))
        .route("/webhooks/shopify", post(shopify))
        .route("/webhooks/resend", post(resend))
        .route("/webhooks/ups", post(ups))
        .route("/shopify/auth/callback", get(shopify_callback))
        .with_state(gateway);

    let addr = std::env::var("PROIGN_LISTEN").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|err| format!("cannot listen on {addr} ({err}); set PROIGN_LISTEN=host:port"))?;
    tracing::info!(
        "listening on http://{}: POST /webhooks/{{stripe,shopify,resend,ups}}, GET /shopify/auth/callback",
        listener.local_addr()?
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
