//! A Resend simulator: accepts and records emails and batches, honours idempotency keys,
//! and delivers Svix-signed `email.*` webhooks.
//!
//! - `POST /emails`: `from`, `to` and `subject` are required (`422 missing_required_field`);
//!   a repeated `Idempotency-Key` with the same body answers the first id without sending
//!   again, with another body `409 invalid_idempotent_request`.
//! - `POST /emails/batch`: at most 100 emails (`422 validation_error`).
//! - `GET /emails/:id`, `POST /emails/:id/cancel`.
//! - Calls without a bearer key get `401 missing_api_key`.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let sim = proign_testkit::sim::resend::ResendSim::start().await;
//! assert!(sim.base_url().starts_with("http://127.0.0.1:"));
//! assert!(sim.emails().is_empty());
//! # });
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::UNIX_EPOCH;

use axum::Router;
use axum::extract::{Path, State as Extract};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::Bytes;
use proign_core::http::{ReqwestTransport, Transport, TransportConfig, TransportRequest};
use proign_core::secret::Secret;
use proign_core::webhook::standard::{HeaderBrand, StandardSigner};
use serde_json::{Value, json};

/// One email accepted, as received, with its id.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AcceptedEmail {
    /// The id given.
    pub id: String,
    /// The idempotency key it came with.
    pub idempotency_key: Option<String>,
    /// The email's JSON.
    pub email: Value,
    /// Whether it was cancelled.
    pub cancelled: bool,
}

/// One call received: its path and the idempotency key it carried.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResendCall {
    /// The path.
    pub path: String,
    /// The `Idempotency-Key` header, if any.
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Default)]
struct State {
    emails: Vec<AcceptedEmail>,
    keys: HashMap<String, (Value, Value)>,
    failures: Vec<(u16, String)>,
    throttles: Vec<u64>,
    calls: usize,
    requests: Vec<ResendCall>,
    events_to: Option<(String, Secret)>,
}

type Shared = Arc<Mutex<State>>;

