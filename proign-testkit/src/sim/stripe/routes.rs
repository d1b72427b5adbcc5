//! The simulator's state and the endpoints it answers.

use std::collections::BTreeMap;

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::error_body;

/// A failure in Stripe's error shape.
pub(super) struct Failure {
    pub(super) status: StatusCode,
    pub(super) body: Value,
}

impl Failure {
    pub(super) fn new(status: u16, kind: &str, code: Option<&str>, message: &str) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            body: error_body(kind, code, message),
        }
    }

    fn missing(kind: &str, id: &str) -> Self {
        let message = format!("No such {kind}: '{id}'");
        let mut failure = Self::new(
            404,
            "invalid_request_error",
            Some("resource_missing"),
            &message,
        );
        failure.body["error"]["param"] = json!("id");
        failure
    }

    fn invalid(param: &str, code: &str, message: &str) -> Self {
        let mut failure = Self::new(400, "invalid_request_error", Some(code), message);
        failure.body["error"]["param"] = json!(param);
        failure
    }

    fn declined(intent: &Value) -> Self {
        let mut failure = Self::new(
            402,
            "card_error",
            Some("card_declined"),
            "Your card was declined.",
        );
        failure.body["error"]["decline_code"] = json!("generic_decline");
        failure.body["error"]["payment_intent"] = intent.clone();
        failure
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}

/// Decoded form (or query) parameters, in order.
pub(super) struct Form(Vec<(String, String)>);

impl Form {
    pub(super) fn parse(bytes: &[u8]) -> Self {
        Self(form_urlencoded::parse(bytes).into_owned().collect())
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self, name: &str) -> Value {
        self.get(name).map_or(Value::Null, |v| json!(v))
    }

    fn int(&self, name: &str) -> Result<Option<i64>, Failure> {
        self.get(name)
            .map(|v| {
                v.parse().map_err(|_| {
                    Failure::invalid(name, "parameter_invalid_integer", "Invalid integer")
                })
            })
            .transpose()
    }

    fn metadata(&self) -> Map<String, Value> {
        self.0
            .iter()
            .filter_map(|(n, v)| {
                let key = n.strip_prefix("metadata[")?.strip_suffix(']')?;
                (!v.is_empty()).then(|| (key.to_owned(), json!(v)))
            })
            .collect()
    }
}

/// Everything the simulator knows.
#[derive(Default)]
pub(super) struct State {
    seq: u64,
    /// This simulator's tag in event ids, drawn at the first event.
    run: String,
    objects: BTreeMap<&'static str, BTreeMap<String, Value>>,
    pub(super) events: Vec<Value>,
}

type Answer = Result<Value, Failure>;

impl State {
    pub(super) fn next_id(&mut self, prefix: &str) -> String {
        self.seq += 1;
        format!("{prefix}{:012}", self.seq)
    }

    fn table(&mut self, kind: &'static str) -> &mut BTreeMap<String, Value> {
        self.objects.entry(kind).or_default()
    }

    fn find(&mut self, kind: &'static str, id: &str) -> Result<&mut Value, Failure> {
        self.table(kind)
            .get_mut(id)
            .ok_or_else(|| Failure::missing(kind, id))
    }

    fn insert(&mut self, kind: &'static str, object: Value) -> Value {
        let id = object["id"].as_str().unwrap_or_default().to_owned();
        self.table(kind).insert(id, object.clone());
        object
    }

    fn emit(&mut self, kind: &str, object: &Value, now: i64) {
        // Event ids are unique across simulator runs, as Stripe's are: a service that keeps
        // its dedup store between runs (the order_flow example's queue file) must not drop
        // a new run's events as copies of the last run's. The sequence keeps them in order.
        if self.run.is_empty() {
            self.run = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
        }
        let id = format!("{}{}", self.next_id("evt_Sim"), self.run);
        self.events.push(json!({
            "id": id, "object": "event", "api_version": proign_stripe::API_VERSION,
            "created": now, "livemode": false, "pending_webhooks": 1,
            "request": {"id": null, "idempotency_key": null}, "type": kind,
            "data": {"object": object},
        }));
    }

