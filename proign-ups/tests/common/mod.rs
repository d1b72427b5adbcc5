//! Shared set-up for the UPS client's wiremock tests.
#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::time::Duration;

use proign_core::auth::Credential;
use proign_core::clock::SharedClock;
use proign_core::retry::RetryPolicy;
use proign_core::secret::Secret;
use proign_ups::{UpsClient, UpsConfig};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

/// The made-up client id and secret of the field cases.
pub const CLIENT_ID: &str = "prgn-client-id";
pub const CLIENT_SECRET: &str = "prgn-client-secret";
pub const BASIC: &str = "Basic cHJnbi1jbGllbnQtaWQ6cHJnbi1jbGllbnQtc2VjcmV0";

/// A fixture file's text.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A fixture as a JSON response.
pub fn json(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json")
}

/// The token response of field case B08 with `access_token` replaced.
pub fn token_body(token: &str) -> String {
    fixture("token.json").replace("prgn-access-token-A", token)
}

/// The token endpoint mock of field case B08: checks the credentials, content type and
/// grant, answers `token`.
pub fn token_mock(token: &str) -> Mock {
    token_request().respond_with(
        ResponseTemplate::new(200).set_body_raw(token_body(token), "application/json"),
    )
}

/// The token request field case B08 expects.
pub fn token_request() -> MockBuilder {
    Mock::given(method("POST"))
        .and(path("/security/v1/oauth/token"))
        .and(header("authorization", BASIC))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("grant_type=client_credentials"))
}

/// A configuration pointed at `server` with short retry delays.
pub fn config(server: &MockServer) -> UpsConfig {
    let secret = Credential::new(Secret::new(CLIENT_SECRET).unwrap());
    let fast = RetryPolicy::default()
        .with_base_delay(Duration::from_millis(10))
        .with_max_delay(Duration::from_millis(50));
    UpsConfig::new(CLIENT_ID, secret)
        .base_url(server.uri())
        .transaction_src("proign-tests")
        .retry(fast)
        .token_retry(fast.with_max_attempts(2))
        .timeout(Duration::from_secs(5))
}

/// A client for `server`.
pub fn client(server: &MockServer) -> UpsClient {
    UpsClient::new(config(server)).unwrap()
}

/// A client for `server` reading time from `clock`.
pub fn client_at(server: &MockServer, clock: SharedClock) -> UpsClient {
    UpsClient::new(config(server).clock(clock)).unwrap()
}

/// A mock server with the token endpoint answering token A (any number of times).
pub async fn server_with_token() -> MockServer {
    let server = MockServer::start().await;
    token_mock("prgn-access-token-A").mount(&server).await;
    server
}

pub fn arc<T>(value: T) -> Arc<T> {
    Arc::new(value)
}
