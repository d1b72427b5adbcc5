//! A Turnstile simulator: `siteverify` answering as Cloudflare's test secret keys do.
//!
//! - With [`SECRET_ALWAYS_PASSES`] any token
//!   passes once, on hostname [`HOSTNAME`]; the same token checked again with another
//!   idempotency key is `timeout-or-duplicate`, while the same key gets the first answer
//!   again (as Cloudflare does).
//! - [`SECRET_ALWAYS_FAILS`] answers `invalid-input-response`.
//! - [`SECRET_TOKEN_SPENT`] answers `timeout-or-duplicate`.
//! - Any other secret: `invalid-input-secret`; a missing secret or token: the `missing-*`
//!   codes.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let sim = proign_testkit::sim::turnstile::TurnstileSim::start().await;
//! assert!(sim.base_url().starts_with("http://127.0.0.1:"));
//! sim.fail_next(1, 500, "oops");
//! assert!(sim.requests().is_empty());
//! # });
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::State as Extract;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bytes::Bytes;
use proign_turnstile::testing::{SECRET_ALWAYS_FAILS, SECRET_ALWAYS_PASSES, SECRET_TOKEN_SPENT};
use serde_json::json;

/// The hostname passing tokens report.
pub const HOSTNAME: &str = "example.com";

/// One `siteverify` call received: its form fields, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SiteverifyCall {
    /// The form fields.
    pub fields: Vec<(String, String)>,
}

impl SiteverifyCall {
    /// A field's value.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Default)]
struct State {
    requests: Vec<SiteverifyCall>,
    failures: Vec<(u16, String)>,
    /// Token → the idempotency key of its first check and the answer given.
    spent: HashMap<String, (Option<String>, serde_json::Value)>,
}

/// A running Turnstile simulator; it stops when dropped.
#[derive(Debug)]
pub struct TurnstileSim {
    base_url: String,
    state: Arc<Mutex<State>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TurnstileSim {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TurnstileSim {
    /// Starts the simulator on an ephemeral loopback port.
    ///
    /// # Panics
    ///
    /// If no loopback port can be bound.
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let address = listener.local_addr().expect("a bound address");
        let app = Router::new()
            .route("/turnstile/v0/siteverify", post(siteverify))
            .with_state(state.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            base_url: format!("http://{address}"),
            state,
            server,
        }
    }

    /// The base URL to configure the Turnstile client with.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Answers the next `count` calls with `status` and `body`.
    pub fn fail_next(&self, count: usize, status: u16, body: impl Into<String>) {
        let body = body.into();
        lock(&self.state)
            .failures
            .extend(std::iter::repeat_n((status, body), count));
    }

    /// Every call received, in order.
    pub fn requests(&self) -> Vec<SiteverifyCall> {
        lock(&self.state).requests.clone()
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn failure(codes: &[&str]) -> serde_json::Value {
    json!({"success": false, "error-codes": codes, "messages": []})
}

async fn siteverify(Extract(state): Extract<Arc<Mutex<State>>>, body: Bytes) -> Response {
    let fields: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let call = SiteverifyCall { fields };
    let mut state = lock(&state);
    state.requests.push(call.clone());
    if !state.failures.is_empty() {
        let (status, body) = state.failures.remove(0);
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, body).into_response();
    }
    let answer = match (call.field("secret"), call.field("response")) {
        (None | Some(""), _) => failure(&["missing-input-secret"]),
        (_, None | Some("")) => failure(&["missing-input-response"]),
        (Some(SECRET_ALWAYS_FAILS), _) => failure(&["invalid-input-response"]),
        (Some(SECRET_TOKEN_SPENT), _) => failure(&["timeout-or-duplicate"]),
        (Some(SECRET_ALWAYS_PASSES), Some(token)) => {
            let key = call.field("idempotency_key").map(str::to_owned);
            match state.spent.get(token) {
                Some((first, answer)) if key.is_some() && *first == key => answer.clone(),
                Some(_) => failure(&["timeout-or-duplicate"]),
                None => {
                    let answer = json!({
                        "success": true,
                        "challenge_ts": "2026-01-01T00:00:00.000Z",
                        "hostname": HOSTNAME,
                        "error-codes": [],
                        "action": "",
                        "cdata": "",
                        "metadata": {"interactive": false},
                    });
                    state.spent.insert(token.to_owned(), (key, answer.clone()));
                    answer
                }
            }
        }
        _ => failure(&["invalid-input-secret"]),
    };
    axum::Json(answer).into_response()
}
