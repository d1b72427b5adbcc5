//! The install flow against a local token endpoint: callbacks that are valid, tampered,
//! stale, for the wrong host or with the wrong state, and the three token grants.

mod common;

use std::sync::Arc;

use common::fixture;
use proign_core::clock::FixedClock;
use proign_core::secret::Secret;
use proign_core::webhook::VerifyError;
use proign_shopify::install::{Install, InstallError, InstallState, RequestedToken};
use proign_shopify::query::sign_query;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const T0: i64 = 1_767_225_600;
const CLIENT_SECRET: &str = "made_up_client_secret_DONOTLOG";
const STATE: &str = "6f1c2a9e0d3b4c5f8a7e6d5c4b3a2910";

fn secret() -> Secret {
    Secret::new(CLIENT_SECRET).unwrap()
}

fn install(server: &MockServer) -> Install {
    Install::new(
        "prgn-client-id",
        secret(),
        "https://app.example.test/shopify/callback",
    )
    .unwrap()
    .scopes(["read_orders", "write_fulfillments"])
    .base_url(server.uri())
    .clock(FixedClock::at_unix(T0 + 10) as Arc<_>)
}

fn callback(shop: &str, timestamp: i64) -> String {
    let query = format!(
        "code=0907a61c0c8d55e99db179b68161bc00&shop={shop}&state={STATE}&timestamp={timestamp}"
    );
    sign_query(&secret(), &query).unwrap()
}

fn state() -> InstallState {
    InstallState::from_stored(STATE)
}

