//! The sandbox: its webhooks, their signatures, the re-delivery and the fault knobs.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use bytes::Bytes;
use proign_core::Provider;
use proign_core::webhook::WebhookVerifier;
use proign_shopify::webhook::ShopifyVerifier;
use proign_testkit::sandbox::Sandbox;

type Seen = Arc<Mutex<Vec<(String, u16)>>>;

/// A receiver on loopback that verifies Shopify deliveries and records webhook ids and the
/// status it answered.
async fn receiver(secret: proign_core::secret::Secret) -> (String, Seen) {
    let verifier = Arc::new(ShopifyVerifier::new([&secret]).unwrap());
    let seen: Seen = Arc::default();
    let state = (verifier, seen.clone());
    let app = axum::Router::new()
        .route(
            "/webhooks/shopify",
            post(
                |State((verifier, seen)): State<(Arc<ShopifyVerifier>, Seen)>,
                 headers: HeaderMap,
                 body: Bytes| async move {
                    let id = headers
                        .get("x-shopify-webhook-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    let status = match verifier.verify(&headers, body) {
                        Ok(_) => StatusCode::OK,
                        Err(_) => StatusCode::UNAUTHORIZED,
                    };
                    seen.lock().unwrap().push((id, status.as_u16()));
                    status
                },
            ),
        )
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

#[tokio::test]
async fn an_order_is_delivered_signed_redelivered_unchanged_and_a_forgery_fails() {
    let sandbox = Sandbox::start().await;
    let secret = sandbox
        .credential(Provider::Shopify, "client_secret")
        .unwrap();
    let (url, seen) = receiver(secret).await;
    let hook = format!("{url}/webhooks/shopify");
    let token = sandbox
        .credential(Provider::Shopify, "access_token")
        .unwrap();
    let client = proign_shopify::admin::AdminClient::builder(
        proign_testkit::sim::shopify::SHOP.parse().unwrap(),
        token,
    )
    .base_url(sandbox.base_url(Provider::Shopify))
    .build()
    .unwrap();
    client
        .create_webhook_subscription("orders/create", &hook)
        .await
        .unwrap();

    sandbox
        .shopify
        .place_order("ada@example.test", "Standard")
        .await;
    let sent = sandbox.shopify.sent_webhooks();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].status, Some(200));
    assert_eq!(
        sandbox.shopify.redeliver(&sent[0].webhook_id).await,
        Some(200)
    );
    assert_eq!(sandbox.shopify.redeliver("no-such-id").await, None);
    assert_eq!(sandbox.send_forged(&hook).await, Some(401));

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    assert_eq!(
        seen[0], seen[1],
        "the re-delivery carries the same webhook id"
    );
    assert_eq!(seen[2].1, 401);
}

#[tokio::test]
async fn fault_knobs_fail_only_what_they_name() {
    let sandbox = Sandbox::start().await;
    sandbox.fail_ups_shipments(1);
    sandbox.throttle_resend_once(2);
    let http = reqwest::Client::new();

    let ups = sandbox.base_url(Provider::Ups);
    let token = http
        .post(format!("{ups}/security/v1/oauth/token"))
        .basic_auth("id", Some("secret"))
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), 200, "a token call is not a shipment call");
    let ship = http
        .post(format!("{ups}/api/shipments/v2409/ship"))
        .send()
        .await
        .unwrap();
    assert_eq!(ship.status(), 503);

    let resend = sandbox.base_url(Provider::Resend);
    let email = http
        .post(format!("{resend}/emails"))
        .header("idempotency-key", "k-1")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(email.status(), 429);
    assert_eq!(email.headers()["retry-after"], "2");
    let calls = sandbox.resend.requests();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].idempotency_key.as_deref(), Some("k-1"));
}
