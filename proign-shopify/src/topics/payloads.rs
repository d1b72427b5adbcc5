//! The payload shapes of the typed topics, as Shopify renders them in webhook bodies.
//!
//! Only the fields a back office commonly reads are typed; everything else stays in each
//! payload's `extra` map, so nothing Shopify sends is lost.

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::Deserialize;

/// Fields not typed here, as sent.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// `orders/create`, `orders/updated`, `orders/paid`, `orders/cancelled`, `orders/fulfilled`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct OrderEvent {
    /// The numeric id.
    pub id: u64,
    /// The GraphQL id (`gid://shopify/Order/…`).
    #[serde(default)]
    pub admin_graphql_api_id: Option<String>,
    /// The name shown to the merchant (`#1001`).
    #[serde(default)]
    pub name: Option<String>,
    /// The customer's email.
    #[serde(default)]
    pub email: Option<String>,
    /// `pending`, `paid`, `refunded`, … (kept as sent).
    #[serde(default)]
    pub financial_status: Option<String>,
    /// `fulfilled`, `partial`, or absent.
    #[serde(default)]
    pub fulfillment_status: Option<String>,
    /// The shop currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// The total.
    #[serde(default)]
    pub total_price: Option<Decimal>,
    /// The subtotal.
    #[serde(default)]
    pub subtotal_price: Option<Decimal>,
    /// The tax.
    #[serde(default)]
    pub total_tax: Option<Decimal>,
    /// When it was placed.
    #[serde(default)]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// When it last changed.
    #[serde(default)]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// When it was cancelled.
    #[serde(default)]
    pub cancelled_at: Option<DateTime<FixedOffset>>,
    /// Why it was cancelled.
    #[serde(default)]
    pub cancel_reason: Option<String>,
    /// Its lines.
    #[serde(default)]
    pub line_items: Vec<LineItem>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A line of an order or fulfillment.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct LineItem {
    /// The numeric id.
    pub id: u64,
    /// The variant, unless deleted.
    #[serde(default)]
    pub variant_id: Option<u64>,
    /// The product, unless deleted.
    #[serde(default)]
    pub product_id: Option<u64>,
    /// The title.
    #[serde(default)]
    pub title: Option<String>,
    /// The quantity.
    #[serde(default)]
    pub quantity: i64,
    /// The SKU.
    #[serde(default)]
    pub sku: Option<String>,
    /// The unit price.
    #[serde(default)]
    pub price: Option<Decimal>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `fulfillments/create`, `fulfillments/update`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct FulfillmentEvent {
    /// The numeric id.
    pub id: u64,
    /// The order's numeric id.
    pub order_id: u64,
    /// `success`, `cancelled`, … (kept as sent).
    #[serde(default)]
    pub status: Option<String>,
    /// The carrier's latest shipment status (`in_transit`, `delivered`).
    #[serde(default)]
    pub shipment_status: Option<String>,
    /// The carrier.
    #[serde(default)]
    pub tracking_company: Option<String>,
    /// The first tracking number.
    #[serde(default)]
    pub tracking_number: Option<String>,
    /// Every tracking number.
    #[serde(default)]
    pub tracking_numbers: Vec<String>,
    /// The first tracking URL.
    #[serde(default)]
    pub tracking_url: Option<String>,
    /// Every tracking URL.
    #[serde(default)]
    pub tracking_urls: Vec<String>,
    /// When it was created.
    #[serde(default)]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// When it last changed.
    #[serde(default)]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// The fulfilled lines.
    #[serde(default)]
    pub line_items: Vec<LineItem>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `refunds/create`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct RefundEvent {
    /// The numeric id.
    pub id: u64,
    /// The order's numeric id.
    pub order_id: u64,
    /// When it was created.
    #[serde(default)]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// The merchant's note.
    #[serde(default)]
    pub note: Option<String>,
    /// The refunded lines.
    #[serde(default)]
    pub refund_line_items: Vec<RefundLineItem>,
    /// The money movements.
    #[serde(default)]
    pub transactions: Vec<Transaction>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A refunded line.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct RefundLineItem {
    /// The numeric id.
    pub id: u64,
    /// The order line's id.
    pub line_item_id: u64,
    /// How many were refunded.
    #[serde(default)]
    pub quantity: i64,
    /// `no_restock`, `cancel`, `return`, … (kept as sent).
    #[serde(default)]
    pub restock_type: Option<String>,
    /// The refunded subtotal.
    #[serde(default)]
    pub subtotal: Option<Decimal>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A transaction of a refund.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Transaction {
    /// The numeric id.
    pub id: u64,
    /// The amount.
    pub amount: Decimal,
    /// Its currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// `refund`, … (kept as sent).
    #[serde(default)]
    pub kind: Option<String>,
    /// `success`, `failure`, … (kept as sent).
    #[serde(default)]
    pub status: Option<String>,
    /// The payment gateway.
    #[serde(default)]
    pub gateway: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `inventory_levels/update`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct InventoryLevelEvent {
    /// The inventory item's numeric id.
    pub inventory_item_id: u64,
    /// The location's numeric id.
    pub location_id: u64,
    /// The available quantity (`null` when not tracked).
    #[serde(default)]
    pub available: Option<i64>,
    /// When it changed.
    #[serde(default)]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `products/update`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ProductEvent {
    /// The numeric id.
    pub id: u64,
    /// The title.
    #[serde(default)]
    pub title: Option<String>,
    /// The URL handle.
    #[serde(default)]
    pub handle: Option<String>,
    /// `active`, `draft`, `archived` (kept as sent).
    #[serde(default)]
    pub status: Option<String>,
    /// When it last changed.
    #[serde(default)]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// The variants.
    #[serde(default)]
    pub variants: Vec<VariantEvent>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A variant inside a product payload.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct VariantEvent {
    /// The numeric id.
    pub id: u64,
    /// The title.
    #[serde(default)]
    pub title: Option<String>,
    /// The SKU.
    #[serde(default)]
    pub sku: Option<String>,
    /// The price.
    #[serde(default)]
    pub price: Option<Decimal>,
    /// The inventory item's numeric id.
    #[serde(default)]
    pub inventory_item_id: Option<u64>,
    /// The quantity, when tracked.
    #[serde(default)]
    pub inventory_quantity: Option<i64>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `app/uninstalled`: the shop the app was removed from.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ShopEvent {
    /// The shop's numeric id.
    pub id: u64,
    /// The shop's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The permanent `*.myshopify.com` domain.
    #[serde(default)]
    pub myshopify_domain: Option<String>,
    /// The primary domain.
    #[serde(default)]
    pub domain: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The customer a privacy request is about.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct CustomerRef {
    /// The numeric id.
    pub id: u64,
    /// The email.
    #[serde(default)]
    pub email: Option<String>,
    /// The phone number.
    #[serde(default)]
    pub phone: Option<String>,
}

/// `customers/data_request`: send the merchant this customer's data.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct CustomerDataRequest {
    /// The shop's numeric id.
    pub shop_id: u64,
    /// The shop's domain.
    pub shop_domain: String,
    /// The customer.
    pub customer: CustomerRef,
    /// The orders whose data is asked for.
    #[serde(default)]
    pub orders_requested: Vec<u64>,
    /// The request's id, under `data_request.id`.
    #[serde(default)]
    pub data_request: Option<serde_json::Value>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `customers/redact`: erase this customer's data.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct CustomerRedact {
    /// The shop's numeric id.
    pub shop_id: u64,
    /// The shop's domain.
    pub shop_domain: String,
    /// The customer.
    pub customer: CustomerRef,
    /// The orders to redact.
    #[serde(default)]
    pub orders_to_redact: Vec<u64>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `shop/redact`: erase everything about this shop (sent 48 hours after uninstall).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ShopRedact {
    /// The shop's numeric id.
    pub shop_id: u64,
    /// The shop's domain.
    pub shop_domain: String,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Extra,
}
