//! Payment intents, setup intents, payment methods and refunds.

use serde::Serialize;

use super::{NoParams, action, handle, path};
use crate::client::RequestOptions;
use crate::error::Error;
use crate::list::{List, ListParams, Pages, SearchParams, SearchResult};
use crate::metadata::Metadata;
use crate::objects::{PaymentIntent, PaymentMethod, Refund, SetupIntent};

const INTENTS: &str = "/v1/payment_intents";
const SETUP: &str = "/v1/setup_intents";
const METHODS: &str = "/v1/payment_methods";
const REFUNDS: &str = "/v1/refunds";

handle! {
    /// Payment intents: create, confirm, capture, cancel, list and search.
    PaymentIntents, payment_intents
}

handle! {
    /// Setup intents: save a payment method for later.
    SetupIntents, setup_intents
}

handle! {
    /// Payment methods: retrieve, attach, detach, list.
    PaymentMethods, payment_methods
}

handle! {
    /// Refunds.
    Refunds, refunds
}

/// Parameters of a new payment intent.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PaymentIntentCreate {
    /// Amount in minor units.
    pub amount: i64,
    /// Three-letter ISO currency code, lower case.
    pub currency: String,
    /// The customer paying.
    pub customer: Option<String>,
    /// The payment method to charge.
    pub payment_method: Option<String>,
    /// Let Stripe choose the payment methods.
    pub automatic_payment_methods: Option<AutomaticPaymentMethods>,
    /// Confirm at once.
    pub confirm: Option<bool>,
    /// `automatic` or `manual` (authorize now, capture later).
    pub capture_method: Option<String>,
    /// Allowed payment method types.
    pub payment_method_types: Vec<String>,
    /// The host's key-value data.
    pub metadata: Option<Metadata>,
    /// A description.
    pub description: Option<String>,
    /// Text appended to the statement descriptor.
    pub statement_descriptor_suffix: Option<String>,
    /// Charge without the customer present.
    pub off_session: Option<bool>,
    /// Where to send the customer after an authentication step.
    pub return_url: Option<String>,
}

impl PaymentIntentCreate {
    /// `amount` minor units of `currency`.
    pub fn new(amount: i64, currency: impl Into<String>) -> Self {
        Self {
            amount,
            currency: currency.into(),
            ..Self::default()
        }
    }
}

/// Automatic payment method settings.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AutomaticPaymentMethods {
    /// Turned on.
    pub enabled: bool,
    /// `always` or `never`.
    pub allow_redirects: Option<String>,
}

impl AutomaticPaymentMethods {
    /// Enabled, with an optional redirect rule.
    pub fn enabled(allow_redirects: Option<&str>) -> Self {
        Self {
            enabled: true,
            allow_redirects: allow_redirects.map(str::to_owned),
        }
    }
}

/// Parameters of a confirmation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PaymentIntentConfirm {
    /// The payment method to use.
    pub payment_method: Option<String>,
    /// Where to send the customer after an authentication step.
    pub return_url: Option<String>,
    /// Charge without the customer present.
    pub off_session: Option<bool>,
}

/// Parameters of a capture.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PaymentIntentCapture {
    /// Capture less than authorized, in minor units.
    pub amount_to_capture: Option<i64>,
}

/// Parameters of a new setup intent.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SetupIntentCreate {
    /// The customer.
    pub customer: Option<String>,
    /// The payment method to set up.
    pub payment_method: Option<String>,
    /// Confirm at once.
    pub confirm: Option<bool>,
    /// `on_session` or `off_session`.
    pub usage: Option<String>,
    /// Allowed payment method types.
    pub payment_method_types: Vec<String>,
    /// The host's key-value data.
    pub metadata: Option<Metadata>,
}

/// Filters of a payment method list.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PaymentMethodListParams {
    /// Page size and cursor.
    #[serde(flatten)]
    pub page: ListParams,
    /// The customer whose methods are listed.
    pub customer: String,
    /// Only this type (`card`).
    pub r#type: Option<String>,
}

/// Parameters of a new refund.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RefundCreate {
    /// The payment intent refunded.
    pub payment_intent: Option<String>,
    /// The charge refunded.
    pub charge: Option<String>,
    /// Amount in minor units; the whole remaining amount when `None`.
    pub amount: Option<i64>,
    /// `duplicate`, `fraudulent` or `requested_by_customer`.
    pub reason: Option<String>,
    /// The host's key-value data.
    pub metadata: Option<Metadata>,
}

