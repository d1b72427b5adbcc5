//! A TaxJar simulator: tax from a per-state rate table, nexus, and order transactions.
//!
//! - `POST /v2/taxes`: the taxable amount (`amount`, else the line items) times the
//!   destination state's rate, rounded to cents, when the seller has nexus there (the
//!   states of `nexus_addresses`, else the simulator's nexus list, [`DEFAULT_NEXUS`] unless
//!   set). Without nexus: zero, `has_nexus: false`, `tax_source: null`. Without `shipping`:
//!   `406 shipping is missing`. Shipping is not taxed.
//! - `GET /v2/rates/:zip?state=…`: the state's rate.
//! - `POST`/`GET`/`DELETE /v2/transactions/orders[/:id]`, a repeated id is `422`.
//! - Calls without a bearer key get `401`.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let sim = proign_testkit::sim::taxjar::TaxJarSim::start().await;
//! assert!(sim.base_url().starts_with("http://127.0.0.1:"));
//! sim.fail_next(1, 503, "down");
//! # });
//! ```

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::{Path, Query, State as Extract};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// The states the simulated seller has nexus in unless set.
pub const DEFAULT_NEXUS: &[&str] = &["CA"];

/// One call received.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TaxJarCall {
    /// `METHOD /path`.
    pub route: String,
    /// The JSON body, `Null` when none.
    pub body: Value,
}

#[derive(Debug)]
struct State {
    requests: Vec<TaxJarCall>,
    failures: Vec<(u16, String)>,
    rates: BTreeMap<String, Decimal>,
    nexus: Vec<String>,
    orders: BTreeMap<String, Value>,
}

impl Default for State {
    fn default() -> Self {
        let rates = [
            ("CA", "0.0725"),
            ("NY", "0.04"),
            ("TX", "0.0625"),
            ("WA", "0.065"),
            ("AZ", "0.056"),
        ]
        .into_iter()
        .map(|(s, r)| (s.to_owned(), Decimal::from_str(r).unwrap_or_default()))
        .collect();
        Self {
            requests: Vec::new(),
            failures: Vec::new(),
            rates,
            nexus: DEFAULT_NEXUS.iter().map(|s| (*s).to_owned()).collect(),
            orders: BTreeMap::new(),
        }
    }
}

type Shared = Arc<Mutex<State>>;

