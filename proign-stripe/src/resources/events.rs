//! Events, webhook endpoints and v2 billing meter events.

use serde::Serialize;

use super::{NoParams, handle, path};
use crate::client::RequestOptions;
use crate::error::Error;
use crate::event::Event;
use crate::list::{List, ListParams, Pages};
use crate::metadata::Metadata;
use crate::objects::{Deleted, MeterEvent, WebhookEndpoint};

const EVENTS: &str = "/v1/events";
const ENDPOINTS: &str = "/v1/webhook_endpoints";

handle! {
    /// Events: retrieve and list what happened in the account.
    Events, events
}

handle! {
    /// Webhook endpoints.
    WebhookEndpoints, webhook_endpoints
}

handle! {
    /// Billing meter events on the v2 API.
    MeterEvents, meter_events
}

/// Filters of an event list.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EventListParams {
    /// Page size and cursor.
    #[serde(flatten)]
    pub page: ListParams,
    /// Only this type (`invoice.paid`).
    pub r#type: Option<String>,
    /// Only these types.
    pub types: Vec<String>,
}

/// Parameters of a new webhook endpoint.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WebhookEndpointCreate {
    /// The URL Stripe delivers to.
    pub url: String,
    /// The event types to deliver (`*` for all).
    pub enabled_events: Vec<String>,
    /// A description.
    pub description: Option<String>,
    /// The API version of the event payloads.
    pub api_version: Option<String>,
    /// The host's key-value data.
    pub metadata: Option<Metadata>,
}

/// A usage report for a billing meter (v2, sent as JSON).
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct MeterEventCreate {
    /// The meter's event name.
    pub event_name: String,
    /// The payload, in order: the customer key (`stripe_customer_id`) and the value as text.
    pub payload: Metadata,
    /// A unique identifier; Stripe drops a second event with the same one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// When it happened (RFC 3339); now when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
}

impl MeterEventCreate {
    /// `value` units of `event_name` for `customer`.
    pub fn new(event_name: impl Into<String>, customer: impl Into<String>, value: u64) -> Self {
        Self {
            event_name: event_name.into(),
            payload: Metadata::new()
                .with("stripe_customer_id", customer)
                .with("value", value.to_string()),
            identifier: None,
            timestamp: None,
        }
    }
}

impl Events<'_> {
    /// `GET /v1/events/{id}`
    pub async fn retrieve(&self, id: &str, options: &RequestOptions) -> Result<Event, Error> {
        self.0
            .get("retrieve_event", &path(EVENTS, id), &NoParams {}, options)
            .await
    }

    /// `GET /v1/events`, one page.
    pub async fn list(
        &self,
        params: &EventListParams,
        options: &RequestOptions,
    ) -> Result<List<Event>, Error> {
        self.0.get("list_events", EVENTS, params, options).await
    }

    /// Every event matching `params`, page after page.
    pub fn paginate(
        &self,
        params: &EventListParams,
        options: &RequestOptions,
    ) -> Result<Pages, Error> {
        self.0.paginate("list_events", EVENTS, params, options)
    }
}

impl WebhookEndpoints<'_> {
    /// `POST /v1/webhook_endpoints`; the answer carries the signing secret once.
    pub async fn create(
        &self,
        params: &WebhookEndpointCreate,
        options: &RequestOptions,
    ) -> Result<WebhookEndpoint, Error> {
        self.0
            .post("create_webhook_endpoint", ENDPOINTS, params, options)
            .await
    }

    /// `GET /v1/webhook_endpoints/{id}`
    pub async fn retrieve(
        &self,
        id: &str,
        options: &RequestOptions,
    ) -> Result<WebhookEndpoint, Error> {
        self.0
            .get(
                "retrieve_webhook_endpoint",
                &path(ENDPOINTS, id),
                &NoParams {},
                options,
            )
            .await
    }

    /// `DELETE /v1/webhook_endpoints/{id}`
    pub async fn delete(&self, id: &str, options: &RequestOptions) -> Result<Deleted, Error> {
        self.0
            .delete(
                "delete_webhook_endpoint",
                &path(ENDPOINTS, id),
                &NoParams {},
                options,
            )
            .await
    }

    /// `GET /v1/webhook_endpoints`, one page.
    pub async fn list(
        &self,
        params: &ListParams,
        options: &RequestOptions,
    ) -> Result<List<WebhookEndpoint>, Error> {
        self.0
            .get("list_webhook_endpoints", ENDPOINTS, params, options)
            .await
    }
}

impl MeterEvents<'_> {
    /// `POST /v2/billing/meter_events`
    pub async fn create(
        &self,
        params: &MeterEventCreate,
        options: &RequestOptions,
    ) -> Result<MeterEvent, Error> {
        self.0
            .post_json(
                "create_meter_event",
                "/v2/billing/meter_events",
                params,
                options,
            )
            .await
    }
}
