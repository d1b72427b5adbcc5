//! A Shopify simulator: one shop, its OAuth endpoints, the Admin GraphQL endpoint and signed
//! webhook delivery.
//!
//! - `GET /admin/oauth/authorize` approves at once and redirects to the `redirect_uri` with a
//!   signed callback query (`code`, `hmac`, `host`, `shop`, `state`, `timestamp`).
//! - `POST /admin/oauth/access_token` answers the authorization-code, client-credentials
//!   and token-exchange grants with `shpat_…` tokens.
//! - `POST /admin/api/<version>/graphql.json` answers the operations `proign-shopify` sends
//!   (dispatched on the operation name) with `extensions.cost`, and `THROTTLED` when the
//!   cost bucket cannot hold the query.
//! - Webhooks: subscriptions made through GraphQL receive signed `fulfillments/create`
//!   deliveries when a fulfillment is created, and `orders/create` when
//!   [`ShopifySim::create_order`] is called; [`ShopifySim::deliver`] sends any topic.
//!
//! ```
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use proign_testkit::sim::shopify::ShopifySim;
//!
//! let sim = ShopifySim::start().await;
//! assert!(sim.base_url().starts_with("http://127.0.0.1:"));
//! let token = sim.issue_token();
//! assert!(token.expose().starts_with("shpat_"));
//! # });
//! ```

mod graphql;
mod oauth;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::Bytes;
use proign_core::clock;
use proign_core::http::{ReqwestTransport, Transport, TransportConfig, TransportRequest};
use proign_core::secret::Secret;
use serde_json::{Value, json};

pub use graphql::Bucket;

/// The simulated shop's domain.
pub const SHOP: &str = "prgn-test.myshopify.com";
/// The app's client id the simulator accepts.
pub const CLIENT_ID: &str = "prgn-sim-client-id";
/// The app's client secret the simulator signs with (made up).
pub const CLIENT_SECRET: &str = "prgn_sim_client_secret_0001";
/// The API version the simulator reports in webhook headers.
pub const API_VERSION: &str = "2025-10";

/// A request the simulator received; the access token header is replaced by `[redacted]`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Recorded {
    /// The method.
    pub method: String,
    /// The path.
    pub path: String,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

/// A webhook the simulator sent and what the receiver answered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Sent {
    /// The topic.
    pub topic: String,
    /// Where it went.
    pub url: String,
    /// The webhook id header it carried.
    pub webhook_id: String,
    /// The receiver's status, or `None` when it could not be reached.
    pub status: Option<u16>,
}

/// A delivery as sent, kept so it can be sent again unchanged (as Shopify retries).
#[derive(Clone)]
struct Outgoing {
    url: String,
    topic: String,
    headers: HeaderMap,
    body: Bytes,
}

pub(crate) struct Data {
    pub(crate) shop: graphql::ShopData,
    outgoing: Vec<(String, Outgoing)>,
    pub(crate) tokens: Vec<String>,
    codes: Vec<String>,
    failures: VecDeque<(u16, String)>,
    requests: Vec<Recorded>,
    sent: Vec<Sent>,
}

#[derive(Clone)]
pub(crate) struct Shared {
    data: Arc<Mutex<Data>>,
    transport: Arc<dyn Transport>,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The running simulator; it stops when dropped.
pub struct ShopifySim {
    base_url: String,
    shared: Shared,
    server: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for ShopifySim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShopifySim")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Drop for ShopifySim {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl ShopifySim {
    /// Starts the simulator on `127.0.0.1` with an ephemeral port and a seeded shop: three
    /// unfulfilled orders, one product with two variants, stock at one location, and a
    /// 1000-point cost bucket restoring 50 points per second.
    ///
    /// # Panics
    ///
    /// If no loopback port can be bound.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let base_url = format!("http://{}", listener.local_addr().expect("local address"));
        let transport = ReqwestTransport::new(&TransportConfig::default())
            .expect("an HTTP client for webhook delivery");
        let shared = Shared {
            data: Arc::new(Mutex::new(Data {
                shop: graphql::ShopData::seeded(),
                outgoing: Vec::new(),
                tokens: Vec::new(),
                codes: Vec::new(),
                failures: VecDeque::new(),
                requests: Vec::new(),
                sent: Vec::new(),
            })),
            transport: Arc::new(transport),
        };
        let app = Router::new()
            .route("/admin/oauth/authorize", get(oauth::authorize))
            .route("/admin/oauth/access_token", post(oauth::access_token))
            .route("/admin/api/{version}/graphql.json", post(graphql_endpoint))
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            base_url,
            shared,
            server,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The client secret the simulator signs callbacks and webhooks with.
    pub fn client_secret(&self) -> Secret {
        secret()
    }

