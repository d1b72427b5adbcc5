//! Shapes shared by the typed operations: money, status enums, pages.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};

use crate::error::{Error, UserError};

/// An amount and its ISO 4217 currency code (`MoneyV2`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Money {
    /// The decimal amount, exactly as Shopify wrote it.
    pub amount: Decimal,
    /// The currency code (`USD`, `EUR`).
    pub currency_code: String,
}

/// An amount in the shop's currency and in the currency the customer saw (`MoneyBag`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MoneyBag {
    /// In the shop's currency.
    pub shop_money: Money,
    /// In the customer's currency.
    pub presentment_money: Option<Money>,
}

/// A status Shopify sends as an enum value (`PAID`, `UNFULFILLED`, `OPEN`). Kept as sent, so
/// values added in later API versions are not rejected.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(transparent)]
pub struct DisplayStatus(pub String);

impl DisplayStatus {
    /// The value as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DisplayStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Cursor information of a connection.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PageInfo {
    /// Whether another page follows.
    pub has_next_page: bool,
    /// The cursor to ask for the next page with.
    pub end_cursor: Option<String>,
}

/// One page of a connection.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Page<T> {
    /// The items.
    pub nodes: Vec<T>,
    /// Where the next page starts.
    pub page_info: PageInfo,
}

/// `{ nodes: [...] }` without page information.
#[derive(Debug, Deserialize)]
pub(crate) struct Nodes<T> {
    pub(crate) nodes: Vec<T>,
}

/// Reads `{ nodes: [...] }` as a plain list.
pub(crate) fn nodes<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Nodes<T>>::deserialize(deserializer)?
        .map(|n| n.nodes)
        .unwrap_or_default())
}

/// An object that is only an id (`{ "id": "gid://…" }`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct IdOnly {
    pub(crate) id: String,
}

/// Turns non-empty `userErrors` into [`Error::UserErrors`].
pub(crate) fn refuse(operation: &'static str, errors: Vec<UserError>) -> Result<(), Error> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::UserErrors { operation, errors })
    }
}
