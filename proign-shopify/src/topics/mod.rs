//! Typed webhook payloads, parsed from the verified bytes of a [`ShopifyDelivery`].
//!
//! ```
//! use bytes::Bytes;
//! use http::{HeaderMap, HeaderValue};
//! use proign_core::{secret::Secret, webhook::WebhookVerifier};
//! use proign_shopify::topics::{Event, Payload};
//! use proign_shopify::webhook::{ShopifyVerifier, sign};
//!
//! let secret = Secret::new("made_up_client_secret").unwrap();
//! let body = Bytes::from_static(br#"{"shop_id":954889,"shop_domain":"prgn-test.myshopify.com"}"#);
//! let mut headers = HeaderMap::new();
//! headers.insert("X-Shopify-Hmac-Sha256", HeaderValue::from_str(&sign(&secret, &body)).unwrap());
//! headers.insert("X-Shopify-Topic", HeaderValue::from_static("shop/redact"));
//! headers.insert("X-Shopify-Shop-Domain", HeaderValue::from_static("prgn-test.myshopify.com"));
//! headers.insert("X-Shopify-API-Version", HeaderValue::from_static("2025-10"));
//! headers.insert("X-Shopify-Webhook-Id", HeaderValue::from_static("b54557e4"));
//! let delivery = ShopifyVerifier::new([&secret]).unwrap().verify(&headers, body).unwrap();
//!
//! let event = Event::from_delivery(delivery).unwrap();
//! match event.payload() {
//!     Payload::ShopRedact(redact) => assert_eq!(redact.shop_id, 954889),
//!     other => panic!("{other:?}"),
//! }
//! ```

mod payloads;

pub use payloads::*;

use chrono::{DateTime, Utc};

use crate::webhook::ShopifyDelivery;

/// A topic payload, by topic. Topics without a type here are kept raw.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Payload {
    /// `orders/create`.
    OrdersCreate(Box<OrderEvent>),
    /// `orders/updated`.
    OrdersUpdated(Box<OrderEvent>),
    /// `orders/paid`.
    OrdersPaid(Box<OrderEvent>),
    /// `orders/cancelled`.
    OrdersCancelled(Box<OrderEvent>),
    /// `orders/fulfilled`.
    OrdersFulfilled(Box<OrderEvent>),
    /// `fulfillments/create`.
    FulfillmentsCreate(Box<FulfillmentEvent>),
    /// `fulfillments/update`.
    FulfillmentsUpdate(Box<FulfillmentEvent>),
    /// `refunds/create`.
    RefundsCreate(Box<RefundEvent>),
    /// `inventory_levels/update`.
    InventoryLevelsUpdate(Box<InventoryLevelEvent>),
    /// `products/update`.
    ProductsUpdate(Box<ProductEvent>),
    /// `app/uninstalled`.
    AppUninstalled(Box<ShopEvent>),
    /// `customers/data_request` (mandatory privacy topic).
    CustomersDataRequest(Box<CustomerDataRequest>),
    /// `customers/redact` (mandatory privacy topic).
    CustomersRedact(Box<CustomerRedact>),
    /// `shop/redact` (mandatory privacy topic).
    ShopRedact(Box<ShopRedact>),
    /// Any other topic, with its body as JSON.
    Unknown {
        /// The topic as sent.
        topic: String,
        /// The body.
        body: serde_json::Value,
    },
}

/// Why a verified delivery's body could not be read as its topic's payload.
#[derive(Debug, thiserror::Error)]
#[error("the {topic} payload does not have the expected shape")]
pub struct PayloadError {
    topic: String,
    #[source]
    source: serde_json::Error,
}

impl PayloadError {
    /// The topic.
    pub fn topic(&self) -> &str {
        &self.topic
    }
}

