//! Every typed Admin GraphQL operation against a local server: the request it sends and the
//! answer it decodes, plus pagination, `userErrors` and top-level `errors`.

mod common;

use common::{ENDPOINT, TOKEN, client, fixture};
use futures_util::TryStreamExt as _;
use proign_shopify::Error;
use proign_shopify::admin::{
    FulfillmentCreate, InventoryAdjustment, InventoryChange, TrackingInfo,
};
use rust_decimal::Decimal;
use serde_json::json;
use wiremock::matchers::{body_partial_json, body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn graphql(operation: &str) -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path(ENDPOINT))
        .and(header("x-shopify-access-token", TOKEN))
        .and(header("content-type", "application/json"))
        .and(body_string_contains(operation))
}

fn answer(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(fixture(&format!("graphql/{name}")))
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[tokio::test]
async fn shop_info() {
    let server = MockServer::start().await;
    graphql("ProignShop")
        .respond_with(answer("shop.json"))
        .expect(1)
        .mount(&server)
        .await;
    let shop = client(&server).shop_info().await.unwrap();
    assert_eq!(shop.name, "Prgn Test Store");
    assert_eq!(shop.myshopify_domain, "prgn-test.myshopify.com");
    assert_eq!(shop.currency_code, "USD");
    assert!(shop.extra.contains_key("primaryDomain"));
}

#[tokio::test]
async fn order_by_id_and_a_missing_one() {
    let server = MockServer::start().await;
    let id = "gid://shopify/Order/820982911946154508";
    graphql("ProignOrder(")
        .and(body_partial_json(json!({ "variables": { "id": id } })))
        .respond_with(answer("order.json"))
        .expect(1)
        .mount(&server)
        .await;
    graphql("ProignOrder(")
        .and(body_partial_json(
            json!({ "variables": { "id": "gid://shopify/Order/1" } }),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "data": { "order": null } })),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let order = client.order(id).await.unwrap().unwrap();
    assert_eq!(order.id, id);
    assert_eq!(order.name, "#1008");
    assert_eq!(order.total_price_set.shop_money.amount, dec("207.00"));
    assert_eq!(order.total_price_set.shop_money.currency_code, "USD");
    let presented = order.total_price_set.presentment_money.unwrap();
    assert_eq!(
        (presented.amount, presented.currency_code.as_str()),
        (dec("191.50"), "EUR")
    );
    assert_eq!(order.display_financial_status.unwrap().as_str(), "PAID");
    assert_eq!(order.line_items.len(), 1);
    assert_eq!(
        order.line_items[0].variant_id(),
        Some("gid://shopify/ProductVariant/49148385")
    );
    assert_eq!(order.created_at.to_rfc3339(), "2026-01-01T10:00:00+00:00");

    assert_eq!(client.order("gid://shopify/Order/1").await.unwrap(), None);
}

#[tokio::test]
async fn orders_stream_follows_cursors_across_three_pages() {
    let server = MockServer::start().await;
    let search = "financial_status:paid";
    let pages = [
        (json!(null), "orders_page1.json"),
        (json!("eyJsYXN0X2lkIjoyfQ=="), "orders_page2.json"),
        (json!("eyJsYXN0X2lkIjo0fQ=="), "orders_page3.json"),
    ];
    for (after, file) in pages {
        graphql("ProignOrders")
            .and(body_partial_json(json!({
                "variables": { "first": 2, "after": after, "query": search }
            })))
            .respond_with(answer(file))
            .expect(1)
            .mount(&server)
            .await;
    }
    let orders: Vec<_> = client(&server)
        .orders(Some(search.into()), 2)
        .try_collect()
        .await
        .unwrap();
    let names: Vec<&str> = orders.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["#1001", "#1002", "#1003", "#1004", "#1005"]);
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let server = MockServer::start().await;
    graphql("ProignOrders")
        .and(body_partial_json(json!({ "variables": { "after": null } })))
        .respond_with(answer("orders_page1.json"))
        .expect(1)
        .mount(&server)
        .await;
    graphql("ProignOrders")
        .and(body_partial_json(
            json!({ "variables": { "after": "eyJsYXN0X2lkIjoyfQ==" } }),
        ))
        .respond_with(answer("access_denied.json"))
        .expect(1)
        .mount(&server)
        .await;
    let mut stream = std::pin::pin!(client(&server).orders(None, 2));
    assert!(stream.try_next().await.unwrap().is_some());
    assert!(stream.try_next().await.unwrap().is_some());
    let error = stream.try_next().await.unwrap_err();
    assert!(matches!(error, Error::GraphQl { .. }), "{error:?}");
}

