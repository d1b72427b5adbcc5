//! The simulator's routes, dispatched by method and path.

use std::sync::{Arc, Mutex};

use axum::extract::State as Shared;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode, Uri};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::state::{RecordedRequest, Shipment, Stage, State};
use super::{LABEL_PNG, NOT_FOUND, lock};

type Sim = Arc<Mutex<State>>;

pub(super) fn router(state: Sim) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(state)
}

fn answer(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn ups_error(status: u16, code: &str, message: &str) -> Response {
    answer(
        status,
        json!({"response": {"errors": [{"code": code, "message": message}]}}),
    )
}

fn success() -> Value {
    json!({"ResponseStatus": {"Code": "1", "Description": "Success"}})
}

async fn handle(
    Shared(sim): Shared<Sim>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = lock(&sim);
    state.requests.push(RecordedRequest {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        headers: headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.clone(),
    });
    let targeted = state
        .targeted
        .iter()
        .position(|(part, _, _)| uri.path().contains(part.as_str()));
    if let Some((_, status, body)) = targeted.and_then(|at| state.targeted.remove(at)) {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, [("content-type", "application/json")], body).into_response();
    }
    if let Some((status, body)) = state.failures.pop_front() {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, [("content-type", "application/json")], body).into_response();
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    if uri.path() == "/security/v1/oauth/token" && method == Method::POST {
        let form = String::from_utf8_lossy(&body);
        if !header("authorization").starts_with("Basic ")
            || !form.contains("grant_type=client_credentials")
        {
            return ups_error(401, "10401", "ClientId is Invalid");
        }
        let token = format!("prgn-sim-token-{}", state.tokens.len() + 1);
        state.tokens.push(token.clone());
        return answer(
            200,
            json!({
                "token_type": "Bearer", "issued_at": "1767225600000", "client_id": "prgn-sim-client",
                "access_token": token, "expires_in": "14399", "refresh_count": "0", "status": "approved"
            }),
        );
    }
    let token = header("authorization")
        .strip_prefix("Bearer ")
        .unwrap_or("");
    if !state.tokens.iter().any(|t| t == token) {
        return ups_error(401, "250002", "Invalid Authentication Information.");
    }
    let json_body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let segments: Vec<&str> = uri.path().trim_start_matches('/').split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("POST", ["api", "addressvalidation", _, _]) => validate(&json_body),
        ("POST", ["api", "rating", _, option]) => rate(&json_body, option),
        ("POST", ["api", "shipments", _, "ship"]) => ship(&mut state, &json_body),
        ("DELETE", ["api", "shipments", _, "void", "cancel", id]) => void(&mut state, id),
        ("GET", ["api", "track", "v1", "details", number]) => track(&mut state, number),
        ("POST", ["api", "track", "v1", "subscription", "standard", "package"]) => {
            let answer = subscribe(&mut state, &json_body);
            if state.auto_deliver {
                let numbers = super::subscribed(&json_body);
                for number in &numbers {
                    state.stages.insert(number.clone(), Stage::Delivered);
                }
                let sim = sim.clone();
                tokio::spawn(async move {
                    for number in numbers {
                        let _ = super::deliver_alert(&sim, &number).await;
                    }
                });
            }
            answer
        }
        _ => ups_error(404, "10404", "Resource not found"),
    }
}

