//! Every typed operation beyond the recorded ones: method, path, body or query, and the
//! typed answer, against a local server that expects exactly one call each.

use std::future::Future;

use proign_core::auth::Credential;
use proign_core::secret::Secret;
use proign_stripe::list::ListParams;
use proign_stripe::metadata::Metadata;
use proign_stripe::resources::{
    CheckoutLineItem, CheckoutSessionCreate, CreditNoteCreate, PaymentIntentCapture,
    PaymentIntentConfirm, PaymentMethodListParams, PortalSessionCreate, PriceCreate, ProductCreate,
    Recurring, RefundCreate, ScheduleCreate, SetupIntentCreate, SubscriptionItemParams,
    SubscriptionUpdate, Update, WebhookEndpointCreate,
};
use proign_stripe::{Client, Error, RequestOptions};
use serde_json::{Value, json};
use wiremock::matchers::{body_string, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder(Credential::new(
        Secret::new("sk_test_madeUpForResources").unwrap(),
    ))
    .base_url(server.uri())
    .build()
    .unwrap();
    (server, client)
}

/// Expects one `verb path` call carrying `body` and answers `answer`.
async fn expect_call(server: &MockServer, verb: &str, at: &str, body: &str, answer: Value) {
    Mock::given(method(verb))
        .and(path(at))
        .and(body_string(body))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .named(format!("{verb} {at}"))
        .mount(server)
        .await;
}

async fn check<T, F>(
    verb: &str,
    at: &str,
    body: &str,
    answer: Value,
    call: impl FnOnce(Client) -> F,
) -> T
where
    F: Future<Output = Result<T, Error>>,
{
    let (server, client) = setup().await;
    expect_call(&server, verb, at, body, answer).await;
    let result = call(client).await.unwrap();
    server.verify().await;
    result
}

fn none() -> RequestOptions {
    RequestOptions::new()
}

