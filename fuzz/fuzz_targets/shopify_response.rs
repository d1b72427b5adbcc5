#![no_main]
// Any status, headers and body answering an Admin GraphQL call (throttle extensions and
// user errors included): a typed answer or a typed error.

use libfuzzer_sys::fuzz_target;
use proign_core::retry::RetryPolicy;
use proign_core::secret::Secret;
use proign_shopify::ShopDomain;
use proign_shopify::admin::{AdminClient, InventoryAdjustment, InventoryChange};

#[path = "responses.rs"]
mod responses;

const ORDER: &str = "gid://shopify/Order/1";

fuzz_target!(|data: &[u8]| {
    let input = responses::input(data);
    let shop = ShopDomain::new("fuzz.myshopify.com").unwrap();
    let token = Secret::new("shpat_made_up_fuzzing_token").unwrap();
    let client = AdminClient::builder(shop, token)
        .retry(RetryPolicy::never())
        .transport(responses::Script::new([input.response]))
        .build()
        .unwrap();
    responses::block_on(async {
        let _ = match input.selector % 11 {
            0 => client.shop_info().await.map(drop),
            1 => client.order(ORDER).await.map(drop),
            2 => client.orders_page(None, 10, Some("cursor")).await.map(drop),
            3 => client.product("gid://shopify/Product/1").await.map(drop),
            4 => client.products_page(None, 10, None).await.map(drop),
            5 => client
                .inventory_levels("gid://shopify/InventoryItem/1")
                .await
                .map(drop),
            6 => {
                let change = InventoryChange {
                    inventory_item_id: "gid://shopify/InventoryItem/1".into(),
                    location_id: "gid://shopify/Location/1".into(),
                    delta: -1,
                };
                let adjustment = InventoryAdjustment::available("correction", vec![change]);
                client.adjust_inventory(&adjustment).await.map(drop)
            }
            7 => client.fulfillment_orders(ORDER).await.map(drop),
            8 => client.webhook_subscriptions().await.map(drop),
            9 => client
                .create_webhook_subscription("orders/create", "https://shop.example.test/hook")
                .await
                .map(drop),
            _ => client
                .execute::<serde_json::Value>("fuzz", "{ shop { name } }", serde_json::json!({}))
                .await
                .map(drop),
        };
    });
});
