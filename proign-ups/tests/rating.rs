//! Rating one service and shopping all services.

mod common;

use common::*;
use proign_ups::model::{Address, DimensionUnit, Package, Party, WeightUnit};
use proign_ups::rating::RateRequest;
use rust_decimal::Decimal;
use serde_json::Value;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

fn request() -> RateRequest {
    let shipper = Party::new(
        "PRGN Shipper",
        Address::new(["1 Test Way"], "Atlanta", Some("GA"), "30301", "US"),
    )
    .shipper_number("PRGN01");
    let to = Party::new(
        "PRGN Buyer",
        Address::new(["2 Test Ave", "Apt 3"], "Wayne", Some("NJ"), "07470", "US"),
    );
    let package = Package::new(Decimal::new(55, 1), WeightUnit::Pounds).dimensions(
        Decimal::from(10),
        Decimal::from(8),
        Decimal::new(45, 1),
        DimensionUnit::Inches,
    );
    RateRequest::new(shipper, to, vec![package]).with_negotiated_rates()
}

#[tokio::test]
async fn rate_one_service_with_negotiated_total() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/api/rating/v2409/Rate"))
        .and(header("authorization", "Bearer prgn-access-token-A"))
        .and(header("transactionSrc", "proign-tests"))
        .respond_with(json(200, "rate_single.json"))
        .expect(1)
        .mount(&server)
        .await;
    let rated = client(&server).rate(&request(), "03").await.unwrap();
    assert_eq!(rated.service, "03");
    assert_eq!(rated.total.currency, "USD");
    assert_eq!(rated.total.amount, Decimal::new(1425, 2));
    assert_eq!(
        rated.negotiated_total.as_ref().unwrap().amount,
        Decimal::new(1140, 2)
    );
    assert_eq!(rated.payable().amount, Decimal::new(1140, 2));
    assert_eq!(rated.alerts[0].code, "110971");

    let requests = server.received_requests().await.unwrap();
    let sent = requests
        .iter()
        .find(|r| r.url.path().starts_with("/api/"))
        .unwrap();
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    let shipment = &body["RateRequest"]["Shipment"];
    assert_eq!(body["RateRequest"]["Request"]["RequestOption"], "Rate");
    assert_eq!(shipment["Service"]["Code"], "03");
    assert_eq!(shipment["Shipper"]["ShipperNumber"], "PRGN01");
    assert_eq!(shipment["ShipTo"]["Address"]["AddressLine"][1], "Apt 3");
    assert_eq!(shipment["ShipTo"]["Address"]["StateProvinceCode"], "NJ");
    let package = &shipment["Package"][0];
    assert_eq!(package["PackagingType"]["Code"], "02");
    assert_eq!(package["PackageWeight"]["Weight"], "5.5");
    assert_eq!(package["PackageWeight"]["UnitOfMeasurement"]["Code"], "LBS");
    assert_eq!(package["Dimensions"]["UnitOfMeasurement"]["Code"], "IN");
    assert_eq!(package["Dimensions"]["Height"], "4.5");
    assert_eq!(
        shipment["ShipmentRatingOptions"]["NegotiatedRatesIndicator"],
        "Y"
    );
}

#[tokio::test]
async fn shop_lists_every_service_cheapest_first() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/api/rating/v2409/Shop"))
        .respond_with(json(200, "rate_shop.json"))
        .expect(1)
        .mount(&server)
        .await;
    let rates = client(&server).shop_rates(&request()).await.unwrap();
    let services: Vec<&str> = rates.iter().map(|r| r.service.as_str()).collect();
    assert_eq!(services, ["03", "02", "01"]);
    assert_eq!(rates[2].business_days_in_transit, Some(1));
    assert_eq!(rates[0].negotiated_total, None);
    let requests = server.received_requests().await.unwrap();
    let sent = requests
        .iter()
        .find(|r| r.url.path().starts_with("/api/"))
        .unwrap();
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    assert!(body["RateRequest"]["Shipment"].get("Service").is_none());
}

/// Rating is a calculation, so a rate-limit answer is retried.
#[tokio::test]
async fn rate_limit_is_retried() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/api/rating/v2409/Rate"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0").set_body_raw(
            r#"{"response":{"errors":[{"code":"10429","message":"Quota Limit Exceeded"}]}}"#,
            "application/json",
        ))
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/rating/v2409/Rate"))
        .respond_with(json(200, "rate_single.json"))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).rate(&request(), "03").await.unwrap();
}

#[tokio::test]
async fn empty_package_list_is_refused_before_sending() {
    let server = server_with_token().await;
    let mut empty = request();
    empty.packages.clear();
    let err = client(&server).rate(&empty, "03").await.unwrap_err();
    assert!(
        matches!(err, proign_ups::Error::InvalidInput { .. }),
        "{err:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}
