//! Order and refund transactions: create, update, show, list by date, delete.

mod common;

use std::str::FromStr;

use proign_taxjar::{Address, DateRange, Error, Kind, LineItem, Transaction};
use rust_decimal::Decimal;
use wiremock::matchers::{body_string, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

async fn mount(server: &MockServer, verb: &str, route: &str, status: u16, body: String) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(ResponseTemplate::new(status).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_refund_is_created_with_its_reference() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/transactions/refunds"))
        .and(body_string(
            r#"{"transaction_id":"321","transaction_reference_id":"123","transaction_date":"2015/05/14","to_country":"US","to_zip":"90002","to_state":"CA","amount":-16.5,"shipping":-1.5,"sales_tax":-0.95}"#,
        ))
        .respond_with(
            ResponseTemplate::new(201).set_body_raw(common::fixture("refund.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let refund = Transaction::new("321", "2015/05/14", d("-16.50"), d("-1.5"), d("-0.95"))
        .reference_id("123")
        .to(Address::new("US").zip("90002").state("CA"));
    let record = common::client(&server.uri())
        .create_transaction(Kind::Refund, &refund)
        .await
        .unwrap();
    assert_eq!(record.transaction_reference_id.as_deref(), Some("123"));
    assert_eq!(record.amount, Some(d("-16.5")));
    assert_eq!(record.extra["to_city"], "LOS ANGELES");
}

#[tokio::test]
async fn an_order_is_updated_shown_and_deleted() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/v2/transactions/orders/123"))
        .and(body_string(
            r#"{"amount":17,"shipping":2,"line_items":[{"id":"1","quantity":1,"unit_price":15,"sales_tax":0.95}]}"#,
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(common::fixture("order.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount(
        &server,
        "GET",
        "/v2/transactions/orders/123",
        200,
        common::fixture("order.json"),
    )
    .await;
    mount(
        &server,
        "DELETE",
        "/v2/transactions/orders/123",
        200,
        common::fixture("order.json"),
    )
    .await;
    let client = common::client(&server.uri());
    let changes = Transaction::update()
        .amount(d("17.00"))
        .shipping(d("2.0"))
        .line_item(LineItem::new("1", 1, d("15.00")).sales_tax(d("0.95")));
    let updated = client
        .update_transaction(Kind::Order, "123", &changes)
        .await
        .unwrap();
    assert_eq!(updated.transaction_id, "123");
    let shown = client.show_transaction(Kind::Order, "123").await.unwrap();
    assert_eq!(shown.sales_tax, Some(d("0.95")));
    let deleted = client.delete_transaction(Kind::Order, "123").await.unwrap();
    assert_eq!(deleted.transaction_id, "123");
}

#[tokio::test]
async fn an_update_naming_another_transaction_is_refused_before_sending() {
    let server = MockServer::start().await;
    let client = common::client(&server.uri());
    let changes = Transaction::new("999", "2015/05/14", d("1"), d("0"), d("0"));
    let err = client
        .update_transaction(Kind::Order, "123", &changes)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn transactions_are_listed_by_date_range() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/transactions/orders"))
        .and(query_param("from_transaction_date", "2015/05/01"))
        .and(query_param("to_transaction_date", "2015/05/31"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"orders":["123","456"]}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/transactions/refunds"))
        .and(query_param("transaction_date", "2015/05/14"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"refunds":["321"]}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server.uri());
    let orders = client
        .list_transactions(
            Kind::Order,
            &DateRange::Between("2015/05/01".into(), "2015/05/31".into()),
        )
        .await
        .unwrap();
    assert_eq!(orders, ["123", "456"]);
    let refunds = client
        .list_transactions(Kind::Refund, &DateRange::On("2015/05/14".into()))
        .await
        .unwrap();
    assert_eq!(refunds, ["321"]);
}

#[tokio::test]
async fn b21b_an_invalid_tax_code_is_a_validation_error_sent_once() {
    let server = MockServer::start().await;
    mount(
        &server,
        "POST",
        "/v2/transactions/orders",
        400,
        r#"{"status":400,"error":"Bad Request","detail":"line_items include invalid tax codes: PRGN-BAD-PTC"}"#.into(),
    )
    .await;
    let order = Transaction::new("124", "2015/05/14", d("16.5"), d("1.5"), d("0.95"))
        .to(Address::new("US").zip("90002").state("CA"))
        .line_item(LineItem::new("1", 1, d("15")).product_tax_code("PRGN-BAD-PTC"));
    let err = common::client(&server.uri())
        .create_transaction(Kind::Order, &order)
        .await
        .unwrap_err();
    assert!(err.needs_review());
    assert!(!err.is_retryable());
    match err {
        Error::Validation { status, detail, .. } => {
            assert_eq!(status, 400);
            assert!(detail.unwrap().contains("PRGN-BAD-PTC"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_missing_transaction_is_not_found() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/v2/transactions/orders/nope",
        404,
        r#"{"status":404,"error":"Not Found","detail":"Resource can not be found"}"#.into(),
    )
    .await;
    let err = common::client(&server.uri())
        .show_transaction(Kind::Order, "nope")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api(e) if matches!(e.kind(), proign_core::http::ErrorKind::NotFound)),
        "{err:?}"
    );
}
