//! Every request Stripe's own library sent (`requests-stripe.jsonl`) is sent again through
//! proign-stripe to a local server and compared: method, path, query, the headers that
//! matter and the body byte for byte.

use std::time::Duration;

use proign_core::auth::Credential;
use proign_core::idempotency::IdempotencyKey;
use proign_core::retry::{Jitter, RetryPolicy};
use proign_core::secret::Secret;
use proign_stripe::metadata::Metadata;
use proign_stripe::resources::{
    AutomaticPaymentMethods, CustomField, CustomerCreate, CustomerUpdate, InvoiceListParams,
    InvoiceSettings, MeterEventCreate, PaymentIntentCreate, SubscriptionCreate,
    SubscriptionItemParams, Update,
};
use proign_stripe::{Client, RequestOptions};
use proign_testkit::vectors::{RecordedRequest, stripe_requests};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk_test_proignRecorderKey0000000000";

fn fixture(name: &str) -> serde_json::Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn client(server: &MockServer) -> Client {
    Client::builder(Credential::new(Secret::new(KEY).unwrap()))
        .base_url(server.uri())
        .retry(
            RetryPolicy::default()
                .with_base_delay(Duration::from_millis(5))
                .with_jitter(Jitter::None),
        )
        .build()
        .unwrap()
}

/// The recorded rows of one operation, in attempt order.
fn rows(operation: &str) -> Vec<RecordedRequest> {
    let mut rows: Vec<_> = stripe_requests()
        .into_iter()
        .filter(|r| r.operation == operation)
        .collect();
    rows.sort_by_key(|r| r.seq);
    assert!(!rows.is_empty(), "no recording for {operation}");
    rows
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Compares one received request with its recording.
fn assert_same(sent: &Request, recorded: &RecordedRequest) {
    let op = &recorded.operation;
    assert_eq!(sent.method.as_str(), recorded.method, "{op}: method");
    assert_eq!(sent.url.path(), recorded.path, "{op}: path");
    assert_eq!(
        sent.url.query().unwrap_or(""),
        recorded.raw_query,
        "{op}: query"
    );
    assert_eq!(
        String::from_utf8(sent.body.clone()).unwrap(),
        recorded.body,
        "{op}: body"
    );
    assert_eq!(
        header(sent, "authorization"),
        recorded.header("authorization"),
        "{op}: auth"
    );
    for name in ["content-type", "stripe-version", "stripe-account", "accept"] {
        assert_eq!(header(sent, name), recorded.header(name), "{op}: {name}");
    }
    if let Some(length) = recorded.header("content-length") {
        assert_eq!(
            header(sent, "content-length"),
            Some(length),
            "{op}: content-length"
        );
    }
    let key = header(sent, "idempotency-key");
    match recorded.header("idempotency-key") {
        None => assert_eq!(key, None, "{op}: no idempotency key on {}", recorded.method),
        Some(k)
            if recorded
                .normalized_headers
                .iter()
                .any(|h| h == "idempotency-key") =>
        {
            assert!(key.is_some_and(|key| !key.is_empty()), "{op}: a key ({k})")
        }
        Some(k) => assert_eq!(key, Some(k), "{op}: the caller's key"),
    }
}

/// Serves `body` for the operation's path, checks every received request against its row
/// and returns what was received.
async fn replay<F, Fut>(operation: &str, body: serde_json::Value, call: F) -> Vec<Request>
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let rows = rows(operation);
    let server = MockServer::start().await;
    let first = &rows[0];
    let failures = rows.iter().filter(|r| r.response_status >= 500).count() as u64;
    if failures > 0 {
        Mock::given(method(first.method.as_str()))
            .and(path(first.path.as_str()))
            .respond_with(ResponseTemplate::new(500).set_body_json(fixture("error_500.json")))
            .up_to_n_times(failures)
            .expect(failures)
            .mount(&server)
            .await;
    }
    Mock::given(method(first.method.as_str()))
        .and(path(first.path.as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-id", "req_ProignLocal01")
                .set_body_json(body),
        )
        .expect(1)
        .mount(&server)
        .await;
    call(client(&server)).await;
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), rows.len(), "{operation}: attempts");
    for (sent, row) in received.iter().zip(&rows) {
        assert_same(sent, row);
    }
    received
}