async fn token_endpoint(server: &MockServer, body: &str, file: &str, calls: u64) {
    Mock::given(method("POST"))
        .and(path("/admin/oauth/access_token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("client_id=prgn-client-id"))
        .and(body_string_contains(format!(
            "client_secret={CLIENT_SECRET}"
        )))
        .and(body_string_contains(body))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture(file)))
        .expect(calls)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_valid_callback_is_exchanged_for_an_offline_token() {
    let server = MockServer::start().await;
    token_endpoint(
        &server,
        "code=0907a61c0c8d55e99db179b68161bc00",
        "install/offline_token.json",
        1,
    )
    .await;
    let install = install(&server);

    let callback = install
        .verify_callback(&callback("prgn-test.myshopify.com", T0), &state())
        .unwrap();
    assert_eq!(callback.shop.as_str(), "prgn-test.myshopify.com");
    assert_eq!(callback.timestamp, T0);
    assert!(!format!("{callback:?}").contains("0907a61c"));

    let token = install.exchange_code(&callback).await.unwrap();
    assert_eq!(
        token.access_token.expose(),
        "shpat_prgn_made_up_offline_DONOTLOG"
    );
    assert_eq!(
        token.scopes,
        ["read_orders", "write_fulfillments", "write_inventory"]
    );
    assert_eq!(token.expires_in, None);
    assert!(!format!("{token:?}").contains("DONOTLOG"));
}

#[tokio::test]
async fn the_authorize_url_names_client_scopes_redirect_and_state() {
    let server = MockServer::start().await;
    let shop = "prgn-test.myshopify.com".parse().unwrap();
    let url = install(&server).authorize_url(&shop, &state());
    assert_eq!(
        url,
        format!(
            "{}/admin/oauth/authorize?client_id=prgn-client-id\
             &scope=read_orders%2Cwrite_fulfillments\
             &redirect_uri=https%3A%2F%2Fapp.example.test%2Fshopify%2Fcallback&state={STATE}",
            server.uri()
        )
    );
    assert_ne!(InstallState::generate(), InstallState::generate());
    assert_eq!(InstallState::generate().as_str().len(), 32);
}

#[tokio::test]
async fn a_tampered_callback_is_refused() {
    let server = MockServer::start().await;
    token_endpoint(&server, "code=", "install/offline_token.json", 0).await;
    let signed = callback("prgn-test.myshopify.com", T0);
    let tampered = signed.replace("code=0907a61c", "code=1907a61c");
    let error = install(&server)
        .verify_callback(&tampered, &state())
        .unwrap_err();
    assert!(
        matches!(error, InstallError::Query(VerifyError::SignatureMismatch)),
        "{error:?}"
    );
    let unsigned = signed.split("&hmac=").next().unwrap().to_owned();
    let error = install(&server)
        .verify_callback(&unsigned, &state())
        .unwrap_err();
    assert!(matches!(error, InstallError::Query(_)), "{error:?}");
}

#[tokio::test]
async fn a_stale_or_future_callback_is_refused() {
    let server = MockServer::start().await;
    for timestamp in [T0 - 120, T0 + 200] {
        let error = install(&server)
            .verify_callback(&callback("prgn-test.myshopify.com", timestamp), &state())
            .unwrap_err();
        assert!(
            matches!(
                error,
                InstallError::Query(
                    VerifyError::TimestampTooOld { .. } | VerifyError::TimestampInFuture { .. }
                )
            ),
            "{timestamp}: {error:?}"
        );
    }
}

#[tokio::test]
async fn a_validly_signed_callback_for_another_host_is_refused() {
    let server = MockServer::start().await;
    for shop in [
        "evil.example.test",
        "prgn-test.myshopify.com.evil.test",
        "evil.test%2Fx.myshopify.com",
    ] {
        let error = install(&server)
            .verify_callback(&callback(shop, T0), &state())
            .unwrap_err();
        assert!(
            matches!(error, InstallError::InvalidShop(_)),
            "{shop}: {error:?}"
        );
    }
}

#[tokio::test]
async fn a_callback_with_another_state_is_refused() {
    let server = MockServer::start().await;
    let other = InstallState::from_stored("6f1c2a9e0d3b4c5f8a7e6d5c4b3a2911");
    let error = install(&server)
        .verify_callback(&callback("prgn-test.myshopify.com", T0), &other)
        .unwrap_err();
    assert!(matches!(error, InstallError::StateMismatch), "{error:?}");
    let empty = InstallState::from_stored("");
    let error = install(&server)
        .verify_callback(&callback("prgn-test.myshopify.com", T0), &empty)
        .unwrap_err();
    assert!(matches!(error, InstallError::StateMismatch), "{error:?}");
}

#[tokio::test]
async fn client_credentials_grant() {
    let server = MockServer::start().await;
    token_endpoint(
        &server,
        "grant_type=client_credentials",
        "install/client_credentials_token.json",
        1,
    )
    .await;
    let shop = "prgn-test.myshopify.com".parse().unwrap();
    let token = install(&server).client_credentials(&shop).await.unwrap();
    assert_eq!(
        token.expires_in,
        Some(std::time::Duration::from_secs(86399))
    );
    assert_eq!(token.scopes, ["read_orders"]);
}

#[tokio::test]
async fn token_exchange_grant() {
    let server = MockServer::start().await;
    token_endpoint(
        &server,
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange\
         &client_id=prgn-client-id",
        "install/online_token.json",
        1,
    )
    .await;
    let shop = "prgn-test.myshopify.com".parse().unwrap();
    let session = Secret::new("eyJhbGciOiJIUzI1NiJ9.made-up.session").unwrap();
    let token = install(&server)
        .token_exchange(&shop, &session, RequestedToken::Online)
        .await
        .unwrap();
    assert_eq!(token.associated_user.unwrap()["id"], 902541635);
    let received = &server.received_requests().await.unwrap()[0];
    let body = String::from_utf8_lossy(&received.body);
    assert!(body.contains("subject_token=eyJhbGciOiJIUzI1NiJ9.made-up.session"));
    assert!(body.contains(
        "requested_token_type=urn%3Ashopify%3Aparams%3Aoauth%3Atoken-type%3Aonline-access-token"
    ));
}

#[tokio::test]
async fn a_refused_code_is_a_typed_error_without_secrets() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/admin/oauth/access_token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "error": "invalid_request",
            "error_description": "The authorization code was not found or was already used"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let install = install(&server);
    let callback = install
        .verify_callback(&callback("prgn-test.myshopify.com", T0), &state())
        .unwrap();
    let error = install.exchange_code(&callback).await.unwrap_err();
    let InstallError::Token(http) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(http.status(), Some(400));
    assert_eq!(
        http.detail().unwrap().code.as_deref(),
        Some("invalid_request")
    );
    assert!(!format!("{error:?} {error}").contains("DONOTLOG"));
}
