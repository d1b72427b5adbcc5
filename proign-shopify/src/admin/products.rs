//! Products and their variants (read only).

use chrono::{DateTime, Utc};
use futures_util::Stream;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::AdminClient;
use super::orders::paginate;
use super::types::{DisplayStatus, IdOnly, Page, nodes};
use crate::error::Error;

const PRODUCT_FIELDS: &str = "id title handle status vendor productType updatedAt \
    variants(first: 100) { nodes { id title sku price inventoryQuantity inventoryItem { id } } }";

/// A product with its variants.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Product {
    /// The global id (`gid://shopify/Product/…`).
    pub id: String,
    /// The title.
    pub title: String,
    /// The URL handle.
    pub handle: Option<String>,
    /// `ACTIVE`, `DRAFT`, `ARCHIVED`, …
    pub status: DisplayStatus,
    /// The vendor.
    pub vendor: Option<String>,
    /// The product type.
    pub product_type: Option<String>,
    /// When it last changed.
    pub updated_at: Option<DateTime<Utc>>,
    /// The first 100 variants.
    #[serde(deserialize_with = "nodes", default)]
    pub variants: Vec<Variant>,
    /// Fields this crate does not read.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A purchasable variant of a product.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Variant {
    /// The global id (`gid://shopify/ProductVariant/…`).
    pub id: String,
    /// The title (`Default Title`, `Red / L`).
    pub title: String,
    /// The SKU.
    pub sku: Option<String>,
    /// The price in the shop's currency.
    pub price: Decimal,
    /// The quantity available across locations, when tracked.
    pub inventory_quantity: Option<i64>,
    #[serde(default)]
    inventory_item: Option<IdOnly>,
}

impl Variant {
    /// The inventory item's global id, for [`AdminClient::inventory_levels`].
    pub fn inventory_item_id(&self) -> Option<&str> {
        self.inventory_item.as_ref().map(|i| i.id.as_str())
    }
}

#[derive(Deserialize)]
struct OneProduct {
    product: Option<Product>,
}

#[derive(Deserialize)]
struct ProductPage {
    products: Page<Product>,
}

impl AdminClient {
    /// The product with this global id, or `None`.
    pub async fn product(&self, id: &str) -> Result<Option<Product>, Error> {
        let query =
            format!("query ProignProduct($id: ID!) {{ product(id: $id) {{ {PRODUCT_FIELDS} }} }}");
        let answer = self
            .execute::<OneProduct>("product", &query, serde_json::json!({ "id": id }))
            .await?;
        Ok(answer.data.product)
    }

    /// One page of products matching Shopify's search syntax, starting after `after`.
    pub async fn products_page(
        &self,
        search: Option<&str>,
        first: u32,
        after: Option<&str>,
    ) -> Result<Page<Product>, Error> {
        let query = format!(
            "query ProignProducts($first: Int!, $after: String, $query: String) \
             {{ products(first: $first, after: $after, query: $query) \
             {{ nodes {{ {PRODUCT_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }} }}"
        );
        let variables = serde_json::json!({ "first": first, "after": after, "query": search });
        let answer = self
            .execute::<ProductPage>("list_products", &query, variables)
            .await?;
        Ok(answer.data.products)
    }

    /// Every product matching `search`, `page_size` at a time.
    pub fn products(
        &self,
        search: Option<String>,
        page_size: u32,
    ) -> impl Stream<Item = Result<Product, Error>> + Send + 'static {
        let client = self.clone();
        paginate(move |after| {
            let client = client.clone();
            let search = search.clone();
            async move {
                client
                    .products_page(search.as_deref(), page_size, after.as_deref())
                    .await
            }
        })
    }
}
