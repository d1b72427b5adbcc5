//! `POST /v2/taxes`: the breakdown, `has_nexus`, and field case B21.

mod common;

use std::str::FromStr;

use proign_core::http::ErrorKind;
use proign_taxjar::{Address, Error, Liability, LineItem, TaxRequest};
use rust_decimal::Decimal;
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn b21_order() -> TaxRequest {
    TaxRequest::new(d("10.06"))
        .from(Address::new("US").zip("94025").state("CA"))
        .to(Address::new("US").zip("85297").state("AZ"))
        .amount(d("50.00"))
        .line_item(
            LineItem::new("1", 1, d("50.00"))
                .product_tax_code("20010")
                .discount(d("0")),
        )
}

async fn answering(status: u16, body: &str, calls: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/taxes"))
        .respond_with(
            ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json"),
        )
        .expect(calls)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn the_full_breakdown_is_typed() {
    let server = answering(200, &common::fixture("tax_nexus.json"), 1).await;
    let tax = common::client(&server.uri())
        .tax_for_order(&b21_order())
        .await
        .unwrap();
    assert_eq!(tax.liability(), Liability::Collect(d("1.43")));
    assert_eq!(tax.tax_source.as_deref(), Some("destination"));
    assert_eq!(tax.order_total_amount, Some(d("16.5")));
    let j = tax.jurisdictions.as_ref().unwrap();
    assert_eq!(j.county.as_deref(), Some("LOS ANGELES"));
    let b = tax.breakdown.as_ref().unwrap();
    assert_eq!(b.state_tax_rate, Some(d("0.0625")));
    assert_eq!(b.county_tax_collectable, Some(d("0.04")));
    assert_eq!(b.city_tax_rate, Some(d("0")));
    assert_eq!(b.special_district_tax_collectable, Some(d("0.45")));
    assert_eq!(b.line_items.len(), 1);
    let line = &b.line_items[0];
    assert_eq!(line.id.as_deref(), Some("1"));
    assert_eq!(line.state_amount, Some(d("0.94")));
    assert_eq!(line.state_sales_tax_rate, Some(d("0.0625")));
    assert_eq!(line.amounts.tax_collectable, Some(d("1.43")));
}

#[tokio::test]
async fn b21a_zero_tax_without_nexus_is_not_a_zero_rate() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/taxes"))
        .and(header("authorization", format!("Bearer {}", common::KEY).as_str()))
        .and(body_string(
            r#"{"from_country":"US","from_zip":"94025","from_state":"CA","to_country":"US","to_zip":"85297","to_state":"AZ","amount":50,"shipping":10.06,"line_items":[{"id":"1","quantity":1,"product_tax_code":"20010","unit_price":50,"discount":0}]}"#,
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(common::fixture("tax_no_nexus.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let tax = common::client(&server.uri())
        .tax_for_order(&b21_order())
        .await
        .unwrap();
    assert!(!tax.has_nexus);
    assert_eq!(tax.amount_to_collect, Decimal::ZERO);
    assert_eq!(tax.tax_source, None);
    assert_eq!(tax.order_total_amount, Some(d("60.06")));
    assert_eq!(tax.liability(), Liability::NoNexus);
}

#[tokio::test]
async fn zero_tax_with_nexus_is_zero_tax() {
    let body =
        common::fixture("tax_no_nexus.json").replace("\"has_nexus\":false", "\"has_nexus\":true");
    let server = answering(200, &body, 1).await;
    let tax = common::client(&server.uri())
        .tax_for_order(&b21_order())
        .await
        .unwrap();
    assert_eq!(tax.liability(), Liability::ZeroTax);
}

async fn validation(status: u16, body: &str) -> Error {
    let server = answering(status, body, 1).await;
    common::client(&server.uri())
        .tax_for_order(&b21_order())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn b21c_missing_shipping_406_is_a_validation_error_not_retried() {
    let err = validation(
        406,
        r#"{"status":406,"error":"Not Acceptable","detail":"shipping is missing"}"#,
    )
    .await;
    match &err {
        Error::Validation {
            status,
            error,
            detail,
            ..
        } => {
            assert_eq!(*status, 406);
            assert_eq!(error.as_deref(), Some("Not Acceptable"));
            assert_eq!(detail.as_deref(), Some("shipping is missing"));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.needs_review());
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn b21d_zip_not_in_state_400_is_a_validation_error_not_retried() {
    let err = validation(
        400,
        r#"{"status":400,"error":"Bad Request","detail":"to_zip 90002 is not used within to_state NY"}"#,
    )
    .await;
    assert!(
        matches!(&err, Error::Validation { status: 400, detail: Some(d), .. } if d.contains("90002")),
        "{err:?}"
    );
}

#[tokio::test]
async fn b21e_429_then_200_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/taxes"))
        .respond_with(ResponseTemplate::new(429).set_body_raw(
            r#"{"status":429,"error":"Too Many Requests","detail":"Rate limit exceeded"}"#,
            "application/json",
        ))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/taxes"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(common::fixture("tax_no_nexus.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let tax = common::client(&server.uri())
        .tax_for_order(&b21_order())
        .await
        .unwrap();
    assert!(!tax.has_nexus);
}

#[tokio::test]
async fn b21e_503_then_200_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/taxes"))
        .respond_with(ResponseTemplate::new(503).set_body_raw("<html>down</html>", "text/html"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/taxes"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(common::fixture("tax_nexus.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let tax = common::client(&server.uri())
        .tax_for_order(&b21_order())
        .await
        .unwrap();
    assert!(tax.has_nexus);
}

#[tokio::test]
async fn a_429_with_an_unexpected_body_is_still_a_typed_rate_limit() {
    let server = answering(429, "<html>slow down</html>", 3).await;
    let err = common::client(&server.uri())
        .tax_for_order(&b21_order())
        .await
        .unwrap_err();
    match &err {
        Error::Api(e) => {
            assert!(matches!(e.kind(), ErrorKind::RateLimited { .. }), "{e:?}");
            assert_eq!(e.status(), Some(429));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_5xx_with_an_unexpected_body_is_still_a_typed_error() {
    let server = answering(502, "upstream exploded", 3).await;
    let err = common::client(&server.uri())
        .tax_for_order(&b21_order())
        .await
        .unwrap_err();
    match &err {
        Error::Api(e) => assert_eq!(e.status(), Some(502)),
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());
}

#[tokio::test]
async fn truncated_json_is_a_typed_error() {
    let server = answering(200, r#"{"tax":{"amount_to_collect":1.4"#, 1).await;
    let err = common::client(&server.uri())
        .tax_for_order(&b21_order())
        .await
        .unwrap_err();
    match &err {
        Error::Api(e) => assert!(matches!(e.kind(), ErrorKind::Undecodable { .. }), "{e:?}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_401_is_an_authentication_error_without_the_key() {
    let server = answering(
        401,
        r#"{"status":401,"error":"Unauthorized","detail":"Not authorized for route 'POST /v2/taxes'"}"#,
        1,
    )
    .await;
    let err = common::client(&server.uri())
        .tax_for_order(&b21_order())
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Api(e) if matches!(e.kind(), ErrorKind::Authentication { .. })));
    assert!(!format!("{err} {err:?}").contains(common::KEY));
}
