//! The simulated shop's data and the GraphQL operations over it.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{Value, json};

const LOCATION: &str = "gid://shopify/Location/124656943";
const CREATED: &str = "2026-01-01T10:00:00Z";

/// Shopify's leaky cost bucket: `maximum` points, refilled at `restore_rate` per second.
#[derive(Debug, Clone)]
pub struct Bucket {
    maximum: f64,
    restore_rate: f64,
    available: f64,
    at: Instant,
}

impl Bucket {
    /// A full bucket.
    pub fn new(maximum: f64, restore_rate: f64) -> Self {
        Self {
            maximum,
            restore_rate,
            available: maximum,
            at: Instant::now(),
        }
    }

    fn refill(&mut self) {
        let now = Instant::now();
        let restored = now.duration_since(self.at).as_secs_f64() * self.restore_rate;
        self.available = (self.available + restored).min(self.maximum);
        self.at = now;
    }

    pub(crate) fn set_available(&mut self, points: f64) {
        self.available = points.clamp(0.0, self.maximum);
        self.at = Instant::now();
    }

    /// Takes `cost` points if they are there; the `extensions` to answer with either way.
    fn charge(&mut self, cost: f64) -> (bool, Value) {
        self.refill();
        let fits = cost <= self.available;
        if fits {
            self.available -= cost;
        }
        let extensions = json!({ "cost": {
            "requestedQueryCost": cost,
            "actualQueryCost": if fits { json!(cost) } else { Value::Null },
            "throttleStatus": {
                "maximumAvailable": self.maximum,
                "currentlyAvailable": self.available.floor(),
                "restoreRate": self.restore_rate,
            }
        }});
        (fits, extensions)
    }
}

/// One line of an order placed through the simulator: a variant of the seeded product.
pub(crate) struct OrderLine {
    pub(crate) variant: usize,
    pub(crate) quantity: u32,
    pub(crate) price: String,
}

pub(crate) struct ShopData {
    orders: Vec<Value>,
    fulfillment_orders: Vec<(String, Value)>,
    products: Vec<Value>,
    levels: BTreeMap<String, i64>,
    subscriptions: Vec<(String, String, String)>,
    pub(crate) bucket: Bucket,
    next_id: u64,
}

fn money(amount: &str) -> Value {
    json!({ "shopMoney": { "amount": amount, "currencyCode": "USD" },
            "presentmentMoney": { "amount": amount, "currencyCode": "USD" } })
}

