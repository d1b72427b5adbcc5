//! The queued steps of one order. Each is its own job with its own idempotency key (minted
//! by the queue when the step is enqueued, reused on every attempt); a step that succeeds
//! enqueues the next one, deduplicated on the order and the step, so a step that runs again
//! after a crash never starts the chain twice.

use std::sync::Arc;
use std::time::{Duration, Instant};

use proign::core::Provider;
use proign::core::idempotency::IdempotencyKey;
use proign::core::monitor::CallOutcome;
use proign::core::queue::{Job, NewJob, Queue};
use proign::core::worker::JobError;
use proign::resend::Email;
use proign::shopify::admin::{FulfillmentCreate, TrackingInfo};
use proign::stripe::RequestOptions;
use proign::stripe::metadata::Metadata;
use proign::stripe::resources::{CustomerCreate, InvoiceCreate, InvoiceItemCreate, InvoicePay};
use proign::taxjar::{LineItem, NexusAddress, TaxRequest};
use proign::turnstile::Verify;
use proign::turnstile::testing::DUMMY_TOKEN;
use proign::ups::address::{AddressQuery, Validation};
use proign::ups::label::LabelFormat;
use proign::ups::model::{Address, Package, Party, ReferenceNumber, WeightUnit};
use proign::ups::rating::RateRequest;
use proign::ups::shipping::ShipmentRequest;
use proign::ups::subscription::SubscribeRequest;
use rust_decimal::Decimal;

use super::Ctx;
use super::failure::StepFailure;
use super::order::Order;
use super::progress::STEPS;

/// The shop's warehouse: where parcels leave from and where tax is owed from.
const SHOP: (&str, &str, &str, &str) = ("9500 Gilman Drive", "La Jolla", "CA", "92093");

/// Enqueues step `kind` of `order`, once per order whatever happens.
pub(crate) async fn enqueue(ctx: &Ctx, kind: &str, order: &Order) -> Result<(), StepFailure> {
    let provider = provider_of(kind);
    let payload = serde_json::to_vec(order).map_err(|e| StepFailure::fatal(e.to_string()))?;
    let job = NewJob::new(kind, payload)
        .with_dedup_key(format!("{}:{kind}", order.flow))
        .with_max_attempts(ctx.config.retry_policy(provider).max_attempts());
    ctx.queue
        .enqueue(job)
        .await
        .map_err(|e| StepFailure::retry(format!("could not enqueue {kind}: {e}")))?;
    Ok(())
}

/// The provider a job kind belongs to (`ups.ship` → UPS).
pub(crate) fn provider_of(kind: &str) -> Provider {
    let name = kind.split('.').next().unwrap_or_default();
    Provider::ALL
        .into_iter()
        .find(|p| p.as_str() == name)
        .unwrap_or(Provider::Shopify)
}

/// Runs one step, then enqueues the next; a failure becomes a retry with the provider's
/// policy (or the delay the provider asked for) or, when nothing can fix it, a dead letter.
pub(crate) async fn run(ctx: Arc<Ctx>, job: Job) -> Result<(), JobError> {
    let kind = job.kind().to_owned();
    let provider = provider_of(&kind);
    let mut order: Order = serde_json::from_slice(job.payload())
        .map_err(|e| JobError::permanent(format!("unreadable order payload: {e}")))?;
    let key = job.idempotency_key().to_owned();
    let done = match kind.as_str() {
        "turnstile.verify_token" => verify_token(&ctx, &order, &key).await,
        "taxjar.tax_for_order" => tax_for_order(&ctx, &mut order).await,
        "ups.validate_address" => validate_address(&ctx, &order).await,
        "ups.rate" => rate(&ctx, &mut order).await,
        "ups.ship" => ship(&ctx, &mut order, &key).await,
        "ups.track_alert" => track_alert(&ctx, &order).await,
        "shopify.fulfill" => fulfill(&ctx, &order).await,
        "resend.send_email" => send_email(&ctx, &mut order, &key).await,
        "stripe.invoice_items" => invoice_items(&ctx, &mut order, &key).await,
        "stripe.invoice" => invoice(&ctx, &mut order, &key).await,
        other => Err(StepFailure::fatal(format!("no such step: {other}"))),
    };
    let step = kind.split_once('.').map_or(kind.as_str(), |(_, s)| s);
    match done {
        Ok(text) => {
            ctx.progress.step(
                &order.flow,
                provider.as_str(),
                format!("{step}: {text}"),
                false,
            );
            let next = STEPS
                .iter()
                .position(|s| *s == kind)
                .and_then(|i| STEPS.get(i + 1));
            if let Some(next) = next {
                enqueue(&ctx, next, &order)
                    .await
                    .map_err(|f| f.into_job_error(Duration::ZERO))?;
            }
            Ok(())
        }
        Err(failure) => Err(failed(&ctx, &job, &order, provider, step, failure)),
    }
}