#[tokio::test]
async fn products_and_prices() {
    let product = check(
        "POST",
        "/v1/products",
        "name=Pro%20plan&metadata[tier]=2",
        json!({"id": "prod_1", "object": "product", "name": "Pro plan", "active": true}),
        |c| async move {
            let params = ProductCreate {
                name: "Pro plan".into(),
                metadata: Some(Metadata::new().with("tier", "2")),
                ..ProductCreate::default()
            };
            c.products().create(&params, &none()).await
        },
    )
    .await;
    assert!(product.active);
    let price = check("POST", "/v1/prices",
        "currency=eur&unit_amount=1250&product=prod_1&recurring[interval]=month&recurring[interval_count]=3",
        json!({"id": "price_1", "object": "price", "currency": "eur", "unit_amount": 1250,
            "type": "recurring", "product": "prod_1", "tiers_mode": null}),
        |c| async move {
            let params = PriceCreate {
                currency: "eur".into(),
                unit_amount: Some(1250),
                product: Some("prod_1".into()),
                recurring: Some(Recurring { interval: "month".into(), interval_count: Some(3) }),
                ..PriceCreate::default()
            };
            c.prices().create(&params, &none()).await
        })
        .await;
    assert_eq!(
        (price.unit_amount, price.r#type.as_deref()),
        (Some(1250), Some("recurring"))
    );
    assert!(price.extra.contains_key("tiers_mode"));
}

#[tokio::test]
async fn subscription_update_cancel_resume_and_items() {
    let sub = json!({"id": "sub_1", "object": "subscription", "status": "active"});
    check("POST", "/v1/subscriptions/sub_1",
        "items[0][id]=si_1&items[0][deleted]=true&items[1][price]=price_2&cancel_at_period_end=true&default_payment_method=",
        sub.clone(), |c| async move {
            let params = SubscriptionUpdate {
                items: vec![
                    SubscriptionItemParams { id: Some("si_1".into()), deleted: Some(true), ..Default::default() },
                    SubscriptionItemParams::price("price_2"),
                ],
                cancel_at_period_end: Some(true),
                default_payment_method: Some(Update::Clear),
                ..SubscriptionUpdate::default()
            };
            c.subscriptions().update("sub_1", &params, &none()).await
        })
        .await;
    check(
        "DELETE",
        "/v1/subscriptions/sub_1",
        "",
        sub.clone(),
        |c| async move { c.subscriptions().cancel("sub_1", &none()).await },
    )
    .await;
    check(
        "POST",
        "/v1/subscriptions/sub_1/resume",
        "",
        sub,
        |c| async move { c.subscriptions().resume("sub_1", &none()).await },
    )
    .await;
    let item = check("POST", "/v1/subscription_items", "subscription=sub_1&price=price_3&quantity=4",
        json!({"id": "si_3", "object": "subscription_item", "subscription": "sub_1", "quantity": 4}),
        |c| async move {
            let item = SubscriptionItemParams::price("price_3").quantity(4);
            c.subscription_items().create("sub_1", &item, &none()).await
        })
        .await;
    assert_eq!(item.quantity, Some(4));
}

#[tokio::test]
async fn subscription_schedules() {
    let schedule = json!({"id": "sub_sched_1", "object": "subscription_schedule",
        "status": "not_started", "customer": "cus_1", "phases": []});
    check("POST", "/v1/subscription_schedules",
        "customer=cus_1&start_date=now&end_behavior=release&phases[0][items][0][price]=price_1&phases[0][iterations]=12",
        schedule.clone(), |c| async move {
            let params = ScheduleCreate {
                customer: Some("cus_1".into()),
                start_date: Some(json!("now")),
                end_behavior: Some("release".into()),
                phases: vec![json!({"items": [{"price": "price_1"}], "iterations": 12})],
                ..ScheduleCreate::default()
            };
            c.subscription_schedules().create(&params, &none()).await
        })
        .await;
    check(
        "POST",
        "/v1/subscription_schedules/sub_sched_1/release",
        "",
        schedule,
        |c| async move {
            c.subscription_schedules()
                .release("sub_sched_1", &none())
                .await
        },
    )
    .await;
}

#[tokio::test]
async fn invoice_actions_and_credit_notes() {
    let invoice = json!({"id": "in_1", "object": "invoice", "currency": "usd", "status": "void"});
    for (action, verb) in [("void", "void"), ("send", "send"), ("finalize", "finalize")] {
        let at = format!("/v1/invoices/in_1/{action}");
        check("POST", &at, "", invoice.clone(), |c| async move {
            match verb {
                "void" => c.invoices().void("in_1", &none()).await,
                "send" => c.invoices().send("in_1", &none()).await,
                _ => c.invoices().finalize("in_1", &none()).await,
            }
        })
        .await;
    }
    check(
        "POST",
        "/v1/invoices/create_preview",
        "customer=cus_1&subscription=sub_1",
        json!({"object": "invoice", "id": "upcoming_in_1", "currency": "usd", "amount_due": 3000}),
        |c| async move { c.invoices().upcoming("cus_1", Some("sub_1"), &none()).await },
    )
    .await;
    let note = check(
        "POST",
        "/v1/credit_notes",
        "invoice=in_1&amount=500&reason=order_change",
        json!({"id": "cn_1", "object": "credit_note", "invoice": "in_1", "total": -500,
            "currency": "usd", "status": "issued"}),
        |c| async move {
            let params = CreditNoteCreate {
                invoice: "in_1".into(),
                amount: Some(500),
                reason: Some("order_change".into()),
                ..CreditNoteCreate::default()
            };
            c.credit_notes().create(&params, &none()).await
        },
    )
    .await;
    assert_eq!(note.total, -500);
}

#[tokio::test]
async fn payment_intent_confirm_capture_cancel() {
    let intent = json!({"id": "pi_1", "object": "payment_intent", "amount": 1999,
        "currency": "usd", "status": "succeeded"});
    check(
        "POST",
        "/v1/payment_intents/pi_1/confirm",
        "payment_method=pm_card_visa&return_url=https%3A%2F%2Fshop.example%2Fdone",
        intent.clone(),
        |c| async move {
            let params = PaymentIntentConfirm {
                payment_method: Some("pm_card_visa".into()),
                return_url: Some("https://shop.example/done".into()),
                ..PaymentIntentConfirm::default()
            };
            c.payment_intents().confirm("pi_1", &params, &none()).await
        },
    )
    .await;
    check(
        "POST",
        "/v1/payment_intents/pi_1/capture",
        "amount_to_capture=1500",
        intent.clone(),
        |c| async move {
            let params = PaymentIntentCapture {
                amount_to_capture: Some(1500),
            };
            c.payment_intents().capture("pi_1", &params, &none()).await
        },
    )
    .await;
    check(
        "POST",
        "/v1/payment_intents/pi_1/cancel",
        "",
        intent,
        |c| async move { c.payment_intents().cancel("pi_1", &none()).await },
    )
    .await;
}

#[tokio::test]
async fn setup_intents_payment_methods_and_refunds() {
    let seti = check(
        "POST",
        "/v1/setup_intents",
        "customer=cus_1&usage=off_session&payment_method_types[0]=card",
        json!({"id": "seti_1", "object": "setup_intent", "status": "requires_payment_method"}),
        |c| async move {
            let params = SetupIntentCreate {
                customer: Some("cus_1".into()),
                usage: Some("off_session".into()),
                payment_method_types: vec!["card".into()],
                ..SetupIntentCreate::default()
            };
            c.setup_intents().create(&params, &none()).await
        },
    )
    .await;
    assert_eq!(seti.status, "requires_payment_method");
    let pm = json!({"id": "pm_1", "object": "payment_method", "type": "card",
        "card": {"brand": "visa", "last4": "4242"}});
    check(
        "POST",
        "/v1/payment_methods/pm_1/attach",
        "customer=cus_1",
        pm.clone(),
        |c| async move { c.payment_methods().attach("pm_1", "cus_1", &none()).await },
    )
    .await;
    check(
        "POST",
        "/v1/payment_methods/pm_1/detach",
        "",
        pm.clone(),
        |c| async move { c.payment_methods().detach("pm_1", &none()).await },
    )
    .await;
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/payment_methods"))
        .and(query_param("customer", "cus_1"))
        .and(query_param("type", "card"))
        .and(query_param("limit", "5"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"object": "list",
            "url": "/v1/payment_methods", "has_more": false, "data": [pm]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let params = PaymentMethodListParams {
        page: ListParams::new().limit(5),
        customer: "cus_1".into(),
        r#type: Some("card".into()),
    };
    let list = client
        .payment_methods()
        .list(&params, &none())
        .await
        .unwrap();
    assert_eq!(list.data[0].card.as_ref().unwrap()["last4"], "4242");
    let refund = check("POST", "/v1/refunds", "payment_intent=pi_1&amount=500&reason=requested_by_customer",
        json!({"id": "re_1", "object": "refund", "amount": 500, "currency": "usd", "status": "succeeded"}),
        |c| async move {
            let params = RefundCreate {
                payment_intent: Some("pi_1".into()),
                amount: Some(500),
                reason: Some("requested_by_customer".into()),
                ..RefundCreate::default()
            };
            c.refunds().create(&params, &none()).await
        })
        .await;
    assert_eq!(refund.amount, 500);
}

#[tokio::test]
async fn checkout_and_portal_sessions() {
    let session = check("POST", "/v1/checkout/sessions",
        "mode=subscription&line_items[0][price]=price_1&line_items[0][quantity]=1&customer=cus_1&success_url=https%3A%2F%2Fshop.example%2Fok&client_reference_id=order-6735",
        json!({"id": "cs_test_1", "object": "checkout.session", "mode": "subscription",
            "url": "https://checkout.stripe.com/c/pay/cs_test_1"}),
        |c| async move {
            let params = CheckoutSessionCreate {
                mode: "subscription".into(),
                line_items: vec![CheckoutLineItem::new("price_1", 1)],
                customer: Some("cus_1".into()),
                success_url: Some("https://shop.example/ok".into()),
                client_reference_id: Some("order-6735".into()),
                ..CheckoutSessionCreate::default()
            };
            c.checkout_sessions().create(&params, &none()).await
        })
        .await;
    assert_eq!(
        session.extra["url"],
        "https://checkout.stripe.com/c/pay/cs_test_1"
    );
    let portal = check(
        "POST",
        "/v1/billing_portal/sessions",
        "customer=cus_1&return_url=https%3A%2F%2Fshop.example%2Faccount",
        json!({"id": "bps_1", "object": "billing_portal.session", "customer": "cus_1",
            "url": "https://billing.stripe.com/p/session/test_1"}),
        |c| async move {
            let params = PortalSessionCreate {
                customer: "cus_1".into(),
                return_url: Some("https://shop.example/account".into()),
            };
            c.portal_sessions().create(&params, &none()).await
        },
    )
    .await;
    assert_eq!(portal.url, "https://billing.stripe.com/p/session/test_1");
}

#[tokio::test]
async fn events_and_webhook_endpoints() {
    let event = check(
        "GET",
        "/v1/events/evt_1",
        "",
        json!({"id": "evt_1", "object": "event", "type": "charge.refunded", "created": 1767225600,
            "livemode": false, "data": {"object": {"id": "ch_1", "object": "charge", "amount": 1999,
            "amount_refunded": 1999, "currency": "usd", "refunded": true}}}),
        |c| async move { c.events().retrieve("evt_1", &none()).await },
    )
    .await;
    assert_eq!(event.kind.as_str(), "charge.refunded");
    let endpoint = check("POST", "/v1/webhook_endpoints",
        "url=https%3A%2F%2Fshop.example%2Fwebhooks%2Fstripe&enabled_events[0]=invoice.paid&enabled_events[1]=customer.subscription.deleted",
        json!({"id": "we_1", "object": "webhook_endpoint", "url": "https://shop.example/webhooks/stripe",
            "enabled_events": ["invoice.paid", "customer.subscription.deleted"], "status": "enabled",
            "secret": "whsec_madeUpForThisTest"}),
        |c| async move {
            let params = WebhookEndpointCreate {
                url: "https://shop.example/webhooks/stripe".into(),
                enabled_events: vec!["invoice.paid".into(), "customer.subscription.deleted".into()],
                ..WebhookEndpointCreate::default()
            };
            c.webhook_endpoints().create(&params, &none()).await
        })
        .await;
    assert_eq!(endpoint.enabled_events.len(), 2);
    check(
        "DELETE",
        "/v1/webhook_endpoints/we_1",
        "",
        json!({"id": "we_1", "object": "webhook_endpoint", "deleted": true}),
        |c| async move { c.webhook_endpoints().delete("we_1", &none()).await },
    )
    .await;
}