/// A running TaxJar simulator; it stops when dropped.
#[derive(Debug)]
pub struct TaxJarSim {
    base_url: String,
    state: Shared,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TaxJarSim {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TaxJarSim {
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
            .route("/v2/taxes", post(taxes))
            .route("/v2/rates/{zip}", get(rates))
            .route("/v2/transactions/orders", post(create_order))
            .route(
                "/v2/transactions/orders/{id}",
                get(show_order).delete(delete_order),
            )
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

    /// The base URL to configure the TaxJar client with.
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

    /// Sets a state's rate.
    pub fn set_rate(&self, state: &str, rate: Decimal) {
        lock(&self.state).rates.insert(state.to_owned(), rate);
    }

    /// Sets the states the seller has nexus in.
    pub fn set_nexus(&self, states: &[&str]) {
        lock(&self.state).nexus = states.iter().map(|s| (*s).to_owned()).collect();
    }

    /// Every call received, in order.
    pub fn requests(&self) -> Vec<TaxJarCall> {
        lock(&self.state).requests.clone()
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn error(status: u16, detail: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let text = code.canonical_reason().unwrap_or("Error");
    let body = json!({"status": status, "error": text, "detail": detail});
    (code, axum::Json(body)).into_response()
}

/// Records the call and answers a queued failure or a missing key, if any.
fn admit(state: &mut State, headers: &HeaderMap, route: String, body: Value) -> Option<Response> {
    state.requests.push(TaxJarCall {
        route: route.clone(),
        body,
    });
    if !state.failures.is_empty() {
        let (status, body) = state.failures.remove(0);
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return Some((status, body).into_response());
    }
    let authorised = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.len() > "Bearer ".len() && v.starts_with("Bearer "));
    (!authorised).then(|| error(401, &format!("Not authorized for route '{route}'")))
}

fn decimal(value: Option<&Value>) -> Option<Decimal> {
    match value? {
        Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
        Value::String(s) => Decimal::from_str(s).ok(),
        _ => None,
    }
}

fn number(d: Decimal) -> Value {
    serde_json::from_str(&d.normalize().to_string()).unwrap_or(Value::Null)
}

async fn taxes(Extract(state): Extract<Shared>, headers: HeaderMap, body: String) -> Response {
    let order: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let mut state = lock(&state);
    if let Some(answer) = admit(&mut state, &headers, "POST /v2/taxes".into(), order.clone()) {
        return answer;
    }
    if !order.is_object() {
        return error(400, "request body is not a JSON object");
    }
    let Some(shipping) = decimal(order.get("shipping")) else {
        return error(406, "shipping is missing");
    };
    let Some(to_state) = order.get("to_state").and_then(Value::as_str) else {
        return error(400, "to_state is missing");
    };
    let items = order.get("line_items").and_then(Value::as_array);
    let amount = decimal(order.get("amount")).unwrap_or_else(|| {
        items
            .into_iter()
            .flatten()
            .fold(Decimal::ZERO, |sum, item| {
                let quantity = decimal(item.get("quantity")).unwrap_or(Decimal::ONE);
                let price = decimal(item.get("unit_price")).unwrap_or_default();
                let discount = decimal(item.get("discount")).unwrap_or_default();
                sum + quantity * price - discount
            })
    });
    let nexus: Vec<String> = match order.get("nexus_addresses").and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .filter_map(|n| n.get("state").and_then(Value::as_str).map(str::to_owned))
            .collect(),
        None => state.nexus.clone(),
    };
    let has_nexus = nexus.iter().any(|s| s == to_state);
    let total = amount + shipping;
    if !has_nexus {
        return axum::Json(json!({"tax": {
            "order_total_amount": number(total), "shipping": number(shipping),
            "taxable_amount": 0, "amount_to_collect": 0, "rate": 0,
            "has_nexus": false, "freight_taxable": false, "tax_source": null,
        }}))
        .into_response();
    }
    let rate = state.rates.get(to_state).copied().unwrap_or_default();
    let tax = (amount * rate).round_dp(2);
    let lines: Vec<Value> = items
        .into_iter()
        .flatten()
        .map(|item| {
            let quantity = decimal(item.get("quantity")).unwrap_or(Decimal::ONE);
            let price = decimal(item.get("unit_price")).unwrap_or_default();
            let discount = decimal(item.get("discount")).unwrap_or_default();
            let taxable = quantity * price - discount;
            json!({
                "id": item.get("id").cloned().unwrap_or(Value::Null),
                "taxable_amount": number(taxable),
                "tax_collectable": number((taxable * rate).round_dp(2)),
                "combined_tax_rate": number(rate),
                "state_taxable_amount": number(taxable),
                "state_sales_tax_rate": number(rate),
                "state_amount": number((taxable * rate).round_dp(2)),
            })
        })
        .collect();
    axum::Json(json!({"tax": {
        "order_total_amount": number(total), "shipping": number(shipping),
        "taxable_amount": number(amount), "amount_to_collect": number(tax),
        "rate": number(rate), "has_nexus": true, "freight_taxable": false,
        "tax_source": "destination",
        "jurisdictions": {"country": order.get("to_country").cloned().unwrap_or(json!("US")), "state": to_state},
        "breakdown": {
            "taxable_amount": number(amount), "tax_collectable": number(tax),
            "combined_tax_rate": number(rate), "state_taxable_amount": number(amount),
            "state_tax_rate": number(rate), "state_tax_collectable": number(tax),
            "county_tax_collectable": 0, "city_tax_collectable": 0,
            "special_district_tax_collectable": 0, "line_items": lines,
        },
    }}))
    .into_response()
}

async fn rates(
    Extract(state): Extract<Shared>,
    headers: HeaderMap,
    Path(zip): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let mut state = lock(&state);
    let route = format!("GET /v2/rates/{zip}");
    if let Some(answer) = admit(&mut state, &headers, route, Value::Null) {
        return answer;
    }
    let region = query.get("state").cloned().unwrap_or_default();
    let rate = state.rates.get(&region).copied().unwrap_or_default();
    axum::Json(json!({"rate": {
        "zip": zip, "country": query.get("country").cloned().unwrap_or("US".into()),
        "state": region, "state_rate": number(rate), "county_rate": 0, "city_rate": 0,
        "combined_district_rate": 0, "combined_rate": number(rate), "freight_taxable": false,
    }}))
    .into_response()
}

async fn create_order(
    Extract(state): Extract<Shared>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let order: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let mut state = lock(&state);
    let route = "POST /v2/transactions/orders".to_owned();
    if let Some(answer) = admit(&mut state, &headers, route, order.clone()) {
        return answer;
    }
    let Some(id) = order.get("transaction_id").and_then(Value::as_str) else {
        return error(400, "transaction_id is missing");
    };
    if state.orders.contains_key(id) {
        return error(422, "Provider transaction already exists");
    }
    let mut stored = order.clone();
    stored["user_id"] = json!(10649);
    stored["provider"] = json!("api");
    state.orders.insert(id.to_owned(), stored.clone());
    (StatusCode::CREATED, axum::Json(json!({"order": stored}))).into_response()
}

async fn show_order(
    Extract(state): Extract<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let mut state = lock(&state);
    let route = format!("GET /v2/transactions/orders/{id}");
    if let Some(answer) = admit(&mut state, &headers, route, Value::Null) {
        return answer;
    }
    match state.orders.get(&id) {
        Some(order) => axum::Json(json!({"order": order})).into_response(),
        None => error(404, "Resource can not be found"),
    }
}

async fn delete_order(
    Extract(state): Extract<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let mut state = lock(&state);
    let route = format!("DELETE /v2/transactions/orders/{id}");
    if let Some(answer) = admit(&mut state, &headers, route, Value::Null) {
        return answer;
    }
    match state.orders.remove(&id) {
        Some(_) => axum::Json(json!({"order": {"transaction_id": id, "amount": null, "shipping": null, "sales_tax": null, "line_items": []}})).into_response(),
        None => error(404, "Resource can not be found"),
    }
}