/// Prints the failed attempt and what happens next.
fn failed(
    ctx: &Ctx,
    job: &Job,
    order: &Order,
    provider: Provider,
    step: &str,
    failure: StepFailure,
) -> JobError {
    let policy = ctx.config.retry_policy(provider);
    let (attempt, max) = (job.attempt(), job.max_attempts());
    let delay = failure
        .retry_after()
        .unwrap_or_else(|| policy.delay_for(attempt));
    let why = failure.message();
    let next = if !failure.is_retryable() {
        "not retryable: moved to the dead letters".to_owned()
    } else if attempt >= max {
        "no attempts left: moved to the dead letters".to_owned()
    } else {
        let asked = if failure.retry_after().is_some() {
            " (as the provider asked)"
        } else {
            ""
        };
        format!("retry in {:.3} s{asked}", delay.as_secs_f64())
    };
    let text = format!("{step}: attempt {attempt} of {max} failed ({why}); {next}");
    ctx.progress
        .step(&order.flow, provider.as_str(), text, true);
    failure.into_job_error(delay)
}

/// Makes one provider call and records it in the monitor.
pub(crate) async fn call<T, E: std::fmt::Display>(
    ctx: &Ctx,
    provider: Provider,
    operation: &str,
    call: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let started = Instant::now();
    let result = call.await;
    let outcome = match &result {
        Ok(_) => CallOutcome::Success,
        Err(e) => {
            let text = e.to_string();
            ctx.monitor.record_call(
                provider,
                operation,
                CallOutcome::Failure(&text),
                started.elapsed(),
            );
            return result;
        }
    };
    ctx.monitor
        .record_call(provider, operation, outcome, started.elapsed());
    result
}

async fn verify_token(ctx: &Ctx, order: &Order, key: &str) -> Result<String, StepFailure> {
    // The storefront's widget posts a fresh token with each checkout, good for one check.
    // Cloudflare's test secret keys take its dummy token; the simulator, like Cloudflare,
    // refuses a token seen twice, so each order gets its own. Cloudflare's idempotency key
    // is a UUID: the job's key without its `prgn-` prefix.
    let token = if ctx.live.contains(&Provider::Turnstile) {
        DUMMY_TOKEN.to_owned()
    } else {
        format!("{DUMMY_TOKEN}.{}", order.flow)
    };
    let uuid = key.strip_prefix("prgn-").unwrap_or(key);
    let check = Verify::new(token).idempotency_key(uuid);
    let turnstile = &ctx.clients.turnstile;
    let outcome = call(
        ctx,
        Provider::Turnstile,
        "siteverify",
        turnstile.verify(&check),
    )
    .await?;
    let host = outcome.hostname.as_deref().unwrap_or("unknown host");
    Ok(format!("checkout token passed (solved on {host})"))
}

fn shop_party(ctx: &Ctx) -> Party {
    let account = ctx
        .config
        .integration(Provider::Ups)
        .and_then(|s| s.setting("account_number"))
        .unwrap_or_default();
    let (street, city, state, zip) = SHOP;
    Party::new(
        "Proign Demo Shop",
        Address::new([street], city, Some(state), zip, "US"),
    )
    .shipper_number(account)
    .phone("8585550100")
}

fn customer_party(order: &Order) -> Party {
    let to = &order.ship_to;
    let address = Address::new(
        [to.address1.as_str()],
        &to.city,
        Some(to.province_code.as_str()),
        &to.zip,
        &to.country_code,
    );
    Party::new(&to.name, address).phone(&to.phone)
}

