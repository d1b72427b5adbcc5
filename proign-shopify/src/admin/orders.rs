//! Orders: one by id, pages by search query, and every match as a stream.

use chrono::{DateTime, Utc};
use futures_util::{Stream, TryStreamExt as _, stream};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::AdminClient;
use super::types::{DisplayStatus, IdOnly, MoneyBag, Page, nodes};
use crate::error::Error;

const ORDER_FIELDS: &str = "id name email createdAt updatedAt cancelledAt \
    displayFinancialStatus displayFulfillmentStatus \
    totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } } \
    lineItems(first: 50) { nodes { id title quantity sku variant { id } \
    originalUnitPriceSet { shopMoney { amount currencyCode } } } }";

/// An order, with the fields a back office reads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Order {
    /// The global id (`gid://shopify/Order/…`).
    pub id: String,
    /// The name shown to the merchant (`#1001`).
    pub name: String,
    /// The customer's email.
    pub email: Option<String>,
    /// When it was placed.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was cancelled, if it was.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// `PAID`, `PENDING`, `REFUNDED`, …
    pub display_financial_status: Option<DisplayStatus>,
    /// `UNFULFILLED`, `FULFILLED`, `PARTIALLY_FULFILLED`, …
    pub display_fulfillment_status: DisplayStatus,
    /// The total, in shop and presentment currency.
    pub total_price_set: MoneyBag,
    /// The first 50 line items.
    #[serde(deserialize_with = "nodes", default)]
    pub line_items: Vec<LineItem>,
    /// Fields this crate does not read.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A line of an order.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LineItem {
    /// The global id.
    pub id: String,
    /// The product title at the time of the order.
    pub title: String,
    /// How many were ordered.
    pub quantity: i64,
    /// The SKU, if the variant has one.
    pub sku: Option<String>,
    /// The unit price before discounts.
    pub original_unit_price_set: Option<MoneyBag>,
    #[serde(default)]
    variant: Option<IdOnly>,
}

impl LineItem {
    /// The variant's global id, unless the variant was deleted.
    pub fn variant_id(&self) -> Option<&str> {
        self.variant.as_ref().map(|v| v.id.as_str())
    }
}

#[derive(Deserialize)]
struct OneOrder {
    order: Option<Order>,
}

#[derive(Deserialize)]
struct OrderPage {
    orders: Page<Order>,
}

impl AdminClient {
    /// The order with this global id, or `None` if there is none.
    pub async fn order(&self, id: &str) -> Result<Option<Order>, Error> {
        let query =
            format!("query ProignOrder($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}");
        let answer = self
            .execute::<OneOrder>("order", &query, serde_json::json!({ "id": id }))
            .await?;
        Ok(answer.data.order)
    }

    /// One page of orders matching Shopify's search syntax (`financial_status:paid`,
    /// `created_at:>2026-01-01`), oldest first, starting after `after`.
    pub async fn orders_page(
        &self,
        search: Option<&str>,
        first: u32,
        after: Option<&str>,
    ) -> Result<Page<Order>, Error> {
        let query = format!(
            "query ProignOrders($first: Int!, $after: String, $query: String) \
             {{ orders(first: $first, after: $after, query: $query) \
             {{ nodes {{ {ORDER_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }} }}"
        );
        let variables = serde_json::json!({ "first": first, "after": after, "query": search });
        let answer = self
            .execute::<OrderPage>("list_orders", &query, variables)
            .await?;
        Ok(answer.data.orders)
    }

    /// Every order matching `search`, fetched `page_size` at a time as the stream is read.
    pub fn orders(
        &self,
        search: Option<String>,
        page_size: u32,
    ) -> impl Stream<Item = Result<Order, Error>> + Send + 'static {
        let client = self.clone();
        paginate(move |after| {
            let client = client.clone();
            let search = search.clone();
            async move {
                client
                    .orders_page(search.as_deref(), page_size, after.as_deref())
                    .await
            }
        })
    }
}

/// Follows `endCursor` from page to page, yielding each node, until a page says it is the
/// last (or returns no cursor).
pub(crate) fn paginate<T, F, Fut>(fetch: F) -> impl Stream<Item = Result<T, Error>> + Send
where
    T: DeserializeOwned + Send + 'static,
    F: Fn(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>, Error>> + Send,
{
    let pages = stream::try_unfold((fetch, Some(None::<String>)), |(fetch, next)| async move {
        let Some(after) = next else {
            return Ok::<_, Error>(None);
        };
        let page = fetch(after).await?;
        let next = match (page.page_info.has_next_page, page.page_info.end_cursor) {
            (true, Some(cursor)) => Some(Some(cursor)),
            _ => None,
        };
        Ok(Some((page.nodes, (fetch, next))))
    });
    pages
        .map_ok(|nodes| stream::iter(nodes.into_iter().map(Ok)))
        .try_flatten()
}
