//! The Shopify simulator driven by proign-shopify's own clients: install, GraphQL
//! operations, throttling, injected failures and signed webhook delivery.

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use bytes::Bytes;
use futures_util::TryStreamExt as _;
use proign_core::secret::Secret;
use proign_core::webhook::WebhookVerifier;
use proign_shopify::admin::{AdminClient, FulfillmentCreate, TrackingInfo};
use proign_shopify::install::{Install, InstallState};
use proign_shopify::topics::{Event, Payload};
use proign_shopify::webhook::ShopifyVerifier;
use proign_shopify::{Error, ShopDomain};
use proign_testkit::sim::shopify::{CLIENT_ID, SHOP, ShopifySim};
use tokio::sync::mpsc;

async fn receiver() -> (String, mpsc::UnboundedReceiver<(HeaderMap, Bytes)>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = Router::new()
        .route(
            "/webhooks",
            post(
                |State(tx): State<mpsc::UnboundedSender<(HeaderMap, Bytes)>>,
                 headers: HeaderMap,
                 body: Bytes| async move {
                    let _ = tx.send((headers, body));
                    StatusCode::OK
                },
            ),
        )
        .with_state(tx);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, rx)
}

async fn installed(sim: &ShopifySim) -> AdminClient {
    let install = Install::new(
        CLIENT_ID,
        sim.client_secret(),
        "https://app.example.test/callback",
    )
    .unwrap()
    .scopes(["read_orders", "write_fulfillments"])
    .base_url(sim.base_url());
    let shop: ShopDomain = SHOP.parse().unwrap();
    let state = InstallState::generate();
    let location = sim.approve(&install.authorize_url(&shop, &state)).unwrap();
    let query = location.split_once('?').unwrap().1;
    let callback = install.verify_callback(query, &state).unwrap();
    let token = install.exchange_code(&callback).await.unwrap();
    assert!(token.scopes.contains(&"write_fulfillments".to_owned()));
    // A code works once.
    assert!(install.exchange_code(&callback).await.is_err());
    AdminClient::builder(token.shop, token.access_token)
        .base_url(sim.base_url())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn install_list_fulfil_and_receive_the_webhook() {
    let sim = ShopifySim::start().await;
    let client = installed(&sim).await;
    let (url, mut deliveries) = receiver().await;

    assert_eq!(client.shop_info().await.unwrap().myshopify_domain, SHOP);
    let subscription = client
        .create_webhook_subscription("fulfillments/create", &url)
        .await
        .unwrap();
    assert_eq!(client.webhook_subscriptions().await.unwrap().len(), 1);
    let again = client
        .create_webhook_subscription("fulfillments/create", &url)
        .await
        .unwrap_err();
    assert!(matches!(again, Error::UserErrors { .. }), "{again:?}");

    let orders: Vec<_> = client
        .orders(Some("fulfillment_status:unfulfilled".into()), 2)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(orders.len(), 3);
    let order = &orders[1];
    let fulfillment_orders = client.fulfillment_orders(&order.id).await.unwrap().unwrap();
    let tracking = TrackingInfo::new("UPS", "1Z999AA10123456784")
        .with_url("https://www.ups.com/track?tracknum=1Z999AA10123456784");
    let input = FulfillmentCreate::all_of(&fulfillment_orders[0].id, tracking);
    let fulfillment = client.create_fulfillment(&input).await.unwrap();
    assert_eq!(fulfillment.status.as_str(), "SUCCESS");
    let twice = client.create_fulfillment(&input).await.unwrap_err();
    assert!(matches!(twice, Error::UserErrors { .. }), "{twice:?}");
    let refreshed = client.order(&order.id).await.unwrap().unwrap();
    assert_eq!(refreshed.display_fulfillment_status.as_str(), "FULFILLED");

    let (headers, body) = tokio::time::timeout(Duration::from_secs(5), deliveries.recv())
        .await
        .unwrap()
        .unwrap();
    let verifier = ShopifyVerifier::new([&sim.client_secret()]).unwrap();
    let event = Event::from_delivery(verifier.verify(&headers, body).unwrap()).unwrap();
    let Payload::FulfillmentsCreate(payload) = event.payload() else {
        panic!("{:?}", event.payload())
    };
    assert_eq!(
        payload.tracking_number.as_deref(),
        Some("1Z999AA10123456784")
    );
    assert_eq!(
        payload.order_id.to_string(),
        order.id.rsplit('/').next().unwrap()
    );
    assert!(event.triggered_at().is_some());
    assert!(event.event_id().is_some());
    // The simulator records the answer once the receiver's response has arrived.
    let mut sent = sim.sent_webhooks();
    for _ in 0..100 {
        if !sent.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        sent = sim.sent_webhooks();
    }
    assert_eq!(sent[0].topic, "fulfillments/create");
    assert_eq!(sent[0].status, Some(200));

    let deleted = client
        .delete_webhook_subscription(&subscription.id)
        .await
        .unwrap();
    assert_eq!(deleted, subscription.id);
    let recorded = sim.requests();
    assert!(recorded.iter().all(|r| {
        r.headers
            .get("x-shopify-access-token")
            .is_none_or(|v| v == "[redacted]")
    }));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_bucket_throttles_and_the_client_waits() {
    let sim = ShopifySim::start().await;
    let client = AdminClient::builder(SHOP.parse().unwrap(), sim.issue_token())
        .base_url(sim.base_url())
        .build()
        .unwrap();
    // The product query costs 103; 50 points come back per second.
    sim.set_available(0.0);
    let started = std::time::Instant::now();
    let product = client
        .product("gid://shopify/Product/632910392")
        .await
        .unwrap()
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(2000),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(product.variants.len(), 2);
    let graphql = sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("graphql.json"))
        .count();
    assert_eq!(graphql, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn injected_failures_and_bad_tokens() {
    let sim = ShopifySim::start().await;
    let client = AdminClient::builder(SHOP.parse().unwrap(), sim.issue_token())
        .base_url(sim.base_url())
        .build()
        .unwrap();
    sim.fail_next(1, 503, r#"{"errors":"Service Unavailable"}"#);
    assert_eq!(client.shop_info().await.unwrap().currency_code, "USD");

    let stranger = AdminClient::builder(
        SHOP.parse().unwrap(),
        Secret::new("shpat_not_issued").unwrap(),
    )
    .base_url(sim.base_url())
    .build()
    .unwrap();
    let Error::Http(error) = stranger.shop_info().await.unwrap_err() else {
        panic!()
    };
    assert_eq!(error.status(), Some(401));
}

#[tokio::test(flavor = "multi_thread")]
async fn new_orders_are_delivered_as_orders_create() {
    let sim = ShopifySim::start().await;
    let client = AdminClient::builder(SHOP.parse().unwrap(), sim.issue_token())
        .base_url(sim.base_url())
        .build()
        .unwrap();
    let (url, mut deliveries) = receiver().await;
    client
        .create_webhook_subscription("ORDERS_CREATE", &url)
        .await
        .unwrap();
    let id = sim.create_order("new@example.test", "41.25").await;
    let (headers, body) = deliveries.recv().await.unwrap();
    let verifier = ShopifyVerifier::new([&sim.client_secret()]).unwrap();
    let event = Event::from_delivery(verifier.verify(&headers, body).unwrap()).unwrap();
    let order = event.payload().order().unwrap();
    assert_eq!(order.admin_graphql_api_id.as_deref(), Some(id.as_str()));
    assert_eq!(order.total_price, Some("41.25".parse().unwrap()));
}
