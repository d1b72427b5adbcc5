//! The UPS client against the testkit's UPS simulator: the whole shipping flow.

use bytes::Bytes;
use http::HeaderMap;
use proign_core::auth::Credential;
use proign_core::secret::Secret;
use proign_core::webhook::WebhookVerifier;
use proign_testkit::sim::ups::{self, UpsSim};
use proign_ups::address::{AddressQuery, Classification, Validation};
use proign_ups::label::LabelFormat;
use proign_ups::model::{Address, Package, Party, WeightUnit};
use proign_ups::rating::RateRequest;
use proign_ups::shipping::ShipmentRequest;
use proign_ups::subscription::SubscribeRequest;
use proign_ups::track_alert::TrackAlertVerifier;
use proign_ups::tracking::{PackageStatus, Tracking};
use proign_ups::{UpsClient, UpsConfig};
use rust_decimal::Decimal;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(sim: &UpsSim) -> UpsClient {
    let secret = Credential::new(Secret::new("prgn-client-secret").unwrap());
    UpsClient::new(UpsConfig::new("prgn-client-id", secret).base_url(sim.base_url())).unwrap()
}

fn parties() -> (Party, Party) {
    let shipper = Party::new(
        "PRGN Shipper",
        Address::new(["1 Test Way"], "Atlanta", Some("GA"), "30301", "US"),
    )
    .shipper_number("PRGN01");
    let to = Party::new(
        "PRGN Buyer",
        Address::new(["2 Test Ave"], "Wayne", Some("NJ"), "07470", "US"),
    );
    (shipper, to)
}

fn status(tracking: &Tracking) -> PackageStatus {
    match tracking {
        Tracking::Found(packages) => packages[0].status.clone(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn validate_rate_ship_track_void() {
    let sim = UpsSim::start().await;
    let client = client(&sim);

    let valid = client
        .validate_address(&AddressQuery::us(["2 Test Ave"], "Wayne", "NJ", "07470"))
        .await
        .unwrap();
    let Validation::Valid { candidate } = valid else {
        panic!("{valid:?}")
    };
    assert_eq!(candidate.classification, Classification::Residential);
    let none = AddressQuery::us(["1 Nowhere"], "Wayne", "NJ", "00000");
    assert_eq!(
        client.validate_address(&none).await.unwrap(),
        Validation::NoCandidates
    );

    let (shipper, to) = parties();
    let package = Package::new(Decimal::from(4), WeightUnit::Pounds);
    let request = RateRequest::new(shipper.clone(), to.clone(), vec![package.clone()])
        .with_negotiated_rates();
    let rates = client.shop_rates(&request).await.unwrap();
    assert_eq!(rates.len(), 3);
    assert_eq!(rates[0].service, "03");
    assert_eq!(rates[0].total.amount, Decimal::new(1500, 2));
    assert_eq!(rates[0].payable().amount, Decimal::new(1200, 2));

    let ship = ShipmentRequest::new(shipper, to, "03", vec![package.clone(), package])
        .label_format(LabelFormat::Png);
    let shipment = client.create_shipment(&ship).await.unwrap();
    assert_eq!(shipment.packages.len(), 2);
    assert_eq!(shipment.packages[0].label.bytes().as_ref(), ups::LABEL_PNG);
    let number = shipment.packages[0].tracking_number.clone();

    assert_eq!(
        status(&client.track(&number).await.unwrap()),
        PackageStatus::LabelCreated
    );
    assert_eq!(
        status(&client.track(&number).await.unwrap()),
        PackageStatus::InTransit
    );
    let delivered = client.track(&number).await.unwrap();
    assert_eq!(status(&delivered), PackageStatus::Delivered);
    let Tracking::Found(packages) = delivered else {
        unreachable!()
    };
    assert!(packages[0].delivery_date.is_some());
    let unknown = client.track(ups::NOT_FOUND).await.unwrap();
    assert!(matches!(unknown, Tracking::NotFound(_)), "{unknown:?}");

    let voided = client
        .void_shipment(&shipment.identification_number)
        .await
        .unwrap();
    assert!(voided.voided);
    assert_eq!(sim.tokens_issued(), 1);
    let calls = sim.requests();
    assert!(
        calls
            .iter()
            .skip(1)
            .all(|r| r.header("transactionsrc") == Some("proign"))
    );
}

#[tokio::test]
async fn failures_on_demand_are_retried_or_reported() {
    let sim = UpsSim::start().await;
    let client = client(&sim);
    client.track(ups::IN_TRANSIT).await.unwrap();
    sim.fail_next(
        1,
        503,
        r#"{"response":{"errors":[{"code":"10001","message":"mock outage"}]}}"#,
    );
    assert_eq!(
        status(&client.track(ups::DELIVERED).await.unwrap()),
        PackageStatus::Delivered
    );
    let (shipper, to) = parties();
    let package = Package::new(Decimal::from(1), WeightUnit::Pounds);
    sim.fail_next(
        1,
        503,
        r#"{"response":{"errors":[{"code":"190001","message":"unavailable"}]}}"#,
    );
    let ship = ShipmentRequest::new(shipper, to, "03", vec![package]);
    let err = client.create_shipment(&ship).await.unwrap_err();
    assert_eq!(err.ups_code(), Some("190001"));
    let ships = sim
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/ship"))
        .count();
    assert_eq!(ships, 1);
}

#[tokio::test]
async fn track_alert_callbacks_carry_the_credential() {
    let sim = UpsSim::start().await;
    let client = client(&sim);
    let receiver = MockServer::start().await;
    let credential = "prgn-ups-callback-cred-7d1f0c2a";
    Mock::given(method("POST"))
        .and(path("/ups"))
        .and(header("credential", credential))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&receiver)
        .await;
    let request = SubscribeRequest::new(
        [ups::IN_TRANSIT],
        format!("{}/ups", receiver.uri()),
        Secret::new(credential).unwrap(),
    );
    let subscription = client.subscribe_tracking(&request).await.unwrap();
    assert_eq!(subscription.valid, [ups::IN_TRANSIT]);
    assert_eq!(sim.deliver_track_alert(ups::IN_TRANSIT).await.unwrap(), 200);

    let received = receiver.received_requests().await.unwrap();
    let mut headers = HeaderMap::new();
    for (name, value) in received[0].headers.iter() {
        headers.insert(name.clone(), value.clone());
    }
    let verifier = TrackAlertVerifier::new([&Secret::new(credential).unwrap()]).unwrap();
    let callback = verifier
        .verify(&headers, Bytes::from(received[0].body.clone()))
        .unwrap();
    assert_eq!(callback.event().tracking_number, ups::IN_TRANSIT);
    assert_eq!(
        callback
            .event()
            .activity_status
            .as_ref()
            .unwrap()
            .code
            .as_deref(),
        Some("OR")
    );
}