impl Payload {
    /// Parses `body` as the payload of `topic`.
    pub fn parse(topic: &str, body: &[u8]) -> Result<Self, PayloadError> {
        fn de<T: serde::de::DeserializeOwned>(
            topic: &str,
            body: &[u8],
        ) -> Result<Box<T>, PayloadError> {
            serde_json::from_slice(body).map_err(|source| PayloadError {
                topic: topic.to_owned(),
                source,
            })
        }
        Ok(match topic {
            "orders/create" => Self::OrdersCreate(de(topic, body)?),
            "orders/updated" => Self::OrdersUpdated(de(topic, body)?),
            "orders/paid" => Self::OrdersPaid(de(topic, body)?),
            "orders/cancelled" => Self::OrdersCancelled(de(topic, body)?),
            "orders/fulfilled" => Self::OrdersFulfilled(de(topic, body)?),
            "fulfillments/create" => Self::FulfillmentsCreate(de(topic, body)?),
            "fulfillments/update" => Self::FulfillmentsUpdate(de(topic, body)?),
            "refunds/create" => Self::RefundsCreate(de(topic, body)?),
            "inventory_levels/update" => Self::InventoryLevelsUpdate(de(topic, body)?),
            "products/update" => Self::ProductsUpdate(de(topic, body)?),
            "app/uninstalled" => Self::AppUninstalled(de(topic, body)?),
            "customers/data_request" => Self::CustomersDataRequest(de(topic, body)?),
            "customers/redact" => Self::CustomersRedact(de(topic, body)?),
            "shop/redact" => Self::ShopRedact(de(topic, body)?),
            other => Self::Unknown {
                topic: other.to_owned(),
                body: *de(topic, body)?,
            },
        })
    }

    /// The order, for the five order topics.
    pub fn order(&self) -> Option<&OrderEvent> {
        match self {
            Self::OrdersCreate(o)
            | Self::OrdersUpdated(o)
            | Self::OrdersPaid(o)
            | Self::OrdersCancelled(o)
            | Self::OrdersFulfilled(o) => Some(o),
            _ => None,
        }
    }

    /// The fulfillment, for the two fulfillment topics.
    pub fn fulfillment(&self) -> Option<&FulfillmentEvent> {
        match self {
            Self::FulfillmentsCreate(f) | Self::FulfillmentsUpdate(f) => Some(f),
            _ => None,
        }
    }
}

/// A verified delivery with its typed payload: what a handler receives.
#[derive(Debug, Clone)]
pub struct Event {
    delivery: ShopifyDelivery,
    payload: Payload,
}

impl Event {
    /// Parses the delivery's verified bytes by its topic.
    pub fn from_delivery(delivery: ShopifyDelivery) -> Result<Self, PayloadError> {
        let payload = Payload::parse(delivery.topic(), delivery.body())?;
        Ok(Self { delivery, payload })
    }

    /// The typed payload.
    pub fn payload(&self) -> &Payload {
        &self.payload
    }

    /// The verified delivery (headers and exact bytes).
    pub fn delivery(&self) -> &ShopifyDelivery {
        &self.delivery
    }

    /// The topic.
    pub fn topic(&self) -> &str {
        self.delivery.topic()
    }

    /// The key to deduplicate on (`<shop>:<webhook id>`); see
    /// [`ShopifyDelivery::dedup_key`].
    pub fn dedup_key(&self) -> String {
        self.delivery.dedup_key()
    }

    /// The webhook id.
    pub fn webhook_id(&self) -> &str {
        self.delivery.webhook_id()
    }

    /// The event id, when sent; one event delivered to several subscriptions shares it.
    pub fn event_id(&self) -> Option<&str> {
        self.delivery.event_id()
    }

    /// When the event was triggered; compare with now to see how stale a retry is.
    pub fn triggered_at(&self) -> Option<DateTime<Utc>> {
        self.delivery.triggered_at()
    }

    /// Takes the payload out.
    pub fn into_payload(self) -> Payload {
        self.payload
    }
}
