//! Customer → subscription → invoice → payment with the Stripe billing client.
//!
//! ```text
//! cargo run --example stripe_billing
//! ```
//!
//! By default it runs against the local Stripe simulator from `proign-testkit`. With
//! `STRIPE_API_KEY` holding a test key (`sk_test_…`) it runs against Stripe's test mode
//! instead; `PROIGN_STRIPE_BASE_URL` points it at any other server (stripe-mock, a proxy).
//! A live key is refused: this example creates objects.

use proign::core::auth::Credential;
use proign::core::secret::Secret;
use proign::stripe::resources::{
    CustomerCreate, InvoicePay, PriceCreate, ProductCreate, Recurring, SubscriptionCreate,
    SubscriptionItemParams,
};
use proign::stripe::{Client, RequestOptions};
use proign_testkit::sim::stripe::StripeSim;

/// A made-up key for the simulator; it accepts any secret-key shape.
const SIM_KEY: &str = "sk_test_proign_example_simulator";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        // Colours only on a terminal, so a redirected log stays plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();

    let real_key = std::env::var("STRIPE_API_KEY")
        .ok()
        .filter(|k| !k.trim().is_empty());
    let _sim;
    let client = match real_key {
        Some(_) => {
            let key = Credential::from_env("STRIPE_API_KEY")?;
            if !key.secret().expose().starts_with("sk_test_") {
                return Err(
                    "STRIPE_API_KEY must hold a test key (sk_test_…) for this example".into(),
                );
            }
            tracing::info!("using Stripe's test mode (or PROIGN_STRIPE_BASE_URL if set)");
            Client::builder(key).rate_budget().connect().await?
        }
        None => {
            let mut builder = Client::builder(Credential::new(Secret::new(SIM_KEY)?));
            if std::env::var("PROIGN_STRIPE_BASE_URL").is_err() {
                let sim = StripeSim::start().await;
                builder = builder.base_url(sim.base_url());
                tracing::info!(url = sim.base_url(), "using the local Stripe simulator");
                _sim = sim;
            }
            builder.connect().await?
        }
    };
    run(&client).await
}

async fn run(stripe: &Client) -> Result<(), Box<dyn std::error::Error>> {
    let none = RequestOptions::new();

    let mut customer = CustomerCreate::with_email("jenny.rosen@example.com");
    customer.name = Some("Jenny Rosen".into());
    let customer = stripe.customers().create(&customer, &none).await?;
    tracing::info!(customer = %customer.id, "customer created");

    // Stripe's test token becomes a payment method of this customer.
    let card = stripe
        .payment_methods()
        .attach("pm_card_visa", &customer.id, &none)
        .await?;

    let product = ProductCreate {
        name: "proign example plan".into(),
        ..ProductCreate::default()
    };
    let product = stripe.products().create(&product, &none).await?;
    let price = PriceCreate {
        currency: "usd".into(),
        unit_amount: Some(1500),
        product: Some(product.id.clone()),
        recurring: Some(Recurring::every("month")),
        ..PriceCreate::default()
    };
    let price = stripe.prices().create(&price, &none).await?;
    tracing::info!(price = %price.id, unit_amount = price.unit_amount.unwrap_or_default(), "price created");

    let subscription = SubscriptionCreate {
        customer: customer.id.clone(),
        items: vec![SubscriptionItemParams::price(&price.id).quantity(2)],
        payment_behavior: Some("default_incomplete".into()),
        ..SubscriptionCreate::default()
    };
    let subscription = stripe.subscriptions().create(&subscription, &none).await?;
    tracing::info!(subscription = %subscription.id, status = %subscription.status, "subscribed");

    let invoice_id = subscription.extra["latest_invoice"]
        .as_str()
        .ok_or("the subscription has no latest invoice")?
        .to_owned();
    let invoice = stripe.invoices().retrieve(&invoice_id, &none).await?;
    tracing::info!(
        invoice = %invoice.id,
        amount_due = invoice.amount_due,
        currency = %invoice.currency,
        status = %invoice.status.as_deref().unwrap_or("unknown"),
        "invoiced"
    );

    let pay = InvoicePay {
        payment_method: Some(card.id.clone()),
        ..InvoicePay::default()
    };
    let paid = stripe.invoices().pay(&invoice.id, &pay, &none).await?;
    tracing::info!(invoice = %paid.id, amount_paid = paid.amount_paid, status = %paid.status.as_deref().unwrap_or("unknown"), "paid");

    let subscription = stripe
        .subscriptions()
        .retrieve(&subscription.id, &none)
        .await?;
    tracing::info!(subscription = %subscription.id, status = %subscription.status, "done");
    Ok(())
}
