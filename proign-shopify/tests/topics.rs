//! Typed webhook topics, parsed from verified bytes, and field case B05's identity through
//! the typed API.

mod common;

use bytes::Bytes;
use common::fixture_bytes;
use http::{HeaderMap, HeaderValue};
use proign_core::secret::Secret;
use proign_core::webhook::WebhookVerifier;
use proign_shopify::topics::{Event, Payload};
use proign_shopify::webhook::{ShopifyVerifier, sign};
use rust_decimal::Decimal;

const SECRET: &str = "prgn_shopify_client_secret_0001";

fn secret() -> Secret {
    Secret::new(SECRET).unwrap()
}

fn deliver(topic: &'static str, body: Vec<u8>, extra: &[(&'static str, &'static str)]) -> Event {
    let body = Bytes::from(body);
    let mut headers = HeaderMap::new();
    headers.insert(
        "X-Shopify-Hmac-Sha256",
        HeaderValue::from_str(&sign(&secret(), &body)).unwrap(),
    );
    headers.insert("X-Shopify-Topic", HeaderValue::from_static(topic));
    headers.insert(
        "X-Shopify-Shop-Domain",
        HeaderValue::from_static("prgn-test.myshopify.com"),
    );
    headers.insert("X-Shopify-API-Version", HeaderValue::from_static("2025-10"));
    headers.insert(
        "X-Shopify-Webhook-Id",
        HeaderValue::from_static("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"),
    );
    for (name, value) in extra {
        headers.insert(*name, HeaderValue::from_static(value));
    }
    let delivery = ShopifyVerifier::new([&secret()])
        .unwrap()
        .verify(&headers, body)
        .unwrap();
    Event::from_delivery(delivery).unwrap()
}

fn topic(topic: &'static str, file: &str) -> Payload {
    deliver(topic, fixture_bytes(&format!("topics/{file}.json")), &[]).into_payload()
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn order_topics() {
    for (name, file) in [
        ("orders/create", "orders_create"),
        ("orders/updated", "orders_create"),
        ("orders/paid", "orders_paid"),
        ("orders/cancelled", "orders_cancelled"),
        ("orders/fulfilled", "orders_fulfilled"),
    ] {
        let payload = topic(name, file);
        let order = payload
            .order()
            .unwrap_or_else(|| panic!("{name}: {payload:?}"));
        assert_eq!(order.id, 820982911946154508, "{name}");
        assert_eq!(order.total_price, Some(dec("199.00")));
        assert_eq!(order.line_items[0].variant_id, Some(808950810));
        assert_eq!(order.line_items[0].price, Some(dec("199.00")));
        assert!(order.extra.contains_key("shipping_address"));
    }
    assert!(matches!(
        topic("orders/updated", "orders_create"),
        Payload::OrdersUpdated(_)
    ));
    let Payload::OrdersCancelled(cancelled) = topic("orders/cancelled", "orders_cancelled") else {
        panic!()
    };
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("customer"));
    assert!(cancelled.cancelled_at.is_some());
    let Payload::OrdersFulfilled(done) = topic("orders/fulfilled", "orders_fulfilled") else {
        panic!()
    };
    assert_eq!(done.fulfillment_status.as_deref(), Some("fulfilled"));
}

#[test]
fn fulfillment_topics() {
    let Payload::FulfillmentsCreate(created) = topic("fulfillments/create", "fulfillments_create")
    else {
        panic!()
    };
    assert_eq!(created.order_id, 820982911946154508);
    assert_eq!(created.tracking_company.as_deref(), Some("UPS"));
    assert_eq!(created.tracking_numbers, ["1Z999AA10123456784"]);
    let updated = topic("fulfillments/update", "fulfillments_update");
    assert!(matches!(updated, Payload::FulfillmentsUpdate(_)));
    assert_eq!(
        updated.fulfillment().unwrap().shipment_status.as_deref(),
        Some("in_transit")
    );
}

#[test]
fn refund_inventory_product_and_uninstall_topics() {
    let Payload::RefundsCreate(refund) = topic("refunds/create", "refunds_create") else {
        panic!()
    };
    assert_eq!(refund.transactions[0].amount, dec("199.00"));
    assert_eq!(refund.refund_line_items[0].subtotal, Some(dec("199")));
    assert_eq!(
        refund.refund_line_items[0].restock_type.as_deref(),
        Some("no_restock")
    );

    let Payload::InventoryLevelsUpdate(level) =
        topic("inventory_levels/update", "inventory_levels_update")
    else {
        panic!()
    };
    assert_eq!((level.location_id, level.available), (24826418, Some(8)));

    let Payload::ProductsUpdate(product) = topic("products/update", "products_update") else {
        panic!()
    };
    assert_eq!(product.variants[0].price, Some(dec("19.99")));
    assert_eq!(product.status.as_deref(), Some("active"));

    let Payload::AppUninstalled(shop) = topic("app/uninstalled", "app_uninstalled") else {
        panic!()
    };
    assert_eq!(
        shop.myshopify_domain.as_deref(),
        Some("super-toys.myshopify.com")
    );
}