impl PaymentIntents<'_> {
    /// `POST /v1/payment_intents`
    pub async fn create(
        &self,
        params: &PaymentIntentCreate,
        options: &RequestOptions,
    ) -> Result<PaymentIntent, Error> {
        self.0
            .post("create_payment_intent", INTENTS, params, options)
            .await
    }

    /// `GET /v1/payment_intents/{id}`
    pub async fn retrieve(
        &self,
        id: &str,
        options: &RequestOptions,
    ) -> Result<PaymentIntent, Error> {
        self.0
            .get(
                "retrieve_payment_intent",
                &path(INTENTS, id),
                &NoParams {},
                options,
            )
            .await
    }

    /// `POST /v1/payment_intents/{id}/confirm`
    pub async fn confirm(
        &self,
        id: &str,
        params: &PaymentIntentConfirm,
        options: &RequestOptions,
    ) -> Result<PaymentIntent, Error> {
        let target = action(INTENTS, id, "confirm");
        self.0
            .post("confirm_payment_intent", &target, params, options)
            .await
    }

    /// `POST /v1/payment_intents/{id}/capture`
    pub async fn capture(
        &self,
        id: &str,
        params: &PaymentIntentCapture,
        options: &RequestOptions,
    ) -> Result<PaymentIntent, Error> {
        let target = action(INTENTS, id, "capture");
        self.0
            .post("capture_payment_intent", &target, params, options)
            .await
    }

    /// `POST /v1/payment_intents/{id}/cancel`
    pub async fn cancel(&self, id: &str, options: &RequestOptions) -> Result<PaymentIntent, Error> {
        let target = action(INTENTS, id, "cancel");
        self.0
            .post("cancel_payment_intent", &target, &NoParams {}, options)
            .await
    }

    /// `GET /v1/payment_intents`, one page.
    pub async fn list(
        &self,
        params: &ListParams,
        options: &RequestOptions,
    ) -> Result<List<PaymentIntent>, Error> {
        self.0
            .get("list_payment_intents", INTENTS, params, options)
            .await
    }

    /// Every payment intent, page after page.
    pub fn paginate(&self, params: &ListParams, options: &RequestOptions) -> Result<Pages, Error> {
        self.0
            .paginate("list_payment_intents", INTENTS, params, options)
    }

    /// `GET /v1/payment_intents/search`, one page.
    pub async fn search(
        &self,
        params: &SearchParams,
        options: &RequestOptions,
    ) -> Result<SearchResult<PaymentIntent>, Error> {
        self.0
            .get(
                "search_payment_intents",
                "/v1/payment_intents/search",
                params,
                options,
            )
            .await
    }

    /// Every search result, following `next_page`.
    pub fn search_paginate(
        &self,
        params: &SearchParams,
        options: &RequestOptions,
    ) -> Result<Pages, Error> {
        self.0.search_paginate(
            "search_payment_intents",
            "/v1/payment_intents/search",
            params,
            options,
        )
    }
}

impl SetupIntents<'_> {
    /// `POST /v1/setup_intents`
    pub async fn create(
        &self,
        params: &SetupIntentCreate,
        options: &RequestOptions,
    ) -> Result<SetupIntent, Error> {
        self.0
            .post("create_setup_intent", SETUP, params, options)
            .await
    }

    /// `GET /v1/setup_intents/{id}`
    pub async fn retrieve(&self, id: &str, options: &RequestOptions) -> Result<SetupIntent, Error> {
        self.0
            .get(
                "retrieve_setup_intent",
                &path(SETUP, id),
                &NoParams {},
                options,
            )
            .await
    }

    /// `POST /v1/setup_intents/{id}/confirm`
    pub async fn confirm(
        &self,
        id: &str,
        payment_method: Option<&str>,
        options: &RequestOptions,
    ) -> Result<SetupIntent, Error> {
        #[derive(Serialize)]
        struct Confirm<'a> {
            payment_method: Option<&'a str>,
        }
        let target = action(SETUP, id, "confirm");
        self.0
            .post(
                "confirm_setup_intent",
                &target,
                &Confirm { payment_method },
                options,
            )
            .await
    }

    /// `POST /v1/setup_intents/{id}/cancel`
    pub async fn cancel(&self, id: &str, options: &RequestOptions) -> Result<SetupIntent, Error> {
        let target = action(SETUP, id, "cancel");
        self.0
            .post("cancel_setup_intent", &target, &NoParams {}, options)
            .await
    }
}

impl PaymentMethods<'_> {
    /// `GET /v1/payment_methods/{id}`
    pub async fn retrieve(
        &self,
        id: &str,
        options: &RequestOptions,
    ) -> Result<PaymentMethod, Error> {
        self.0
            .get(
                "retrieve_payment_method",
                &path(METHODS, id),
                &NoParams {},
                options,
            )
            .await
    }

    /// `POST /v1/payment_methods/{id}/attach`
    pub async fn attach(
        &self,
        id: &str,
        customer: &str,
        options: &RequestOptions,
    ) -> Result<PaymentMethod, Error> {
        #[derive(Serialize)]
        struct Attach<'a> {
            customer: &'a str,
        }
        let target = action(METHODS, id, "attach");
        self.0
            .post(
                "attach_payment_method",
                &target,
                &Attach { customer },
                options,
            )
            .await
    }

    /// `POST /v1/payment_methods/{id}/detach`
    pub async fn detach(&self, id: &str, options: &RequestOptions) -> Result<PaymentMethod, Error> {
        let target = action(METHODS, id, "detach");
        self.0
            .post("detach_payment_method", &target, &NoParams {}, options)
            .await
    }

    /// `GET /v1/payment_methods?customer=…`, one page.
    pub async fn list(
        &self,
        params: &PaymentMethodListParams,
        options: &RequestOptions,
    ) -> Result<List<PaymentMethod>, Error> {
        self.0
            .get("list_payment_methods", METHODS, params, options)
            .await
    }
}

impl Refunds<'_> {
    /// `POST /v1/refunds`
    pub async fn create(
        &self,
        params: &RefundCreate,
        options: &RequestOptions,
    ) -> Result<Refund, Error> {
        self.0.post("create_refund", REFUNDS, params, options).await
    }

    /// `GET /v1/refunds/{id}`
    pub async fn retrieve(&self, id: &str, options: &RequestOptions) -> Result<Refund, Error> {
        self.0
            .get("retrieve_refund", &path(REFUNDS, id), &NoParams {}, options)
            .await
    }

    /// `GET /v1/refunds`, one page.
    pub async fn list(
        &self,
        params: &ListParams,
        options: &RequestOptions,
    ) -> Result<List<Refund>, Error> {
        self.0.get("list_refunds", REFUNDS, params, options).await
    }
}
