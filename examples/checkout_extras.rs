//! Checkout extras: quote the sales tax of a cart with TaxJar, check the visitor's Turnstile
//! token, and send the order confirmation with Resend.
//!
//! ```text
//! cargo run --example checkout_extras
//! ```
//!
//! Each service runs against proign's local simulator unless its key is set:
//! `TAXJAR_API_KEY` (with `TAXJAR_SANDBOX=1` for TaxJar's sandbox), `TURNSTILE_SECRET_KEY`
//! (the token checked is `TURNSTILE_TOKEN`, else Cloudflare's dummy test token, which only
//! the test secret keys accept) and `RESEND_API_KEY` (sending from `RESEND_FROM`, else
//! `onboarding@resend.dev`, to `RESEND_TO`, else `delivered@resend.dev`).

use std::str::FromStr;

use proign::core::auth::Credential;
use proign::core::secret::Secret;
use proign::resend::{Email, ResendClient, ResendConfig};
use proign::taxjar::{
    Address, Environment, Liability, LineItem, NexusAddress, TaxJarClient, TaxJarConfig, TaxRequest,
};
use proign::turnstile::testing::{DUMMY_TOKEN, SECRET_ALWAYS_PASSES};
use proign::turnstile::{TurnstileClient, TurnstileConfig, Verify};
use proign_testkit::sim::{resend::ResendSim, taxjar::TaxJarSim, turnstile::TurnstileSim};
use rust_decimal::Decimal;

type Failure = Box<dyn std::error::Error>;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

async fn quote_tax() -> Result<Decimal, Failure> {
    let sim;
    let config = match env("TAXJAR_API_KEY") {
        Some(_) => {
            tracing::info!("using TaxJar");
            let config = TaxJarConfig::new(Credential::from_env("TAXJAR_API_KEY")?);
            if env("TAXJAR_SANDBOX").is_some() {
                config.environment(Environment::Sandbox)
            } else {
                config
            }
        }
        None => {
            sim = TaxJarSim::start().await;
            tracing::info!(url = sim.base_url(), "using the local TaxJar simulator");
            TaxJarConfig::new(Credential::new(Secret::new("taxjar_example_key")?))
                .base_url(sim.base_url())
        }
    };
    let client = TaxJarClient::new(config)?;
    let shop = Address::new("US")
        .zip("92093")
        .state("CA")
        .city("La Jolla")
        .street("9500 Gilman Drive");
    let cart = TaxRequest::new(Decimal::from_str("4.99")?)
        .from(shop.clone())
        .to(Address::new("US")
            .zip("90002")
            .state("CA")
            .city("Los Angeles")
            .street("1335 E 103rd St"))
        .nexus_address(NexusAddress::new("Main Location", shop))
        .line_item(
            LineItem::new("1", 2, Decimal::from_str("19.50")?)
                .product_tax_code("20010")
                .discount(Decimal::ZERO),
        );
    let tax = client.tax_for_order(&cart).await?;
    match tax.liability() {
        Liability::NoNexus => tracing::info!("no nexus at the destination: no tax to collect"),
        Liability::ZeroTax => tracing::info!("the cart is not taxed"),
        Liability::Collect(amount) => tracing::info!(%amount, "tax to collect"),
        _ => {}
    }
    Ok(tax.amount_to_collect)
}

async fn check_token() -> Result<(), Failure> {
    let sim;
    let config = match env("TURNSTILE_SECRET_KEY") {
        Some(_) => {
            tracing::info!("using Cloudflare Turnstile");
            TurnstileConfig::new(Secret::from_env("TURNSTILE_SECRET_KEY")?)
        }
        None => {
            sim = TurnstileSim::start().await;
            tracing::info!(url = sim.base_url(), "using the local Turnstile simulator");
            TurnstileConfig::new(Secret::new(SECRET_ALWAYS_PASSES)?).base_url(sim.base_url())
        }
    };
    let client = TurnstileClient::new(config)?;
    let token = env("TURNSTILE_TOKEN").unwrap_or_else(|| DUMMY_TOKEN.to_owned());
    let outcome = client
        .verify(&Verify::new(token).remote_ip("203.0.113.7"))
        .await?;
    tracing::info!(
        hostname = %outcome.hostname.as_deref().unwrap_or("unknown"),
        "the visitor passed the check"
    );
    Ok(())
}

async fn confirm(tax: Decimal) -> Result<(), Failure> {
    let sim;
    let config = match env("RESEND_API_KEY") {
        Some(_) => {
            tracing::info!("using Resend");
            ResendConfig::new(Credential::from_env("RESEND_API_KEY")?)
        }
        None => {
            sim = ResendSim::start().await;
            tracing::info!(url = sim.base_url(), "using the local Resend simulator");
            ResendConfig::new(Credential::new(Secret::new("re_example_key")?))
                .base_url(sim.base_url())
        }
    };
    let client = ResendClient::new(config)?;
    let from = env("RESEND_FROM").unwrap_or_else(|| "onboarding@resend.dev".into());
    let to = env("RESEND_TO").unwrap_or_else(|| "delivered@resend.dev".into());
    let email = Email::new(from, to, "Your order is confirmed")
        .text(format!("Thank you for your order. Sales tax: ${tax}."))
        .html(format!(
            "<p>Thank you for your order.</p><p>Sales tax: ${tax}.</p>"
        ))
        .tag("kind", "order_confirmation");
    let sent = client.send(&email).await?;
    tracing::info!(id = %sent.id, "confirmation sent");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    tracing_subscriber::fmt()
        // Colours only on a terminal, so a redirected log stays plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let tax = quote_tax().await?;
    check_token().await?;
    confirm(tax).await?;
    Ok(())
}
