//! Address validation against a mock shaped like UPS's published examples.

mod common;

use common::*;
use proign_ups::address::{AddressQuery, Classification, Validation};
use serde_json::Value;
use wiremock::matchers::{header, header_exists, method, path};
use wiremock::{Mock, MockServer};

fn query() -> AddressQuery {
    AddressQuery::us(["26601 Aliso Creek Road"], "Aliso Viejo", "CA", "92656")
}

async fn answer(fixture: &str) -> (MockServer, Validation) {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/api/addressvalidation/v2/3"))
        .and(header("authorization", "Bearer prgn-access-token-A"))
        .and(header("transactionSrc", "proign-tests"))
        .and(header_exists("transId"))
        .respond_with(json(200, fixture))
        .expect(1)
        .mount(&server)
        .await;
    let validation = client(&server).validate_address(&query()).await.unwrap();
    (server, validation)
}

#[tokio::test]
async fn valid_address_with_its_classification() {
    let (server, validation) = answer("xav_valid.json").await;
    let Validation::Valid { candidate } = validation else {
        panic!("{validation:?}");
    };
    assert_eq!(candidate.lines, ["26601 ALISO CREEK RD"]);
    assert_eq!(candidate.postal_code_extension.as_deref(), Some("4301"));
    assert_eq!(candidate.classification, Classification::Residential);

    let requests = server.received_requests().await.unwrap();
    let sent = requests
        .iter()
        .find(|r| r.url.path().starts_with("/api/"))
        .unwrap();
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    let key = &body["XAVRequest"]["AddressKeyFormat"];
    assert_eq!(body["XAVRequest"]["Request"]["RequestOption"], "3");
    assert_eq!(key["AddressLine"][0], "26601 Aliso Creek Road");
    assert_eq!(key["PoliticalDivision2"], "Aliso Viejo");
    assert_eq!(key["PoliticalDivision1"], "CA");
    assert_eq!(key["PostcodePrimaryLow"], "92656");
    assert_eq!(key["CountryCode"], "US");
    let trans_id = sent.headers.get("transid").unwrap().to_str().unwrap();
    assert_eq!(trans_id.len(), 32);
}

#[tokio::test]
async fn ambiguous_address_lists_candidates() {
    let (_server, validation) = answer("xav_ambiguous.json").await;
    let Validation::Ambiguous { candidates } = validation else {
        panic!("{validation:?}");
    };
    assert_eq!(candidates.len(), 2);
    assert_eq!(candidates[0].lines, ["100 MAIN ST", "STE 100"]);
    assert_eq!(candidates[0].classification, Classification::Commercial);
    assert_eq!(candidates[1].classification, Classification::Residential);
}

#[tokio::test]
async fn no_candidates_is_its_own_answer() {
    let (_server, validation) = answer("xav_no_candidates.json").await;
    assert_eq!(validation, Validation::NoCandidates);
}

#[tokio::test]
async fn ups_error_body_keeps_the_code() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/api/addressvalidation/v2/3"))
        .respond_with(
            wiremock::ResponseTemplate::new(400).set_body_raw(
                r#"{"response":{"errors":[{"code":"264002","message":"Country Code is invalid or missing."}]}}"#,
                "application/json",
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .validate_address(&query())
        .await
        .unwrap_err();
    assert_eq!(err.ups_code(), Some("264002"));
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn html_page_is_a_typed_error() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/api/addressvalidation/v2/3"))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_raw("<html><body>Gateway</body></html>", "text/html"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .validate_address(&query())
        .await
        .unwrap_err();
    let kind = err.as_http().unwrap().kind();
    assert!(
        matches!(kind, proign_core::http::ErrorKind::Undecodable { .. }),
        "{kind:?}"
    );
}
