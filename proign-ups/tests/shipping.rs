//! Buying labels and voiding shipments.

mod common;

use std::time::Duration;

use common::*;
use proign_ups::label::LabelFormat;
use proign_ups::model::{Address, Package, Party, ReferenceNumber, WeightUnit};
use proign_ups::shipping::ShipmentRequest;
use rust_decimal::Decimal;
use serde_json::Value;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

fn request(packages: usize) -> ShipmentRequest {
    let shipper = Party::new(
        "PRGN Shipper",
        Address::new(["1 Test Way"], "Atlanta", Some("GA"), "30301", "US"),
    )
    .shipper_number("PRGN01")
    .phone("4045550100");
    let to = Party::new(
        "PRGN Buyer",
        Address::new(["2 Test Ave"], "Wayne", Some("NJ"), "07470", "US"),
    )
    .attention("Pat Buyer");
    let package = |n: usize| {
        Package::new(Decimal::from(6), WeightUnit::Pounds)
            .reference(ReferenceNumber::new(format!("PKG-{n}")))
    };
    ShipmentRequest::new(shipper, to, "03", (0..packages).map(package).collect())
        .label_format(LabelFormat::Png)
        .reference(ReferenceNumber {
            code: Some("PO".into()),
            value: "ORDER-1001".into(),
        })
}

#[tokio::test]
async fn ship_two_packages_decodes_typed_labels() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/api/shipments/v2409/ship"))
        .respond_with(json(200, "ship_two_packages.json"))
        .expect(1)
        .mount(&server)
        .await;
    let shipment = client(&server).create_shipment(&request(2)).await.unwrap();
    assert_eq!(shipment.identification_number, "1ZPRGN000000000010");
    assert_eq!(
        shipment.total.as_ref().unwrap().amount,
        Decimal::new(2850, 2)
    );
    assert_eq!(
        shipment.negotiated_total.as_ref().unwrap().amount,
        Decimal::new(2280, 2)
    );
    let first = &shipment.packages[0];
    assert_eq!(first.tracking_number, "1ZPRGN000000000010");
    assert_eq!(first.label.format(), &LabelFormat::Png);
    assert_eq!(&first.label.bytes()[..8], b"\x89PNG\r\n\x1a\n");
    let second = &shipment.packages[1];
    assert_eq!(second.label.format(), &LabelFormat::Zpl);
    assert_eq!(second.label.bytes().as_ref(), b"^XA^FO50,50^FDproign^FS^XZ");

    let requests = server.received_requests().await.unwrap();
    let sent = requests
        .iter()
        .find(|r| r.url.path().starts_with("/api/"))
        .unwrap();
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    let shipment = &body["ShipmentRequest"]["Shipment"];
    assert_eq!(
        shipment["PaymentInformation"]["ShipmentCharge"][0]["BillShipper"]["AccountNumber"],
        "PRGN01"
    );
    assert_eq!(shipment["Package"][1]["Packaging"]["Code"], "02");
    assert_eq!(
        shipment["Package"][1]["ReferenceNumber"][0]["Value"],
        "PKG-1"
    );
    assert_eq!(shipment["ReferenceNumber"][0]["Code"], "PO");
    assert_eq!(shipment["ShipTo"]["AttentionName"], "Pat Buyer");
    assert_eq!(
        body["ShipmentRequest"]["LabelSpecification"]["LabelImageFormat"]["Code"],
        "PNG"
    );
}

#[tokio::test]
async fn ship_one_package_answer_is_a_single_object() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/api/shipments/v2409/ship"))
        .respond_with(json(200, "ship_one_package.json"))
        .expect(1)
        .mount(&server)
        .await;
    let shipment = client(&server).create_shipment(&request(1)).await.unwrap();
    assert_eq!(shipment.packages.len(), 1);
    assert_eq!(shipment.packages[0].label.format(), &LabelFormat::Gif);
    assert_eq!(&shipment.packages[0].label.bytes()[..6], b"GIF89a");
}

/// Field case B17's rule: a ship POST that times out is outcome-unknown and not retried.
#[tokio::test]
async fn ship_timeout_is_outcome_unknown_and_never_retried() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/api/shipments/v2409/ship"))
        .respond_with(json(200, "ship_one_package.json").set_delay(Duration::from_secs(2)))
        .expect(1)
        .mount(&server)
        .await;
    let client =
        proign_ups::UpsClient::new(config(&server).timeout(Duration::from_millis(300))).unwrap();
    let err = client.create_shipment(&request(1)).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert!(!err.is_retryable());
}

/// A 503 on a ship POST may have been processed, so it is not retried either.
#[tokio::test]
async fn ship_server_error_is_not_retried() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/api/shipments/v2409/ship"))
        .respond_with(ResponseTemplate::new(503).set_body_raw(
            r#"{"response":{"errors":[{"code":"190001","message":"The Shipping system is unavailable"}]}}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .create_shipment(&request(1))
        .await
        .unwrap_err();
    assert_eq!(err.ups_code(), Some("190001"));
}

#[tokio::test]
async fn shipper_without_account_is_refused_before_sending() {
    let server = server_with_token().await;
    let mut unbilled = request(1);
    unbilled.shipper.shipper_number = None;
    let err = client(&server)
        .create_shipment(&unbilled)
        .await
        .unwrap_err();
    assert!(matches!(err, proign_ups::Error::InvalidInput { .. }));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn void_a_whole_shipment() {
    let server = server_with_token().await;
    Mock::given(method("DELETE"))
        .and(path("/api/shipments/v2409/void/cancel/1ZPRGN000000000020"))
        .respond_with(json(200, "void_shipment.json"))
        .expect(1)
        .mount(&server)
        .await;
    let result = client(&server)
        .void_shipment("1ZPRGN000000000020")
        .await
        .unwrap();
    assert!(result.voided);
    assert_eq!(result.status.description.as_deref(), Some("Voided"));
}

#[tokio::test]
async fn void_some_packages_reports_each() {
    let server = server_with_token().await;
    Mock::given(method("DELETE"))
        .and(path("/api/shipments/v2409/void/cancel/1ZPRGN000000000010"))
        .and(query_param(
            "trackingnumber",
            r#"["1ZPRGN000000000010","1ZPRGN000000000011"]"#,
        ))
        .respond_with(json(200, "void_packages.json"))
        .expect(1)
        .mount(&server)
        .await;
    let result = client(&server)
        .void_packages(
            "1ZPRGN000000000010",
            &["1ZPRGN000000000010", "1ZPRGN000000000011"],
        )
        .await
        .unwrap();
    assert_eq!(result.packages.len(), 2);
    assert_eq!(result.packages[1].1.code, "0");
}
