#![no_main]
// Any status, headers and body answering an Admin GraphQL call (throttle extensions and
// user errors included): a typed answer or a typed error.

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use proign_core::clock::FixedClock;
use proign_core::retry::RetryPolicy;
use proign_core::secret::Secret;
use proign_shopify::ShopDomain;
use proign_shopify::admin::{AdminClient, InventoryAdjustment, InventoryChange};
use proign_shopify::install::{Install, RequestedToken};

#[path = "responses.rs"]
mod responses;

const ORDER: &str = "gid://shopify/Order/1";

/// The app's install settings, built once (building one sets up a connection pool).
fn install() -> &'static Install {
    static INSTALL: OnceLock<Install> = OnceLock::new();
    INSTALL.get_or_init(|| {
        let secret = Secret::new("shpss_made_up_fuzzing_secret").unwrap();
        Install::new(
            "made-up-client-id",
            secret,
            "https://shop.example.test/callback",
        )
        .unwrap()
        .clock(FixedClock::at_unix(1_767_225_600))
    })
}

fuzz_target!(|data: &[u8]| {
    let input = responses::input(data);
    let shop = ShopDomain::new("fuzz.myshopify.com").unwrap();
    let token = Secret::new("shpat_made_up_fuzzing_token").unwrap();
    let script = responses::Script::new([input.response]);
    let client = AdminClient::builder(shop.clone(), token.clone())
        .retry(RetryPolicy::never())
        .transport(script.clone())
        .build()
        .unwrap();
    // The OAuth token grants: the same answer read as a token response.
    let install = install().clone().transport(script);
    responses::block_on(async {
        let _ = match input.selector % 13 {
            0 => client.shop_info().await.is_ok(),
            1 => client.order(ORDER).await.is_ok(),
            2 => client.orders_page(None, 10, Some("cursor")).await.is_ok(),
            3 => client.product("gid://shopify/Product/1").await.is_ok(),
            4 => client.products_page(None, 10, None).await.is_ok(),
            5 => client
                .inventory_levels("gid://shopify/InventoryItem/1")
                .await
                .is_ok(),
            6 => {
                let change = InventoryChange {
                    inventory_item_id: "gid://shopify/InventoryItem/1".into(),
                    location_id: "gid://shopify/Location/1".into(),
                    delta: -1,
                };
                let adjustment = InventoryAdjustment::available("correction", vec![change]);
                client.adjust_inventory(&adjustment).await.is_ok()
            }
            7 => client.fulfillment_orders(ORDER).await.is_ok(),
            8 => client.webhook_subscriptions().await.is_ok(),
            9 => client
                .create_webhook_subscription("orders/create", "https://shop.example.test/hook")
                .await
                .is_ok(),
            10 => install.client_credentials(&shop).await.is_ok(),
            11 => install
                .token_exchange(&shop, &token, RequestedToken::Online)
                .await
                .is_ok(),
            _ => client
                .execute::<serde_json::Value>("fuzz", "{ shop { name } }", serde_json::json!({}))
                .await
                .is_ok(),
        };
    });
});
