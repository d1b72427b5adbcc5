//! A Shopify app back end end to end: install into a shop, list its orders, fulfil one with
//! tracking, and receive the resulting `fulfillments/create` webhook on a verified route.
//!
//! ```text
//! cargo run --example shopify_orders
//! ```
//!
//! Without `PROIGN_SHOPIFY_BASE_URL` it starts proign's Shopify simulator in-process and
//! talks to it. With the variable set (for example to a simulator run elsewhere) every call
//! goes there instead; `SHOPIFY_CLIENT_ID` and `SHOPIFY_CLIENT_SECRET` then name the app,
//! falling back to the simulator's made-up credentials.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use futures_util::TryStreamExt as _;
use proign::core::http::base_url_variable;
use proign::core::http::{ReqwestTransport, Transport, TransportConfig, TransportRequest};
use proign::core::secret::Secret;
use proign::core::webhook::axum::Verified;
use proign::shopify::ShopDomain;
use proign::shopify::admin::{AdminClient, FulfillmentCreate, TrackingInfo};
use proign::shopify::install::{Install, InstallState, ShopToken};
use proign::shopify::topics::{Event, Payload};
use proign::shopify::webhook::ShopifyVerifier;
use proign_testkit::sim::shopify::{CLIENT_ID, CLIENT_SECRET, SHOP, ShopifySim};
use tokio::sync::mpsc;

#[derive(Clone)]
struct App {
    install: Arc<Install>,
    state: InstallState,
    token: Arc<Mutex<Option<ShopToken>>>,
    events: mpsc::UnboundedSender<Event>,
    verifier: Arc<ShopifyVerifier>,
}

impl axum::extract::FromRef<App> for Arc<ShopifyVerifier> {
    fn from_ref(app: &App) -> Self {
        app.verifier.clone()
    }
}

/// The OAuth redirect URI: verify the callback, then trade the code for a token.
async fn callback(State(app): State<App>, RawQuery(query): RawQuery) -> StatusCode {
    let callback = match app
        .install
        .verify_callback(query.as_deref().unwrap_or(""), &app.state)
    {
        Ok(callback) => callback,
        Err(error) => {
            tracing::info!(%error, "install callback refused");
            return StatusCode::UNAUTHORIZED;
        }
    };
    match app.install.exchange_code(&callback).await {
        Ok(token) => {
            tracing::info!(shop = %token.shop, scopes = ?token.scopes, "installed");
            *app.token.lock().unwrap_or_else(|p| p.into_inner()) = Some(token);
            StatusCode::OK
        }
        Err(error) => {
            tracing::info!(%error, "code exchange failed");
            StatusCode::BAD_GATEWAY
        }
    }
}

/// The webhook route: only verified deliveries get here.
async fn webhook(
    State(app): State<App>,
    Verified(delivery): Verified<ShopifyVerifier>,
) -> StatusCode {
    match Event::from_delivery(delivery) {
        Ok(event) => {
            let _ = app.events.send(event);
            StatusCode::OK
        }
        Err(error) => {
            tracing::info!(%error, "verified delivery with an unreadable payload");
            StatusCode::OK
        }
    }
}

fn credential(var: &str, fallback: &str) -> Result<Secret, Box<dyn std::error::Error>> {
    Ok(Secret::from_env(var).or_else(|_| Secret::new(fallback))?)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();

    // A shop to talk to: the one named by PROIGN_SHOPIFY_BASE_URL, or a local simulator.
    let external = std::env::var(base_url_variable("shopify"))
        .ok()
        .filter(|v| !v.trim().is_empty());
    let (sim, base_url) = match external {
        Some(url) => (None, url),
        None => {
            let sim = ShopifySim::start().await;
            let url = sim.base_url().to_owned();
            (Some(sim), url)
        }
    };
    tracing::info!(%base_url, "shopify");

    let client_id = std::env::var("SHOPIFY_CLIENT_ID").unwrap_or_else(|_| CLIENT_ID.to_owned());
    let client_secret = credential("SHOPIFY_CLIENT_SECRET", CLIENT_SECRET)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let local = format!("http://{}", listener.local_addr()?);
    let install = Install::new(
        client_id,
        client_secret.clone(),
        format!("{local}/auth/callback"),
    )?
    .scopes(["read_orders", "write_fulfillments"])
    .base_url(&base_url);
    let (events, mut received) = mpsc::unbounded_channel();
    let app = App {
        install: Arc::new(install),
        state: InstallState::generate(),
        token: Arc::default(),
        events,
        verifier: Arc::new(ShopifyVerifier::new([&client_secret])?),
    };
    let routes = Router::new()
        .route("/auth/callback", get(callback))
        .route("/webhooks/shopify", post(webhook))
        .with_state(app.clone());
    tokio::spawn(async move { proign::core::webhook::serve(listener, routes).await });

    // Install: the merchant's browser follows the authorize URL and is sent back to our
    // callback route; an HTTP client that follows redirects plays the browser here.
    let shop: ShopDomain = SHOP.parse()?;
    let browser = ReqwestTransport::new(&TransportConfig::default())?;
    let approve = TransportRequest {
        method: http::Method::GET,
        url: app.install.authorize_url(&shop, &app.state).parse()?,
        headers: http::HeaderMap::new(),
        body: bytes::Bytes::new(),
        timeout: Duration::from_secs(10),
    };
    let landed = browser.send(approve).await?;
    let token = app
        .token
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
        .ok_or_else(|| format!("install failed: the callback answered {}", landed.status))?;

    let client = AdminClient::builder(token.shop, token.access_token)
        .base_url(&base_url)
        .build()?;
    let info = client.shop_info().await?;
    tracing::info!(name = %info.name, currency = %info.currency_code, "shop");
    client
        .create_webhook_subscription("fulfillments/create", &format!("{local}/webhooks/shopify"))
        .await?;

    let orders: Vec<_> = client
        .orders(Some("fulfillment_status:unfulfilled".into()), 2)
        .try_collect()
        .await?;
    for order in &orders {
        let total = &order.total_price_set.shop_money;
        tracing::info!(order = %order.name, total = %total.amount, currency = %total.currency_code, "unfulfilled");
    }
    let order = orders.first().ok_or("the shop has no unfulfilled orders")?;
    let fulfillment_orders = client
        .fulfillment_orders(&order.id)
        .await?
        .ok_or("the order vanished")?;
    let open = fulfillment_orders
        .first()
        .ok_or("the order has no fulfillment order")?;
    let tracking = TrackingInfo::new("UPS", "1Z999AA10123456784")
        .with_url("https://www.ups.com/track?tracknum=1Z999AA10123456784");
    let fulfillment = client
        .create_fulfillment(&FulfillmentCreate::all_of(&open.id, tracking))
        .await?;
    tracing::info!(order = %order.name, fulfillment = %fulfillment.id, "fulfilled");

    let event = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await?
        .ok_or("the webhook route stopped")?;
    match event.payload() {
        Payload::FulfillmentsCreate(shipped) => tracing::info!(
            dedup_key = %event.dedup_key(),
            order_id = shipped.order_id,
            tracking = ?shipped.tracking_number,
            "received fulfillments/create"
        ),
        other => tracing::info!(topic = event.topic(), ?other, "received another topic"),
    }
    drop(sim);
    Ok(())
}
