//! OAuth client credentials against a mock UPS: field cases B08 and B09, single-flight
//! refresh, refresh-on-401 and failures that are shared but not cached.

#![cfg(feature = "http")]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{T0, UpsLike, exact_policy};
use proign_core::auth::{Auth, ClientCredentials, ClientCredentialsConfig, Credential};
use proign_core::clock::FixedClock;
use proign_core::http::{Client, ErrorKind, ProviderProfile, Request, ReqwestTransport};
use proign_core::http::{Transport, TransportConfig};
use proign_core::secret::{Secret, SecretOrigin};
use tokio::task::JoinSet;
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN_PATH: &str = "/security/v1/oauth/token";
const RATE_PATH: &str = "/api/rating/v2409/Rate";
const BASIC: &str = "Basic cHJnbi1jbGllbnQtaWQ6cHJnbi1jbGllbnQtc2VjcmV0";
const RATED: &str =
    r#"{"RateResponse":{"Response":{"ResponseStatus":{"Code":"1","Description":"Success"}}}}"#;
const BAD_AUTH: &str = r#"{"response":{"errors":[{"code":"250002","message":"Invalid Authentication Information."}]}}"#;

fn token_body(token: &str, expires_in: &str) -> String {
    format!(
        r#"{{"token_type":"Bearer","issued_at":"1767225600000","client_id":"prgn-client-id","access_token":"{token}","expires_in":{expires_in},"refresh_count":"0","status":"approved"}}"#
    )
}

fn token_reply(token: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(token_body(token, r#""14399""#), "application/json")
}

/// Mounts a token endpoint answer, checked like B08 asks, used `times` times.
async fn token_endpoint(server: &MockServer, reply: ResponseTemplate, times: u64, priority: u8) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("authorization", BASIC))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("grant_type=client_credentials"))
        .respond_with(reply)
        .up_to_n_times(times)
        .expect(times)
        .with_priority(priority)
        .mount(server)
        .await;
}

async fn rating(server: &MockServer, token: &str, reply: ResponseTemplate, times: u64) {
    Mock::given(method("POST"))
        .and(path(RATE_PATH))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(reply)
        .expect(times)
        .mount(server)
        .await;
}

fn rated() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(RATED, "application/json")
}

struct Ups {
    client: Client,
    oauth: Arc<ClientCredentials>,
    clock: Arc<FixedClock>,
}

fn ups(server: &MockServer) -> Ups {
    let clock = FixedClock::at_unix(T0);
    let profile: Arc<dyn ProviderProfile> = Arc::new(UpsLike);
    let transport: Arc<dyn Transport> =
        Arc::new(ReqwestTransport::new(&TransportConfig::default()).unwrap());
    let secret = Credential::new(Secret::new("prgn-client-secret").unwrap());
    let mut config = ClientCredentialsConfig::new(
        format!("{}{TOKEN_PATH}", server.uri()),
        "prgn-client-id",
        secret,
    );
    config.retry = exact_policy().with_max_attempts(2);
    let oauth = Arc::new(ClientCredentials::new(
        config,
        profile.clone(),
        transport.clone(),
        clock.clone(),
    ));
    let client = Client::builder(profile)
        .base_url(server.uri())
        .transport(transport)
        .auth(Auth::oauth(oauth.clone()))
        .retry(exact_policy())
        .clock(clock.clone())
        .build()
        .unwrap();
    Ups {
        client,
        oauth,
        clock,
    }
}

fn rate_request() -> Request {
    Request::post("rate", RATE_PATH)
        .json(&serde_json::json!({"RateRequest": {}}))
        .unwrap()
}

/// Sends `n` rating calls at once and returns their results.
async fn concurrently(client: &Client, n: usize) -> Vec<Result<(), ErrorKind>> {
    let mut calls = JoinSet::new();
    for _ in 0..n {
        let client = client.clone();
        calls.spawn(async move {
            client
                .send(rate_request())
                .await
                .map(drop)
                .map_err(|e| e.kind().clone())
        });
    }
    calls.join_all().await
}

