//! Typed views of the billing objects Stripe events carry.
//!
//! Each view types the fields a back office acts on; everything else Stripe sends is kept in
//! `extra`, so a newer API version never breaks decoding. Amounts are integer minor units
//! (cents for USD) with their currency; never floats.

mod more;

pub use more::{
    CreditNote, Deleted, InvoiceItem, MeterEvent, PaymentMethod, PortalSession, Price, Product,
    Refund, SetupIntent, SubscriptionItem, SubscriptionSchedule, WebhookEndpoint,
};

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// A billing object, or any other object as JSON.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Object {
    /// `customer`
    Customer(Customer),
    /// `subscription`
    Subscription(Subscription),
    /// `invoice`
    Invoice(Invoice),
    /// `payment_intent`
    PaymentIntent(PaymentIntent),
    /// `charge`
    Charge(Charge),
    /// `checkout.session`
    CheckoutSession(CheckoutSession),
    /// Any other object, unchanged.
    Other(Value),
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let value = Value::deserialize(deserializer)?;
        let kind = value
            .get("object")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let typed = match kind {
            "customer" => Customer::deserialize(value).map(Self::Customer),
            "subscription" => Subscription::deserialize(value).map(Self::Subscription),
            "invoice" => Invoice::deserialize(value).map(Self::Invoice),
            "payment_intent" => PaymentIntent::deserialize(value).map(Self::PaymentIntent),
            "charge" => Charge::deserialize(value).map(Self::Charge),
            "checkout.session" => CheckoutSession::deserialize(value).map(Self::CheckoutSession),
            _ => return Ok(Self::Other(value)),
        };
        typed.map_err(D::Error::custom)
    }
}

/// A customer.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Customer {
    /// `cus_…`
    pub id: String,
    /// The customer's email address.
    #[serde(default)]
    pub email: Option<String>,
    /// The customer's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Key-value data attached by the host.
    #[serde(default)]
    pub metadata: Map<String, Value>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A subscription.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Subscription {
    /// `sub_…`
    pub id: String,
    /// The customer billed, `cus_…`.
    #[serde(default, deserialize_with = "expandable_id")]
    pub customer: Option<String>,
    /// Status, such as `active` or `past_due`; unknown values are kept.
    pub status: String,
    /// Whether it ends at the end of the current period.
    #[serde(default)]
    pub cancel_at_period_end: bool,
    /// Key-value data attached by the host.
    #[serde(default)]
    pub metadata: Map<String, Value>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An invoice.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Invoice {
    /// `in_…`
    pub id: String,
    /// The customer billed.
    #[serde(default, deserialize_with = "expandable_id")]
    pub customer: Option<String>,
    /// Status, such as `draft`, `open` or `paid`.
    #[serde(default)]
    pub status: Option<String>,
    /// Three-letter ISO currency code, lower case.
    #[serde(default)]
    pub currency: String,
    /// Amount due, in minor units.
    #[serde(default)]
    pub amount_due: i64,
    /// Amount paid, in minor units.
    #[serde(default)]
    pub amount_paid: i64,
    /// Amount remaining, in minor units.
    #[serde(default)]
    pub amount_remaining: i64,
    /// Key-value data attached by the host.
    #[serde(default)]
    pub metadata: Map<String, Value>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A payment intent.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct PaymentIntent {
    /// `pi_…`
    pub id: String,
    /// Amount, in minor units.
    pub amount: i64,
    /// Amount received, in minor units.
    #[serde(default)]
    pub amount_received: i64,
    /// Three-letter ISO currency code, lower case.
    pub currency: String,
    /// The customer, if any.
    #[serde(default, deserialize_with = "expandable_id")]
    pub customer: Option<String>,
    /// Status, such as `succeeded` or `requires_action`.
    pub status: String,
    /// Key-value data attached by the host.
    #[serde(default)]
    pub metadata: Map<String, Value>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A charge.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Charge {
    /// `ch_…`
    pub id: String,
    /// Amount, in minor units.
    pub amount: i64,
    /// Amount refunded so far, in minor units.
    #[serde(default)]
    pub amount_refunded: i64,
    /// Three-letter ISO currency code, lower case.
    pub currency: String,
    /// Whether it was fully refunded.
    #[serde(default)]
    pub refunded: bool,
    /// The payment intent it belongs to.
    #[serde(default, deserialize_with = "expandable_id")]
    pub payment_intent: Option<String>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A Checkout session.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct CheckoutSession {
    /// `cs_…`
    pub id: String,
    /// `payment`, `setup` or `subscription`.
    #[serde(default)]
    pub mode: Option<String>,
    /// `paid`, `unpaid` or `no_payment_required`.
    #[serde(default)]
    pub payment_status: Option<String>,
    /// Total in minor units.
    #[serde(default)]
    pub amount_total: Option<i64>,
    /// Three-letter ISO currency code, lower case.
    #[serde(default)]
    pub currency: Option<String>,
    /// The customer, if any.
    #[serde(default, deserialize_with = "expandable_id")]
    pub customer: Option<String>,
    /// The host's own reference passed when the session was created.
    #[serde(default)]
    pub client_reference_id: Option<String>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Reads a field Stripe sends either as an id or, when expanded, as an object with an `id`.
fn expandable_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::String(id)) => Some(id),
        Some(Value::Object(object)) => object.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    })
}