#[tokio::test]
async fn customers_create_with_a_caller_key() {
    replay(
        "customers.create",
        fixture("customer.json"),
        |c| async move {
            let params = CustomerCreate {
                email: Some("jenny.rosen@example.com".into()),
                name: Some("Jenny Rosen".into()),
                metadata: Some(
                    Metadata::new()
                        .with("order_id", "6735")
                        .with("source", "proign test")
                        .with("note with space", "a&b=c+d/é"),
                ),
                ..CustomerCreate::default()
            };
            let key = IdempotencyKey::parse("proign-idem-cus-0001").unwrap();
            let options = RequestOptions::new().idempotency_key(key);
            let customer = c.customers().create(&params, &options).await.unwrap();
            assert_eq!(customer.id, "cus_ProignTest0001");
            assert_eq!(customer.extra["invoice_prefix"], "7D1C2F3A");
        },
    )
    .await;
}

#[tokio::test]
async fn subscriptions_create_with_items_and_expand() {
    replay(
        "subscriptions.create",
        fixture("subscription.json"),
        |c| async move {
            let params = SubscriptionCreate {
                customer: "cus_ProignTest0001".into(),
                items: vec![
                    SubscriptionItemParams::price("price_1ProignBasic").quantity(2),
                    SubscriptionItemParams::price("price_1ProignAddon"),
                ],
                payment_behavior: Some("default_incomplete".into()),
                expand: vec!["latest_invoice.payment_intent".into()],
                metadata: Some(Metadata::new().with("plan", "pro")),
                ..SubscriptionCreate::default()
            };
            let sub = c
                .subscriptions()
                .create(&params, &RequestOptions::new())
                .await
                .unwrap();
            assert_eq!(sub.status, "incomplete");
            assert_eq!(sub.extra["latest_invoice"]["amount_due"], 3500);
        },
    )
    .await;
}

#[tokio::test]
async fn invoices_list_with_a_cursor_and_filters() {
    replay(
        "invoices.list",
        fixture("invoice_list.json"),
        |c| async move {
            let mut params = InvoiceListParams::default();
            params.page = params.page.limit(3).starting_after("in_1ProignPrev0001");
            params.customer = Some("cus_ProignTest0001".into());
            params.status = Some("paid".into());
            let page = c
                .invoices()
                .list(&params, &RequestOptions::new())
                .await
                .unwrap();
            assert!(!page.has_more);
            assert_eq!(page.data[1].amount_paid, 1999);
            assert!(
                page.data[1]
                    .extra
                    .contains_key("a_field_from_a_newer_api_version")
            );
        },
    )
    .await;
}

#[tokio::test]
async fn customers_retrieve_with_expand_in_the_query() {
    replay(
        "customers.retrieve_expand",
        fixture("customer.json"),
        |c| async move {
            let options = RequestOptions::new()
                .expand("default_source")
                .expand("invoice_settings.default_payment_method");
            let customer = c
                .customers()
                .retrieve("cus_ProignTest0001", &options)
                .await
                .unwrap();
            assert_eq!(customer.email.as_deref(), Some("jenny.rosen@example.com"));
        },
    )
    .await;
}

