//! Every request of `requests-taxjar.jsonl` (recorded from TaxJar's Node library) sent again
//! by this client against a local server: method, path, query, headers, body byte for byte.

mod common;

use std::str::FromStr;

use proign_taxjar::{
    Address, Kind, LineItem, NexusAddress, RateQuery, TaxJarClient, TaxRequest, Transaction,
};
use proign_testkit::vectors::{RecordedRequest, taxjar_requests};
use rust_decimal::Decimal;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn recorded(operation: &str) -> RecordedRequest {
    taxjar_requests()
        .into_iter()
        .find(|r| r.operation == operation)
        .unwrap_or_else(|| panic!("no recording {operation}"))
}

/// The recorded order of `taxForOrder`, with `amount` and `unit_price` written as `15.0`.
fn recorded_order() -> TaxRequest {
    TaxRequest::new(d("1.5"))
        .from(
            Address::new("US")
                .zip("92093")
                .state("CA")
                .city("La Jolla")
                .street("9500 Gilman Drive"),
        )
        .to(Address::new("US")
            .zip("90002")
            .state("CA")
            .city("Los Angeles")
            .street("1335 E 103rd St"))
        .amount(d("15.0"))
        .nexus_address(NexusAddress::new(
            "Main Location",
            Address::new("US")
                .zip("92093")
                .state("CA")
                .city("La Jolla")
                .street("9500 Gilman Drive"),
        ))
        .line_item(
            LineItem::new("1", 1, d("15.0"))
                .product_tax_code("20010")
                .discount(d("0")),
        )
}

async fn server_for(rec: &RecordedRequest, status: u16, body: String) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(rec.method.as_str()))
        .and(path(rec.path.as_str()))
        .respond_with(ResponseTemplate::new(status).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    server
}

async fn assert_same(server: &MockServer, rec: &RecordedRequest) {
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    let got = &received[0];
    assert_eq!(got.method.as_str(), rec.method);
    assert_eq!(got.url.path(), rec.path);
    assert_eq!(
        got.url.query().unwrap_or(""),
        rec.raw_query,
        "{}",
        rec.operation
    );
    assert_eq!(
        String::from_utf8(got.body.clone()).unwrap(),
        rec.body,
        "{} body",
        rec.operation
    );
    for name in ["authorization", "x-api-version"] {
        assert_eq!(
            got.headers.get(name).map(|v| v.to_str().unwrap()),
            rec.header(name),
            "{} header {name}",
            rec.operation
        );
    }
    if !rec.body.is_empty() {
        assert_eq!(
            got.headers.get("content-type").unwrap(),
            rec.header("content-type").unwrap()
        );
        assert_eq!(
            got.headers.get("content-length").unwrap().to_str().unwrap(),
            rec.header("content-length").unwrap()
        );
    }
}

#[tokio::test]
async fn tax_for_order_matches_the_recording() {
    let rec = recorded("taxForOrder");
    let server = server_for(&rec, 200, common::fixture("tax_nexus.json")).await;
    let tax = common::client(&server.uri())
        .tax_for_order(&recorded_order())
        .await
        .unwrap();
    assert_same(&server, &rec).await;
    assert_eq!(tax.amount_to_collect, d("1.43"));
    assert!(tax.has_nexus);
}

#[tokio::test]
async fn tax_for_order_with_the_api_version_header_matches_the_recording() {
    let rec = recorded("taxForOrder_with_api_version_header");
    let server = server_for(&rec, 200, common::fixture("tax_nexus.json")).await;
    let client = TaxJarClient::new(common::config(&server.uri())).unwrap();
    client.tax_for_order(&recorded_order()).await.unwrap();
    assert_same(&server, &rec).await;
}

#[tokio::test]
async fn create_order_matches_the_recording() {
    let rec = recorded("createOrder");
    let server = server_for(&rec, rec.response_status, common::fixture("order.json")).await;
    let order = Transaction::new("123", "2015/05/14", d("16.5"), d("1.5"), d("0.95"))
        .to(Address::new("US")
            .zip("90002")
            .state("CA")
            .city("Los Angeles")
            .street("123 Palm Grove Ln"))
        .line_item(
            LineItem::new("1", 1, d("15.0"))
                .product_identifier("12-34243-9")
                .description("Fuzzy Widget")
                .discount(d("0"))
                .sales_tax(d("0.95")),
        );
    let record = common::client(&server.uri())
        .create_transaction(Kind::Order, &order)
        .await
        .unwrap();
    assert_same(&server, &rec).await;
    assert_eq!(record.transaction_id, "123");
    assert_eq!(record.amount, Some(d("16.5")));
    assert_eq!(record.line_items[0].unit_price, Some(d("15")));
    assert_eq!(record.line_items[0].sales_tax, Some(d("0.95")));
}

#[tokio::test]
async fn rates_for_location_matches_the_recording() {
    let rec = recorded("ratesForLocation");
    let server = server_for(&rec, 200, common::fixture("rate.json")).await;
    let rate = common::client(&server.uri())
        .rates_for_location(
            "90404",
            &RateQuery::new().city("Santa Monica").country("US"),
        )
        .await
        .unwrap();
    assert_same(&server, &rec).await;
    assert_eq!(rate.combined_rate, Some(d("0.0975")));
    assert_eq!(rate.city.as_deref(), Some("SANTA MONICA"));
    assert_eq!(rate.freight_taxable, Some(false));
}

#[test]
fn every_recording_has_a_test() {
    let ops: Vec<String> = taxjar_requests().into_iter().map(|r| r.operation).collect();
    assert_eq!(
        ops,
        [
            "taxForOrder",
            "createOrder",
            "ratesForLocation",
            "taxForOrder_with_api_version_header"
        ]
    );
}
