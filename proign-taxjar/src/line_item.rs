//! Line items sent with tax requests and transactions.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money;

/// One line of an order.
///
/// Serialised in the order `id`, `quantity`, `product_identifier`, `description`,
/// `product_tax_code`, `unit_price`, `discount`, `sales_tax`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LineItem {
    /// The line's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// How many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u32>,
    /// The product's SKU or id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_identifier: Option<String>,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// TaxJar's product tax code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_tax_code: Option<String>,
    /// The price of one unit.
    #[serde(
        default,
        serialize_with = "money::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub unit_price: Option<Decimal>,
    /// The discount on the whole line.
    #[serde(
        default,
        serialize_with = "money::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub discount: Option<Decimal>,
    /// The tax collected on the line (transactions).
    #[serde(
        default,
        serialize_with = "money::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub sales_tax: Option<Decimal>,
}

impl LineItem {
    /// A line `id` of `quantity` units at `unit_price`.
    pub fn new(id: impl Into<String>, quantity: u32, unit_price: Decimal) -> Self {
        Self {
            id: Some(id.into()),
            quantity: Some(quantity),
            unit_price: Some(unit_price),
            ..Self::default()
        }
    }

    /// Sets the product identifier.
    pub fn product_identifier(mut self, sku: impl Into<String>) -> Self {
        self.product_identifier = Some(sku.into());
        self
    }

    /// Sets the description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Sets the product tax code.
    pub fn product_tax_code(mut self, code: impl Into<String>) -> Self {
        self.product_tax_code = Some(code.into());
        self
    }

    /// Sets the discount.
    pub fn discount(mut self, discount: Decimal) -> Self {
        self.discount = Some(discount);
        self
    }

    /// Sets the sales tax collected.
    pub fn sales_tax(mut self, tax: Decimal) -> Self {
        self.sales_tax = Some(tax);
        self
    }
}
