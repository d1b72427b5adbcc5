//! Fulfillment orders and creating fulfillments with tracking.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::AdminClient;
use super::types::{DisplayStatus, IdOnly, nodes, refuse};
use crate::error::{Error, UserError};

const FULFILLMENT_ORDERS: &str = "query ProignFulfillmentOrders($id: ID!) { order(id: $id) { \
    fulfillmentOrders(first: 50) { nodes { id status requestStatus \
    assignedLocation { name location { id } } \
    lineItems(first: 100) { nodes { id totalQuantity remainingQuantity lineItem { id } } } } } } }";

const FULFILLMENT_CREATE: &str = "mutation ProignFulfillmentCreate($fulfillment: FulfillmentInput!) { \
    fulfillmentCreate(fulfillment: $fulfillment) { \
    fulfillment { id status createdAt trackingInfo { company number url } } \
    userErrors { field message } } }";

/// A group of an order's lines to be fulfilled from one location.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FulfillmentOrder {
    /// The global id (`gid://shopify/FulfillmentOrder/…`).
    pub id: String,
    /// `OPEN`, `IN_PROGRESS`, `CLOSED`, …
    pub status: DisplayStatus,
    /// `UNSUBMITTED`, `ACCEPTED`, …
    pub request_status: Option<DisplayStatus>,
    /// The lines and what remains to fulfil of each.
    #[serde(deserialize_with = "nodes", default)]
    pub line_items: Vec<FulfillmentOrderLineItem>,
    #[serde(default)]
    assigned_location: Option<AssignedLocation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct AssignedLocation {
    name: Option<String>,
    location: Option<IdOnly>,
}

impl FulfillmentOrder {
    /// The id of the location assigned to fulfil it.
    pub fn location_id(&self) -> Option<&str> {
        let location = self.assigned_location.as_ref()?.location.as_ref()?;
        Some(&location.id)
    }

    /// The assigned location's name.
    pub fn location_name(&self) -> Option<&str> {
        self.assigned_location.as_ref()?.name.as_deref()
    }
}

/// A line of a fulfillment order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FulfillmentOrderLineItem {
    /// The global id (`gid://shopify/FulfillmentOrderLineItem/…`).
    pub id: String,
    /// The quantity assigned.
    pub total_quantity: i64,
    /// The quantity not yet fulfilled.
    pub remaining_quantity: i64,
}

/// Tracking details of a shipment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TrackingInfo {
    /// The carrier (`UPS`), as Shopify knows it.
    pub company: Option<String>,
    /// The tracking number.
    pub number: Option<String>,
    /// The tracking page, when not derivable from the company.
    pub url: Option<String>,
}

impl TrackingInfo {
    /// Tracking by carrier and number.
    pub fn new(company: impl Into<String>, number: impl Into<String>) -> Self {
        Self {
            company: Some(company.into()),
            number: Some(number.into()),
            url: None,
        }
    }

    /// Adds the tracking page's URL.
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }
}

/// The lines of one fulfillment order to fulfil; no lines means all that remain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FulfillmentOrderLines {
    /// The fulfillment order's id.
    pub fulfillment_order_id: String,
    /// `(line id, quantity)` pairs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fulfillment_order_line_items: Vec<LineQuantity>,
}

/// A quantity of one fulfillment order line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineQuantity {
    /// The fulfillment order line's id.
    pub id: String,
    /// How many to fulfil.
    pub quantity: i64,
}

/// What `fulfillmentCreate` is asked to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FulfillmentCreate {
    /// The fulfillment orders and lines.
    pub line_items_by_fulfillment_order: Vec<FulfillmentOrderLines>,
    /// The shipment's tracking.
    pub tracking_info: TrackingInfo,
    /// Whether Shopify emails the customer.
    pub notify_customer: bool,
}

impl FulfillmentCreate {
    /// Fulfils everything that remains of `fulfillment_order_id`, with `tracking`, without
    /// notifying the customer.
    pub fn all_of(fulfillment_order_id: impl Into<String>, tracking: TrackingInfo) -> Self {
        Self {
            line_items_by_fulfillment_order: vec![FulfillmentOrderLines {
                fulfillment_order_id: fulfillment_order_id.into(),
                fulfillment_order_line_items: Vec::new(),
            }],
            tracking_info: tracking,
            notify_customer: false,
        }
    }

    /// Sets whether the customer is notified.
    pub fn notify_customer(mut self, notify: bool) -> Self {
        self.notify_customer = notify;
        self
    }
}

/// A created fulfillment.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Fulfillment {
    /// The global id (`gid://shopify/Fulfillment/…`).
    pub id: String,
    /// `SUCCESS`, `PENDING`, …
    pub status: DisplayStatus,
    /// When it was created.
    pub created_at: Option<DateTime<Utc>>,
    /// Its tracking.
    #[serde(default)]
    pub tracking_info: Vec<TrackingInfo>,
}

#[derive(Deserialize)]
struct OrderFulfillmentOrders {
    order: Option<FulfillmentOrdersOf>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FulfillmentOrdersOf {
    #[serde(deserialize_with = "nodes", default)]
    fulfillment_orders: Vec<FulfillmentOrder>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateData {
    fulfillment_create: Option<CreatePayload>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreatePayload {
    fulfillment: Option<Fulfillment>,
    #[serde(default)]
    user_errors: Vec<UserError>,
}

impl AdminClient {
    /// The fulfillment orders of an order (up to 50); `None` if there is no such order.
    pub async fn fulfillment_orders(
        &self,
        order_id: &str,
    ) -> Result<Option<Vec<FulfillmentOrder>>, Error> {
        let answer = self
            .execute::<OrderFulfillmentOrders>(
                "fulfillment_orders",
                FULFILLMENT_ORDERS,
                serde_json::json!({ "id": order_id }),
            )
            .await?;
        Ok(answer.data.order.map(|o| o.fulfillment_orders))
    }

    /// Creates a fulfillment (`fulfillmentCreate`); `userErrors` become
    /// [`Error::UserErrors`].
    pub async fn create_fulfillment(
        &self,
        input: &FulfillmentCreate,
    ) -> Result<Fulfillment, Error> {
        const OPERATION: &str = "fulfillment_create";
        let answer = self
            .execute::<CreateData>(
                OPERATION,
                FULFILLMENT_CREATE,
                serde_json::json!({ "fulfillment": input }),
            )
            .await?;
        let payload = answer.data.fulfillment_create.ok_or(Error::MissingData {
            operation: OPERATION,
            what: "fulfillmentCreate",
        })?;
        refuse(OPERATION, payload.user_errors)?;
        payload.fulfillment.ok_or(Error::MissingData {
            operation: OPERATION,
            what: "fulfillment",
        })
    }
}
