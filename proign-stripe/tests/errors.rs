//! Keys, `connect`, and Stripe's error bodies mapped to typed errors.

use std::time::Duration;

use proign_core::auth::Credential;
use proign_core::http::ErrorKind;
use proign_core::retry::{Jitter, RetryPolicy};
use proign_core::secret::Secret;
use proign_stripe::resources::{CustomerCreate, InvoicePay, PaymentIntentCreate};
use proign_stripe::{Client, Error, ErrorType, RequestOptions};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn key(value: &str) -> Credential {
    Credential::new(Secret::new(value).unwrap())
}

fn client(server: &MockServer) -> Client {
    Client::builder(key("sk_test_madeUpForErrorTests"))
        .base_url(server.uri())
        .retry(
            RetryPolicy::default()
                .with_base_delay(Duration::from_millis(5))
                .with_jitter(Jitter::None),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn publishable_and_webhook_keys_are_refused_before_any_call() {
    for (value, says) in [
        ("pk_test_madeUp", "publishable"),
        ("whsec_madeUp", "webhook"),
    ] {
        let error = Client::builder(key(value)).build().unwrap_err();
        assert!(matches!(error, Error::KeyRefused(_)));
        assert!(error.to_string().contains(says), "{error}");
        assert!(!error.to_string().contains("madeUp"));
    }
}

#[tokio::test]
async fn connect_checks_the_key_once_and_reports_a_refusal() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/balance"))
        .and(header("authorization", "Bearer sk_test_refusedKey"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {
            "type": "invalid_request_error", "message": "Invalid API Key provided: sk_test_****dKey"}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/balance"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"object": "balance",
            "available": [{"amount": 0, "currency": "usd"}], "livemode": false})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let ok = Client::builder(key("sk_test_goodKey"))
        .base_url(server.uri())
        .connect()
        .await;
    assert!(!ok.unwrap().is_live());
    let refused = Client::builder(key("sk_test_refusedKey"))
        .base_url(server.uri())
        .connect()
        .await
        .unwrap_err();
    assert!(matches!(
        refused.http().unwrap().kind(),
        ErrorKind::Authentication { .. }
    ));
    assert!(!format!("{refused:?}").contains("sk_test_refusedKey"));
}

#[tokio::test]
async fn a_declined_card_is_not_an_invalid_request() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/invoices/in_1/pay"))
        .respond_with(
            ResponseTemplate::new(402)
                .insert_header("request-id", "req_Decline1")
                .set_body_json(
                    json!({"error": {"type": "card_error", "code": "card_declined",
                    "decline_code": "insufficient_funds", "param": "",
                    "message": "Your card has insufficient funds."}}),
                ),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/customers"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "type": "invalid_request_error", "code": "parameter_unknown", "param": "emial",
            "message": "Received unknown parameter: emial"}})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let declined = client
        .invoices()
        .pay("in_1", &InvoicePay::default(), &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(declined.is_card_declined() && !declined.is_invalid_request());
    let detail = declined.api().unwrap();
    assert_eq!(detail.decline_code.as_deref(), Some("insufficient_funds"));
    assert_eq!(declined.request_id(), Some("req_Decline1"));
    assert_eq!(declined.status(), Some(402));

    let invalid = client
        .customers()
        .create(&CustomerCreate::default(), &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(invalid.is_invalid_request() && !invalid.is_card_declined());
    assert_eq!(invalid.api().unwrap().param.as_deref(), Some("emial"));
    assert_eq!(invalid.api().unwrap().kind, ErrorType::InvalidRequest);
}

#[tokio::test]
async fn stripe_should_retry_false_stops_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("stripe-should-retry", "false")
                .set_body_json(json!({"error": {"type": "api_error", "message": "no"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .payment_intents()
        .create(
            &PaymentIntentCreate::new(100, "usd"),
            &RequestOptions::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(error.api().unwrap().kind, ErrorType::Api);
}

#[tokio::test]
async fn a_proxy_page_and_a_truncated_body_are_typed_errors() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/customers/cus_html"))
        .respond_with(
            ResponseTemplate::new(503).set_body_raw("<html><body>down</body></html>", "text/html"),
        )
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(path("/v1/customers/cus_cut"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"id":"cus_cut","obj"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let html = client
        .customers()
        .retrieve("cus_html", &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(html, Error::Http(ref e) if matches!(e.kind(), ErrorKind::Undecodable { .. }))
    );
    assert!(html.is_retryable());
    let cut = client
        .customers()
        .retrieve("cus_cut", &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(
        cut,
        Error::Decode {
            operation: "retrieve_customer",
            ..
        }
    ));
}

#[tokio::test]
async fn the_client_account_and_version_go_on_every_call() {
    let server = MockServer::start().await;
    Mock::given(header("stripe-account", "acct_1Connected"))
        .and(header("stripe-version", "2099-01-01.test"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "cus_1", "object": "customer"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(key("rk_test_madeUp"))
        .base_url(server.uri())
        .account("acct_1Connected")
        .api_version("2099-01-01.test")
        .rate_budget()
        .build()
        .unwrap();
    let customer = client
        .customers()
        .retrieve("cus_1", &RequestOptions::new())
        .await
        .unwrap();
    assert_eq!(customer.id, "cus_1");
}

#[tokio::test]
async fn ids_cannot_escape_their_path() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/customers/cus_1%2F..%2Fbalance"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "cus_1", "object": "customer"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    client
        .customers()
        .retrieve("cus_1/../balance", &RequestOptions::new())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_per_request_timeout_bounds_each_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(Duration::from_secs(2))
                .set_body_json(json!({"id": "cus_1", "object": "customer"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(key("sk_test_madeUpForTimeouts"))
        .base_url(server.uri())
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let options = RequestOptions::new().timeout(Duration::from_millis(200));
    let started = std::time::Instant::now();
    let error = client
        .customers()
        .retrieve("cus_1", &options)
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(
        matches!(error.http().unwrap().kind(), ErrorKind::Timeout { .. }),
        "{error:?}"
    );
}

#[test]
fn keys_never_show_in_debug_output() {
    let client = Client::builder(key("sk_test_51PrgnDONOTLOG"))
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains("DONOTLOG"));
    let refused = Client::builder(key("pk_test_51PrgnDONOTLOG"))
        .build()
        .unwrap_err();
    assert!(!format!("{refused:?} {refused}").contains("DONOTLOG"));
}
