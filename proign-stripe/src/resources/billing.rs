//! Products, prices and subscriptions.

use serde::Serialize;

use super::{NoParams, Update, action, handle, path};
use crate::client::RequestOptions;
use crate::error::Error;
use crate::list::{List, ListParams, Pages};
use crate::metadata::Metadata;
use crate::objects::{Price, Product, Subscription};

const PRODUCTS: &str = "/v1/products";
const PRICES: &str = "/v1/prices";
const SUBSCRIPTIONS: &str = "/v1/subscriptions";

handle! {
    /// Products.
    Products, products
}

handle! {
    /// Prices.
    Prices, prices
}

handle! {
    /// Subscriptions: create, update, cancel, resume, list.
    Subscriptions, subscriptions
}

/// Parameters of a new product.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProductCreate {
    /// The name shown to customers.
    pub name: String,
    /// Whether it can be sold.
    pub active: Option<bool>,
    /// A description.
    pub description: Option<String>,
    /// The host's key-value data.
    pub metadata: Option<Metadata>,
}

/// Filters of a product list.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProductListParams {
    /// Page size and cursor.
    #[serde(flatten)]
    pub page: ListParams,
    /// Only active or inactive products.
    pub active: Option<bool>,
}

/// Parameters of a new price.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PriceCreate {
    /// Three-letter ISO currency code, lower case.
    pub currency: String,
    /// Amount in minor units.
    pub unit_amount: Option<i64>,
    /// The product.
    pub product: Option<String>,
    /// For a recurring price, the interval.
    pub recurring: Option<Recurring>,
    /// A name for the price.
    pub nickname: Option<String>,
    /// The host's key-value data.
    pub metadata: Option<Metadata>,
}

/// The billing interval of a recurring price.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Recurring {
    /// `day`, `week`, `month` or `year`.
    pub interval: String,
    /// The number of intervals between bills.
    pub interval_count: Option<u32>,
}

impl Recurring {
    /// Every `interval` (`month`).
    pub fn every(interval: impl Into<String>) -> Self {
        Self {
            interval: interval.into(),
            interval_count: None,
        }
    }
}

/// Filters of a price list.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PriceListParams {
    /// Page size and cursor.
    #[serde(flatten)]
    pub page: ListParams,
    /// Only this product's prices.
    pub product: Option<String>,
    /// Only active or inactive prices.
    pub active: Option<bool>,
}

/// One price on a new or updated subscription.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SubscriptionItemParams {
    /// An existing item to change (on updates).
    pub id: Option<String>,
    /// The price.
    pub price: Option<String>,
    /// The quantity.
    pub quantity: Option<u64>,
    /// Remove the item (on updates).
    pub deleted: Option<bool>,
}

impl SubscriptionItemParams {
    /// `price`, quantity left to Stripe's default.
    pub fn price(price: impl Into<String>) -> Self {
        Self {
            price: Some(price.into()),
            ..Self::default()
        }
    }

    /// Sets the quantity.
    pub fn quantity(mut self, quantity: u64) -> Self {
        self.quantity = Some(quantity);
        self
    }
}

/// Parameters of a new subscription.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SubscriptionCreate {
    /// The customer.
    pub customer: String,
    /// The prices.
    pub items: Vec<SubscriptionItemParams>,
    /// `allow_incomplete`, `default_incomplete`, `error_if_incomplete`.
    pub payment_behavior: Option<String>,
    /// `charge_automatically` or `send_invoice`.
    pub collection_method: Option<String>,
    /// Days until due, for `send_invoice`.
    pub days_until_due: Option<u32>,
    /// The payment method for its invoices.
    pub default_payment_method: Option<String>,
    /// Fields to expand in the answer.
    pub expand: Vec<String>,
    /// The host's key-value data.
    pub metadata: Option<Metadata>,
    /// Trial length in days.
    pub trial_period_days: Option<u32>,
}

/// Changes to a subscription.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SubscriptionUpdate {
    /// Items to add, change or remove.
    pub items: Vec<SubscriptionItemParams>,
    /// Cancel at the end of the current period.
    pub cancel_at_period_end: Option<bool>,
    /// `create_prorations`, `none` or `always_invoice`.
    pub proration_behavior: Option<String>,
    /// The payment method for its invoices.
    pub default_payment_method: Option<Update<String>>,
    /// Metadata changes; an empty value removes that key.
    pub metadata: Option<Metadata>,
}

