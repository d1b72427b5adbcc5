//! Tax for an order: the request and the answer with its breakdown.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::address::{NexusAddress, address_setters};
use crate::line_item::LineItem;
use crate::money;

/// What `POST /v2/taxes` needs: addresses, amounts, nexus locations and line items.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct TaxRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    from_country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from_zip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from_city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from_street: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to_country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to_zip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to_city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to_street: Option<String>,
    #[serde(
        serialize_with = "money::optional",
        skip_serializing_if = "Option::is_none"
    )]
    amount: Option<Decimal>,
    #[serde(serialize_with = "money::number")]
    shipping: Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exemption_type: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    nexus_addresses: Vec<NexusAddress>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    line_items: Vec<LineItem>,
}

impl TaxRequest {
    /// A request with the shipping charge (TaxJar requires it, even when zero).
    pub fn new(shipping: Decimal) -> Self {
        Self {
            shipping,
            ..Self::default()
        }
    }

    address_setters!(from, to);

    /// The order total without shipping (optional when line items are given).
    pub fn amount(mut self, amount: Decimal) -> Self {
        self.amount = Some(amount);
        self
    }

    /// The customer, for exemptions.
    pub fn customer_id(mut self, id: impl Into<String>) -> Self {
        self.customer_id = Some(id.into());
        self
    }

    /// The exemption type (`wholesale`, `government`, `marketplace`, `other`, `non_exempt`).
    pub fn exemption_type(mut self, kind: impl Into<String>) -> Self {
        self.exemption_type = Some(kind.into());
        self
    }

    /// Adds a nexus location.
    pub fn nexus_address(mut self, nexus: NexusAddress) -> Self {
        self.nexus_addresses.push(nexus);
        self
    }

    /// Adds a line item.
    pub fn line_item(mut self, item: LineItem) -> Self {
        self.line_items.push(item);
        self
    }
}

/// What TaxJar computed for an order.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Tax {
    /// The order total including shipping.
    #[serde(default)]
    pub order_total_amount: Option<Decimal>,
    /// The shipping charge.
    #[serde(default)]
    pub shipping: Option<Decimal>,
    /// The amount taxed.
    #[serde(default)]
    pub taxable_amount: Option<Decimal>,
    /// The tax to collect.
    pub amount_to_collect: Decimal,
    /// The overall rate.
    #[serde(default)]
    pub rate: Option<Decimal>,
    /// Whether the seller has nexus at the destination. `false` means the zero tax is
    /// because nothing is owed there, not because the rate is zero.
    pub has_nexus: bool,
    /// Whether shipping is taxable.
    #[serde(default)]
    pub freight_taxable: Option<bool>,
    /// `origin` or `destination`; absent without nexus.
    #[serde(default)]
    pub tax_source: Option<String>,
    /// The exemption applied.
    #[serde(default)]
    pub exemption_type: Option<String>,
    /// The jurisdictions the order falls in.
    #[serde(default)]
    pub jurisdictions: Option<Jurisdictions>,
    /// The breakdown by jurisdiction and line item.
    #[serde(default)]
    pub breakdown: Option<Breakdown>,
    /// Other fields, as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Why an order owes what it owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Liability {
    /// No nexus at the destination: nothing to collect, whatever the local rate.
    NoNexus,
    /// Nexus, but nothing taxable or a zero rate.
    ZeroTax,
    /// Nexus and this much to collect.
    Collect(Decimal),
}

impl Tax {
    /// Tells apart "no nexus" from "zero tax" from "tax to collect" (field case B21).
    pub fn liability(&self) -> Liability {
        if !self.has_nexus {
            Liability::NoNexus
        } else if self.amount_to_collect.is_zero() {
            Liability::ZeroTax
        } else {
            Liability::Collect(self.amount_to_collect)
        }
    }
}

/// The jurisdictions of an order's destination.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Jurisdictions {
    /// Country code.
    #[serde(default)]
    pub country: Option<String>,
    /// State code.
    #[serde(default)]
    pub state: Option<String>,
    /// County name.
    #[serde(default)]
    pub county: Option<String>,
    /// City name.
    #[serde(default)]
    pub city: Option<String>,
}

/// Amounts and rates for one level of jurisdiction.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Breakdown {
    /// The taxable amount.
    #[serde(default)]
    pub taxable_amount: Option<Decimal>,
    /// The tax collectable.
    #[serde(default)]
    pub tax_collectable: Option<Decimal>,
    /// The combined rate.
    #[serde(default)]
    pub combined_tax_rate: Option<Decimal>,
    /// State taxable amount.
    #[serde(default)]
    pub state_taxable_amount: Option<Decimal>,
    /// State rate.
    #[serde(default)]
    pub state_tax_rate: Option<Decimal>,
    /// State tax collectable.
    #[serde(default)]
    pub state_tax_collectable: Option<Decimal>,
    /// County taxable amount.
    #[serde(default)]
    pub county_taxable_amount: Option<Decimal>,
    /// County rate.
    #[serde(default)]
    pub county_tax_rate: Option<Decimal>,
    /// County tax collectable.
    #[serde(default)]
    pub county_tax_collectable: Option<Decimal>,
    /// City taxable amount.
    #[serde(default)]
    pub city_taxable_amount: Option<Decimal>,
    /// City rate.
    #[serde(default)]
    pub city_tax_rate: Option<Decimal>,
    /// City tax collectable.
    #[serde(default)]
    pub city_tax_collectable: Option<Decimal>,
    /// Special district taxable amount.
    #[serde(default)]
    pub special_district_taxable_amount: Option<Decimal>,
    /// Special district rate.
    #[serde(default)]
    pub special_tax_rate: Option<Decimal>,
    /// Special district tax collectable.
    #[serde(default)]
    pub special_district_tax_collectable: Option<Decimal>,
    /// The shipping's breakdown.
    #[serde(default)]
    pub shipping: Option<Box<Breakdown>>,
    /// Each line item's breakdown.
    #[serde(default)]
    pub line_items: Vec<LineItemBreakdown>,
    /// Other fields (Canadian and international taxes…), as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// One line item's tax.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct LineItemBreakdown {
    /// The line item's id.
    #[serde(default)]
    pub id: Option<String>,
    /// The state rate applied to the line.
    #[serde(default)]
    pub state_sales_tax_rate: Option<Decimal>,
    /// The state tax on the line.
    #[serde(default)]
    pub state_amount: Option<Decimal>,
    /// The county tax on the line.
    #[serde(default)]
    pub county_amount: Option<Decimal>,
    /// The city tax on the line.
    #[serde(default)]
    pub city_amount: Option<Decimal>,
    /// The special district tax on the line.
    #[serde(default)]
    pub special_district_amount: Option<Decimal>,
    /// The other amounts and rates by jurisdiction.
    #[serde(flatten)]
    pub amounts: Breakdown,
}