async fn tax_for_order(ctx: &Ctx, order: &mut Order) -> Result<String, StepFailure> {
    let (street, city, state, zip) = SHOP;
    let shop = proign::taxjar::Address::new("US")
        .zip(zip)
        .state(state)
        .city(city)
        .street(street);
    let to = &order.ship_to;
    let mut request = TaxRequest::new(order.shipping_price)
        .from(shop.clone())
        .to(proign::taxjar::Address::new(&to.country_code)
            .zip(&to.zip)
            .state(&to.province_code)
            .city(&to.city)
            .street(&to.address1))
        .nexus_address(NexusAddress::new("warehouse", shop));
    for line in &order.lines {
        let mut item = LineItem::new(&line.id, line.quantity, line.price).discount(Decimal::ZERO);
        let code = line
            .product_type
            .as_deref()
            .and_then(|t| ctx.config.mapping.tax_code(t));
        if let Some(code) = code {
            item = item.product_tax_code(code);
        }
        request = request.line_item(item);
    }
    let tax = call(
        ctx,
        Provider::TaxJar,
        "tax_for_order",
        ctx.clients.taxjar.tax_for_order(&request),
    )
    .await?;
    order.tax = Some(tax.amount_to_collect);
    Ok(format!(
        "{:.2} {} sales tax to collect",
        tax.amount_to_collect, order.currency
    ))
}

async fn validate_address(ctx: &Ctx, order: &Order) -> Result<String, StepFailure> {
    let to = &order.ship_to;
    let query = AddressQuery::us([to.address1.as_str()], &to.city, &to.province_code, &to.zip);
    let ups = &ctx.clients.ups;
    match call(
        ctx,
        Provider::Ups,
        "validate_address",
        ups.validate_address(&query),
    )
    .await?
    {
        Validation::Valid { .. } => Ok("the shipping address is valid".to_owned()),
        Validation::Ambiguous { candidates } => Ok(format!(
            "the address matches {} candidates; shipping to it as given",
            candidates.len()
        )),
        _ => Err(StepFailure::fatal("UPS knows no such address")),
    }
}

fn package(order: &Order) -> Package {
    // Half a pound per item, one pound at least.
    let items: u32 = order.lines.iter().map(|l| l.quantity).sum();
    let weight = (Decimal::from(items) / Decimal::from(2)).max(Decimal::ONE);
    Package::new(weight, WeightUnit::Pounds)
}

async fn rate(ctx: &Ctx, order: &mut Order) -> Result<String, StepFailure> {
    let request = RateRequest::new(shop_party(ctx), customer_party(order), vec![package(order)]);
    let rates = call(
        ctx,
        Provider::Ups,
        "shop_rates",
        ctx.clients.ups.shop_rates(&request),
    )
    .await?;
    let mapped = ctx.config.mapping.ups_service(&order.shipping_title);
    let cheapest = rates.iter().min_by_key(|r| r.payable().amount);
    let chosen = mapped
        .and_then(|code| rates.iter().find(|r| r.service == code))
        .or(cheapest)
        .ok_or_else(|| StepFailure::fatal("UPS offered no service"))?;
    order.service = Some(chosen.service.clone());
    let why = if mapped == Some(chosen.service.as_str()) {
        format!("mapped from the shipping line {:?}", order.shipping_title)
    } else {
        "the cheapest".to_owned()
    };
    let cost = chosen.payable();
    Ok(format!(
        "{} rates; service {} at {} {} ({why})",
        rates.len(),
        chosen.service,
        cost.amount,
        cost.currency
    ))
}