#[tokio::test]
async fn fulfillment_orders_then_fulfillment_with_tracking() {
    let server = MockServer::start().await;
    graphql("ProignFulfillmentOrders")
        .and(body_partial_json(
            json!({ "variables": { "id": "gid://shopify/Order/820982911946154508" } }),
        ))
        .respond_with(answer("fulfillment_orders.json"))
        .expect(1)
        .mount(&server)
        .await;
    graphql("ProignFulfillmentCreate")
        .and(body_partial_json(json!({ "variables": { "fulfillment": {
            "lineItemsByFulfillmentOrder": [
                { "fulfillmentOrderId": "gid://shopify/FulfillmentOrder/1046000780" }
            ],
            "trackingInfo": {
                "company": "UPS",
                "number": "1Z999AA10123456784",
                "url": "https://www.ups.com/track?tracknum=1Z999AA10123456784"
            },
            "notifyCustomer": true
        } } })))
        .respond_with(answer("fulfillment_create.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let orders = client
        .fulfillment_orders("gid://shopify/Order/820982911946154508")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(orders.len(), 1);
    let order = &orders[0];
    assert_eq!(order.status.as_str(), "OPEN");
    assert_eq!(
        order.location_id(),
        Some("gid://shopify/Location/124656943")
    );
    assert_eq!(order.line_items[0].remaining_quantity, 1);

    let tracking = TrackingInfo::new("UPS", "1Z999AA10123456784")
        .with_url("https://www.ups.com/track?tracknum=1Z999AA10123456784");
    let input = FulfillmentCreate::all_of(&order.id, tracking).notify_customer(true);
    let fulfillment = client.create_fulfillment(&input).await.unwrap();
    assert_eq!(fulfillment.id, "gid://shopify/Fulfillment/1069019881");
    assert_eq!(fulfillment.status.as_str(), "SUCCESS");
    assert_eq!(
        fulfillment.tracking_info[0].number.as_deref(),
        Some("1Z999AA10123456784")
    );
}

#[tokio::test]
async fn user_errors_are_errors_not_successes() {
    let server = MockServer::start().await;
    graphql("ProignFulfillmentCreate")
        .respond_with(answer("fulfillment_create_user_errors.json"))
        .expect(1)
        .mount(&server)
        .await;
    graphql("ProignInventoryAdjust")
        .respond_with(answer("inventory_adjust_user_errors.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let input =
        FulfillmentCreate::all_of("gid://shopify/FulfillmentOrder/1", TrackingInfo::default());
    match client.create_fulfillment(&input).await {
        Err(Error::UserErrors { operation, errors }) => {
            assert_eq!(operation, "fulfillment_create");
            assert_eq!(errors[0].message, "Fulfillment order does not exist.");
            assert_eq!(errors[0].field.as_ref().unwrap()[0], "fulfillment");
        }
        other => panic!("{other:?}"),
    }

    let change = InventoryChange {
        inventory_item_id: "gid://shopify/InventoryItem/30322695".into(),
        location_id: "gid://shopify/Location/1".into(),
        delta: -2,
    };
    let error = client
        .adjust_inventory(&InventoryAdjustment::available("correction", vec![change]))
        .await
        .unwrap_err();
    match &error {
        Error::UserErrors { errors, .. } => {
            assert_eq!(errors[0].code.as_deref(), Some("INVALID_LOCATION"))
        }
        other => panic!("{other:?}"),
    }
    assert!(
        error.to_string().contains("input.changes.0.locationId"),
        "{error}"
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn inventory_levels_and_adjustment() {
    let server = MockServer::start().await;
    let item = "gid://shopify/InventoryItem/30322695";
    graphql("ProignInventoryLevels")
        .and(body_partial_json(json!({ "variables": { "id": item } })))
        .respond_with(answer("inventory_levels.json"))
        .expect(1)
        .mount(&server)
        .await;
    graphql("ProignInventoryAdjust")
        .and(body_partial_json(json!({ "variables": { "input": {
            "reason": "correction",
            "name": "available",
            "changes": [{
                "inventoryItemId": item,
                "locationId": "gid://shopify/Location/124656943",
                "delta": -2
            }]
        } } })))
        .respond_with(answer("inventory_adjust.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let levels = client.inventory_levels(item).await.unwrap().unwrap();
    assert_eq!(levels[0].location_name(), Some("Main warehouse"));
    assert_eq!(levels[0].quantity("available"), Some(8));
    assert_eq!(levels[0].quantity("on_hand"), Some(10));

    let change = InventoryChange {
        inventory_item_id: item.into(),
        location_id: levels[0].location_id().into(),
        delta: -2,
    };
    let group = client
        .adjust_inventory(&InventoryAdjustment::available("correction", vec![change]))
        .await
        .unwrap();
    assert_eq!(group.changes[0].quantity_after_change, Some(6));
    assert_eq!(group.changes[0].inventory_item_id(), Some(item));
}

#[tokio::test]
async fn product_with_variants() {
    let server = MockServer::start().await;
    graphql("ProignProduct(")
        .respond_with(answer("product.json"))
        .expect(1)
        .mount(&server)
        .await;
    let product = client(&server)
        .product("gid://shopify/Product/632910392")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(product.status.as_str(), "ACTIVE");
    assert_eq!(product.variants.len(), 2);
    assert_eq!(product.variants[1].price, dec("199.99"));
    assert_eq!(product.variants[1].inventory_quantity, None);
    assert_eq!(
        product.variants[0].inventory_item_id(),
        Some("gid://shopify/InventoryItem/30322695")
    );
    assert!(product.extra.contains_key("onlineStoreUrl"));
}

#[tokio::test]
async fn webhook_subscriptions_create_list_delete() {
    let server = MockServer::start().await;
    let url = "https://app.example.test/webhooks/shopify";
    graphql("ProignWebhookCreate")
        .and(body_partial_json(json!({ "variables": {
            "topic": "ORDERS_CREATE",
            "webhookSubscription": { "callbackUrl": url, "format": "JSON" }
        } })))
        .respond_with(answer("webhook_create.json"))
        .expect(1)
        .mount(&server)
        .await;
    graphql("ProignWebhooks")
        .respond_with(answer("webhook_list.json"))
        .expect(1)
        .mount(&server)
        .await;
    graphql("ProignWebhookDelete")
        .and(body_partial_json(json!({ "variables": {
            "id": "gid://shopify/WebhookSubscription/1076550232"
        } })))
        .respond_with(answer("webhook_delete.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let created = client
        .create_webhook_subscription("orders/create", url)
        .await
        .unwrap();
    assert_eq!(created.topic.as_str(), "ORDERS_CREATE");
    assert_eq!(created.callback_url(), Some(url));
    let all = client.webhook_subscriptions().await.unwrap();
    let topics: Vec<&str> = all.iter().map(|s| s.topic.as_str()).collect();
    assert_eq!(topics, ["ORDERS_CREATE", "FULFILLMENTS_CREATE"]);
    let deleted = client
        .delete_webhook_subscription(&created.id)
        .await
        .unwrap();
    assert_eq!(deleted, created.id);
}

#[tokio::test]
async fn webhook_subscription_user_errors() {
    let server = MockServer::start().await;
    graphql("ProignWebhookCreate")
        .respond_with(answer("webhook_create_user_errors.json"))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .create_webhook_subscription("ORDERS_CREATE", "https://app.example.test/x")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::UserErrors { .. }), "{error:?}");
}

#[tokio::test]
async fn top_level_errors_are_typed_and_not_retried() {
    let server = MockServer::start().await;
    graphql("ProignOrders")
        .respond_with(answer("access_denied.json"))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .orders_page(None, 10, None)
        .await
        .unwrap_err();
    match &error {
        Error::GraphQl { operation, errors } => {
            assert_eq!(*operation, "list_orders");
            assert_eq!(errors[0].code(), Some("ACCESS_DENIED"));
        }
        other => panic!("{other:?}"),
    }
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn bad_answers_are_typed_errors() {
    let server = MockServer::start().await;
    graphql("ProignShop")
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_string(r#"{"data":{"shop":{"id":"gid://shopify/Shop/1","na"#),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server).shop_info().await.unwrap_err();
    match &error {
        Error::Http(e) => assert!(
            matches!(e.kind(), proign_core::http::ErrorKind::Undecodable { .. }),
            "{e:?}"
        ),
        other => panic!("{other:?}"),
    }

    let server = MockServer::start().await;
    graphql("ProignShop")
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "data": { "shop": { "id": 5 } } })),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server).shop_info().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Decode {
                operation: "shop",
                ..
            }
        ),
        "{error:?}"
    );

    let server = MockServer::start().await;
    graphql("ProignShop")
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({ "errors": "[API] Invalid API key or access token" })),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server).shop_info().await.unwrap_err();
    let Error::Http(http) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(http.status(), Some(401));
    assert!(matches!(
        http.kind(),
        proign_core::http::ErrorKind::Authentication { .. }
    ));
    assert!(!format!("{error:?} {error}").contains(TOKEN));
}

#[tokio::test]
async fn products_stream_and_search() {
    let server = MockServer::start().await;
    for (after, file) in [
        (json!(null), "products_page1.json"),
        (json!("eyJsYXN0X2lkIjo2MzI5MTAzOTJ9"), "products_page2.json"),
    ] {
        graphql("ProignProducts")
            .and(body_partial_json(json!({
                "variables": { "first": 1, "after": after, "query": "vendor:Apple" }
            })))
            .respond_with(answer(file))
            .expect(1)
            .mount(&server)
            .await;
    }
    let products: Vec<_> = client(&server)
        .products(Some("vendor:Apple".into()), 1)
        .try_collect()
        .await
        .unwrap();
    let statuses: Vec<&str> = products.iter().map(|p| p.status.as_str()).collect();
    assert_eq!(statuses, ["ACTIVE", "DRAFT"]);
    assert_eq!(products[1].handle.as_deref(), Some("ipod-touch"));
}

#[tokio::test]
async fn connect_proves_the_token_and_names_its_source() {
    use proign_core::http::{Connect as _, CredentialSource, ErrorKind};
    use proign_core::secret::SecretOrigin;
    use proign_shopify::admin::{AdminClient, AdminConfig};

    let server = MockServer::start().await;
    graphql("ProignShop")
        .respond_with(answer("shop.json"))
        .expect(1)
        .mount(&server)
        .await;
    let dir = std::env::temp_dir().join(format!("proign-shopify-connect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("token");
    std::fs::write(&good, TOKEN).unwrap();
    let mut config = AdminConfig::new(common::shop(), CredentialSource::File(good.clone()));
    config.base_url = Some(server.uri());
    let client = AdminClient::connect(config).await.unwrap();
    assert_eq!(client.shop().as_str(), "prgn-test.myshopify.com");

    let refusing = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ENDPOINT))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
        })))
        .expect(1)
        .mount(&refusing)
        .await;
    let mut config = AdminConfig::new(common::shop(), CredentialSource::File(good.clone()));
    config.base_url = Some(refusing.uri());
    let error = AdminClient::connect(config).await.unwrap_err();
    assert_eq!(
        error.kind(),
        &ErrorKind::Authentication {
            credential: Some(SecretOrigin::File(good.clone()))
        }
    );
    assert!(!format!("{error:?} {error}").contains(TOKEN));
    std::fs::remove_dir_all(&dir).unwrap();
}

