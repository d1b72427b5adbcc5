//! The Admin GraphQL client.
//!
//! An [`AdminClient`] talks to one shop's `/admin/api/<version>/graphql.json` with an
//! offline access token in `X-Shopify-Access-Token`. It sends through proign's core client,
//! so timeouts, retries and tracing are the same as for every provider, and adds Shopify's
//! cost model: every answer's `extensions.cost.throttleStatus` feeds a [`CostBudget`] that
//! paces the next query, and a `THROTTLED` error inside a `200` is retried after the time
//! the bucket needs to refill. After five throttled answers in a row the call fails with
//! [`ErrorKind::RateLimited`](proign_core::http::ErrorKind::RateLimited).
//!
//! Besides the typed operations there is [`AdminClient::execute`] for any other query.

mod connect;
mod fulfillment;
mod inventory;
mod orders;
mod products;
mod profile;
mod shop;
pub mod throttle;
mod types;
mod webhooks;

pub use connect::AdminConfig;
pub use fulfillment::{
    Fulfillment, FulfillmentCreate, FulfillmentOrder, FulfillmentOrderLineItem,
    FulfillmentOrderLines, LineQuantity, TrackingInfo,
};
pub use inventory::{
    AdjustmentGroup, AppliedChange, InventoryAdjustment, InventoryChange, InventoryLevel, Quantity,
};
pub use orders::{LineItem, Order};
pub use products::{Product, Variant};
pub use profile::ShopifyProfile;
pub use shop::Shop;
pub use throttle::{CostBudget, QueryCost, ThrottleStatus};
pub use types::{DisplayStatus, Money, MoneyBag, Page, PageInfo};
pub use webhooks::{WebhookSubscription, topic_enum};

use std::sync::Arc;
use std::time::Duration;

use http::HeaderName;
use proign_core::auth::{Auth, Credential};
use proign_core::clock::SharedClock;
use proign_core::http::{Client, RateBudget, Request, Transport};
use proign_core::retry::RetryPolicy;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::ShopDomain;
use crate::error::{Error, GraphQlError};

/// The Admin API version this crate's operations are written for.
pub const DEFAULT_API_VERSION: &str = "2025-10";

/// How many throttled answers in a row a call accepts before it fails.
pub const DEFAULT_MAX_THROTTLES: u32 = 5;

/// A client for one shop's Admin GraphQL API. Cheap to clone.
///
/// ```
/// use proign_core::secret::Secret;
/// use proign_shopify::{ShopDomain, admin::AdminClient};
///
/// let shop: ShopDomain = "prgn-test.myshopify.com".parse().unwrap();
/// let client = AdminClient::builder(shop, Secret::new("shpat_made_up").unwrap())
///     .api_version("2026-01")
///     .build()
///     .unwrap();
/// assert_eq!(client.endpoint(), "/admin/api/2026-01/graphql.json");
/// assert!(!format!("{client:?}").contains("shpat_made_up"));
/// ```
#[derive(Debug, Clone)]
pub struct AdminClient {
    http: Client,
    shop: ShopDomain,
    endpoint: String,
    budget: Arc<CostBudget>,
}

/// Settings for an [`AdminClient`].
#[must_use]
#[derive(Debug)]
pub struct AdminClientBuilder {
    shop: ShopDomain,
    token: Credential,
    api_version: String,
    base_url: Option<String>,
    retry: RetryPolicy,
    budget: Option<Arc<CostBudget>>,
    timeout: Option<Duration>,
    clock: Option<SharedClock>,
    transport: Option<Arc<dyn Transport>>,
}

impl AdminClient {
    /// Starts a client for `shop` with its offline access token.
    pub fn builder(shop: ShopDomain, token: proign_core::secret::Secret) -> AdminClientBuilder {
        Self::from_credential(shop, Credential::new(token))
    }