    /// An access token the GraphQL endpoint accepts, without going through OAuth.
    pub fn issue_token(&self) -> Secret {
        let token = format!("shpat_{}", uuid::Uuid::new_v4().simple());
        self.shared.lock().tokens.push(token.clone());
        Secret::new(token).expect("a non-empty token")
    }

    /// The next `n` GraphQL or token requests fail with `status` and `body`.
    pub fn fail_next(&self, n: usize, status: u16, body: &str) {
        let mut data = self.shared.lock();
        for _ in 0..n {
            data.failures.push_back((status, body.to_owned()));
        }
    }

    /// Sets the cost bucket's level (for throttling tests).
    pub fn set_available(&self, points: f64) {
        self.shared.lock().shop.bucket.set_available(points);
    }

    /// Replaces the cost bucket.
    pub fn set_bucket(&self, bucket: Bucket) {
        self.shared.lock().shop.bucket = bucket;
    }

    /// Every request received, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().requests.clone()
    }

    /// Every webhook sent, oldest first.
    pub fn sent_webhooks(&self) -> Vec<Sent> {
        self.shared.lock().sent.clone()
    }

    /// Places a new order (`email`, total in USD as a decimal string) and delivers
    /// `orders/create` to its subscribers. Returns the order's global id.
    pub async fn create_order(&self, email: &str, total: &str) -> String {
        let (id, payload) = {
            let mut data = self.shared.lock();
            let id = data.shop.add_order(email, total);
            (id.clone(), data.shop.order_webhook(&id))
        };
        if let Some(payload) = payload {
            notify(&self.shared, "orders/create", payload).await;
        }
        id
    }

    /// Places a two-item order for `email` — one small tee at 25.00 and two large tees at
    /// 27.50, shipped to Los Angeles, CA with the shipping line `shipping_line` at 8.00 — and
    /// delivers `orders/create` (with `shipping_lines` and `shipping_address`) to its
    /// subscribers. Returns the order's global id.
    pub async fn place_order(&self, email: &str, shipping_line: &str) -> String {
        let lines = [(0, 1, "25.00"), (1, 2, "27.50")].map(|(variant, quantity, price)| {
            graphql::OrderLine {
                variant,
                quantity,
                price: price.to_owned(),
            }
        });
        let (id, payload) = {
            let mut data = self.shared.lock();
            let shipping = Some((shipping_line, "8.00"));
            let id = data.shop.add_order_lines(email, "88.00", &lines, shipping);
            (id.clone(), data.shop.order_webhook(&id))
        };
        if let Some(payload) = payload {
            notify(&self.shared, "orders/create", payload).await;
        }
        id
    }

    /// Sends the delivery with webhook id `webhook_id` again, byte for byte and with the same
    /// headers (webhook id and event id included), as Shopify does when it retries. Returns
    /// the receiver's status; `None` when there is no such delivery or it was unreachable.
    pub async fn redeliver(&self, webhook_id: &str) -> Option<u16> {
        let outgoing = {
            let data = self.shared.lock();
            let found = data.outgoing.iter().find(|(id, _)| id == webhook_id);
            found.map(|(_, o)| o.clone())?
        };
        send(&self.shared, webhook_id, outgoing).await
    }

    /// What the merchant's browser would be redirected to after approving the install at
    /// `authorize_url` (an [`Install::authorize_url`] pointing at this simulator): the
    /// redirect URI with a signed callback query. `None` if the URL is not one the
    /// simulator accepts.
    ///
    /// [`Install::authorize_url`]: proign_shopify::install::Install::authorize_url
    pub fn approve(&self, authorize_url: &str) -> Option<String> {
        let url = url::Url::parse(authorize_url).ok()?;
        record(
            &self.shared,
            "GET",
            url.path(),
            &HeaderMap::new(),
            &Bytes::new(),
        );
        oauth::approval(&self.shared, url.query())
    }

