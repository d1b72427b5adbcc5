//! Shopify for proign.
//!
//! - [`install`]: the OAuth install flow (authorize URL, callback verification, code
//!   exchange) and the client-credentials and token-exchange grants.
//! - [`admin`]: the Admin GraphQL client with typed operations and Shopify's cost-based
//!   throttling.
//! - [`webhook`]: verifying deliveries (classic `X-Shopify-*` and newer `Shopify-*` headers);
//!   [`topics`] turns a verified delivery into a typed payload.
//! - [`query`]: the signed query strings of the OAuth callback, app loads and app proxies.
//!
//! ```
//! use bytes::Bytes;
//! use http::{HeaderMap, HeaderValue};
//! use proign_core::{secret::Secret, webhook::WebhookVerifier};
//! use proign_shopify::webhook::{ShopifyVerifier, sign};
//!
//! let secret = Secret::new("made_up_client_secret").unwrap();
//! let body = Bytes::from_static(br#"{"id":820982911946154508}"#);
//! let mut headers = HeaderMap::new();
//! headers.insert("X-Shopify-Hmac-Sha256", HeaderValue::from_str(&sign(&secret, &body)).unwrap());
//! headers.insert("X-Shopify-Topic", HeaderValue::from_static("orders/create"));
//! headers.insert("X-Shopify-Shop-Domain", HeaderValue::from_static("example.myshopify.com"));
//! headers.insert("X-Shopify-API-Version", HeaderValue::from_static("2026-01"));
//! headers.insert("X-Shopify-Webhook-Id", HeaderValue::from_static("b54557e4"));
//!
//! let delivery = ShopifyVerifier::new([&secret]).unwrap().verify(&headers, body).unwrap();
//! assert_eq!(delivery.shop_domain(), "example.myshopify.com");
//! ```

pub mod admin;
mod error;
pub mod install;
pub mod query;
mod shop;
pub mod topics;
pub mod webhook;

pub use error::{Error, GraphQlError, UserError};
pub use shop::{MYSHOPIFY_SUFFIX, ShopDomain, ShopDomainError};
