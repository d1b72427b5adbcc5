//! The billing client against the local Stripe simulator from `proign-testkit`.

use std::time::Duration;

use bytes::Bytes;
use proign_core::auth::Credential;
use proign_core::idempotency::IdempotencyKey;
use proign_core::retry::{Jitter, RetryPolicy};
use proign_core::secret::Secret;
use proign_stripe::event::EventType;
use proign_stripe::resources::{
    CustomerCreate, InvoiceCreate, InvoiceItemCreate, InvoicePay, PaymentIntentCreate, PriceCreate,
    Recurring, SubscriptionCreate, SubscriptionItemParams,
};
use proign_stripe::webhook::StripeVerifier;
use proign_stripe::{Client, ErrorType, RequestOptions};
use proign_testkit::sim::stripe::{StripeSim, error_body};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(sim: &StripeSim) -> Client {
    Client::builder(Credential::new(
        Secret::new("sk_test_madeUpForTheSimulator").unwrap(),
    ))
    .base_url(sim.base_url())
    .retry(
        RetryPolicy::default()
            .with_base_delay(Duration::from_millis(5))
            .with_jitter(Jitter::None),
    )
    .build()
    .unwrap()
}

#[tokio::test]
async fn invoice_items_invoice_finalize_pay_and_a_signed_invoice_paid() {
    let sim = StripeSim::start().await;
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let secret = Secret::new("whsec_madeUpForTheSimulator").unwrap();
    sim.deliver_to(
        format!("{}/webhooks/stripe", receiver.uri()),
        secret.clone(),
    );
    let stripe = client(&sim);
    let none = RequestOptions::new();

    let customer = stripe
        .customers()
        .create(&CustomerCreate::with_email("jenny@example.com"), &none)
        .await
        .unwrap();
    let item = InvoiceItemCreate {
        customer: customer.id.clone(),
        amount: Some(1999),
        currency: Some("usd".into()),
        ..InvoiceItemCreate::default()
    };
    stripe.invoice_items().create(&item, &none).await.unwrap();
    let draft = InvoiceCreate {
        customer: Some(customer.id.clone()),
        ..InvoiceCreate::default()
    };
    let invoice = stripe.invoices().create(&draft, &none).await.unwrap();
    assert_eq!(
        (invoice.amount_due, invoice.status.as_deref()),
        (1999, Some("draft"))
    );
    let open = stripe
        .invoices()
        .finalize(&invoice.id, &none)
        .await
        .unwrap();
    assert_eq!(open.status.as_deref(), Some("open"));
    let pay = InvoicePay {
        payment_method: Some("pm_card_visa".into()),
        ..InvoicePay::default()
    };
    let paid = stripe
        .invoices()
        .pay(&invoice.id, &pay, &none)
        .await
        .unwrap();
    assert_eq!((paid.amount_paid, paid.amount_remaining), (1999, 0));

    let verifier = StripeVerifier::new([&secret]).unwrap();
    let mut kinds = Vec::new();
    for _ in 0..100 {
        let received = receiver.received_requests().await.unwrap();
        if received.len() == sim.events().len() {
            for delivery in received {
                let body = Bytes::from(delivery.body.clone());
                let (_, event) = verifier.construct_event(&delivery.headers, body).unwrap();
                kinds.push(event.kind);
            }
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(kinds.contains(&EventType::InvoicePaid), "{kinds:?}");
    let mut deliveries = sim.deliveries();
    for _ in 0..100 {
        if deliveries.len() == kinds.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        deliveries = sim.deliveries();
    }
    assert_eq!(deliveries.len(), kinds.len());
    assert!(deliveries.iter().all(|d| d.status == Some(200)));
    let listed = stripe
        .events()
        .list(&Default::default(), &none)
        .await
        .unwrap();
    assert_eq!(listed.data[0].kind, EventType::InvoicePaid);
}

#[tokio::test]
async fn the_same_key_replays_and_another_body_is_an_idempotency_error() {
    let sim = StripeSim::start().await;
    let stripe = client(&sim);
    let key = IdempotencyKey::parse("prgn-sim-replay-0001").unwrap();
    let options = RequestOptions::new().idempotency_key(key);
    let params = CustomerCreate::with_email("once@example.com");
    let first = stripe.customers().create(&params, &options).await.unwrap();
    let again = stripe.customers().create(&params, &options).await.unwrap();
    assert_eq!(first.id, again.id);
    let other = CustomerCreate::with_email("twice@example.com");
    let error = stripe
        .customers()
        .create(&other, &options)
        .await
        .unwrap_err();
    assert_eq!(error.api().unwrap().kind, ErrorType::Idempotency);
    assert!(!error.is_retryable());
    let list = stripe
        .customers()
        .list(&Default::default(), &RequestOptions::new())
        .await;
    assert_eq!(list.unwrap().data.len(), 1);
}

#[tokio::test]
async fn injected_failures_are_retried_with_one_key() {
    let sim = StripeSim::start().await;
    sim.fail_next(2, 500, error_body("api_error", None, "simulated"));
    let stripe = client(&sim);
    let customer = stripe
        .customers()
        .create(
            &CustomerCreate::with_email("retry@example.com"),
            &RequestOptions::new(),
        )
        .await
        .unwrap();
    let mut params = PaymentIntentCreate::new(1999, "usd");
    params.customer = Some(customer.id);
    params.payment_method = Some("pm_card_chargeDeclined".into());
    params.confirm = Some(true);
    let declined = stripe
        .payment_intents()
        .create(&params, &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(declined.is_card_declined());
    let requests = sim.requests();
    assert_eq!(requests.len(), 4);
    let keys: Vec<_> = requests[..3]
        .iter()
        .map(|r| r.header("idempotency-key"))
        .collect();
    assert!(keys[0].is_some() && keys.iter().all(|k| *k == keys[0]));
}

#[tokio::test]
async fn a_subscription_is_invoiced_and_activated_when_paid() {
    let sim = StripeSim::start().await;
    let stripe = client(&sim);
    let none = RequestOptions::new();
    let mut customer = CustomerCreate::with_email("sub@example.com");
    customer.payment_method = Some("pm_card_visa".into());
    let customer = stripe.customers().create(&customer, &none).await.unwrap();
    let price = PriceCreate {
        currency: "usd".into(),
        unit_amount: Some(1500),
        recurring: Some(Recurring::every("month")),
        ..PriceCreate::default()
    };
    let price = stripe.prices().create(&price, &none).await.unwrap();
    let params = SubscriptionCreate {
        customer: customer.id.clone(),
        items: vec![SubscriptionItemParams::price(&price.id).quantity(2)],
        payment_behavior: Some("default_incomplete".into()),
        ..SubscriptionCreate::default()
    };
    let sub = stripe.subscriptions().create(&params, &none).await.unwrap();
    assert_eq!(sub.status, "incomplete");
    let invoice_id = sub.extra["latest_invoice"].as_str().unwrap().to_owned();
    let pay = InvoicePay {
        payment_method: Some("pm_card_visa".into()),
        ..InvoicePay::default()
    };
    let paid = stripe
        .invoices()
        .pay(&invoice_id, &pay, &none)
        .await
        .unwrap();
    assert_eq!(paid.amount_paid, 3000);
    let sub = stripe
        .subscriptions()
        .retrieve(&sub.id, &none)
        .await
        .unwrap();
    assert_eq!(sub.status, "active");
    let missing = stripe
        .customers()
        .retrieve("cus_nope", &none)
        .await
        .unwrap_err();
    assert_eq!(
        missing.api().unwrap().code.as_deref(),
        Some("resource_missing")
    );
}

#[tokio::test]
async fn connect_from_configuration_with_a_mounted_key_file() {
    use proign_core::http::{Connect as _, CredentialSource};

    let sim = StripeSim::start().await;
    let file = std::env::temp_dir().join(format!("proign-stripe-key-{}", std::process::id()));
    std::fs::write(&file, "sk_test_madeUpFromAFile\n").unwrap();
    let mut config = proign_stripe::Config::new(CredentialSource::File(file.clone()));
    config.base_url = Some(sim.base_url().to_owned());
    config.account = Some("acct_1Sim".into());
    let client = Client::connect(config).await.unwrap();
    std::fs::remove_file(&file).unwrap();
    client
        .customers()
        .list(&Default::default(), &RequestOptions::new())
        .await
        .unwrap();
    let requests = sim.requests();
    assert_eq!(requests[0].path, "/v1/balance");
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer sk_test_madeUpFromAFile")
    );
    assert!(
        requests
            .iter()
            .all(|r| r.header("stripe-account") == Some("acct_1Sim"))
    );
}