fn single_attempt(server: &MockServer) -> proign_shopify::admin::AdminClient {
    proign_shopify::admin::AdminClient::builder(
        common::shop(),
        proign_core::secret::Secret::new(TOKEN).unwrap(),
    )
    .base_url(server.uri())
    .retry(proign_core::retry::RetryPolicy::never())
    .timeout(std::time::Duration::from_millis(300))
    .build()
    .unwrap()
}

#[tokio::test]
async fn an_html_error_page_and_a_timeout_are_typed_errors() {
    use proign_core::http::ErrorKind;

    let server = MockServer::start().await;
    graphql("ProignShop")
        .respond_with(ResponseTemplate::new(502).set_body_raw(
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
            "text/html",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let Error::Http(error) = single_attempt(&server).shop_info().await.unwrap_err() else {
        panic!()
    };
    match error.kind() {
        ErrorKind::Undecodable {
            content_type,
            excerpt,
        } => {
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert!(excerpt.contains("502 Bad Gateway"), "{excerpt}");
        }
        other => panic!("{other:?}"),
    }
    assert!(error.is_retryable());

    let slow = MockServer::start().await;
    graphql("ProignShop")
        .respond_with(answer("shop.json").set_delay(std::time::Duration::from_secs(2)))
        .expect(1)
        .mount(&slow)
        .await;
    let Error::Http(error) = single_attempt(&slow).shop_info().await.unwrap_err() else {
        panic!()
    };
    assert!(
        matches!(error.kind(), ErrorKind::Timeout { .. }),
        "{:?}",
        error.kind()
    );
}