/// B08: an empty cache and 50 concurrent calls cost one token request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn b08_fifty_callers_one_token_request() {
    let server = MockServer::start().await;
    let slow = token_reply("prgn-access-token-A").set_delay(Duration::from_millis(300));
    token_endpoint(&server, slow, 1, 1).await;
    rating(&server, "prgn-access-token-A", rated(), 50).await;
    let results = concurrently(&ups(&server).client, 50).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
}

/// 100 concurrent calls find the cached token expired: one refresh between them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_callers_with_an_expired_token_refresh_once() {
    let server = MockServer::start().await;
    token_endpoint(&server, token_reply("prgn-access-token-A"), 1, 1).await;
    let slow_b = token_reply("prgn-access-token-B").set_delay(Duration::from_millis(300));
    token_endpoint(&server, slow_b, 1, 2).await;
    rating(&server, "prgn-access-token-A", rated(), 1).await;
    rating(&server, "prgn-access-token-B", rated(), 100).await;
    let ups = ups(&server);
    ups.client.send(rate_request()).await.unwrap();
    ups.clock.set_unix(T0 + 14_399 + 1);
    let results = concurrently(&ups.client, 100).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
}

/// B08, outage variant: one 503 is retried once inside the shared fetch.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn b08_an_outage_is_retried_once_for_everyone() {
    let server = MockServer::start().await;
    let outage = r#"{"response":{"errors":[{"code":"10001","message":"mock outage"}]}}"#;
    let unavailable = ResponseTemplate::new(503).set_body_raw(outage, "application/json");
    token_endpoint(&server, unavailable, 1, 1).await;
    let slow = token_reply("prgn-access-token-A").set_delay(Duration::from_millis(200));
    token_endpoint(&server, slow, 1, 2).await;
    rating(&server, "prgn-access-token-A", rated(), 50).await;
    let results = concurrently(&ups(&server).client, 50).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
}

/// B08, quota variant: a 429 is honoured once, centrally.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn b08_a_quota_answer_is_honoured_once() {
    let server = MockServer::start().await;
    let quota = ResponseTemplate::new(429).insert_header("Retry-After", "0.2");
    token_endpoint(&server, quota, 1, 1).await;
    token_endpoint(&server, token_reply("prgn-access-token-A"), 1, 2).await;
    rating(&server, "prgn-access-token-A", rated(), 20).await;
    let results = concurrently(&ups(&server).client, 20).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
}

/// A refused token request fails every waiter alike, and is not remembered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_fetch_is_shared_but_not_cached() {
    let server = MockServer::start().await;
    let refused = ResponseTemplate::new(401)
        .set_body_raw(BAD_AUTH, "application/json")
        .set_delay(Duration::from_millis(200));
    token_endpoint(&server, refused, 1, 1).await;
    token_endpoint(&server, token_reply("prgn-access-token-A"), 1, 2).await;
    rating(&server, "prgn-access-token-A", rated(), 1).await;
    let ups = ups(&server);
    let results = concurrently(&ups.client, 10).await;
    let refused = ErrorKind::Authentication {
        credential: Some(SecretOrigin::Value),
    };
    assert!(
        results.iter().all(|r| r.as_ref() == Err(&refused)),
        "{results:?}"
    );
    ups.client.send(rate_request()).await.unwrap();
}

/// B09: the token is replaced inside the 60 s buffer before it expires.
#[tokio::test]
async fn b09_proactive_refresh_inside_the_buffer() {
    let server = MockServer::start().await;
    token_endpoint(&server, token_reply("prgn-access-token-A"), 1, 1).await;
    token_endpoint(&server, token_reply("prgn-access-token-B"), 1, 2).await;
    rating(&server, "prgn-access-token-A", rated(), 1).await;
    rating(&server, "prgn-access-token-B", rated(), 1).await;
    let ups = ups(&server);
    ups.client.send(rate_request()).await.unwrap();
    ups.clock.set_unix(T0 + 14_399 - 30);
    ups.client.send(rate_request()).await.unwrap();
}

