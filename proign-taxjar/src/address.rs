//! Addresses, as TaxJar reads them.

use serde::{Deserialize, Serialize};

/// A postal address; every part optional, as TaxJar accepts partial ones.
///
/// Serialised in the order `country`, `zip`, `state`, `city`, `street`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Address {
    /// Two-letter ISO country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// Two-letter state or province code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Street address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
}

impl Address {
    /// An address in `country`.
    pub fn new(country: impl Into<String>) -> Self {
        Self {
            country: Some(country.into()),
            ..Self::default()
        }
    }

    /// Sets the postal code.
    pub fn zip(mut self, zip: impl Into<String>) -> Self {
        self.zip = Some(zip.into());
        self
    }

    /// Sets the state.
    pub fn state(mut self, state: impl Into<String>) -> Self {
        self.state = Some(state.into());
        self
    }

    /// Sets the city.
    pub fn city(mut self, city: impl Into<String>) -> Self {
        self.city = Some(city.into());
        self
    }

    /// Sets the street.
    pub fn street(mut self, street: impl Into<String>) -> Self {
        self.street = Some(street.into());
        self
    }
}

/// A place where the seller has nexus, sent with a tax request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct NexusAddress {
    /// The seller's name for the location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The address.
    #[serde(flatten)]
    pub address: Address,
}

impl NexusAddress {
    /// A nexus location named `id` at `address`.
    pub fn new(id: impl Into<String>, address: Address) -> Self {
        Self {
            id: Some(id.into()),
            address,
        }
    }
}

/// Sets `prefix_*` fields from an address: shared by requests with `from_` and `to_` parts.
macro_rules! address_setters {
    ($from:ident, $to:ident) => {
        /// Sets the ship-from address.
        pub fn $from(mut self, a: $crate::address::Address) -> Self {
            self.from_country = a.country;
            self.from_zip = a.zip;
            self.from_state = a.state;
            self.from_city = a.city;
            self.from_street = a.street;
            self
        }

        /// Sets the ship-to address.
        pub fn $to(mut self, a: $crate::address::Address) -> Self {
            self.to_country = a.country;
            self.to_zip = a.zip;
            self.to_state = a.state;
            self.to_city = a.city;
            self.to_street = a.street;
            self
        }
    };
}
pub(crate) use address_setters;
