//! Typed views of the other objects the billing client returns.

use serde::Deserialize;
use serde_json::{Map, Value};

macro_rules! object {
    ($(#[doc = $doc:literal])* $name:ident, $prefix:literal { $($(#[doc = $fdoc:literal])* $field:ident: $ty:ty,)* }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Deserialize)]
        #[non_exhaustive]
        pub struct $name {
            #[doc = concat!("`", $prefix, "…`")]
            pub id: String,
            $(
                $(#[doc = $fdoc])*
                #[serde(default)]
                pub $field: $ty,
            )*
            /// Every other field, as sent.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }
    };
}

object! {
    /// A product.
    Product, "prod_" {
        /// The name shown to customers.
        name: String,
        /// Whether it can be sold.
        active: bool,
        /// The host's key-value data.
        metadata: Map<String, Value>,
    }
}

object! {
    /// A price of a product.
    Price, "price_" {
        /// The product (an id, or the object when expanded).
        product: Value,
        /// Three-letter ISO currency code, lower case.
        currency: String,
        /// The amount in minor units, when it is a whole number of them.
        unit_amount: Option<i64>,
        /// `one_time` or `recurring`.
        r#type: Option<String>,
        /// The billing interval of a recurring price.
        recurring: Option<Value>,
        /// Whether it can be used.
        active: bool,
        /// The host's key-value data.
        metadata: Map<String, Value>,
    }
}

object! {
    /// An invoice item: a line waiting for the customer's next invoice.
    InvoiceItem, "ii_" {
        /// The customer.
        customer: Value,
        /// The invoice it is on, once invoiced.
        invoice: Option<Value>,
        /// Amount in minor units.
        amount: i64,
        /// Three-letter ISO currency code, lower case.
        currency: String,
        /// The line's description.
        description: Option<String>,
        /// The host's key-value data.
        metadata: Map<String, Value>,
    }
}

object! {
    /// A credit note reducing an invoice.
    CreditNote, "cn_" {
        /// The invoice it reduces.
        invoice: Value,
        /// Total in minor units.
        total: i64,
        /// Three-letter ISO currency code, lower case.
        currency: String,
        /// `issued` or `void`.
        status: Option<String>,
        /// The host's key-value data.
        metadata: Map<String, Value>,
    }
}

object! {
    /// A setup intent: saving a payment method for later.
    SetupIntent, "seti_" {
        /// The customer.
        customer: Option<Value>,
        /// The payment method being set up.
        payment_method: Option<Value>,
        /// Status, such as `requires_payment_method` or `succeeded`.
        status: String,
        /// The secret the front end confirms with; not a credential of this account.
        client_secret: Option<String>,
        /// The host's key-value data.
        metadata: Map<String, Value>,
    }
}

object! {
    /// A payment method.
    PaymentMethod, "pm_" {
        /// `card`, `us_bank_account` and others.
        r#type: String,
        /// The customer it is attached to.
        customer: Option<Value>,
        /// Card details (brand, last four digits, expiry), when it is a card.
        card: Option<Value>,
        /// The host's key-value data.
        metadata: Map<String, Value>,
    }
}

object! {
    /// A refund.
    Refund, "re_" {
        /// Amount in minor units.
        amount: i64,
        /// Three-letter ISO currency code, lower case.
        currency: String,
        /// The charge refunded.
        charge: Option<Value>,
        /// The payment intent refunded.
        payment_intent: Option<Value>,
        /// Status, such as `pending` or `succeeded`.
        status: Option<String>,
        /// The host's key-value data.
        metadata: Map<String, Value>,
    }
}

object! {
    /// A billing portal session.
    PortalSession, "bps_" {
        /// The customer.
        customer: String,
        /// Where to send the customer.
        url: String,
        /// Where the portal returns to.
        return_url: Option<String>,
    }
}

object! {
    /// A webhook endpoint.
    WebhookEndpoint, "we_" {
        /// The URL Stripe delivers to.
        url: String,
        /// The event types delivered.
        enabled_events: Vec<String>,
        /// `enabled` or `disabled`.
        status: String,
        /// The signing secret, present only in the answer to a create.
        secret: Option<String>,
    }
}

object! {
    /// A subscription schedule.
    SubscriptionSchedule, "sub_sched_" {
        /// The customer.
        customer: Value,
        /// Status, such as `not_started`, `active` or `released`.
        status: String,
        /// The subscription it manages.
        subscription: Option<Value>,
        /// The phases.
        phases: Vec<Value>,
        /// The host's key-value data.
        metadata: Map<String, Value>,
    }
}

object! {
    /// A subscription item: one price on a subscription.
    SubscriptionItem, "si_" {
        /// The subscription.
        subscription: String,
        /// The price.
        price: Option<Value>,
        /// The quantity.
        quantity: Option<u64>,
        /// The host's key-value data.
        metadata: Map<String, Value>,
    }
}

object! {
    /// The answer to a delete.
    Deleted, "" {
        /// Always true.
        deleted: bool,
        /// The kind of the deleted object.
        object: String,
    }
}

/// A billing meter event accepted by the v2 API.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct MeterEvent {
    /// The meter's event name.
    pub event_name: String,
    /// The idempotency identifier.
    #[serde(default)]
    pub identifier: Option<String>,
    /// The payload as accepted.
    #[serde(default)]
    pub payload: Map<String, Value>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
