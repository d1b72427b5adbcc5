//! Inventory levels of an item, and adjusting quantities.

use serde::{Deserialize, Serialize};

use super::AdminClient;
use super::types::{IdOnly, nodes, refuse};
use crate::error::{Error, UserError};

const LEVELS: &str = "query ProignInventoryLevels($id: ID!) { inventoryItem(id: $id) { \
    id sku inventoryLevels(first: 50) { nodes { id location { id name } \
    quantities(names: [\"available\", \"on_hand\", \"committed\", \"incoming\"]) \
    { name quantity } } } } }";

const ADJUST: &str = "mutation ProignInventoryAdjust($input: InventoryAdjustQuantitiesInput!) { \
    inventoryAdjustQuantities(input: $input) { inventoryAdjustmentGroup { id reason \
    changes { name delta quantityAfterChange item { id } location { id } } } \
    userErrors { field message code } } }";

/// An item's quantities at one location.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct InventoryLevel {
    /// The global id (`gid://shopify/InventoryLevel/…`).
    pub id: String,
    /// The named quantities (`available`, `on_hand`, `committed`, `incoming`).
    #[serde(default)]
    pub quantities: Vec<Quantity>,
    location: IdAndName,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct IdAndName {
    id: String,
    name: Option<String>,
}

impl InventoryLevel {
    /// The location's global id.
    pub fn location_id(&self) -> &str {
        &self.location.id
    }

    /// The location's name.
    pub fn location_name(&self) -> Option<&str> {
        self.location.name.as_deref()
    }

    /// The quantity called `name`, if reported.
    pub fn quantity(&self, name: &str) -> Option<i64> {
        self.quantities
            .iter()
            .find(|q| q.name == name)
            .map(|q| q.quantity)
    }
}

/// A named quantity.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Quantity {
    /// `available`, `on_hand`, …
    pub name: String,
    /// The quantity.
    pub quantity: i64,
}

/// A change of one item at one location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryChange {
    /// The inventory item's global id.
    pub inventory_item_id: String,
    /// The location's global id.
    pub location_id: String,
    /// The signed change.
    pub delta: i64,
}

/// What `inventoryAdjustQuantities` is asked to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct InventoryAdjustment {
    /// Why (`correction`, `received`, `damaged`, …).
    pub reason: String,
    /// Which quantity (`available` or `on_hand`).
    pub name: String,
    /// An optional reference document URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_document_uri: Option<String>,
    /// The changes.
    pub changes: Vec<InventoryChange>,
}

impl InventoryAdjustment {
    /// Adjusts `available` for `reason`.
    pub fn available(reason: impl Into<String>, changes: Vec<InventoryChange>) -> Self {
        Self {
            reason: reason.into(),
            name: "available".into(),
            reference_document_uri: None,
            changes,
        }
    }
}

/// One applied change as Shopify reports it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AppliedChange {
    /// The quantity changed.
    pub name: String,
    /// By how much.
    pub delta: i64,
    /// The quantity afterwards, when reported.
    pub quantity_after_change: Option<i64>,
    item: Option<IdOnly>,
    location: Option<IdOnly>,
}

impl AppliedChange {
    /// The inventory item's id.
    pub fn inventory_item_id(&self) -> Option<&str> {
        self.item.as_ref().map(|i| i.id.as_str())
    }

    /// The location's id.
    pub fn location_id(&self) -> Option<&str> {
        self.location.as_ref().map(|l| l.id.as_str())
    }
}

/// The recorded adjustment.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct AdjustmentGroup {
    /// The global id, when Shopify returns one.
    pub id: Option<String>,
    /// The reason given.
    pub reason: Option<String>,
    /// The applied changes.
    #[serde(default)]
    pub changes: Vec<AppliedChange>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LevelsData {
    inventory_item: Option<ItemLevels>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ItemLevels {
    #[serde(deserialize_with = "nodes", default)]
    inventory_levels: Vec<InventoryLevel>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AdjustData {
    inventory_adjust_quantities: Option<AdjustPayload>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AdjustPayload {
    inventory_adjustment_group: Option<AdjustmentGroup>,
    #[serde(default)]
    user_errors: Vec<UserError>,
}

impl AdminClient {
    /// The levels of an inventory item at each location (up to 50); `None` if there is no
    /// such item.
    pub async fn inventory_levels(
        &self,
        inventory_item_id: &str,
    ) -> Result<Option<Vec<InventoryLevel>>, Error> {
        let answer = self
            .execute::<LevelsData>(
                "inventory_levels",
                LEVELS,
                serde_json::json!({ "id": inventory_item_id }),
            )
            .await?;
        Ok(answer.data.inventory_item.map(|i| i.inventory_levels))
    }

    /// Applies quantity changes (`inventoryAdjustQuantities`); `userErrors` become
    /// [`Error::UserErrors`].
    pub async fn adjust_inventory(
        &self,
        adjustment: &InventoryAdjustment,
    ) -> Result<AdjustmentGroup, Error> {
        const OPERATION: &str = "inventory_adjust_quantities";
        let answer = self
            .execute::<AdjustData>(
                OPERATION,
                ADJUST,
                serde_json::json!({ "input": adjustment }),
            )
            .await?;
        let payload = answer
            .data
            .inventory_adjust_quantities
            .ok_or(Error::MissingData {
                operation: OPERATION,
                what: "inventoryAdjustQuantities",
            })?;
        refuse(OPERATION, payload.user_errors)?;
        payload
            .inventory_adjustment_group
            .ok_or(Error::MissingData {
                operation: OPERATION,
                what: "inventoryAdjustmentGroup",
            })
    }
}
