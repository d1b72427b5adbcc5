//! Typed operations, one handle per Stripe resource.
//!
//! Each handle borrows the [`Client`](crate::Client) and offers the resource's calls with typed parameters
//! and typed answers. Parameters are form-encoded exactly as Stripe's libraries encode them:
//! `None` fields are left out and [`Update::Clear`] sends `field=` to clear a value.

mod billing;
mod customers;
mod events;
mod invoices;
mod payments;
mod schedules;
mod sessions;

pub use billing::{
    PriceCreate, PriceListParams, ProductCreate, ProductListParams, Recurring, SubscriptionCreate,
    SubscriptionItemParams, SubscriptionListParams, SubscriptionUpdate,
};
pub use customers::{
    CustomField, CustomerCreate, CustomerListParams, CustomerUpdate, InvoiceSettings,
};
pub use events::{EventListParams, MeterEventCreate, WebhookEndpointCreate};
pub use invoices::{
    CreditNoteCreate, InvoiceCreate, InvoiceItemCreate, InvoiceListParams, InvoicePay,
};
pub use payments::{
    AutomaticPaymentMethods, PaymentIntentCapture, PaymentIntentConfirm, PaymentIntentCreate,
    PaymentMethodListParams, RefundCreate, SetupIntentCreate,
};
pub use schedules::ScheduleCreate;
pub use sessions::{CheckoutLineItem, CheckoutSessionCreate, PortalSessionCreate};

pub use billing::{Prices, Products, Subscriptions};
pub use customers::Customers;
pub use events::{Events, MeterEvents, WebhookEndpoints};
pub use invoices::{CreditNotes, InvoiceItems, Invoices};
pub use payments::{PaymentIntents, PaymentMethods, Refunds, SetupIntents};
pub use schedules::{SubscriptionItems, SubscriptionSchedules};
pub use sessions::{CheckoutSessions, PortalSessions};

use serde::{Serialize, Serializer};

use crate::form::{Unset, encode};

/// A field on an update: a new value, or cleared (`field=`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Update<T> {
    /// Set to this value.
    Set(T),
    /// Remove the current value.
    Clear,
}

impl<T: Serialize> Serialize for Update<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Set(value) => value.serialize(serializer),
            Self::Clear => Unset.serialize(serializer),
        }
    }
}

/// Declares a handle type borrowing the client.
macro_rules! handle {
    ($(#[doc = $doc:literal])* $name:ident, $method:ident) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name<'a>(pub(crate) &'a crate::client::Client);

        impl crate::client::Client {
            $(#[doc = $doc])*
            pub fn $method(&self) -> $name<'_> {
                $name(self)
            }
        }
    };
}
pub(crate) use handle;

/// `base/{id}` with the id percent-encoded, so an id can never change the path.
pub(crate) fn path(base: &str, id: &str) -> String {
    format!("{base}/{}", encode(id))
}

/// `base/{id}/action`.
pub(crate) fn action(base: &str, id: &str, action: &str) -> String {
    format!("{base}/{}/{action}", encode(id))
}

/// No parameters.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct NoParams {}
