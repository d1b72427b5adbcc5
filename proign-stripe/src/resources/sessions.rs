//! Checkout sessions and billing portal sessions.

use serde::Serialize;

use super::{NoParams, action, handle, path};
use crate::client::RequestOptions;
use crate::error::Error;
use crate::list::{List, ListParams};
use crate::metadata::Metadata;
use crate::objects::{CheckoutSession, PortalSession};

const CHECKOUT: &str = "/v1/checkout/sessions";

handle! {
    /// Checkout sessions: hosted payment pages.
    CheckoutSessions, checkout_sessions
}

handle! {
    /// Billing portal sessions: a customer's self-service page.
    PortalSessions, portal_sessions
}

/// Parameters of a new Checkout session.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckoutSessionCreate {
    /// `payment`, `setup` or `subscription`.
    pub mode: String,
    /// What is sold.
    pub line_items: Vec<CheckoutLineItem>,
    /// The existing customer.
    pub customer: Option<String>,
    /// Where Stripe sends the customer after paying.
    pub success_url: Option<String>,
    /// Where Stripe sends the customer who gives up.
    pub cancel_url: Option<String>,
    /// The host's own reference.
    pub client_reference_id: Option<String>,
    /// The host's key-value data.
    pub metadata: Option<Metadata>,
}

/// One line of a Checkout session.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckoutLineItem {
    /// The price.
    pub price: String,
    /// The quantity.
    pub quantity: u64,
}

impl CheckoutLineItem {
    /// `quantity` of `price`.
    pub fn new(price: impl Into<String>, quantity: u64) -> Self {
        Self {
            price: price.into(),
            quantity,
        }
    }
}

/// Parameters of a new billing portal session.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PortalSessionCreate {
    /// The customer.
    pub customer: String,
    /// Where the portal returns to.
    pub return_url: Option<String>,
}

impl CheckoutSessions<'_> {
    /// `POST /v1/checkout/sessions`
    pub async fn create(
        &self,
        params: &CheckoutSessionCreate,
        options: &RequestOptions,
    ) -> Result<CheckoutSession, Error> {
        self.0
            .post("create_checkout_session", CHECKOUT, params, options)
            .await
    }

    /// `GET /v1/checkout/sessions/{id}`
    pub async fn retrieve(
        &self,
        id: &str,
        options: &RequestOptions,
    ) -> Result<CheckoutSession, Error> {
        self.0
            .get(
                "retrieve_checkout_session",
                &path(CHECKOUT, id),
                &NoParams {},
                options,
            )
            .await
    }

    /// `POST /v1/checkout/sessions/{id}/expire`
    pub async fn expire(
        &self,
        id: &str,
        options: &RequestOptions,
    ) -> Result<CheckoutSession, Error> {
        let target = action(CHECKOUT, id, "expire");
        self.0
            .post("expire_checkout_session", &target, &NoParams {}, options)
            .await
    }

    /// `GET /v1/checkout/sessions`, one page.
    pub async fn list(
        &self,
        params: &ListParams,
        options: &RequestOptions,
    ) -> Result<List<CheckoutSession>, Error> {
        self.0
            .get("list_checkout_sessions", CHECKOUT, params, options)
            .await
    }
}

impl PortalSessions<'_> {
    /// `POST /v1/billing_portal/sessions`
    pub async fn create(
        &self,
        params: &PortalSessionCreate,
        options: &RequestOptions,
    ) -> Result<PortalSession, Error> {
        self.0
            .post(
                "create_portal_session",
                "/v1/billing_portal/sessions",
                params,
                options,
            )
            .await
    }
}