fn validate(body: &Value) -> Response {
    let key = &body["XAVRequest"]["AddressKeyFormat"];
    let lines: Vec<String> = match &key["AddressLine"] {
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_uppercase))
            .collect(),
        Value::String(line) => vec![line.to_uppercase()],
        _ => Vec::new(),
    };
    let text = |field: &str| key[field].as_str().unwrap_or("").to_uppercase();
    let mut xav = json!({"Response": success()});
    if lines.is_empty() || text("PostcodePrimaryLow") == "00000" {
        xav["NoCandidatesIndicator"] = json!("");
        return answer(200, json!({"XAVResponse": xav}));
    }
    let commercial = lines
        .iter()
        .any(|l| l.contains("SUITE") || l.contains(" STE"));
    let class = if commercial {
        json!({"Code": "1", "Description": "Commercial"})
    } else {
        json!({"Code": "2", "Description": "Residential"})
    };
    let candidate = |line: &str| {
        json!({
            "AddressClassification": class,
            "AddressKeyFormat": {
                "AddressLine": line, "PoliticalDivision2": text("PoliticalDivision2"),
                "PoliticalDivision1": text("PoliticalDivision1"), "PostcodePrimaryLow": text("PostcodePrimaryLow"),
                "PostcodeExtendedLow": "0001", "CountryCode": text("CountryCode"),
            }
        })
    };
    if lines.iter().any(|l| l.contains("AMBIGUOUS")) {
        xav["AmbiguousAddressIndicator"] = json!("");
        xav["Candidate"] = json!([
            candidate(&format!("{} N", lines[0])),
            candidate(&format!("{} S", lines[0]))
        ]);
    } else {
        xav["ValidAddressIndicator"] = json!("");
        xav["AddressClassification"] = class.clone();
        xav["Candidate"] = candidate(&lines.join(" "));
    }
    answer(200, json!({"XAVResponse": xav}))
}

/// Published price of a service for `pounds`, `None` for a service not offered.
fn price(service: &str, pounds: Decimal) -> Option<Decimal> {
    let (base, per_pound) = match service {
        "03" => (Decimal::new(1000, 2), Decimal::new(125, 2)),
        "02" => (Decimal::new(2200, 2), Decimal::new(210, 2)),
        "01" => (Decimal::new(4000, 2), Decimal::new(350, 2)),
        _ => return None,
    };
    Some((base + per_pound * pounds).round_dp(2))
}

