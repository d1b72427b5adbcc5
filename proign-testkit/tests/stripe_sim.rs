//! The Stripe simulator over plain HTTP: idempotency, failures on demand, error shapes.

use proign_testkit::sim::stripe::{StripeSim, error_body};
use serde_json::Value;

const AUTH: &str = "Bearer sk_test_madeUpForTheSimulator";

async fn post(sim: &StripeSim, path: &str, key: &str, body: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}{path}", sim.base_url()))
        .header("authorization", AUTH)
        .header("idempotency-key", key)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_repeated_key_replays_the_first_answer() {
    let sim = StripeSim::start().await;
    let first = post(&sim, "/v1/customers", "k1", "email=a%40example.com").await;
    assert_eq!(first.status(), 200);
    assert!(first.headers().get("request-id").is_some());
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();

    let again = post(&sim, "/v1/customers", "k1", "email=a%40example.com").await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(first, again);

    let other = post(&sim, "/v1/customers", "k1", "email=b%40example.com").await;
    assert_eq!(other.status(), 400);
    let other: Value = other.json().await.unwrap();
    assert_eq!(other["error"]["type"], "idempotency_error");
    assert_eq!(sim.requests().len(), 3);
    assert_eq!(sim.requests()[2].header("idempotency-key"), Some("k1"));
}

#[tokio::test]
async fn failures_on_demand_then_normal_answers() {
    let sim = StripeSim::start().await;
    sim.fail_next(2, 503, error_body("api_error", None, "simulated outage"));
    for _ in 0..2 {
        let failed = post(&sim, "/v1/customers", "k2", "email=c%40example.com").await;
        assert_eq!(failed.status(), 503);
    }
    let ok = post(&sim, "/v1/customers", "k2", "email=c%40example.com").await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn stripe_shaped_errors_for_bad_keys_missing_objects_and_unknown_urls() {
    let sim = StripeSim::start().await;
    let http = reqwest::Client::new();
    let no_key = http
        .get(format!("{}/v1/customers", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), 401);
    let missing = http
        .get(format!("{}/v1/invoices/in_nope", sim.base_url()))
        .header("authorization", AUTH)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "resource_missing");
    assert_eq!(body["error"]["message"], "No such invoice: 'in_nope'");
    let unknown = post(&sim, "/v1/nothing_here", "k3", "").await;
    assert_eq!(unknown.status(), 404);
    let pi = post(&sim, "/v1/payment_intents", "k4", "currency=usd").await;
    let body: Value = pi.json().await.unwrap();
    assert_eq!(body["error"]["param"], "amount");
}
