//! Tracking by inquiry number, including the failures UPS answers inside a `200`.

mod common;

use chrono::{NaiveDate, NaiveTime};
use common::*;
use proign_ups::tracking::{PackageStatus, Tracking};
use wiremock::matchers::{header, header_exists, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn delivered_package_with_history() {
    let server = server_with_token().await;
    Mock::given(method("GET"))
        .and(path("/api/track/v1/details/1ZPRGN000000000001"))
        .and(query_param("locale", "en_US"))
        .and(header("transactionSrc", "proign-tests"))
        .and(header_exists("transId"))
        .respond_with(json(200, "track_delivered.json"))
        .expect(1)
        .mount(&server)
        .await;
    let tracking = client(&server).track("1ZPRGN000000000001").await.unwrap();
    let Tracking::Found(packages) = tracking else {
        panic!("{tracking:?}");
    };
    let package = &packages[0];
    assert_eq!(package.status, PackageStatus::Delivered);
    assert_eq!(package.delivery_date, NaiveDate::from_ymd_opt(2026, 1, 3));
    assert_eq!(package.delivery_time, NaiveTime::from_hms_opt(14, 30, 0));
    assert_eq!(package.activity.len(), 3);
    assert_eq!(
        package.activity[0].location.as_deref(),
        Some("Atlanta, GA, US")
    );
    assert_eq!(package.activity[1].status.code, "OR");
    assert_eq!(
        package.activity[2].date,
        NaiveDate::from_ymd_opt(2025, 12, 31)
    );
    assert_eq!(
        PackageStatus::from_type(&package.activity[2].status.kind),
        PackageStatus::LabelCreated
    );
}

#[tokio::test]
async fn warning_inside_200_is_not_found() {
    let server = server_with_token().await;
    Mock::given(method("GET"))
        .and(path("/api/track/v1/details/1ZPRGN000000000099"))
        .respond_with(json(200, "track_not_found.json"))
        .expect(1)
        .mount(&server)
        .await;
    let tracking = client(&server).track("1ZPRGN000000000099").await.unwrap();
    let Tracking::NotFound(warning) = tracking else {
        panic!("{tracking:?}");
    };
    assert_eq!(warning.code, "TW0001");
}

#[tokio::test]
async fn no_information_yet_is_its_own_outcome() {
    let server = server_with_token().await;
    let body = r#"{"trackResponse":{"shipment":[{"inquiryNumber":"1ZPRGN000000000098","package":[],"warnings":[{"code":"TW0002","message":"Tracking Information Not Yet Available"}]}]}}"#;
    Mock::given(method("GET"))
        .and(path("/api/track/v1/details/1ZPRGN000000000098"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let tracking = client(&server).track("1ZPRGN000000000098").await.unwrap();
    assert!(
        matches!(tracking, Tracking::NoInformationYet(_)),
        "{tracking:?}"
    );
}

#[tokio::test]
async fn empty_success_is_an_error() {
    let server = server_with_token().await;
    Mock::given(method("GET"))
        .and(path("/api/track/v1/details/1ZPRGN000000000097"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"trackResponse":{"shipment":[]}}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .track("1ZPRGN000000000097")
        .await
        .unwrap_err();
    assert!(
        matches!(err, proign_ups::Error::Incomplete { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn http_404_is_not_found() {
    let server = server_with_token().await;
    Mock::given(method("GET"))
        .and(path("/api/track/v1/details/1ZPRGN000000000096"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            r#"{"response":{"errors":[{"code":"151018","message":"Invalid tracking number"}]}}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let tracking = client(&server).track("1ZPRGN000000000096").await.unwrap();
    let Tracking::NotFound(warning) = tracking else {
        panic!("{tracking:?}");
    };
    assert_eq!(warning.code, "151018");
}

#[tokio::test]
async fn truncated_json_is_a_typed_error() {
    let server = server_with_token().await;
    Mock::given(method("GET"))
        .and(path("/api/track/v1/details/1ZPRGN000000000095"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"trackResponse":{"shipment":[{"pack"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .track("1ZPRGN000000000095")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.as_http().map(|e| e.kind()),
            Some(proign_core::http::ErrorKind::Undecodable { .. })
        ),
        "{err:?}"
    );
}