fn weight(shipment: &Value) -> Decimal {
    let packages = match &shipment["Package"] {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    packages
        .iter()
        .filter_map(|p| {
            p["PackageWeight"]["Weight"]
                .as_str()?
                .parse::<Decimal>()
                .ok()
        })
        .sum()
}

fn money(amount: Decimal) -> Value {
    json!({"CurrencyCode": "USD", "MonetaryValue": amount.to_string()})
}

fn rated(service: &str, pounds: Decimal, negotiated: bool) -> Option<Value> {
    let total = price(service, pounds)?;
    let mut out =
        json!({"Service": {"Code": service, "Description": ""}, "TotalCharges": money(total)});
    if negotiated {
        out["NegotiatedRateCharges"] =
            json!({"TotalCharge": money((total * Decimal::new(8, 1)).round_dp(2))});
    }
    let days = match service {
        "01" => "1",
        "02" => "2",
        _ => "",
    };
    if !days.is_empty() {
        out["GuaranteedDelivery"] = json!({"BusinessDaysInTransit": days});
    }
    Some(out)
}

fn rate(body: &Value, option: &str) -> Response {
    let shipment = &body["RateRequest"]["Shipment"];
    let pounds = weight(shipment);
    let negotiated = shipment.get("ShipmentRatingOptions").is_some();
    let list: Vec<Value> = if option.eq_ignore_ascii_case("shop") {
        ["03", "02", "01"]
            .iter()
            .filter_map(|s| rated(s, pounds, negotiated))
            .collect()
    } else {
        let service = shipment["Service"]["Code"].as_str().unwrap_or("");
        match rated(service, pounds, negotiated) {
            Some(one) => vec![one],
            None => {
                return ups_error(
                    400,
                    "111100",
                    "The requested service is invalid from the selected origin.",
                );
            }
        }
    };
    answer(
        200,
        json!({"RateResponse": {"Response": success(), "RatedShipment": list}}),
    )
}

fn ship(state: &mut State, body: &Value) -> Response {
    let shipment = &body["ShipmentRequest"]["Shipment"];
    let service = shipment["Service"]["Code"].as_str().unwrap_or("");
    let Some(total) = price(service, weight(shipment)) else {
        return ups_error(
            400,
            "120217",
            "The requested service is unavailable between the selected locations.",
        );
    };
    let count = match &shipment["Package"] {
        Value::Array(items) => items.len(),
        _ => 1,
    };
    let label = base64::engine::general_purpose::STANDARD.encode(LABEL_PNG);
    let numbers: Vec<String> = (0..count.max(1)).map(|_| state.tracking_number()).collect();
    let results: Vec<Value> = numbers.iter().map(|n| json!({
        "TrackingNumber": n,
        "ShippingLabel": {"ImageFormat": {"Code": "PNG", "Description": "PNG"}, "GraphicImage": label},
    })).collect();
    for number in &numbers {
        state.stages.insert(number.clone(), Stage::LabelCreated);
    }
    let id = numbers[0].clone();
    state.shipments.insert(
        id.clone(),
        Shipment {
            packages: numbers,
            voided: Default::default(),
        },
    );
    answer(
        200,
        json!({"ShipmentResponse": {"Response": success(), "ShipmentResults": {
            "ShipmentCharges": {"TotalCharges": money(total)},
            "ShipmentIdentificationNumber": id,
            "PackageResults": results,
        }}}),
    )
}

fn void(state: &mut State, id: &str) -> Response {
    let Some(shipment) = state.shipments.get_mut(id) else {
        return ups_error(
            400,
            "190117",
            "No shipment found within the allowed void period",
        );
    };
    let packages = shipment.packages.clone();
    shipment.voided.extend(packages.iter().cloned());
    for number in &packages {
        state.stages.remove(number);
    }
    answer(
        200,
        json!({"VoidShipmentResponse": {"Response": success(),
        "SummaryResult": {"Status": {"Code": "1", "Description": "Voided"}}}}),
    )
}

fn track(state: &mut State, number: &str) -> Response {
    let stage = if number == NOT_FOUND {
        None
    } else {
        state.track(number)
    };
    let Some(stage) = stage else {
        return answer(
            200,
            json!({"trackResponse": {"shipment": [{"inquiryNumber": number, "package": [],
            "warnings": [{"code": "TW0001", "message": "Tracking Information Not Found"}]}]}}),
        );
    };
    let (kind, code, description) = stage.status();
    let mut activity = Vec::new();
    for (at, step) in [
        (Stage::Delivered, "20260103"),
        (Stage::InTransit, "20260101"),
        (Stage::LabelCreated, "20251231"),
    ] {
        if stage_rank(at) <= stage_rank(stage) {
            let (k, c, d) = at.status();
            activity.push(json!({"location": {"address": {"city": "Atlanta", "stateProvince": "GA", "country": "US"}},
                "status": {"type": k, "code": c, "description": d}, "date": step, "time": "120000"}));
        }
    }
    let mut package = json!({"trackingNumber": number, "activity": activity,
        "currentStatus": {"type": kind, "code": code, "description": description},
        "deliveryDate": [{"type": "SDD", "date": "20260103"}]});
    if stage == Stage::Delivered {
        package["deliveryDate"] = json!([{"type": "DEL", "date": "20260103"}]);
        package["deliveryTime"] = json!({"type": "DEL", "endTime": "120000"});
    }
    answer(
        200,
        json!({"trackResponse": {"shipment": [{"inquiryNumber": number, "package": [package]}]}}),
    )
}

fn stage_rank(stage: Stage) -> u8 {
    match stage {
        Stage::LabelCreated => 0,
        Stage::InTransit => 1,
        Stage::Delivered => 2,
    }
}

fn subscribe(state: &mut State, body: &Value) -> Response {
    let url = body["destination"]["url"].as_str().unwrap_or("").to_owned();
    let credential = body["destination"]["credential"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    let numbers: Vec<&str> = body["trackingNumberList"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let (mut valid, mut invalid) = (Vec::new(), Vec::new());
    for number in numbers {
        let shaped = number.len() == 18
            && number.starts_with("1Z")
            && number[2..]
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
        if shaped && !url.is_empty() {
            state
                .subscriptions
                .insert(number.to_owned(), (url.clone(), credential.clone()));
            valid.push(number);
        } else {
            invalid.push(number);
        }
    }
    answer(
        200,
        json!({"validTrackingNumbers": valid, "invalidTrackingNumbers": invalid}),
    )
}