#[tokio::test]
async fn customers_update_clears_and_nests() {
    replay(
        "customers.update_encoding_probe",
        fixture("customer.json"),
        |c| async move {
            let params = CustomerUpdate {
                description: Some(Update::Set(String::new())),
                address: Some(Update::Clear),
                metadata: Some(
                    Metadata::new()
                        .with("order_id", "")
                        .with("keep", "yes")
                        .with("unicode", "Zoë 🎉"),
                ),
                preferred_locales: vec!["en".into(), "fr-CA".into()],
                invoice_settings: Some(InvoiceSettings {
                    custom_fields: vec![
                        CustomField {
                            name: "PO number".into(),
                            value: "PO-1".into(),
                        },
                        CustomField {
                            name: "Dept".into(),
                            value: "R&D".into(),
                        },
                    ],
                    default_payment_method: None,
                }),
                balance: Some(-500),
                tax_exempt: Some("none".into()),
                ..CustomerUpdate::default()
            };
            let options = RequestOptions::new();
            c.customers()
                .update("cus_ProignTest0001", &params, &options)
                .await
                .unwrap();
        },
    )
    .await;
}

#[tokio::test]
async fn payment_intents_create_on_a_connected_account_with_another_version() {
    replay(
        "payment_intents.create_encoding_probe",
        fixture("payment_intent.json"),
        |c| async move {
            let mut params = PaymentIntentCreate::new(2000, "usd");
            params.automatic_payment_methods =
                Some(AutomaticPaymentMethods::enabled(Some("never")));
            params.confirm = Some(false);
            params.capture_method = Some("manual".into());
            params.metadata = Some(Metadata::new());
            params.statement_descriptor_suffix = Some("PROIGN*TEST (1)'".into());
            let options = RequestOptions::new()
                .account("acct_1ProignConnect01")
                .api_version("2025-12-15.clover");
            let intent = c.payment_intents().create(&params, &options).await.unwrap();
            assert_eq!((intent.amount, intent.currency.as_str()), (2000, "usd"));
        },
    )
    .await;
}

#[tokio::test]
async fn customers_delete_sends_no_key_and_no_body() {
    replay(
        "customers.del",
        fixture("customer_deleted.json"),
        |c| async move {
            let deleted = c
                .customers()
                .delete("cus_ProignTest0001", &RequestOptions::new())
                .await
                .unwrap();
            assert!(deleted.deleted);
        },
    )
    .await;
}

#[tokio::test]
async fn v2_meter_events_are_json() {
    replay(
        "v2.billing.meter_events.create",
        fixture("meter_event.json"),
        |c| async move {
            let mut params = MeterEventCreate::new("api_call", "cus_ProignTest0001", 25);
            params.identifier = Some("idmp_proign_0001".into());
            let event = c
                .meter_events()
                .create(&params, &RequestOptions::new())
                .await
                .unwrap();
            assert_eq!(event.payload["value"], "25");
        },
    )
    .await;
}

#[tokio::test]
async fn customers_create_minimal() {
    replay(
        "customers.create_no_retries_no_telemetry",
        fixture("customer.json"),
        |c| async move {
            let params = CustomerCreate::with_email("no-retry@example.com");
            c.customers()
                .create(&params, &RequestOptions::new())
                .await
                .unwrap();
        },
    )
    .await;
}

#[tokio::test]
async fn the_retry_after_a_500_reuses_the_key_and_the_body() {
    let received = replay(
        "customers.create_retry_after_500",
        fixture("customer.json"),
        |c| async move {
            let params = CustomerCreate::with_email("retry-me@example.com");
            c.customers()
                .create(&params, &RequestOptions::new())
                .await
                .unwrap();
        },
    )
    .await;
    assert_eq!(
        header(&received[0], "idempotency-key"),
        header(&received[1], "idempotency-key")
    );
    assert_eq!(received[0].body, received[1].body);
}

#[test]
fn every_recorded_operation_has_a_test() {
    let covered = [
        "customers.create",
        "subscriptions.create",
        "invoices.list",
        "customers.retrieve_expand",
        "customers.update_encoding_probe",
        "payment_intents.create_encoding_probe",
        "customers.del",
        "v2.billing.meter_events.create",
        "customers.create_no_retries_no_telemetry",
        "customers.create_retry_after_500",
    ];
    for row in stripe_requests() {
        assert!(
            covered.contains(&row.operation.as_str()),
            "{} is not replayed",
            row.operation
        );
    }
}