async fn ship(ctx: &Ctx, order: &mut Order, key: &str) -> Result<String, StepFailure> {
    let service = order
        .service
        .clone()
        .ok_or_else(|| StepFailure::fatal("no service rated"))?;
    let mut request = ShipmentRequest::new(
        shop_party(ctx),
        customer_party(order),
        service,
        vec![package(order)],
    )
    .label_format(LabelFormat::Png);
    // UPS takes no idempotency key; the step's key rides along as the shipment's reference
    // (35 characters at most), so every attempt of this step is recognisable at UPS.
    let reference: String = key.strip_prefix("prgn-").unwrap_or(key).replace('-', "");
    request
        .reference_numbers
        .push(ReferenceNumber::new(reference));
    let shipment = call(
        ctx,
        Provider::Ups,
        "create_shipment",
        ctx.clients.ups.create_shipment(&request),
    )
    .await
    .map_err(|e| {
        // UPS takes no idempotency key, so the client never repeats a label call on its
        // own. A 429 or 503 answer says UPS did not take it: buying again is safe. No
        // answer at all means it may have been bought: a person checks first.
        let refused = e
            .as_http()
            .and_then(|h| h.status())
            .is_some_and(|s| s == 429 || s == 503);
        if refused {
            StepFailure::retry(e.to_string())
        } else if e.is_outcome_unknown() {
            StepFailure::fatal(format!("{e} (outcome unknown)"))
        } else {
            StepFailure::from(e)
        }
    })?;
    let parcel = shipment
        .packages
        .first()
        .ok_or_else(|| StepFailure::fatal("UPS bought no package"))?;
    let file = ctx.out_dir.join(format!(
        "label-{}.{}",
        parcel.tracking_number,
        parcel.label.format().extension()
    ));
    std::fs::write(&file, parcel.label.bytes())
        .map_err(|e| StepFailure::retry(format!("could not write the label file: {e}")))?;
    order.tracking = Some(parcel.tracking_number.clone());
    Ok(format!(
        "label {} bought, written to {}",
        parcel.tracking_number,
        file.display()
    ))
}

async fn track_alert(ctx: &Ctx, order: &Order) -> Result<String, StepFailure> {
    let tracking = order
        .tracking
        .clone()
        .ok_or_else(|| StepFailure::fatal("no tracking number"))?;
    let url = format!("{}/webhooks/ups", ctx.gateway);
    let request = SubscribeRequest::new([tracking.as_str()], url, ctx.callback_credential.clone());
    ctx.progress.link(&tracking, &order.flow);
    let ups = &ctx.clients.ups;
    let answer = call(
        ctx,
        Provider::Ups,
        "subscribe_tracking",
        ups.subscribe_tracking(&request),
    )
    .await?;
    if !answer.is_complete() {
        return Err(StepFailure::fatal(format!(
            "UPS refused to track {tracking}"
        )));
    }
    Ok(format!("Track Alert subscribed for {tracking}"))
}

fn tracking_url(tracking: &str) -> String {
    format!("https://www.ups.com/track?tracknum={tracking}")
}

async fn fulfill(ctx: &Ctx, order: &Order) -> Result<String, StepFailure> {
    let tracking = order
        .tracking
        .clone()
        .ok_or_else(|| StepFailure::fatal("no tracking number"))?;
    let shopify = &ctx.clients.shopify;
    let orders = call(
        ctx,
        Provider::Shopify,
        "fulfillment_orders",
        shopify.fulfillment_orders(&order.id),
    )
    .await?
    .ok_or_else(|| StepFailure::fatal("the order is gone from the shop"))?;
    // An earlier attempt may have fulfilled it and lost the answer: nothing open, nothing to do.
    let Some(open) = orders.iter().find(|f| f.status.as_str() == "OPEN") else {
        return Ok("already fulfilled".to_owned());
    };
    let info = TrackingInfo::new("UPS", &tracking).with_url(tracking_url(&tracking));
    let input = FulfillmentCreate::all_of(&open.id, info);
    let fulfillment = call(
        ctx,
        Provider::Shopify,
        "fulfillment_create",
        shopify.create_fulfillment(&input),
    )
    .await?;
    Ok(format!(
        "fulfillmentCreate {} with tracking {tracking}",
        fulfillment.id
    ))
}

async fn send_email(ctx: &Ctx, order: &mut Order, key: &str) -> Result<String, StepFailure> {
    let tracking = order
        .tracking
        .clone()
        .ok_or_else(|| StepFailure::fatal("no tracking number"))?;
    let link = tracking_url(&tracking);
    let email = Email::new(
        &ctx.from,
        order.email.as_str(),
        format!("Your order {} has shipped", order.name),
    )
    .text(format!(
        "Your order {} is on its way. Track it: {link}",
        order.name
    ))
    .html(format!(
        "<p>Your order {} is on its way.</p><p><a href=\"{link}\">Track it</a></p>",
        order.name
    ))
    .tag("kind", "order_shipped")
    .tag("flow", &order.flow);
    let key = IdempotencyKey::parse(key).map_err(|e| StepFailure::fatal(e.to_string()))?;
    let sent = call(
        ctx,
        Provider::Resend,
        "send_email",
        ctx.clients.resend.send_with_key(&email, key),
    )
    .await?;
    Ok(format!("order-shipped email {} accepted", sent.id))
}