    pub(super) fn route(&mut self, method: &Method, path: &str, form: &Form, now: i64) -> Answer {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        match (method.as_str(), parts.as_slice()) {
            ("GET", ["v1", "balance"]) => Ok(json!({"object": "balance", "livemode": false,
                "available": [{"amount": 0, "currency": "usd"}],
                "pending": [{"amount": 0, "currency": "usd"}]})),
            ("POST", ["v1", "customers"]) => self.create_customer(form, now),
            ("GET", ["v1", "customers"]) => {
                Ok(self.list("customer", "/v1/customers", form, |_| true))
            }
            ("GET", ["v1", "customers", id]) => self.find("customer", id).cloned(),
            ("POST", ["v1", "customers", id]) => self.update_customer(id, form, now),
            ("DELETE", ["v1", "customers", id]) => {
                self.find("customer", id)?;
                self.table("customer").remove(*id);
                Ok(json!({"id": id, "object": "customer", "deleted": true}))
            }
            ("POST", ["v1", "products"]) => {
                let id = self.next_id("prod_Sim");
                Ok(self.insert(
                    "product",
                    json!({"id": id, "object": "product",
                    "name": form.text("name"), "active": true, "metadata": form.metadata()}),
                ))
            }
            ("POST", ["v1", "prices"]) => self.create_price(form),
            ("GET", ["v1", "prices", id]) => self.find("price", id).cloned(),
            ("POST", ["v1", "payment_methods", id, "attach"]) => self.attach(id, form),
            ("POST", ["v1", "subscriptions"]) => self.create_subscription(form, now),
            ("GET", ["v1", "subscriptions", id]) => self.find("subscription", id).cloned(),
            ("DELETE", ["v1", "subscriptions", id]) => {
                let sub = self.find("subscription", id)?;
                sub["status"] = json!("canceled");
                sub["canceled_at"] = json!(now);
                let sub = sub.clone();
                self.emit("customer.subscription.deleted", &sub, now);
                Ok(sub)
            }
            ("POST", ["v1", "invoiceitems"]) => self.create_invoice_item(form, now),
            ("POST", ["v1", "invoices"]) => self.create_invoice(form, now),
            ("GET", ["v1", "invoices"]) => {
                let customer = form.get("customer").map(str::to_owned);
                let status = form.get("status").map(str::to_owned);
                Ok(self.list("invoice", "/v1/invoices", form, |inv| {
                    customer.as_deref().is_none_or(|c| inv["customer"] == c)
                        && status.as_deref().is_none_or(|s| inv["status"] == s)
                }))
            }
            ("GET", ["v1", "invoices", id]) => self.find("invoice", id).cloned(),
            ("POST", ["v1", "invoices", id, "finalize"]) => self.finalize(id, now),
            ("POST", ["v1", "invoices", id, "pay"]) => self.pay_invoice(id, form, now),
            ("POST", ["v1", "invoices", id, "void"]) => self.void(id, now),
            ("POST", ["v1", "payment_intents"]) => self.create_intent(form, now),
            ("GET", ["v1", "payment_intents", id]) => self.find("payment_intent", id).cloned(),
            ("POST", ["v1", "payment_intents", id, "confirm"]) => {
                if let Some(pm) = form.get("payment_method") {
                    self.find("payment_intent", id)?["payment_method"] = json!(pm);
                }
                self.confirm(id, now)
            }
            ("POST", ["v1", "payment_intents", id, "capture"]) => self.capture(id, now),
            ("POST", ["v1", "payment_intents", id, "cancel"]) => {
                let intent = self.find("payment_intent", id)?;
                intent["status"] = json!("canceled");
                let intent = intent.clone();
                self.emit("payment_intent.canceled", &intent, now);
                Ok(intent)
            }
            ("GET", ["v1", "events"]) => {
                let events: BTreeMap<String, Value> = self
                    .events
                    .iter()
                    .map(|e| (e["id"].as_str().unwrap_or_default().to_owned(), e.clone()))
                    .collect();
                self.objects.insert("event", events);
                let kind = form.get("type").map(str::to_owned);
                Ok(self.list("event", "/v1/events", form, |e| {
                    kind.as_deref().is_none_or(|k| e["type"] == k)
                }))
            }
            _ => {
                let message = format!("Unrecognized request URL ({method}: {path}).");
                Err(Failure::new(404, "invalid_request_error", None, &message))
            }
        }
    }

    /// A list page, newest first, honouring `limit`, `starting_after` and `ending_before`.
    fn list(
        &mut self,
        kind: &'static str,
        url: &str,
        form: &Form,
        keep: impl Fn(&Value) -> bool,
    ) -> Value {
        let all: Vec<Value> = self
            .table(kind)
            .values()
            .rev()
            .filter(|v| keep(v))
            .cloned()
            .collect();
        let limit = form
            .get("limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(10usize)
            .clamp(1, 100);
        let position = |id: &str| all.iter().position(|v| v["id"] == id);
        let (data, has_more) = if let Some(after) = form.get("starting_after") {
            let rest = position(after).map_or(&all[..0], |i| &all[i + 1..]);
            (
                rest.iter().take(limit).cloned().collect::<Vec<_>>(),
                rest.len() > limit,
            )
        } else if let Some(before) = form.get("ending_before") {
            let rest = position(before).map_or(&all[..0], |i| &all[..i]);
            let start = rest.len().saturating_sub(limit);
            (rest[start..].to_vec(), start > 0)
        } else {
            (all.iter().take(limit).cloned().collect(), all.len() > limit)
        };
        json!({"object": "list", "url": url, "has_more": has_more, "data": data})
    }
}

mod billing;
