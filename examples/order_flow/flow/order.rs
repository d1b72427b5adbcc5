//! The order as it travels from step to step: what Shopify sent, plus what each step found.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One order and the results of its steps so far.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Order {
    /// The `orders/create` event id: names this run of the flow for this order.
    pub(crate) flow: String,
    /// Shopify's global id of the order.
    pub(crate) id: String,
    /// `#1001`.
    pub(crate) name: String,
    /// The customer's address, for the shipping email and the Stripe customer.
    pub(crate) email: String,
    pub(crate) currency: String,
    pub(crate) lines: Vec<Line>,
    pub(crate) shipping_title: String,
    pub(crate) shipping_price: Decimal,
    pub(crate) ship_to: ShipTo,
    #[serde(default)]
    pub(crate) tax: Option<Decimal>,
    #[serde(default)]
    pub(crate) service: Option<String>,
    #[serde(default)]
    pub(crate) tracking: Option<String>,
    #[serde(default)]
    pub(crate) customer: Option<String>,
    #[serde(default)]
    pub(crate) payment_method: Option<String>,
}

/// One line of the order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Line {
    pub(crate) id: String,
    pub(crate) quantity: u32,
    pub(crate) price: Decimal,
    #[serde(default)]
    pub(crate) product_type: Option<String>,
}

/// Where the order ships.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ShipTo {
    pub(crate) name: String,
    pub(crate) address1: String,
    pub(crate) city: String,
    pub(crate) province_code: String,
    pub(crate) zip: String,
    pub(crate) country_code: String,
    pub(crate) phone: String,
}

impl Order {
    /// Reads a verified `orders/create` payload; `None` names the first field missing.
    pub(crate) fn from_webhook(flow: &str, body: &Value) -> Result<Self, String> {
        let text = |v: &Value, field: &str| {
            v[field]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("orders/create without {field}"))
        };
        let money = |v: &Value, field: &str| -> Result<Decimal, String> {
            text(v, field)?
                .parse()
                .map_err(|_| format!("orders/create with a bad {field}"))
        };
        let lines = body["line_items"]
            .as_array()
            .ok_or("orders/create without line_items")?
            .iter()
            .map(|l| {
                Ok(Line {
                    id: l["id"].to_string(),
                    quantity: l["quantity"]
                        .as_u64()
                        .and_then(|q| u32::try_from(q).ok())
                        .ok_or("a line without a quantity")?,
                    price: money(l, "price")?,
                    product_type: l["product_type"].as_str().map(str::to_owned),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let shipping = &body["shipping_lines"][0];
        let to = &body["shipping_address"];
        Ok(Self {
            flow: flow.to_owned(),
            id: text(body, "admin_graphql_api_id")?,
            name: text(body, "name")?,
            email: text(body, "email")?,
            currency: text(body, "currency")?,
            lines,
            shipping_title: text(shipping, "title")?,
            shipping_price: money(shipping, "price")?,
            ship_to: ShipTo {
                name: text(to, "name")?,
                address1: text(to, "address1")?,
                city: text(to, "city")?,
                province_code: text(to, "province_code")?,
                zip: text(to, "zip")?,
                country_code: text(to, "country_code")?,
                phone: text(to, "phone")?,
            },
            tax: None,
            service: None,
            tracking: None,
            customer: None,
            payment_method: None,
        })
    }
}
