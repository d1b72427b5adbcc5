//! The shop itself.

use serde::Deserialize;

use super::AdminClient;
use crate::error::Error;

const SHOP: &str = "query ProignShop { shop { id name email myshopifyDomain currencyCode \
    ianaTimezone primaryDomain { host } } }";

/// The shop's basic facts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Shop {
    /// The global id (`gid://shopify/Shop/…`).
    pub id: String,
    /// The shop's name.
    pub name: String,
    /// The shop owner's contact email.
    pub email: Option<String>,
    /// The permanent `*.myshopify.com` domain.
    pub myshopify_domain: String,
    /// The currency prices are kept in.
    pub currency_code: String,
    /// The shop's time zone (`America/New_York`).
    pub iana_timezone: Option<String>,
    /// Fields this crate does not read.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct Data {
    shop: Shop,
}

impl AdminClient {
    /// The shop's name, domain, currency and time zone; also a cheap check of the token.
    pub async fn shop_info(&self) -> Result<Shop, Error> {
        let answer = self
            .execute::<Data>("shop", SHOP, serde_json::json!({}))
            .await?;
        Ok(answer.data.shop)
    }
}