/// Filters of a subscription list.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SubscriptionListParams {
    /// Page size and cursor.
    #[serde(flatten)]
    pub page: ListParams,
    /// Only this customer's subscriptions.
    pub customer: Option<String>,
    /// Only subscriptions in this status (`active`, `canceled`, `all`).
    pub status: Option<String>,
}

impl Products<'_> {
    /// `POST /v1/products`
    pub async fn create(
        &self,
        params: &ProductCreate,
        options: &RequestOptions,
    ) -> Result<Product, Error> {
        self.0
            .post("create_product", PRODUCTS, params, options)
            .await
    }

    /// `GET /v1/products/{id}`
    pub async fn retrieve(&self, id: &str, options: &RequestOptions) -> Result<Product, Error> {
        self.0
            .get(
                "retrieve_product",
                &path(PRODUCTS, id),
                &NoParams {},
                options,
            )
            .await
    }

    /// `GET /v1/products`, one page.
    pub async fn list(
        &self,
        params: &ProductListParams,
        options: &RequestOptions,
    ) -> Result<List<Product>, Error> {
        self.0.get("list_products", PRODUCTS, params, options).await
    }
}

impl Prices<'_> {
    /// `POST /v1/prices`
    pub async fn create(
        &self,
        params: &PriceCreate,
        options: &RequestOptions,
    ) -> Result<Price, Error> {
        self.0.post("create_price", PRICES, params, options).await
    }

    /// `GET /v1/prices/{id}`
    pub async fn retrieve(&self, id: &str, options: &RequestOptions) -> Result<Price, Error> {
        self.0
            .get("retrieve_price", &path(PRICES, id), &NoParams {}, options)
            .await
    }

    /// `GET /v1/prices`, one page.
    pub async fn list(
        &self,
        params: &PriceListParams,
        options: &RequestOptions,
    ) -> Result<List<Price>, Error> {
        self.0.get("list_prices", PRICES, params, options).await
    }
}

impl Subscriptions<'_> {
    /// `POST /v1/subscriptions`
    pub async fn create(
        &self,
        params: &SubscriptionCreate,
        options: &RequestOptions,
    ) -> Result<Subscription, Error> {
        self.0
            .post("create_subscription", SUBSCRIPTIONS, params, options)
            .await
    }

    /// `GET /v1/subscriptions/{id}`
    pub async fn retrieve(
        &self,
        id: &str,
        options: &RequestOptions,
    ) -> Result<Subscription, Error> {
        self.0
            .get(
                "retrieve_subscription",
                &path(SUBSCRIPTIONS, id),
                &NoParams {},
                options,
            )
            .await
    }

    /// `POST /v1/subscriptions/{id}`
    pub async fn update(
        &self,
        id: &str,
        params: &SubscriptionUpdate,
        options: &RequestOptions,
    ) -> Result<Subscription, Error> {
        self.0
            .post(
                "update_subscription",
                &path(SUBSCRIPTIONS, id),
                params,
                options,
            )
            .await
    }

    /// `DELETE /v1/subscriptions/{id}`: cancels at once.
    pub async fn cancel(&self, id: &str, options: &RequestOptions) -> Result<Subscription, Error> {
        self.0
            .delete(
                "cancel_subscription",
                &path(SUBSCRIPTIONS, id),
                &NoParams {},
                options,
            )
            .await
    }

    /// `POST /v1/subscriptions/{id}/resume`: resumes a paused subscription.
    pub async fn resume(&self, id: &str, options: &RequestOptions) -> Result<Subscription, Error> {
        let target = action(SUBSCRIPTIONS, id, "resume");
        self.0
            .post("resume_subscription", &target, &NoParams {}, options)
            .await
    }

    /// `GET /v1/subscriptions`, one page.
    pub async fn list(
        &self,
        params: &SubscriptionListParams,
        options: &RequestOptions,
    ) -> Result<List<Subscription>, Error> {
        self.0
            .get("list_subscriptions", SUBSCRIPTIONS, params, options)
            .await
    }

    /// Every subscription matching `params`, page after page.
    pub fn paginate(
        &self,
        params: &SubscriptionListParams,
        options: &RequestOptions,
    ) -> Result<Pages, Error> {
        self.0
            .paginate("list_subscriptions", SUBSCRIPTIONS, params, options)
    }
}
