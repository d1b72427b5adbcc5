//! The simulated OAuth endpoints: instant approval with a signed callback, and the token
//! endpoint's three grants.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use proign_core::clock;
use serde_json::json;

use super::{CLIENT_ID, CLIENT_SECRET, SHOP, Shared, injected_failure, record, secret};

fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub(crate) async fn authorize(State(shared): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    record(
        &shared,
        "GET",
        "/admin/oauth/authorize",
        &HeaderMap::new(),
        &Bytes::new(),
    );
    match approval(&shared, raw.as_deref()) {
        Some(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        None => (StatusCode::BAD_REQUEST, "Oauth error invalid_request").into_response(),
    }
}

/// The merchant approves at once: the redirect location with a signed callback query.
pub(crate) fn approval(shared: &Shared, raw: Option<&str>) -> Option<String> {
    let pairs = query_pairs(raw);
    if param(&pairs, "client_id") != Some(CLIENT_ID) {
        return None;
    }
    let redirect = param(&pairs, "redirect_uri")?;
    let state = param(&pairs, "state")?;
    let code = uuid::Uuid::new_v4().simple().to_string();
    shared.lock().codes.push(code.clone());
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("code", &code)
        .append_pair("host", "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvcHJnbi10ZXN0")
        .append_pair("shop", SHOP)
        .append_pair("state", state)
        .append_pair("timestamp", &clock::system().unix_seconds().to_string())
        .finish();
    let signed = proign_shopify::query::sign_query(&secret(), &query).ok()?;
    let separator = if redirect.contains('?') { '&' } else { '?' };
    Some(format!("{redirect}{separator}{signed}"))
}

fn oauth_error(description: &str) -> Response {
    let body = json!({ "error": "invalid_request", "error_description": description });
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

pub(crate) async fn access_token(
    State(shared): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(
        &shared,
        "POST",
        "/admin/oauth/access_token",
        &headers,
        &body,
    );
    if let Some(failure) = injected_failure(&shared) {
        return failure;
    }
    let pairs = query_pairs(std::str::from_utf8(&body).ok());
    if param(&pairs, "client_id") != Some(CLIENT_ID)
        || param(&pairs, "client_secret") != Some(CLIENT_SECRET)
    {
        return oauth_error("Client credentials are invalid");
    }
    let mut data = shared.lock();
    let (scope, expires_in) = match (param(&pairs, "grant_type"), param(&pairs, "code")) {
        (None, Some(code)) => {
            let Some(at) = data.codes.iter().position(|c| c == code) else {
                return oauth_error("The authorization code was not found or was already used");
            };
            data.codes.remove(at);
            (
                "read_orders,write_fulfillments,write_inventory,read_products",
                None,
            )
        }
        (Some("client_credentials"), _) => ("read_orders,read_products", Some(86399)),
        (Some("urn:ietf:params:oauth:grant-type:token-exchange"), _)
            if param(&pairs, "subject_token").is_some() =>
        {
            ("read_orders,write_fulfillments", None)
        }
        _ => return oauth_error("The grant type is not supported"),
    };
    let token = format!("shpat_{}", uuid::Uuid::new_v4().simple());
    data.tokens.push(token.clone());
    let mut answer = json!({ "access_token": token, "scope": scope });
    if let Some(seconds) = expires_in {
        answer["expires_in"] = json!(seconds);
    }
    axum::Json(answer).into_response()
}