fn numeric(gid: &str) -> u64 {
    gid.rsplit('/')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

impl ShopData {
    pub(crate) fn seeded() -> Self {
        let mut shop = Self {
            orders: Vec::new(),
            fulfillment_orders: Vec::new(),
            products: vec![json!({
                "id": "gid://shopify/Product/632910392", "title": "Proign Tee", "handle": "proign-tee",
                "status": "ACTIVE", "vendor": "Proign", "productType": "Shirts", "updatedAt": CREATED,
                "variants": { "nodes": [
                    { "id": "gid://shopify/ProductVariant/808950810", "title": "Small", "sku": "TEE-S",
                      "price": "25.00", "inventoryQuantity": 10,
                      "inventoryItem": { "id": "gid://shopify/InventoryItem/30322695" } },
                    { "id": "gid://shopify/ProductVariant/808950811", "title": "Large", "sku": "TEE-L",
                      "price": "27.50", "inventoryQuantity": 4,
                      "inventoryItem": { "id": "gid://shopify/InventoryItem/30322696" } }
                ] }
            })],
            levels: BTreeMap::from([
                ("gid://shopify/InventoryItem/30322695".to_owned(), 10),
                ("gid://shopify/InventoryItem/30322696".to_owned(), 4),
            ]),
            subscriptions: Vec::new(),
            bucket: Bucket::new(1000.0, 50.0),
            next_id: 1001,
        };
        for (email, total) in [
            ("ada@example.test", "25.00"),
            ("grace@example.test", "52.50"),
            ("linus@example.test", "27.50"),
        ] {
            shop.add_order(email, total);
        }
        shop
    }

    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub(crate) fn add_order(&mut self, email: &str, total: &str) -> String {
        let line = OrderLine {
            variant: 0,
            quantity: 1,
            price: total.to_owned(),
        };
        self.add_order_lines(email, total, &[line], None)
    }

    /// A paid, unfulfilled order of `lines` (variants of the seeded product) with one open
    /// fulfillment order holding all of them.
    pub(crate) fn add_order_lines(
        &mut self,
        email: &str,
        total: &str,
        lines: &[OrderLine],
        shipping: Option<(&str, &str)>,
    ) -> String {
        let n = self.id();
        let id = format!("gid://shopify/Order/{}", 450789469 + n);
        let variants = self.products[0]["variants"]["nodes"].clone();
        let mut nodes = Vec::new();
        let mut fo_lines = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let k = n + i as u64 * 1_000_000;
            let line_id = format!("gid://shopify/LineItem/{}", 466157049 + k);
            let variant = &variants[line.variant];
            nodes.push(json!({
                "id": line_id, "title": "Proign Tee", "quantity": line.quantity,
                "sku": variant["sku"], "variant": { "id": variant["id"] },
                "originalUnitPriceSet": money(&line.price)
            }));
            fo_lines.push(json!({
                "id": format!("gid://shopify/FulfillmentOrderLineItem/{}", 1025578000 + k),
                "totalQuantity": line.quantity, "remainingQuantity": line.quantity,
                "lineItem": { "id": line_id }
            }));
        }
        let mut order = json!({
            "id": id, "name": format!("#{}", 1000 + self.orders.len() + 1), "email": email,
            "createdAt": CREATED, "updatedAt": CREATED, "cancelledAt": null,
            "displayFinancialStatus": "PAID", "displayFulfillmentStatus": "UNFULFILLED",
            "totalPriceSet": money(total),
            "lineItems": { "nodes": nodes }
        });
        if let Some((title, price)) = shipping {
            order["shippingLine"] = json!({ "title": title, "code": title, "price": price });
        }
        self.orders.push(order);
        let fo = json!({
            "id": format!("gid://shopify/FulfillmentOrder/{}", 1046000000 + n),
            "status": "OPEN", "requestStatus": "UNSUBMITTED",
            "assignedLocation": { "name": "Main warehouse", "location": { "id": LOCATION } },
            "lineItems": { "nodes": fo_lines }
        });
        self.fulfillment_orders.push((id.clone(), fo));
        id
    }

    pub(crate) fn subscribers(&self, topic: &str) -> Vec<String> {
        let wanted = topic.replace('/', "_").to_ascii_uppercase();
        self.subscriptions
            .iter()
            .filter(|(_, t, _)| *t == wanted)
            .map(|(_, _, url)| url.clone())
            .collect()
    }

    /// The REST-shaped `orders/*` payload of an order.
    pub(crate) fn order_webhook(&self, id: &str) -> Option<Value> {
        let order = self.orders.iter().find(|o| o["id"] == id)?;
        let lines: Vec<Value> = order["lineItems"]["nodes"]
            .as_array()?
            .iter()
            .map(|l| {
                json!({
                    "id": numeric(l["id"].as_str().unwrap_or("")),
                    "variant_id": numeric(l["variant"]["id"].as_str().unwrap_or("")),
                    "product_id": 632910392u64, "title": l["title"], "quantity": l["quantity"],
                    "sku": l["sku"], "price": l["originalUnitPriceSet"]["shopMoney"]["amount"],
                })
            })
            .collect();
        let lower = |v: &Value| v.as_str().map(str::to_ascii_lowercase);
        let mut payload = json!({
            "id": numeric(id), "admin_graphql_api_id": id, "name": order["name"],
            "email": order["email"], "currency": "USD",
            "financial_status": lower(&order["displayFinancialStatus"]),
            "fulfillment_status": match order["displayFulfillmentStatus"].as_str() {
                Some("FULFILLED") => json!("fulfilled"), _ => Value::Null },
            "total_price": order["totalPriceSet"]["shopMoney"]["amount"],
            "created_at": order["createdAt"], "updated_at": order["updatedAt"],
            "line_items": lines,
        });
        if let Some(line) = order.get("shippingLine") {
            payload["shipping_lines"] = json!([{ "title": line["title"], "code": line["code"],
                "price": line["price"] }]);
            payload["shipping_address"] = json!({ "name": "Ada Customer",
                "address1": "1335 E 103rd St", "city": "Los Angeles", "province_code": "CA",
                "zip": "90002", "country_code": "US", "phone": "3105550100" });
        }
        Some(payload)
    }

    /// Answers one GraphQL request; also returns the webhooks it triggers.
    pub(crate) fn execute(&mut self, request: &Value) -> (Value, Vec<(String, Value)>) {
        let query = request["query"].as_str().unwrap_or("");
        let vars = &request["variables"];
        let name = operation_name(query);
        let first = vars["first"].as_u64().unwrap_or(10).clamp(1, 250);
        let cost = match name {
            "ProignShop" => 1.0,
            "ProignOrder" => 12.0,
            "ProignOrders" => 2.0 + first as f64 * 6.0,
            "ProignFulfillmentOrders" => 23.0,
            "ProignInventoryLevels" => 14.0,
            "ProignProduct" => 103.0,
            "ProignProducts" => 2.0 + first as f64 * 103.0,
            "ProignWebhooks" => 12.0,
            _ => 10.0,
        };
        let (fits, extensions) = self.bucket.charge(cost);
        if !fits {
            let errors = json!([{ "message": "Throttled", "extensions": {
                "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits" } }]);
            return (
                json!({ "errors": errors, "extensions": extensions }),
                Vec::new(),
            );
        }
        let mut webhooks = Vec::new();
        let data = match name {
            "ProignShop" => json!({ "shop": {
                "id": "gid://shopify/Shop/548380009", "name": "Proign Test Shop",
                "email": "owner@example.test", "myshopifyDomain": super::SHOP,
                "currencyCode": "USD", "ianaTimezone": "Europe/London",
                "primaryDomain": { "host": super::SHOP } } }),
            "ProignOrder" => json!({ "order": self.find_order(&vars["id"]) }),
            "ProignOrders" => {
                json!({ "orders": page(self.search(&vars["query"]), first, &vars["after"]) })
            }
            "ProignFulfillmentOrders" => json!({ "order": self.find_order(&vars["id"]).map(|_| {
                let nodes: Vec<&Value> = self.fulfillment_orders.iter()
                    .filter(|(o, _)| *o == vars["id"]).map(|(_, fo)| fo).collect();
                json!({ "fulfillmentOrders": { "nodes": nodes } })
            }) }),
            "ProignFulfillmentCreate" => self.fulfill(&vars["fulfillment"], &mut webhooks),
            "ProignInventoryLevels" => self.levels_of(&vars["id"]),
            "ProignInventoryAdjust" => self.adjust(&vars["input"]),
            "ProignProduct" => {
                json!({ "product": self.products.iter().find(|p| p["id"] == vars["id"]) })
            }
            "ProignProducts" => {
                json!({ "products": page(self.products.clone(), first, &vars["after"]) })
            }
            "ProignWebhookCreate" => self.subscribe(vars),
            "ProignWebhooks" => json!({ "webhookSubscriptions": { "nodes":
                self.subscriptions.iter().map(subscription).collect::<Vec<_>>() } }),
            "ProignWebhookDelete" => self.unsubscribe(&vars["id"]),
            other => {
                let errors = json!([{ "message": format!("Operation {other:?} is not simulated"),
                    "extensions": { "code": "undefinedField" } }]);
                return (
                    json!({ "errors": errors, "extensions": extensions }),
                    webhooks,
                );
            }
        };
        (json!({ "data": data, "extensions": extensions }), webhooks)
    }

    fn find_order(&self, id: &Value) -> Option<Value> {
        self.orders.iter().find(|o| o["id"] == *id).cloned()
    }

    fn search(&self, query: &Value) -> Vec<Value> {
        let terms: Vec<(String, String)> = query
            .as_str()
            .unwrap_or("")
            .split_whitespace()
            .filter_map(|t| t.split_once(':'))
            .map(|(k, v)| (k.to_owned(), v.to_ascii_uppercase()))
            .collect();
        self.orders
            .iter()
            .filter(|o| {
                terms.iter().all(|(k, v)| match k.as_str() {
                    "financial_status" => o["displayFinancialStatus"] == v.as_str(),
                    "fulfillment_status" => o["displayFulfillmentStatus"] == v.as_str(),
                    _ => true,
                })
            })
            .cloned()
            .collect()
    }

    fn fulfill(&mut self, input: &Value, webhooks: &mut Vec<(String, Value)>) -> Value {
        let refuse = |message: &str| {
            json!({ "fulfillmentCreate": { "fulfillment": null,
            "userErrors": [{ "field": ["fulfillment"], "message": message }] } })
        };
        let Some(fo_id) = input["lineItemsByFulfillmentOrder"][0]["fulfillmentOrderId"].as_str()
        else {
            return refuse("Fulfillment order is required.");
        };
        let Some(at) = self
            .fulfillment_orders
            .iter()
            .position(|(_, fo)| fo["id"] == fo_id)
        else {
            return refuse("Fulfillment order does not exist.");
        };
        if self.fulfillment_orders[at].1["status"] != "OPEN" {
            return refuse("Fulfillment order is not in an open state.");
        }
        let order_id = self.fulfillment_orders[at].0.clone();
        let fo = &mut self.fulfillment_orders[at].1;
        fo["status"] = json!("CLOSED");
        if let Some(lines) = fo["lineItems"]["nodes"].as_array_mut() {
            lines
                .iter_mut()
                .for_each(|l| l["remainingQuantity"] = json!(0));
        }
        if let Some(order) = self
            .orders
            .iter_mut()
            .find(|o| o["id"] == order_id.as_str())
        {
            order["displayFulfillmentStatus"] = json!("FULFILLED");
        }
        let n = self.id();
        let tracking = &input["trackingInfo"];
        let id = format!("gid://shopify/Fulfillment/{}", 1069019000 + n);
        let lines = self
            .order_webhook(&order_id)
            .map(|o| o["line_items"].clone());
        webhooks.push((
            "fulfillments/create".to_owned(),
            json!({
                "id": numeric(&id), "admin_graphql_api_id": id, "order_id": numeric(&order_id),
                "status": "success", "created_at": CREATED, "updated_at": CREATED,
                "tracking_company": tracking["company"], "tracking_number": tracking["number"],
                "tracking_numbers": [tracking["number"]], "tracking_url": tracking["url"],
                "tracking_urls": [tracking["url"]], "shipment_status": null,
                "location_id": numeric(LOCATION), "line_items": lines,
            }),
        ));
        json!({ "fulfillmentCreate": { "userErrors": [], "fulfillment": {
            "id": id, "status": "SUCCESS", "createdAt": CREATED,
            "trackingInfo": [{ "company": tracking["company"], "number": tracking["number"],
                               "url": tracking["url"] }] } } })
    }

    fn levels_of(&self, item: &Value) -> Value {
        let Some((id, available)) = self.levels.iter().find(|(k, _)| **k == *item) else {
            return json!({ "inventoryItem": null });
        };
        json!({ "inventoryItem": { "id": id, "sku": null, "inventoryLevels": { "nodes": [{
            "id": format!("gid://shopify/InventoryLevel/1?inventory_item_id={}", numeric(id)),
            "location": { "id": LOCATION, "name": "Main warehouse" },
            "quantities": [{ "name": "available", "quantity": available },
                           { "name": "on_hand", "quantity": available }] }] } } })
    }

    fn adjust(&mut self, input: &Value) -> Value {
        let changes = input["changes"].as_array().cloned().unwrap_or_default();
        let mut applied = Vec::new();
        for (i, change) in changes.iter().enumerate() {
            let item = change["inventoryItemId"].as_str().unwrap_or("");
            let field = |name: &str| json!(["input", "changes", i.to_string(), name]);
            if change["locationId"] != LOCATION {
                return json!({ "inventoryAdjustQuantities": { "inventoryAdjustmentGroup": null,
                    "userErrors": [{ "field": field("locationId"), "code": "INVALID_LOCATION",
                        "message": "The specified location could not be found." }] } });
            }
            let Some(level) = self.levels.get_mut(item) else {
                return json!({ "inventoryAdjustQuantities": { "inventoryAdjustmentGroup": null,
                    "userErrors": [{ "field": field("inventoryItemId"), "code": "INVALID_INVENTORY_ITEM",
                        "message": "The specified inventory item could not be found." }] } });
            };
            let delta = change["delta"].as_i64().unwrap_or(0);
            *level += delta;
            applied.push(
                json!({ "name": input["name"], "delta": delta, "quantityAfterChange": *level,
                "item": { "id": item }, "location": { "id": LOCATION } }),
            );
        }
        let n = self.id();
        json!({ "inventoryAdjustQuantities": { "userErrors": [], "inventoryAdjustmentGroup": {
            "id": format!("gid://shopify/InventoryAdjustmentGroup/{n}"),
            "reason": input["reason"], "changes": applied } } })
    }

    fn subscribe(&mut self, vars: &Value) -> Value {
        let topic = vars["topic"].as_str().unwrap_or("").to_owned();
        let url = vars["webhookSubscription"]["callbackUrl"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        if self
            .subscriptions
            .iter()
            .any(|(_, t, u)| *t == topic && *u == url)
        {
            return json!({ "webhookSubscriptionCreate": { "webhookSubscription": null,
                "userErrors": [{ "field": ["webhookSubscription", "callbackUrl"],
                    "message": "Address for this topic has already been taken" }] } });
        }
        let id = format!(
            "gid://shopify/WebhookSubscription/{}",
            1076550000 + self.id()
        );
        self.subscriptions.push((id, topic, url));
        let created = self.subscriptions.last().map(subscription);
        json!({ "webhookSubscriptionCreate": { "webhookSubscription": created, "userErrors": [] } })
    }

    fn unsubscribe(&mut self, id: &Value) -> Value {
        let Some(at) = self
            .subscriptions
            .iter()
            .position(|(i, _, _)| *id == i.as_str())
        else {
            return json!({ "webhookSubscriptionDelete": { "deletedWebhookSubscriptionId": null,
                "userErrors": [{ "field": ["id"], "message": "Webhook subscription does not exist" }] } });
        };
        let (deleted, _, _) = self.subscriptions.remove(at);
        json!({ "webhookSubscriptionDelete": { "deletedWebhookSubscriptionId": deleted, "userErrors": [] } })
    }
}

fn subscription((id, topic, url): &(String, String, String)) -> Value {
    json!({ "id": id, "topic": topic, "format": "JSON", "createdAt": CREATED,
            "endpoint": { "__typename": "WebhookHttpEndpoint", "callbackUrl": url } })
}

/// `first` items after the cursor `c<index>`.
fn page(items: Vec<Value>, first: u64, after: &Value) -> Value {
    let start = after
        .as_str()
        .and_then(|c| c.strip_prefix('c'))
        .and_then(|n| n.parse::<usize>().ok())
        .map_or(0, |n| n + 1);
    let end = (start + first as usize).min(items.len());
    let nodes = items.get(start..end).unwrap_or_default().to_vec();
    let has_next = end < items.len();
    let cursor = (end > start).then(|| format!("c{}", end - 1));
    json!({ "nodes": nodes, "pageInfo": { "hasNextPage": has_next, "endCursor": cursor } })
}

fn operation_name(query: &str) -> &str {
    let rest = query
        .trim_start()
        .strip_prefix("query")
        .or_else(|| query.trim_start().strip_prefix("mutation"))
        .unwrap_or("");
    let rest = rest.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    &rest[..end]
}
