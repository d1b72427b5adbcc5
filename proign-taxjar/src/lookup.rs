//! Rates, nexus regions, address and VAT validation, categories and summary rates.

use rust_decimal::Decimal;
use serde::Deserialize;

/// Where to look up rates, besides the postal code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateQuery {
    /// Street address.
    pub street: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State.
    pub state: Option<String>,
    /// Two-letter country code.
    pub country: Option<String>,
}

impl RateQuery {
    /// An empty query (the postal code alone).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the street.
    pub fn street(mut self, v: impl Into<String>) -> Self {
        self.street = Some(v.into());
        self
    }

    /// Sets the city.
    pub fn city(mut self, v: impl Into<String>) -> Self {
        self.city = Some(v.into());
        self
    }

    /// Sets the state.
    pub fn state(mut self, v: impl Into<String>) -> Self {
        self.state = Some(v.into());
        self
    }

    /// Sets the country.
    pub fn country(mut self, v: impl Into<String>) -> Self {
        self.country = Some(v.into());
        self
    }

    pub(crate) fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("street", &self.street),
            ("city", &self.city),
            ("state", &self.state),
            ("country", &self.country),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
        .collect()
    }
}

/// The rates of a location.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Rate {
    /// Postal code.
    #[serde(default)]
    pub zip: Option<String>,
    /// Country code.
    #[serde(default)]
    pub country: Option<String>,
    /// Country rate (international).
    #[serde(default)]
    pub country_rate: Option<Decimal>,
    /// State code.
    #[serde(default)]
    pub state: Option<String>,
    /// State rate.
    #[serde(default)]
    pub state_rate: Option<Decimal>,
    /// County name.
    #[serde(default)]
    pub county: Option<String>,
    /// County rate.
    #[serde(default)]
    pub county_rate: Option<Decimal>,
    /// City name.
    #[serde(default)]
    pub city: Option<String>,
    /// City rate.
    #[serde(default)]
    pub city_rate: Option<Decimal>,
    /// Combined special district rate.
    #[serde(default)]
    pub combined_district_rate: Option<Decimal>,
    /// Combined rate.
    #[serde(default)]
    pub combined_rate: Option<Decimal>,
    /// Whether shipping is taxable.
    #[serde(default)]
    pub freight_taxable: Option<bool>,
    /// Other fields (EU and Canadian rates…), as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A region where the account has nexus.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct NexusRegion {
    /// Two-letter country code.
    #[serde(default)]
    pub country_code: Option<String>,
    /// Country name.
    #[serde(default)]
    pub country: Option<String>,
    /// Region code.
    #[serde(default)]
    pub region_code: Option<String>,
    /// Region name.
    #[serde(default)]
    pub region: Option<String>,
}

/// A VAT number's validation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct VatValidation {
    /// Whether the number is well formed.
    #[serde(default)]
    pub valid: bool,
    /// Whether the number exists.
    #[serde(default)]
    pub exists: bool,
    /// Whether the EU's VIES service answered.
    #[serde(default)]
    pub vies_available: bool,
    /// VIES's answer, as sent.
    #[serde(default)]
    pub vies_response: Option<serde_json::Value>,
}

/// A product category with its tax code.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Category {
    /// The category's name.
    pub name: String,
    /// The product tax code.
    pub product_tax_code: String,
    /// A description.
    #[serde(default)]
    pub description: Option<String>,
}

/// A labelled rate in a summary.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct LabelledRate {
    /// The label (`Tax`, `VAT`, `GST`…).
    #[serde(default)]
    pub label: Option<String>,
    /// The rate.
    pub rate: Decimal,
}

/// A region's minimum and average rates.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct SummaryRate {
    /// Two-letter country code.
    #[serde(default)]
    pub country_code: Option<String>,
    /// Country name.
    #[serde(default)]
    pub country: Option<String>,
    /// Region code.
    #[serde(default)]
    pub region_code: Option<String>,
    /// Region name.
    #[serde(default)]
    pub region: Option<String>,
    /// The lowest rate in the region.
    pub minimum_rate: LabelledRate,
    /// The average rate in the region.
    pub average_rate: LabelledRate,
}
