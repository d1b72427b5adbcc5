//! A local Stripe: customers, prices, subscriptions, invoices, invoice items and payment
//! intents kept in memory, answered in Stripe's shapes and error bodies.
//!
//! - **Idempotency** as Stripe does it: a `POST` with a key already seen and the same body
//!   gets the first answer again with `Idempotent-Replayed: true`; the same key with another
//!   body gets `400` with an `idempotency_error`.
//! - **Failures on demand**: [`StripeSim::fail_next`] answers the next calls with a given
//!   status and body.
//! - **Recording**: [`StripeSim::requests`] lists every request received, headers included.
//! - **Events**: every change is recorded as an event (`GET /v1/events`) and, once
//!   [`StripeSim::deliver_to`] names a URL, delivered there signed with
//!   `proign_stripe::webhook::sign`, such as `invoice.paid` when an invoice is paid.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use proign_testkit::sim::stripe::StripeSim;
//!
//! let sim = StripeSim::start().await;
//! assert!(sim.base_url().starts_with("http://127.0.0.1:"));
//! sim.fail_next(1, 500, serde_json::json!({"error": {"type": "api_error", "message": "boom"}}));
//! assert!(sim.requests().is_empty());
//! # });
//! ```

mod routes;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use proign_core::clock::{self, SharedClock};
use proign_core::secret::Secret;
use serde_json::{Value, json};

use routes::{Failure, Form, State};

/// One request the simulator received.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SimRequest {
    /// The method.
    pub method: String,
    /// The path.
    pub path: String,
    /// The raw query string.
    pub query: String,
    /// The headers, as received.
    pub headers: HeaderMap,
    /// The body, as received.
    pub body: Bytes,
}

