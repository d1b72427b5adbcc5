//! Field cases B08 and B09 on the UPS client: one token for many callers, string
//! `expires_in`, refresh before expiry and after a `401`.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use proign_core::clock::FixedClock;
use proign_core::http::ErrorKind;
use proign_ups::model::{Address, Package, Party, WeightUnit};
use proign_ups::rating::RateRequest;
use rust_decimal::Decimal;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const T0: i64 = 1_767_225_600;
const RATE_OK: &str = r#"{"RateResponse":{"Response":{"ResponseStatus":{"Code":"1","Description":"Success"}},"RatedShipment":{"Service":{"Code":"03"},"TotalCharges":{"CurrencyCode":"USD","MonetaryValue":"14.25"}}}}"#;

fn request() -> RateRequest {
    let shipper = Party::new(
        "PRGN Shipper",
        Address::new(["1 Test Way"], "Atlanta", Some("GA"), "30301", "US"),
    )
    .shipper_number("PRGN01");
    let to = Party::new(
        "PRGN Buyer",
        Address::new(["2 Test Ave"], "Wayne", Some("NJ"), "07470", "US"),
    );
    RateRequest::new(
        shipper,
        to,
        vec![Package::new(Decimal::new(55, 1), WeightUnit::Pounds)],
    )
}

fn rate_mock(token: &str) -> Mock {
    Mock::given(method("POST"))
        .and(path("/api/rating/v2409/Rate"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_raw(RATE_OK, "application/json"))
}

fn refused(token: &str) -> Mock {
    Mock::given(method("POST"))
        .and(path("/api/rating/v2409/Rate"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(json(401, "error_250002.json"))
}

async fn fifty_calls(client: &proign_ups::UpsClient) -> Vec<Result<(), proign_ups::Error>> {
    let request = Arc::new(request());
    let calls = (0..50).map(|_| {
        let client = client.clone();
        let request = request.clone();
        tokio::spawn(async move { client.rate(&request, "03").await.map(|_| ()) })
    });
    let mut out = Vec::new();
    for call in calls.collect::<Vec<_>>() {
        out.push(call.await.unwrap());
    }
    out
}

/// B08: fifty concurrent calls on an empty cache make exactly one token request.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn b08_fifty_callers_one_token_request() {
    let server = MockServer::start().await;
    token_request()
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(token_body("prgn-access-token-A"), "application/json")
                .set_delay(Duration::from_millis(300)),
        )
        .expect(1)
        .mount(&server)
        .await;
    rate_mock("prgn-access-token-A")
        .expect(50)
        .mount(&server)
        .await;
    let client = client(&server);
    let results = fifty_calls(&client).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
}

/// B08 variant: a 503 from the token endpoint is retried once, centrally.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn b08_token_outage_is_retried_once_for_everyone() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/security/v1/oauth/token"))
        .respond_with(ResponseTemplate::new(503).set_body_raw(
            r#"{"response":{"errors":[{"code":"10001","message":"mock outage"}]}}"#,
            "application/json",
        ))
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(&server)
        .await;
    token_mock("prgn-access-token-A")
        .expect(1)
        .mount(&server)
        .await;
    rate_mock("prgn-access-token-A")
        .expect(50)
        .mount(&server)
        .await;
    let results = fifty_calls(&client(&server)).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
}

/// B08 variant: when the fetch fails for good, every waiter shares the one failure, and the
/// next call starts a fresh fetch.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn b08_shared_failure_is_not_remembered() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/security/v1/oauth/token"))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_raw(
                    r#"{"response":{"errors":[{"code":"10001","message":"mock outage"}]}}"#,
                    "application/json",
                )
                .set_delay(Duration::from_millis(200)),
        )
        .up_to_n_times(2)
        .expect(2)
        .with_priority(1)
        .mount(&server)
        .await;
    token_mock("prgn-access-token-A")
        .expect(1)
        .mount(&server)
        .await;
    rate_mock("prgn-access-token-A")
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let results = fifty_calls(&client).await;
    for result in &results {
        let err = result.as_ref().unwrap_err();
        assert_eq!(err.ups_code(), Some("10001"), "{err:?}");
    }
    client.rate(&request(), "03").await.unwrap();
}

/// B08 variant: a 429 ("Quota Limit Exceeded") is honoured once by the single fetch.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn b08_token_quota_429_is_handled_centrally() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/security/v1/oauth/token"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_raw(
                    r#"{"response":{"errors":[{"code":"10429","message":"Quota Limit Exceeded"}]}}"#,
                    "application/json",
                ),
        )
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(&server)
        .await;
    token_mock("prgn-access-token-A")
        .expect(1)
        .mount(&server)
        .await;
    rate_mock("prgn-access-token-A")
        .expect(50)
        .mount(&server)
        .await;
    let results = fifty_calls(&client(&server)).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
}