#[test]
fn mandatory_privacy_topics() {
    let Payload::CustomersDataRequest(request) =
        topic("customers/data_request", "customers_data_request")
    else {
        panic!()
    };
    assert_eq!(request.orders_requested, [299938, 280263, 220458]);
    assert_eq!(request.customer.id, 191167);
    let Payload::CustomersRedact(redact) = topic("customers/redact", "customers_redact") else {
        panic!()
    };
    assert_eq!(redact.orders_to_redact.len(), 3);
    let Payload::ShopRedact(shop) = topic("shop/redact", "shop_redact") else {
        panic!()
    };
    assert_eq!(shop.shop_domain, "prgn-test.myshopify.com");
}

#[test]
fn unknown_topics_are_kept_raw() {
    match topic("carts/create", "carts_create") {
        Payload::Unknown { topic, body } => {
            assert_eq!(topic, "carts/create");
            assert_eq!(body["token"], "eeafa272cebfd4b22385bc4b645e762c");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_verified_body_of_the_wrong_shape_is_a_typed_error() {
    let body = Bytes::from_static(br#"{"id":"not a number"}"#);
    let error = Payload::parse("orders/create", &body).unwrap_err();
    assert_eq!(error.topic(), "orders/create");
    assert!(Payload::parse("shop/redact", b"{\"shop_id\":1").is_err());
}

// Field case B05: every copy of a delivery exposes the same dedup key, the event id and the
// trigger time through the typed API.
#[test]
fn b05_duplicates_share_identity_through_the_typed_api() {
    const BODY: &[u8] = br#"{"id":820982911946154508,"email":"jon.doe@example.test","financial_status":"paid","total_price":"199.00","updated_at":"2026-01-01T00:00:00-00:00"}"#;
    let headers = || {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("X-Shopify-Topic", "orders/updated"),
            ("X-Shopify-Shop-Domain", "prgn-test.myshopify.com"),
            ("X-Shopify-API-Version", "2025-01"),
            (
                "X-Shopify-Webhook-Id",
                "5d2b6b3e-7c1f-4f0a-9a51-2f9f3c1e0b11",
            ),
            ("X-Shopify-Triggered-At", "2026-01-01T00:00:00.000000000Z"),
            ("X-Shopify-Event-Id", "98880550-7158-44d4-b7cd-2c97c8a091b5"),
            (
                "X-Shopify-Hmac-Sha256",
                "s0FNP1vyTtwna4sNg0QU4SMtcKEfM3ZtW19Wbhbyxzg=",
            ),
        ] {
            headers.insert(name, HeaderValue::from_static(value));
        }
        headers
    };
    let verifier = ShopifyVerifier::new([&secret()]).unwrap();
    let copies: Vec<Event> = (0..4)
        .map(|_| {
            let delivery = verifier
                .verify(&headers(), Bytes::from_static(BODY))
                .unwrap();
            Event::from_delivery(delivery).unwrap()
        })
        .collect();
    for event in &copies {
        assert_eq!(
            event.dedup_key(),
            "prgn-test.myshopify.com:5d2b6b3e-7c1f-4f0a-9a51-2f9f3c1e0b11"
        );
        assert_eq!(event.webhook_id(), "5d2b6b3e-7c1f-4f0a-9a51-2f9f3c1e0b11");
        assert_eq!(
            event.event_id(),
            Some("98880550-7158-44d4-b7cd-2c97c8a091b5")
        );
        assert_eq!(
            event.triggered_at().unwrap().to_rfc3339(),
            "2026-01-01T00:00:00+00:00"
        );
        assert_eq!(event.topic(), "orders/updated");
        let order = event.payload().order().unwrap();
        assert_eq!(order.id, 820982911946154508);
        assert_eq!(order.financial_status.as_deref(), Some("paid"));
        assert_eq!(order.total_price, Some(dec("199.00")));
        assert_eq!(
            order.updated_at.unwrap().to_rfc3339(),
            "2026-01-01T00:00:00+00:00"
        );
        assert_eq!(event.delivery().body().as_ref(), BODY);
    }
    let keys: std::collections::HashSet<String> = copies.iter().map(Event::dedup_key).collect();
    assert_eq!(keys.len(), 1);
}

#[test]
fn newer_header_names_work_through_the_typed_api() {
    let event = deliver(
        "orders/paid",
        fixture_bytes("topics/orders_paid.json"),
        &[("shopify-triggered-at", "2026-01-01T00:00:05Z")],
    );
    assert_eq!(
        event.triggered_at().unwrap().to_rfc3339(),
        "2026-01-01T00:00:05+00:00"
    );
    assert_eq!(event.event_id(), None);
}