    /// Starts a client for `shop` with a token loaded from the environment or a file, so a
    /// refused token can be reported by where it came from.
    pub fn from_credential(shop: ShopDomain, token: Credential) -> AdminClientBuilder {
        AdminClientBuilder {
            shop,
            token,
            api_version: DEFAULT_API_VERSION.to_owned(),
            base_url: None,
            retry: RetryPolicy::default()
                .with_max_attempts(DEFAULT_MAX_THROTTLES)
                .with_max_delay(Duration::from_secs(60)),
            budget: None,
            timeout: None,
            clock: None,
            transport: None,
        }
    }

    /// The shop.
    pub fn shop(&self) -> &ShopDomain {
        &self.shop
    }

    /// The GraphQL path, `/admin/api/<version>/graphql.json`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The cost budget pacing this client's queries.
    pub fn budget(&self) -> &Arc<CostBudget> {
        &self.budget
    }

    /// Runs any query or mutation and decodes its `data` into `T`.
    ///
    /// Top-level `errors` fail the call with [`Error::GraphQl`] even when `data` is present.
    /// Queries may be resent after a broken connection; mutations only when Shopify
    /// guarantees they did not run (throttling, `429`).
    pub async fn execute<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        query: &str,
        variables: serde_json::Value,
    ) -> Result<GraphQlResponse<T>, Error> {
        let body = serde_json::json!({ "query": query, "variables": variables });
        let mut request = Request::post(operation, self.endpoint.clone())
            .json(&body)
            .map_err(|source| Error::Decode { operation, source })?;
        if !query.trim_start().starts_with("mutation") {
            request = request.replay_safe();
        }
        let response = self.http.send(request).await?;
        let envelope: Envelope = response.json()?;
        if let Some(errors) = envelope.errors.filter(|e| !e.is_empty()) {
            return Err(Error::GraphQl { operation, errors });
        }
        let data = envelope.data.ok_or(Error::MissingData {
            operation,
            what: "data",
        })?;
        let data =
            serde_json::from_value(data).map_err(|source| Error::Decode { operation, source })?;
        Ok(GraphQlResponse {
            data,
            cost: envelope.extensions.and_then(|e| e.cost),
        })
    }
}

/// A successful answer: the decoded `data` and what the query cost.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GraphQlResponse<T> {
    /// The decoded `data`.
    pub data: T,
    /// `extensions.cost`, when sent.
    pub cost: Option<QueryCost>,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    data: Option<serde_json::Value>,
    #[serde(default)]
    errors: Option<Vec<GraphQlError>>,
    #[serde(default)]
    extensions: Option<EnvelopeExtensions>,
}

#[derive(Deserialize)]
struct EnvelopeExtensions {
    #[serde(default)]
    cost: Option<QueryCost>,
}

impl AdminClientBuilder {
    /// Pins another API version (`2026-01`).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// Sends to `url` instead of `https://<shop>` (a simulator or proxy); otherwise
    /// `PROIGN_SHOPIFY_BASE_URL` is honoured.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sets the retry policy; its attempt count is the number of throttled answers accepted.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Shares a cost budget with other clients of the same shop.
    pub fn budget(mut self, budget: Arc<CostBudget>) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Sets the total time of one attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the clock used for `Retry-After` dates.
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Sends through `transport` (a shared pool, or a scripted transport in tests).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<AdminClient, Error> {
        let budget = self.budget.unwrap_or_default();
        let profile = Arc::new(ShopifyProfile::new(self.shop.base_url()));
        let mut http = Client::builder(profile)
            .auth(Auth::header(
                HeaderName::from_static("x-shopify-access-token"),
                self.token,
            ))
            .retry(self.retry)
            .budget(Arc::clone(&budget) as Arc<dyn RateBudget>);
        if let Some(url) = self.base_url {
            http = http.base_url(url);
        }
        if let Some(timeout) = self.timeout {
            http = http.timeout(timeout);
        }
        if let Some(clock) = self.clock {
            http = http.clock(clock);
        }
        if let Some(transport) = self.transport {
            http = http.transport(transport);
        }
        Ok(AdminClient {
            http: http.build()?,
            shop: self.shop,
            endpoint: format!("/admin/api/{}/graphql.json", self.api_version),
            budget,
        })
    }
}