impl SimRequest {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A signed event delivery the simulator made, and how the receiver answered.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Delivery {
    /// The event type.
    pub kind: String,
    /// The status the receiver answered, or `None` when it could not be reached.
    pub status: Option<u16>,
}

struct Stored {
    path: String,
    body: Bytes,
    status: StatusCode,
    answer: Value,
}

struct Shared {
    state: Mutex<State>,
    idempotency: Mutex<HashMap<String, Stored>>,
    failures: Mutex<VecDeque<(u16, Value)>>,
    requests: Mutex<Vec<SimRequest>>,
    webhook: Mutex<Option<(String, Secret)>>,
    deliveries: Arc<Mutex<Vec<Delivery>>>,
    http: reqwest::Client,
    clock: SharedClock,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A running simulator; it stops when dropped.
pub struct StripeSim {
    base_url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for StripeSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeSim")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Drop for StripeSim {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl StripeSim {
    /// Starts on `127.0.0.1` with a free port.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound, which only a broken test machine causes.
    pub async fn start() -> Self {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            idempotency: Mutex::default(),
            failures: Mutex::default(),
            requests: Mutex::default(),
            webhook: Mutex::default(),
            deliveries: Arc::default(),
            http: reqwest::Client::new(),
            clock: clock::system(),
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port for the Stripe simulator");
        let base_url = format!("http://{}", listener.local_addr().expect("a bound address"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            base_url,
            shared,
            task,
        }
    }

    /// The URL to point a client at.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Answers the next `n` calls with `status` and `body` instead of handling them.
    pub fn fail_next(&self, n: usize, status: u16, body: Value) {
        let mut failures = lock(&self.shared.failures);
        failures.extend(std::iter::repeat_n((status, body), n));
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<SimRequest> {
        lock(&self.shared.requests).clone()
    }

    /// Delivers every later event to `url`, signed with `secret`.
    pub fn deliver_to(&self, url: impl Into<String>, secret: Secret) {
        *lock(&self.shared.webhook) = Some((url.into(), secret));
    }

    /// The deliveries made so far.
    pub fn deliveries(&self) -> Vec<Delivery> {
        lock(&self.shared.deliveries).clone()
    }

    /// Every event recorded so far, oldest first.
    pub fn events(&self) -> Vec<Value> {
        lock(&self.shared.state).events.clone()
    }
}

async fn handle(
    AxumState(shared): AxumState<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = SimRequest {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri.query().unwrap_or("").to_owned(),
        headers: headers.clone(),
        body: body.clone(),
    };
    lock(&shared.requests).push(request);
    let request_id = {
        let mut state = lock(&shared.state);
        state.next_id("req_Sim")
    };
    let mut response = answer(&shared, &method, &uri, &headers, body).await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("request-id", value);
    }
    response
}

async fn answer(
    shared: &Arc<Shared>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    if let Some((status, failure)) = lock(&shared.failures).pop_front() {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, axum::Json(failure)).into_response();
    }
    let authorized = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|key| key.starts_with("sk_") || key.starts_with("rk_"));
    if !authorized {
        let failure = Failure::new(
            401,
            "invalid_request_error",
            None,
            "Invalid API Key provided.",
        );
        return failure.into_response();
    }
    let key = (*method == Method::POST)
        .then(|| headers.get("idempotency-key").and_then(|v| v.to_str().ok()))
        .flatten()
        .map(str::to_owned);
    let replay = key.as_ref().and_then(|key| {
        let stored = lock(&shared.idempotency);
        let stored = stored.get(key)?;
        Some(
            (stored.body == body && stored.path == uri.path())
                .then(|| (stored.status, stored.answer.clone())),
        )
    });
    match replay {
        Some(Some((status, answer))) => {
            let mut response = (status, axum::Json(answer)).into_response();
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            return response;
        }
        Some(None) => {
            let message = "Keys for idempotent requests can only be used with the same \
                           parameters they were first used with.";
            return Failure::new(400, "idempotency_error", None, message).into_response();
        }
        None => {}
    }
    let query = uri.query().unwrap_or("");
    let form = Form::parse(if *method == Method::POST {
        &body
    } else {
        query.as_bytes()
    });
    let now = shared.clock.unix_seconds();
    let (status, value, events) = {
        let mut state = lock(&shared.state);
        let before = state.events.len();
        let (status, value) = match state.route(method, uri.path(), &form, now) {
            Ok(value) => (StatusCode::OK, value),
            Err(failure) => (failure.status, failure.body),
        };
        (status, value, state.events[before..].to_vec())
    };
    if let Some(key) = key {
        let stored = Stored {
            path: uri.path().to_owned(),
            body,
            status,
            answer: value.clone(),
        };
        lock(&shared.idempotency).insert(key, stored);
    }
    deliver(shared, events);
    (status, axum::Json(value)).into_response()
}

/// Sends each event, signed, to the configured URL, in order, in the background.
fn deliver(shared: &Arc<Shared>, events: Vec<Value>) {
    let Some((url, secret)) = lock(&shared.webhook).clone() else {
        return;
    };
    if events.is_empty() {
        return;
    }
    let (http, clock, deliveries) = (
        shared.http.clone(),
        shared.clock.clone(),
        shared.deliveries.clone(),
    );
    tokio::spawn(async move {
        for event in events {
            let body = serde_json::to_vec(&event).unwrap_or_default();
            let signature = proign_stripe::webhook::sign(&secret, clock.unix_seconds(), &body);
            let sent = http
                .post(&url)
                .header("content-type", "application/json")
                .header("stripe-signature", signature)
                .body(body)
                .send()
                .await;
            let kind = event["type"].as_str().unwrap_or_default().to_owned();
            let status = sent.ok().map(|r| r.status().as_u16());
            lock(&deliveries).push(Delivery { kind, status });
        }
    });
}

/// The error body of a simulated failure.
pub fn error_body(kind: &str, code: Option<&str>, message: &str) -> Value {
    let mut error = json!({"type": kind, "message": message});
    if let Some(code) = code {
        error["code"] = json!(code);
    }
    json!({ "error": error })
}