/// B09: a 401 on a token the cache thinks valid causes one refresh and one replay.
#[tokio::test]
async fn b09_a_401_refreshes_once_and_replays_once() {
    let server = MockServer::start().await;
    token_endpoint(&server, token_reply("prgn-access-token-A"), 1, 1).await;
    token_endpoint(&server, token_reply("prgn-access-token-B"), 1, 2).await;
    let unauthorized = ResponseTemplate::new(401).set_body_raw(BAD_AUTH, "application/json");
    rating(&server, "prgn-access-token-A", unauthorized, 1).await;
    rating(&server, "prgn-access-token-B", rated(), 1).await;
    let ups = ups(&server);
    ups.clock.set_unix(T0 + 100);
    let response = ups.client.send(rate_request()).await.unwrap();
    assert_eq!(response.status(), 200);
}

/// B09: a second 401 is an authentication error carrying the provider's code; no loop.
#[tokio::test]
async fn b09_a_second_401_is_an_authentication_error() {
    let server = MockServer::start().await;
    token_endpoint(&server, token_reply("prgn-access-token-A"), 1, 1).await;
    token_endpoint(&server, token_reply("prgn-access-token-B"), 1, 2).await;
    for token in ["prgn-access-token-A", "prgn-access-token-B"] {
        let unauthorized = ResponseTemplate::new(401).set_body_raw(BAD_AUTH, "application/json");
        rating(&server, token, unauthorized, 1).await;
    }
    let err = ups(&server).client.send(rate_request()).await.unwrap_err();
    let expected = ErrorKind::Authentication {
        credential: Some(SecretOrigin::Value),
    };
    assert_eq!(err.kind(), &expected);
    assert_eq!(err.detail().unwrap().code.as_deref(), Some("250002"));
    assert!(!err.is_retryable());
}

/// B09: `expires_in` that is not a number is a typed error, and nothing is called.
#[tokio::test]
async fn b09_a_nonsense_lifetime_is_a_typed_error() {
    let server = MockServer::start().await;
    let body = token_body("prgn-access-token-A", r#""abc""#);
    let reply = ResponseTemplate::new(200).set_body_raw(body, "application/json");
    token_endpoint(&server, reply, 1, 1).await;
    rating(&server, "prgn-access-token-A", rated(), 0).await;
    let err = ups(&server).client.send(rate_request()).await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::InvalidTokenResponse { .. }),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains("prgn-access-token"));
    let numeric = ResponseTemplate::new(200).set_body_raw(
        token_body("prgn-access-token-A", "14399"),
        "application/json",
    );
    server.verify().await;
    server.reset().await;
    token_endpoint(&server, numeric, 1, 1).await;
    let token = ups(&server).oauth.token().await.unwrap();
    let t0 = std::time::UNIX_EPOCH + Duration::from_secs(T0 as u64);
    assert_eq!(token.expires_at(), Some(t0 + Duration::from_secs(14_399)));
}

/// Dropping a token after a 401 leaves a newer one fetched by another task in place.
#[tokio::test]
async fn invalidating_an_old_token_keeps_the_new_one() {
    let server = MockServer::start().await;
    token_endpoint(&server, token_reply("prgn-access-token-A"), 1, 1).await;
    token_endpoint(&server, token_reply("prgn-access-token-B"), 1, 2).await;
    let ups = ups(&server);
    let a = ups.oauth.token().await.unwrap();
    ups.clock.set_unix(T0 + 14_399);
    let b = ups.oauth.token().await.unwrap();
    ups.oauth.invalidate(&a).await;
    let still = ups.oauth.token().await.unwrap();
    assert!(Arc::ptr_eq(&b, &still));
    assert_eq!(still.secret().expose(), "prgn-access-token-B");
}
