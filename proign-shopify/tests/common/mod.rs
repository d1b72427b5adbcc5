//! Shared helpers for the integration tests.
#![allow(dead_code, unreachable_pub)]

use proign_core::retry::{Jitter, RetryPolicy};
use proign_core::secret::Secret;
use proign_shopify::ShopDomain;
use proign_shopify::admin::AdminClient;
use serde_json::Value;
use wiremock::MockServer;

pub const TOKEN: &str = "shpat_prgn_made_up_DONOTLOG";
pub const ENDPOINT: &str = "/admin/api/2025-10/graphql.json";

pub fn shop() -> ShopDomain {
    "prgn-test.myshopify.com".parse().unwrap()
}

pub fn client(server: &MockServer) -> AdminClient {
    AdminClient::builder(shop(), Secret::new(TOKEN).unwrap())
        .base_url(server.uri())
        .retry(
            RetryPolicy::default()
                .with_max_attempts(5)
                .with_jitter(Jitter::None),
        )
        .build()
        .unwrap()
}

pub fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

pub fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}