/// B09: numeric `expires_in` works like the string; an invalid one is a typed error.
#[tokio::test]
async fn b09_expires_in_number_string_or_invalid() {
    for (expires_in, ok) in [(r#""14399""#, true), ("14399", true), (r#""abc""#, false)] {
        let server = MockServer::start().await;
        let body = token_body("prgn-access-token-A").replace(r#""14399""#, expires_in);
        Mock::given(method("POST"))
            .and(path("/security/v1/oauth/token"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .expect(1)
            .mount(&server)
            .await;
        rate_mock("prgn-access-token-A")
            .expect(u64::from(ok))
            .mount(&server)
            .await;
        let result = client(&server).rate(&request(), "03").await;
        if ok {
            result.unwrap();
        } else {
            let err = result.unwrap_err();
            let kind = err.as_http().map(|e| e.kind().clone());
            assert!(
                matches!(kind, Some(ErrorKind::InvalidTokenResponse { .. })),
                "{err:?}"
            );
            assert!(!err.to_string().contains("prgn-access-token"), "{err}");
        }
    }
}

/// B09: inside the 60 s buffer before expiry the next call fetches token B first.
#[tokio::test]
async fn b09_proactive_refresh_inside_the_buffer() {
    let server = MockServer::start().await;
    token_mock("prgn-access-token-A")
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(&server)
        .await;
    token_mock("prgn-access-token-B")
        .expect(1)
        .mount(&server)
        .await;
    rate_mock("prgn-access-token-A")
        .expect(1)
        .mount(&server)
        .await;
    rate_mock("prgn-access-token-B")
        .expect(1)
        .mount(&server)
        .await;
    let clock = FixedClock::at_unix(T0);
    let client = client_at(&server, clock.clone());
    client.rate(&request(), "03").await.unwrap();
    clock.set_unix(T0 + 14_399 - 30);
    client.rate(&request(), "03").await.unwrap();
}

/// B09: a 401 on a token the cache still trusts drops it, fetches B and replays once.
#[tokio::test]
async fn b09_reactive_refresh_after_401() {
    let server = MockServer::start().await;
    token_mock("prgn-access-token-A")
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(&server)
        .await;
    token_mock("prgn-access-token-B")
        .expect(1)
        .mount(&server)
        .await;
    refused("prgn-access-token-A")
        .expect(1)
        .mount(&server)
        .await;
    rate_mock("prgn-access-token-B")
        .expect(1)
        .mount(&server)
        .await;
    let clock = FixedClock::at_unix(T0);
    let client = client_at(&server, clock.clone());
    clock.set_unix(T0 + 100);
    let rated = client.rate(&request(), "03").await.unwrap();
    assert_eq!(rated.total.amount, Decimal::new(1425, 2));
}

/// B09: a second 401 is a typed authentication error keeping UPS's code; no loop.
#[tokio::test]
async fn b09_persistent_401_is_an_auth_error_with_code_250002() {
    let server = MockServer::start().await;
    token_mock("prgn-access-token-A")
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(&server)
        .await;
    token_mock("prgn-access-token-B")
        .expect(1)
        .mount(&server)
        .await;
    refused("prgn-access-token-A")
        .expect(1)
        .mount(&server)
        .await;
    refused("prgn-access-token-B")
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).rate(&request(), "03").await.unwrap_err();
    assert!(err.is_authentication(), "{err:?}");
    assert_eq!(err.ups_code(), Some("250002"));
    assert_eq!(
        err.ups_message(),
        Some("Invalid Authentication Information.")
    );
    assert_eq!(err.as_http().and_then(|e| e.status()), Some(401));
    assert!(!format!("{err:?}").contains("prgn-access-token"));
}

/// `connect` proves the credentials with the first token, which later calls reuse.
#[tokio::test]
async fn connect_fetches_the_first_token_once() {
    let server = MockServer::start().await;
    token_mock("prgn-access-token-A")
        .expect(1)
        .mount(&server)
        .await;
    rate_mock("prgn-access-token-A")
        .expect(1)
        .mount(&server)
        .await;
    let client = proign_ups::UpsClient::connect(config(&server))
        .await
        .unwrap();
    client.rate(&request(), "03").await.unwrap();
}

/// Refused client credentials are an authentication error naming no secret.
#[tokio::test]
async fn connect_with_refused_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/security/v1/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            r#"{"response":{"errors":[{"code":"10401","message":"ClientId is Invalid"}]}}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = <proign_ups::UpsClient as proign_core::http::Connect>::connect(config(&server))
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Authentication { .. }),
        "{err:?}"
    );
    assert_eq!(err.detail().and_then(|d| d.code.as_deref()), Some("10401"));
    assert!(!format!("{err:?} {err}").contains(CLIENT_SECRET));
}