    /// Signs `body` and posts it to `url` as a delivery of `topic`; returns the status.
    pub async fn deliver(&self, url: &str, topic: &str, body: &Value) -> Option<u16> {
        deliver(&self.shared, url, topic, body).await
    }
}

pub(crate) fn secret() -> Secret {
    Secret::new(CLIENT_SECRET).expect("a non-empty secret")
}

pub(crate) fn record(shared: &Shared, method: &str, path: &str, headers: &HeaderMap, body: &Bytes) {
    let mut headers = headers.clone();
    if headers.contains_key("x-shopify-access-token") {
        headers.insert(
            "x-shopify-access-token",
            http::HeaderValue::from_static("[redacted]"),
        );
    }
    shared.lock().requests.push(Recorded {
        method: method.into(),
        path: path.into(),
        headers,
        body: body.clone(),
    });
}

pub(crate) fn injected_failure(shared: &Shared) -> Option<Response> {
    let (status, body) = shared.lock().failures.pop_front()?;
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    Some((status, [(header::CONTENT_TYPE, "application/json")], body).into_response())
}

async fn graphql_endpoint(
    State(shared): State<Shared>,
    axum::extract::Path(version): axum::extract::Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("/admin/api/{version}/graphql.json");
    record(&shared, "POST", &path, &headers, &body);
    if let Some(failure) = injected_failure(&shared) {
        return failure;
    }
    let token = headers
        .get("x-shopify-access-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !shared.lock().tokens.iter().any(|t| t == token) {
        let body = json!({ "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)" });
        return (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    }
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        let body = json!({ "errors": { "query": "Required parameter missing or invalid" } });
        return (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
    };
    let (answer, webhooks) = shared.lock().shop.execute(&request);
    for (topic, payload) in webhooks {
        let shared = shared.clone();
        tokio::spawn(async move { notify(&shared, &topic, payload).await });
    }
    axum::Json(answer).into_response()
}

/// Delivers `payload` to every subscription of `topic`.
async fn notify(shared: &Shared, topic: &str, payload: Value) {
    let urls = shared.lock().shop.subscribers(topic);
    for url in urls {
        deliver(shared, &url, topic, &payload).await;
    }
}

async fn deliver(shared: &Shared, url: &str, topic: &str, body: &Value) -> Option<u16> {
    let body = Bytes::from(serde_json::to_vec(body).ok()?);
    let webhook_id = uuid::Uuid::new_v4().to_string();
    let triggered_at = chrono::DateTime::<chrono::Utc>::from(clock::system().now())
        .to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    let mut headers = HeaderMap::new();
    let pairs = [
        ("content-type", "application/json".to_owned()),
        ("x-shopify-topic", topic.to_owned()),
        (
            "x-shopify-hmac-sha256",
            proign_shopify::webhook::sign(&secret(), &body),
        ),
        ("x-shopify-shop-domain", SHOP.to_owned()),
        ("x-shopify-api-version", API_VERSION.to_owned()),
        ("x-shopify-webhook-id", webhook_id.clone()),
        ("x-shopify-event-id", uuid::Uuid::new_v4().to_string()),
        ("x-shopify-triggered-at", triggered_at),
    ];
    for (name, value) in pairs {
        headers.insert(name, http::HeaderValue::from_str(&value).ok()?);
    }
    let outgoing = Outgoing {
        url: url.to_owned(),
        topic: topic.to_owned(),
        headers,
        body,
    };
    shared
        .lock()
        .outgoing
        .push((webhook_id.clone(), outgoing.clone()));
    send(shared, &webhook_id, outgoing).await
}

async fn send(shared: &Shared, webhook_id: &str, outgoing: Outgoing) -> Option<u16> {
    let request = TransportRequest {
        method: http::Method::POST,
        url: url::Url::parse(&outgoing.url).ok()?,
        headers: outgoing.headers,
        body: outgoing.body,
        timeout: Duration::from_secs(5),
    };
    let status = shared
        .transport
        .send(request)
        .await
        .ok()
        .map(|r| r.status.as_u16());
    shared.lock().sent.push(Sent {
        topic: outgoing.topic,
        url: outgoing.url,
        webhook_id: webhook_id.to_owned(),
        status,
    });
    status
}
