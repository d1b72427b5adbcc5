//! Stripe's event envelope, parsed from the verified bytes.
//!
//! The envelope's fields are typed; `data.object` stays raw JSON so nothing Stripe adds in a
//! newer API version is lost, and [`Event::object`] gives a typed view of it on request.
//! Unknown event types are kept as [`EventType::Other`], never rejected.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::objects::Object;

/// A Stripe event (`"object": "event"`).
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Event {
    /// The event id, `evt_…`; the key to deduplicate deliveries on.
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// The API version the payload was rendered with.
    #[serde(default)]
    pub api_version: Option<String>,
    /// When the event was created, in Unix seconds.
    pub created: i64,
    /// Whether it happened in live mode.
    #[serde(default)]
    pub livemode: bool,
    /// The connected account it concerns, for Connect endpoints.
    #[serde(default)]
    pub account: Option<String>,
    /// How many endpoints have yet to acknowledge it.
    #[serde(default)]
    pub pending_webhooks: Option<u64>,
    /// The API request that caused it, if any.
    #[serde(default)]
    pub request: Option<EventRequest>,
    /// The object concerned.
    pub data: EventData,
}

/// The request that caused an event.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct EventRequest {
    /// The request id, `req_…`.
    #[serde(default)]
    pub id: Option<String>,
    /// The idempotency key the request carried.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// The object an event concerns.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct EventData {
    /// The object, as Stripe rendered it.
    pub object: Box<RawValue>,
    /// For `*.updated` events, the previous values of the fields that changed.
    #[serde(default)]
    pub previous_attributes: Option<Box<RawValue>>,
}

impl Event {
    /// Parses an event from verified bytes.
    pub fn from_slice(body: &[u8]) -> Result<Self, EventError> {
        #[derive(Deserialize)]
        struct Probe {
            #[serde(default)]
            object: Option<String>,
        }
        let probe: Probe = serde_json::from_slice(body).map_err(EventError::Json)?;
        if probe.object.as_deref() == Some("v2.core.event") {
            return Err(EventError::ThinEvent);
        }
        serde_json::from_slice(body).map_err(EventError::Json)
    }

    /// The object as a typed view: an [`Object`] for the billing objects proign knows, or
    /// any type of the caller's.
    pub fn object<T: DeserializeOwned>(&self) -> Result<T, EventError> {
        serde_json::from_str(self.data.object.get()).map_err(EventError::Json)
    }

    /// The object as one of the billing objects proign knows, or [`Object::Other`].
    pub fn billing_object(&self) -> Result<Object, EventError> {
        self.object()
    }
}

/// Why a verified body is not a usable event.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The body is not an event of the expected shape.
    #[error("the body is not a Stripe event")]
    Json(#[source] serde_json::Error),
    /// A thin (`v2.core.event`) event, which carries no object and is read through the API.
    #[error("a thin v2.core.event carries no object; fetch it through the events API")]
    ThinEvent,
}

macro_rules! event_types {
    ($($variant:ident => $name:literal,)*) => {
        /// The type of an event. Types proign does not know are kept as [`EventType::Other`].
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum EventType {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
            /// Any other type, as Stripe named it.
            Other(String),
        }

        impl EventType {
            /// The type as Stripe names it, such as `invoice.paid`.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $name,)*
                    Self::Other(name) => name,
                }
            }

            /// Reads a type name.
            pub fn parse(name: &str) -> Self {
                match name {
                    $($name => Self::$variant,)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }
    };
}

event_types! {
    CustomerCreated => "customer.created",
    CustomerUpdated => "customer.updated",
    CustomerDeleted => "customer.deleted",
    CustomerSubscriptionCreated => "customer.subscription.created",
    CustomerSubscriptionUpdated => "customer.subscription.updated",
    CustomerSubscriptionDeleted => "customer.subscription.deleted",
    CustomerSubscriptionPaused => "customer.subscription.paused",
    CustomerSubscriptionResumed => "customer.subscription.resumed",
    CustomerSubscriptionTrialWillEnd => "customer.subscription.trial_will_end",
    InvoiceCreated => "invoice.created",
    InvoiceFinalized => "invoice.finalized",
    InvoicePaid => "invoice.paid",
    InvoicePaymentFailed => "invoice.payment_failed",
    InvoicePaymentSucceeded => "invoice.payment_succeeded",
    InvoiceUpcoming => "invoice.upcoming",
    InvoiceVoided => "invoice.voided",
    InvoiceMarkedUncollectible => "invoice.marked_uncollectible",
    PaymentIntentCreated => "payment_intent.created",
    PaymentIntentSucceeded => "payment_intent.succeeded",
    PaymentIntentPaymentFailed => "payment_intent.payment_failed",
    PaymentIntentCanceled => "payment_intent.canceled",
    PaymentIntentRequiresAction => "payment_intent.requires_action",
    PaymentIntentAmountCapturableUpdated => "payment_intent.amount_capturable_updated",
    CheckoutSessionCompleted => "checkout.session.completed",
    CheckoutSessionExpired => "checkout.session.expired",
    CheckoutSessionAsyncPaymentSucceeded => "checkout.session.async_payment_succeeded",
    CheckoutSessionAsyncPaymentFailed => "checkout.session.async_payment_failed",
    ChargeRefunded => "charge.refunded",
    ChargeSucceeded => "charge.succeeded",
    ChargeFailed => "charge.failed",
    ChargeDisputeCreated => "charge.dispute.created",
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(Self::parse(&name))
    }
}
