//! The gateway's side: a verified route per provider (an `Inbox`: verify, store in the queue,
//! then answer 200) and the monitor; and the jobs those deliveries become — a new order
//! starts its steps, and the providers' reports become events on the bus.

use std::sync::Arc;

use axum::Router;
use bytes::Bytes;
use proign::core::Provider;
use proign::core::events::{EventEnvelope, Published};
use proign::core::monitor::Monitor;
use proign::core::monitor::http::MonitorRoutes;
use proign::core::queue::sqlite::SqliteQueue;
use proign::core::queue::{Job, NewJob};
use proign::core::secret::Secret;
use proign::core::webhook::inbox::Inbox;
use proign::core::worker::JobError;
use proign::resend::event::EmailEvent;
use proign::resend::webhook::ResendVerifier;
use proign::shopify::webhook::{ShopifyDelivery, ShopifyVerifier};
use proign::stripe::event::Event;
use proign::stripe::webhook::StripeVerifier;
use proign::ups::track_alert::{TrackAlertVerifier, TrackingEvent};
use serde_json::Value;

use super::order::Order;
use super::progress::{Progress, STEPS};
use super::{Ctx, Failure, steps};

/// The kind of a Shopify `orders/create` delivery's job.
pub(crate) const ORDER_KIND: &str = "shopify.orders/create";
/// The kinds of the providers' reports, as the inbox names them (`<provider>.webhook`).
pub(crate) const REPORT_KINDS: [&str; 3] = ["stripe.webhook", "resend.webhook", "ups.webhook"];

/// The secrets the gateway verifies with.
pub(crate) struct GatewaySecrets {
    pub(crate) shopify: Secret,
    pub(crate) stripe: Secret,
    pub(crate) resend: Secret,
    pub(crate) ups: Secret,
}

/// The host's router: `/webhooks/<provider>` and the monitor under `/monitor`.
pub(crate) fn router(
    secrets: &GatewaySecrets,
    queue: &Arc<SqliteQueue>,
    monitor: &Arc<Monitor>,
) -> Result<Router, Failure> {
    // Shopify repeats the event id on every re-delivery: the order is stored once per event.
    // The job keeps the event id beside the verified bytes, which stay as they came.
    let shopify = Inbox::new(
        Arc::new(ShopifyVerifier::new([&secrets.shopify])?),
        queue.clone(),
    )
    .with_job(|delivery: &ShopifyDelivery| {
        let event = delivery.event_id().unwrap_or(delivery.webhook_id());
        NewJob::new(
            format!("shopify.{}", delivery.topic()),
            wrap(event, delivery.body()),
        )
        .with_dedup_key(format!("shopify:{event}"))
    })
    .with_monitor(monitor.clone());
    let stripe = Inbox::new(
        Arc::new(StripeVerifier::new([&secrets.stripe])?),
        queue.clone(),
    )
    .with_monitor(monitor.clone());
    let resend = Inbox::new(
        Arc::new(ResendVerifier::new([&secrets.resend])?),
        queue.clone(),
    )
    .with_monitor(monitor.clone());
    let ups = Inbox::new(
        Arc::new(TrackAlertVerifier::new([&secrets.ups])?),
        queue.clone(),
    )
    .with_monitor(monitor.clone());
    let page = MonitorRoutes::new(monitor.clone(), queue.clone()).with_base_path("/monitor")?;
    Ok(Router::new()
        .route("/webhooks/shopify", shopify.into_route())
        .route("/webhooks/stripe", stripe.into_route())
        .route("/webhooks/resend", resend.into_route())
        .route("/webhooks/ups", ups.into_route())
        .nest("/monitor", page.into_router()))
}

/// `{"event_id": …, "order": <the verified bytes>}`, without parsing or re-writing them.
fn wrap(event: &str, body: &Bytes) -> Bytes {
    let id = serde_json::to_string(event).unwrap_or_else(|_| "\"\"".to_owned());
    let mut out = Vec::with_capacity(body.len() + id.len() + 24);
    out.extend_from_slice(b"{\"event_id\":");
    out.extend_from_slice(id.as_bytes());
    out.extend_from_slice(b",\"order\":");
    out.extend_from_slice(body);
    out.push(b'}');
    Bytes::from(out)
}

