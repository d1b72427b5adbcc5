//! Order and refund transactions: what is sent and what TaxJar keeps.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::address::address_setters;
use crate::line_item::LineItem;
use crate::money;

/// An order or refund to create or update.
///
/// Serialised in the order TaxJar's documentation lists: ids and date, addresses, amounts,
/// customer, line items.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct Transaction {
    #[serde(skip_serializing_if = "Option::is_none")]
    transaction_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transaction_reference_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transaction_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from_country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from_zip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from_city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from_street: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to_country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to_zip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to_city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to_street: Option<String>,
    #[serde(
        serialize_with = "money::optional",
        skip_serializing_if = "Option::is_none"
    )]
    amount: Option<Decimal>,
    #[serde(
        serialize_with = "money::optional",
        skip_serializing_if = "Option::is_none"
    )]
    shipping: Option<Decimal>,
    #[serde(
        serialize_with = "money::optional",
        skip_serializing_if = "Option::is_none"
    )]
    sales_tax: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exemption_type: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    line_items: Vec<LineItem>,
}

impl Transaction {
    /// A new transaction: its id, date (`YYYY/MM/DD` or ISO 8601), amount (without tax,
    /// with shipping), shipping and sales tax collected.
    pub fn new(
        id: impl Into<String>,
        date: impl Into<String>,
        amount: Decimal,
        shipping: Decimal,
        sales_tax: Decimal,
    ) -> Self {
        Self {
            transaction_id: Some(id.into()),
            transaction_date: Some(date.into()),
            amount: Some(amount),
            shipping: Some(shipping),
            sales_tax: Some(sales_tax),
            ..Self::default()
        }
    }

    /// An update: only the fields set afterwards are sent.
    pub fn update() -> Self {
        Self::default()
    }

    address_setters!(from, to);

    /// For a refund: the order it refunds.
    pub fn reference_id(mut self, order_id: impl Into<String>) -> Self {
        self.transaction_reference_id = Some(order_id.into());
        self
    }

    /// The channel the transaction came from (`api` unless set).
    pub fn provider(mut self, provider: impl Into<String>) -> Self {
        self.provider = Some(provider.into());
        self
    }

    /// Sets the amount.
    pub fn amount(mut self, amount: Decimal) -> Self {
        self.amount = Some(amount);
        self
    }

    /// Sets the shipping.
    pub fn shipping(mut self, shipping: Decimal) -> Self {
        self.shipping = Some(shipping);
        self
    }

    /// Sets the sales tax.
    pub fn sales_tax(mut self, tax: Decimal) -> Self {
        self.sales_tax = Some(tax);
        self
    }

    /// Sets the customer.
    pub fn customer_id(mut self, id: impl Into<String>) -> Self {
        self.customer_id = Some(id.into());
        self
    }

    /// Sets the exemption type.
    pub fn exemption_type(mut self, kind: impl Into<String>) -> Self {
        self.exemption_type = Some(kind.into());
        self
    }

    /// Adds a line item.
    pub fn line_item(mut self, item: LineItem) -> Self {
        self.line_items.push(item);
        self
    }

    pub(crate) fn id(&self) -> Option<&str> {
        self.transaction_id.as_deref()
    }
}

/// An order or refund as TaxJar keeps it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct TransactionRecord {
    /// The transaction's id.
    pub transaction_id: String,
    /// TaxJar's user id.
    #[serde(default)]
    pub user_id: Option<u64>,
    /// The date, as sent back.
    #[serde(default)]
    pub transaction_date: Option<String>,
    /// For a refund, the order it refunds.
    #[serde(default)]
    pub transaction_reference_id: Option<String>,
    /// The channel.
    #[serde(default)]
    pub provider: Option<String>,
    /// The exemption type.
    #[serde(default)]
    pub exemption_type: Option<String>,
    /// The amount.
    #[serde(default)]
    pub amount: Option<Decimal>,
    /// The shipping.
    #[serde(default)]
    pub shipping: Option<Decimal>,
    /// The sales tax.
    #[serde(default)]
    pub sales_tax: Option<Decimal>,
    /// The line items.
    #[serde(default)]
    pub line_items: Vec<LineItem>,
    /// Other fields (addresses…), as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Which transactions to list: by one date or a date range (`YYYY/MM/DD`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateRange {
    /// Transactions of one day.
    On(String),
    /// Transactions from the first date to the second, inclusive.
    Between(String, String),
}

impl DateRange {
    pub(crate) fn pairs(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::On(d) => vec![("transaction_date", d.clone())],
            Self::Between(from, to) => vec![
                ("from_transaction_date", from.clone()),
                ("to_transaction_date", to.clone()),
            ],
        }
    }
}