/// A key of its own for each call of a step, derived from the step's key.
fn options(key: &str, call: &str) -> Result<RequestOptions, StepFailure> {
    let key = IdempotencyKey::parse(format!("{key}-{call}"))
        .map_err(|e| StepFailure::fatal(e.to_string()))?;
    Ok(RequestOptions::new().idempotency_key(key))
}

fn cents(amount: Decimal) -> Result<i64, StepFailure> {
    let cents = (amount * Decimal::from(100)).round();
    i64::try_from(cents)
        .map_err(|_| StepFailure::fatal(format!("{amount} is not an amount in cents")))
}

async fn invoice_items(ctx: &Ctx, order: &mut Order, key: &str) -> Result<String, StepFailure> {
    let stripe = &ctx.clients.stripe;
    let customer = CustomerCreate::with_email(order.email.as_str());
    let customer = call(
        ctx,
        Provider::Stripe,
        "create_customer",
        stripe
            .customers()
            .create(&customer, &options(key, "customer")?),
    )
    .await?;
    // Stripe's test card; a real shop would use the card saved at checkout.
    let card = call(
        ctx,
        Provider::Stripe,
        "attach_payment_method",
        stripe
            .payment_methods()
            .attach("pm_card_visa", &customer.id, &options(key, "card")?),
    )
    .await?;
    let shipping = InvoiceItemCreate {
        customer: customer.id.clone(),
        price: Some(ctx.shipping_price.clone()),
        quantity: Some(u64::try_from(cents(order.shipping_price)?).unwrap_or(0)),
        description: Some(format!("Shipping of order {}", order.name)),
        ..InvoiceItemCreate::default()
    };
    call(
        ctx,
        Provider::Stripe,
        "create_invoice_item",
        stripe
            .invoice_items()
            .create(&shipping, &options(key, "shipping")?),
    )
    .await?;
    let tax = order.tax.unwrap_or_default();
    if tax > Decimal::ZERO {
        let item = InvoiceItemCreate {
            customer: customer.id.clone(),
            amount: Some(cents(tax)?),
            currency: Some(order.currency.to_ascii_lowercase()),
            description: Some(format!("Sales tax of order {}", order.name)),
            ..InvoiceItemCreate::default()
        };
        call(
            ctx,
            Provider::Stripe,
            "create_invoice_item",
            stripe.invoice_items().create(&item, &options(key, "tax")?),
        )
        .await?;
    }
    order.customer = Some(customer.id.clone());
    order.payment_method = Some(card.id);
    Ok(format!(
        "customer {} with shipping {:.2} and tax {tax:.2} to bill",
        customer.id, order.shipping_price
    ))
}

async fn invoice(ctx: &Ctx, order: &mut Order, key: &str) -> Result<String, StepFailure> {
    let stripe = &ctx.clients.stripe;
    let customer = order
        .customer
        .clone()
        .ok_or_else(|| StepFailure::fatal("no Stripe customer"))?;
    let create = InvoiceCreate {
        customer: Some(customer),
        pending_invoice_items_behavior: Some("include".to_owned()),
        description: Some(format!("Shipping and tax of order {}", order.name)),
        metadata: Some(
            Metadata::new()
                .with("proign_flow", &order.flow)
                .with("order", &order.name),
        ),
        ..InvoiceCreate::default()
    };
    let invoice = call(
        ctx,
        Provider::Stripe,
        "create_invoice",
        stripe.invoices().create(&create, &options(key, "create")?),
    )
    .await?;
    let pay = InvoicePay {
        payment_method: order.payment_method.clone(),
        ..InvoicePay::default()
    };
    let paid = call(
        ctx,
        Provider::Stripe,
        "pay_invoice",
        stripe
            .invoices()
            .pay(&invoice.id, &pay, &options(key, "pay")?),
    )
    .await?;
    let status = paid.status.as_deref().unwrap_or("unknown");
    Ok(format!(
        "invoice {} for {} cents: {status}",
        paid.id, paid.amount_paid
    ))
}
