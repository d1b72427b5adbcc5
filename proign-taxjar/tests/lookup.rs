//! Nexus regions, address and VAT validation, categories, summary rates, and the sandbox
//! header.

mod common;

use std::str::FromStr;

use proign_taxjar::{Address, Environment, TaxJarClient};
use rust_decimal::Decimal;
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn get(server: &MockServer, route: &str, body: &str) {
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/json"))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn lookups_are_typed() {
    let server = MockServer::start().await;
    get(
        &server,
        "/v2/nexus/regions",
        r#"{"regions":[{"country_code":"US","country":"United States","region_code":"CA","region":"California"}]}"#,
    )
    .await;
    get(
        &server,
        "/v2/categories",
        r#"{"categories":[{"name":"Clothing","product_tax_code":"20010","description":" All human wearing apparel suitable for general use"}]}"#,
    )
    .await;
    get(
        &server,
        "/v2/summary_rates",
        r#"{"summary_rates":[{"country_code":"US","country":"United States","region_code":"CA","region":"California","minimum_rate":{"label":"State Tax","rate":0.065},"average_rate":{"label":"Tax","rate":0.0827}}]}"#,
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/v2/validation"))
        .and(query_param("vat", "FR40303265045"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"validation":{"valid":true,"exists":true,"vies_available":true,"vies_response":{"country_code":"FR","vat_number":"40303265045","valid":true,"name":"SA SODIMAS"}}}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/addresses/validate"))
        .and(body_string(
            r#"{"country":"US","zip":"85297","state":"AZ","city":"Gilbert","street":"3301 South Greenfield Rd"}"#,
        ))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"addresses":[{"zip":"85297-2176","street":"3301 S Greenfield Rd","state":"AZ","country":"US","city":"Gilbert"}]}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;

    let client = common::client(&server.uri());
    let regions = client.nexus_regions().await.unwrap();
    assert_eq!(regions[0].region_code.as_deref(), Some("CA"));
    let categories = client.categories().await.unwrap();
    assert_eq!(categories[0].product_tax_code, "20010");
    let summary = client.summary_rates().await.unwrap();
    assert_eq!(
        summary[0].average_rate.rate,
        Decimal::from_str("0.0827").unwrap()
    );
    let vat = client.validate_vat("FR40303265045").await.unwrap();
    assert!(vat.valid && vat.exists && vat.vies_available);
    let found = client
        .validate_address(
            &Address::new("US")
                .zip("85297")
                .state("AZ")
                .city("Gilbert")
                .street("3301 South Greenfield Rd"),
        )
        .await
        .unwrap();
    assert_eq!(found[0].zip.as_deref(), Some("85297-2176"));
}

#[tokio::test]
async fn the_sandbox_expected_response_and_api_version_headers_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/categories"))
        .and(header("x-tj-expected-response", "422"))
        .and(header("x-api-version", "2022-01-24"))
        .respond_with(ResponseTemplate::new(422).set_body_raw(
            r#"{"status":422,"error":"Unprocessable Entity","detail":"forced"}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = TaxJarClient::new(
        common::config(&server.uri())
            .environment(Environment::Sandbox)
            .expected_response(422),
    )
    .unwrap();
    let err = client.categories().await.unwrap_err();
    assert!(matches!(
        err,
        proign_taxjar::Error::Validation { status: 422, .. }
    ));
}

#[test]
fn environments_have_their_urls() {
    assert_eq!(Environment::Production.base_url(), "https://api.taxjar.com");
    assert_eq!(
        Environment::Sandbox.base_url(),
        "https://api.sandbox.taxjar.com"
    );
}

#[tokio::test]
async fn an_answer_without_the_expected_member_is_undecodable() {
    let server = MockServer::start().await;
    get(&server, "/v2/categories", r#"{"something":"else"}"#).await;
    let err = common::client(&server.uri())
        .categories()
        .await
        .unwrap_err();
    assert!(matches!(
        &err,
        proign_taxjar::Error::Api(e) if matches!(e.kind(), proign_core::http::ErrorKind::Undecodable { .. })
    ));
}