/// A new order: read it and start its first step.
pub(crate) async fn new_order(ctx: Arc<Ctx>, job: Job) -> Result<(), JobError> {
    let stored: Value = serde_json::from_slice(job.payload())
        .map_err(|e| JobError::permanent(format!("unreadable orders/create: {e}")))?;
    let flow = stored["event_id"].as_str().unwrap_or_default();
    let order = Order::from_webhook(flow, &stored["order"]).map_err(JobError::permanent)?;
    ctx.progress.order(&order.flow, &order.name);
    let items: u32 = order.lines.iter().map(|l| l.quantity).sum();
    let text = format!(
        "orders/create: {items} items in {} lines, {} {}, shipping line {:?}",
        order.lines.len(),
        order.shipping_price,
        order.currency,
        order.shipping_title
    );
    ctx.progress.step(&order.flow, "shopify", text, false);
    steps::enqueue(&ctx, STEPS[0], &order)
        .await
        .map_err(|f| f.into_job_error(std::time::Duration::ZERO))
}

/// A provider's report: an event on the bus when its type is one the configuration
/// subscribes to; anything else is acknowledged and dropped.
pub(crate) async fn report(ctx: Arc<Ctx>, job: Job) -> Result<(), JobError> {
    let body = job.payload();
    let text = std::str::from_utf8(body).map_err(|_| JobError::permanent("not UTF-8"))?;
    let now = ctx.now_millis();
    let (provider, id, kind, at) = match job.kind() {
        "stripe.webhook" => {
            let event = Event::from_slice(body).map_err(JobError::permanent)?;
            let kind = event.kind.as_str().to_owned();
            (
                Provider::Stripe,
                event.id.clone(),
                kind,
                event.created * 1000,
            )
        }
        "resend.webhook" => {
            let event = EmailEvent::from_slice(body).map_err(JobError::permanent)?;
            let email = event.data.email_id.clone().unwrap_or_default();
            let kind = event.kind.as_str().to_owned();
            (Provider::Resend, format!("{email}:{kind}"), kind, now)
        }
        _ => {
            let event: TrackingEvent = serde_json::from_slice(body).map_err(JobError::permanent)?;
            let kind = if event.is_delivered() {
                "delivered"
            } else {
                "status"
            };
            (Provider::Ups, event.dedup_key(), kind.to_owned(), now)
        }
    };
    let subscribed = ctx
        .config
        .integration(provider)
        .is_some_and(|s| s.topics.contains(&kind));
    if !subscribed {
        return Ok(());
    }
    let envelope =
        EventEnvelope::new(provider, id, kind, at, now, text).map_err(JobError::permanent)?;
    // A duplicate (the provider sent the report twice) was published already: done too.
    let _: Published = ctx.bus.publish(envelope).await.map_err(JobError::retry)?;
    Ok(())
}

/// The back office's side of the bus: ties each event to its order and prints it.
pub(crate) fn on_event(progress: &Progress, event: &EventEnvelope) {
    let payload: Value = serde_json::from_str(event.payload.get()).unwrap_or(Value::Null);
    let flow = match event.provider {
        Provider::Stripe => payload["data"]["object"]["metadata"]["proign_flow"]
            .as_str()
            .map(str::to_owned),
        Provider::Resend => payload["data"]["tags"]["flow"].as_str().map(str::to_owned),
        Provider::Ups => payload["trackingNumber"]
            .as_str()
            .and_then(|t| progress.flow_of(t)),
        _ => None,
    };
    let Some(flow) = flow else {
        return;
    };
    progress.event(&flow, &event.event_type);
    let text = format!("event {} verified, stored and published", event.event_type);
    progress.step(&flow, event.provider.as_str(), text, false);
}