/// A running Resend simulator; it stops when dropped.
#[derive(Debug)]
pub struct ResendSim {
    base_url: String,
    state: Shared,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for ResendSim {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl ResendSim {
    /// Starts the simulator on an ephemeral loopback port.
    ///
    /// # Panics
    ///
    /// If no loopback port can be bound.
    pub async fn start() -> Self {
        let state: Shared = Arc::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let address = listener.local_addr().expect("a bound address");
        let app = Router::new()
            .route("/emails", post(send))
            .route("/emails/batch", post(batch))
            .route("/emails/{id}", get(show))
            .route("/emails/{id}/cancel", post(cancel))
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

    /// The base URL to configure the Resend client with.
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

    /// Answers the next call with `429 rate_limit_exceeded` and `Retry-After: <seconds>`.
    pub fn throttle_next(&self, retry_after_seconds: u64) {
        lock(&self.state).throttles.push(retry_after_seconds);
    }

    /// From now on, every email accepted is followed by a signed `email.delivered` event
    /// sent to `url` (as [`Self::deliver_event`] does) in the background.
    pub fn deliver_events_to(&self, url: impl Into<String>, secret: Secret) {
        lock(&self.state).events_to = Some((url.into(), secret));
    }

    /// Every call received, in order, failed ones included.
    pub fn requests(&self) -> Vec<ResendCall> {
        lock(&self.state).requests.clone()
    }

    /// Every email accepted (each once, whatever the retries), in order.
    pub fn emails(&self) -> Vec<AcceptedEmail> {
        lock(&self.state).emails.clone()
    }

    /// How many calls were received.
    pub fn calls(&self) -> usize {
        lock(&self.state).calls
    }

    /// Delivers an `email.<kind>` event (`delivered`, `bounced`…) about email `id` to
    /// `url`, signed with `secret` (`whsec_…`) under `svix-*` headers, and returns the
    /// status the receiver answered.
    pub async fn deliver_event(
        &self,
        url: &str,
        secret: &Secret,
        id: &str,
        kind: &str,
    ) -> Result<u16, String> {
        deliver_event(&self.state, url, secret, id, kind).await
    }
}

async fn deliver_event(
    state: &Mutex<State>,
    url: &str,
    secret: &Secret,
    id: &str,
    kind: &str,
) -> Result<u16, String> {
    let email = lock(state)
        .emails
        .iter()
        .find(|e| e.id == id)
        .cloned()
        .ok_or_else(|| format!("no email {id}"))?;
    let now = proign_core::clock::system()
        .now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| e.to_string())?;
    let to = match &email.email["to"] {
        Value::String(s) => json!([s]),
        other => other.clone(),
    };
    // Resend's events carry the email's tags as an object of name → value.
    let tags: serde_json::Map<String, Value> = email.email["tags"]
        .as_array()
        .map(|tags| {
            tags.iter()
                .filter_map(|t| Some((t["name"].as_str()?.to_owned(), t["value"].clone())))
                .collect()
        })
        .unwrap_or_default();
    let body = serde_json::to_vec(&json!({
        "type": format!("email.{kind}"),
        "created_at": "2026-01-01T00:00:00.000Z",
        "data": {
            "email_id": id, "from": email.email["from"], "to": to,
            "subject": email.email["subject"], "created_at": "2026-01-01T00:00:00.000Z",
            "tags": tags,
        },
    }))
    .map_err(|e| e.to_string())?;
    let signer = StandardSigner::new(secret)
        .map_err(|e| e.to_string())?
        .with_brand(HeaderBrand::Svix);
    let message_id = format!("msg_{}", uuid::Uuid::new_v4().simple());
    let mut headers = signer
        .headers(&message_id, now.as_secs() as i64, &body)
        .map_err(|e| e.to_string())?;
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    let transport =
        ReqwestTransport::new(&TransportConfig::default()).map_err(|e| e.to_string())?;
    let response = transport
        .send(TransportRequest {
            method: http::Method::POST,
            url: url::Url::parse(url).map_err(|e| e.to_string())?,
            headers,
            body: Bytes::from(body),
            timeout: std::time::Duration::from_secs(10),
        })
        .await
        .map_err(|e| e.to_string())?;
    Ok(response.status.as_u16())
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn error(status: u16, name: &str, message: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let body = json!({"statusCode": status, "message": message, "name": name});
    (code, axum::Json(body)).into_response()
}

fn admit(state: &mut State, path: &str, headers: &HeaderMap) -> Option<Response> {
    state.calls += 1;
    let idempotency_key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    state.requests.push(ResendCall {
        path: path.to_owned(),
        idempotency_key,
    });
    if !state.throttles.is_empty() {
        let seconds = state.throttles.remove(0);
        let mut answer = error(429, "rate_limit_exceeded", "Too many requests.");
        if let Ok(value) = http::HeaderValue::from_str(&seconds.to_string()) {
            answer.headers_mut().insert("retry-after", value);
        }
        return Some(answer);
    }
    if !state.failures.is_empty() {
        let (status, body) = state.failures.remove(0);
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return Some((status, body).into_response());
    }
    let authorised = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer re_"));
    (!authorised).then(|| {
        error(
            401,
            "missing_api_key",
            "Missing API key in the authorization header",
        )
    })
}

fn accept(state: &mut State, email: &Value, key: Option<&str>) -> Result<String, Box<Response>> {
    for field in ["from", "to", "subject"] {
        if email.get(field).is_none_or(Value::is_null) {
            return Err(Box::new(error(
                422,
                "missing_required_field",
                &format!("Missing `{field}` field."),
            )));
        }
    }
    let id = uuid::Uuid::new_v4().to_string();
    state.emails.push(AcceptedEmail {
        id: id.clone(),
        idempotency_key: key.map(str::to_owned),
        email: email.clone(),
        cancelled: false,
    });
    Ok(id)
}

/// Answers from the idempotency store, or runs `work` and stores its answer.
fn idempotent(
    state: &mut State,
    headers: &HeaderMap,
    body: &Value,
    work: impl FnOnce(&mut State, Option<&str>) -> Result<Value, Box<Response>>,
) -> Response {
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok());
    if let Some((first, answer)) = key.and_then(|k| state.keys.get(k)) {
        if first == body {
            return axum::Json(answer.clone()).into_response();
        }
        return error(
            409,
            "invalid_idempotent_request",
            "Same idempotency key used with a different request payload.",
        );
    }
    match work(state, key) {
        Ok(answer) => {
            if let Some(key) = key {
                state
                    .keys
                    .insert(key.to_owned(), (body.clone(), answer.clone()));
            }
            axum::Json(answer).into_response()
        }
        Err(response) => *response,
    }
}

async fn send(Extract(shared): Extract<Shared>, headers: HeaderMap, body: String) -> Response {
    let mut state = lock(&shared);
    if let Some(answer) = admit(&mut state, "/emails", &headers) {
        return answer;
    }
    let Ok(email) = serde_json::from_str::<Value>(&body) else {
        return error(422, "validation_error", "Invalid JSON body.");
    };
    let mut accepted = None;
    let answer = idempotent(&mut state, &headers, &email, |state, key| {
        let id = accept(state, &email, key)?;
        accepted = Some(id.clone());
        Ok(json!({"id": id}))
    });
    if let (Some(id), Some((url, secret))) = (accepted, state.events_to.clone()) {
        let shared = shared.clone();
        tokio::spawn(async move {
            let _ = deliver_event(&shared, &url, &secret, &id, "delivered").await;
        });
    }
    answer
}

async fn batch(Extract(state): Extract<Shared>, headers: HeaderMap, body: String) -> Response {
    let mut state = lock(&state);
    if let Some(answer) = admit(&mut state, "/emails/batch", &headers) {
        return answer;
    }
    let emails = match serde_json::from_str::<Value>(&body) {
        Ok(Value::Array(list)) if !list.is_empty() && list.len() <= 100 => list,
        _ => return error(422, "validation_error", "A batch holds 1 to 100 emails."),
    };
    let whole = Value::Array(emails.clone());
    idempotent(&mut state, &headers, &whole, |state, key| {
        let mut ids = Vec::new();
        for email in &emails {
            ids.push(json!({"id": accept(state, email, key)?}));
        }
        Ok(json!({"data": ids}))
    })
}

async fn show(
    Extract(state): Extract<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let mut state = lock(&state);
    if let Some(answer) = admit(&mut state, &format!("/emails/{id}"), &headers) {
        return answer;
    }
    match state.emails.iter().find(|e| e.id == id) {
        Some(found) => {
            let mut email = found.email.clone();
            email["object"] = json!("email");
            email["id"] = json!(found.id);
            let scheduled = email.get("scheduled_at").is_some_and(|v| !v.is_null());
            let last = match (found.cancelled, scheduled) {
                (true, _) => "canceled",
                (false, true) => "scheduled",
                (false, false) => "delivered",
            };
            email["last_event"] = json!(last);
            axum::Json(email).into_response()
        }
        None => error(404, "not_found", "Email not found"),
    }
}

async fn cancel(
    Extract(state): Extract<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let mut state = lock(&state);
    if let Some(answer) = admit(&mut state, &format!("/emails/{id}/cancel"), &headers) {
        return answer;
    }
    match state.emails.iter_mut().find(|e| e.id == id) {
        Some(email) => {
            email.cancelled = true;
            axum::Json(json!({"object": "email", "id": id})).into_response()
        }
        None => error(404, "not_found", "Email not found"),
    }
}
