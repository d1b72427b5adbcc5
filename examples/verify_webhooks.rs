//! A webhook gateway on loopback with a verified route for every provider.
//!
//! ```text
//! cargo run --example verify_webhooks
//! ```
//!
//! Each route is an [`Inbox`]: it verifies the delivery, stores it in a SQLite queue file
//! (deduplicated on the delivery id, or on the event id for Stripe), and only then answers
//! `200`. The file is `PROIGN_QUEUE_DB`, else `proign-verify-webhooks.db` in the temp
//! directory; `proign queue stats --db FILE` shows what is in it.
//!
//! Secrets come from environment variables; when one is unset, a made-up demo secret is
//! used and the route says so at start-up (never printing the value). Send it a signed
//! delivery made by `proign webhook sign` (see the README).
//!
//! The routes are served by `proign::core::webhook::server`: a connection whose request
//! headers are not all in within 10 s is closed, and a body not all in within 30 s of its
//! headers is answered `408`.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;
use proign::core::queue::NewJob;
use proign::core::queue::sqlite::SqliteQueue;
use proign::core::secret::{Secret, SecretError};
use proign::core::webhook::Delivery;
use proign::core::webhook::inbox::Inbox;
use proign::core::webhook::server::Server;
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
    shopify_queries: Arc<QueryVerifier>,
}

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

/// Stripe names no delivery id in its headers: deduplicate on the event id in the verified
/// body, or, for a body without one (Stripe sends none such, but a signed one is still
/// stored), on the body's SHA-256, so sending the same bytes twice stores them once.
fn stripe_job(delivery: &Delivery) -> NewJob {
    use sha2::Digest as _;
    let body = delivery.body();
    let job = NewJob::new("stripe.webhook", body.clone());
    // The event's top-level `id`, read without decoding the whole event.
    let event_id = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|value| Some(value.get("id")?.as_str()?.to_owned()));
    match event_id.filter(|id| !id.is_empty()) {
        Some(id) => job.with_dedup_key(format!("stripe:{id}")),
        None => {
            let digest = sha2::Sha256::digest(body);
            let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
            job.with_dedup_key(format!("stripe:sha256:{hex}"))
        }
    }
}

/// The queue file: `PROIGN_QUEUE_DB`, else `proign-verify-webhooks.db` in the temp directory.
fn queue_path() -> PathBuf {
    std::env::var_os("PROIGN_QUEUE_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("proign-verify-webhooks.db"))
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
        // Colours only on a terminal, so a redirected log stays plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,proign_core=debug".into()),
        )
        .init();

    let path = queue_path();
    let queue = Arc::new(SqliteQueue::open(&path).await?);
    tracing::info!(file = %path.display(), "deliveries are stored in this SQLite queue");

    let shopify_secret = secret("SHOPIFY_CLIENT_SECRET")?;
    let stripe = StripeVerifier::new([&secret("STRIPE_WEBHOOK_SECRET")?])?;
    let shopify = ShopifyVerifier::new([&shopify_secret])?;
    let resend = ResendVerifier::new([&secret("RESEND_WEBHOOK_SECRET")?])?;
    let ups = TrackAlertVerifier::new([&secret("UPS_CALLBACK_CREDENTIAL")?])?;
    let gateway = Gateway {
        shopify_queries: Arc::new(QueryVerifier::new([&shopify_secret])?),
    };
    let stripe = Inbox::new(Arc::new(stripe), queue.clone()).with_job(stripe_job);
    let app = Router::new()
        .route("/webhooks/stripe", stripe.into_route())
        .route(
            "/webhooks/shopify",
            Inbox::new(Arc::new(shopify), queue.clone()).into_route(),
        )
        .route(
            "/webhooks/resend",
            Inbox::new(Arc::new(resend), queue.clone()).into_route(),
        )
        .route(
            "/webhooks/ups",
            Inbox::new(Arc::new(ups), queue.clone()).into_route(),
        )
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
    // Not `axum::serve`: it has no header deadline, so a sender that never finishes its
    // headers would hold its connection open for good.
    Server::new()
        .serve_with_shutdown(listener, app, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
