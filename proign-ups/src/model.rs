//! Types shared by several UPS APIs: addresses, parties, packages, money.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

/// A postal address as UPS's shipping and rating APIs take it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Address {
    /// Street lines (UPS accepts up to three).
    pub lines: Vec<String>,
    /// City.
    pub city: String,
    /// State or province code (`GA`), where the country has them.
    pub state_province: Option<String>,
    /// Postal code.
    pub postal_code: String,
    /// Two-letter country code.
    pub country_code: String,
}

impl Address {
    /// An address.
    pub fn new(
        lines: impl IntoIterator<Item = impl Into<String>>,
        city: impl Into<String>,
        state_province: Option<&str>,
        postal_code: impl Into<String>,
        country_code: impl Into<String>,
    ) -> Self {
        Self {
            lines: lines.into_iter().map(Into::into).collect(),
            city: city.into(),
            state_province: state_province.map(str::to_owned),
            postal_code: postal_code.into(),
            country_code: country_code.into(),
        }
    }

    pub(crate) fn to_ups(&self) -> Value {
        let mut out = json!({
            "AddressLine": self.lines,
            "City": self.city,
            "PostalCode": self.postal_code,
            "CountryCode": self.country_code,
        });
        if let Some(state) = &self.state_province {
            out["StateProvinceCode"] = json!(state);
        }
        out
    }
}

/// A shipper, ship-from or ship-to party.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Party {
    /// Name or company.
    pub name: String,
    /// Contact person.
    pub attention_name: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// The UPS account number (shipper only; required to ship and for negotiated rates).
    pub shipper_number: Option<String>,
    /// Address.
    pub address: Address,
}

impl Party {
    /// A party with a name and an address.
    pub fn new(name: impl Into<String>, address: Address) -> Self {
        Self {
            name: name.into(),
            address,
            ..Self::default()
        }
    }

    /// Sets the UPS account number.
    pub fn shipper_number(mut self, number: impl Into<String>) -> Self {
        self.shipper_number = Some(number.into());
        self
    }

    /// Sets the phone number.
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = Some(phone.into());
        self
    }

    /// Sets the contact person.
    pub fn attention(mut self, name: impl Into<String>) -> Self {
        self.attention_name = Some(name.into());
        self
    }

    pub(crate) fn to_ups(&self) -> Value {
        let mut out = json!({ "Name": self.name, "Address": self.address.to_ups() });
        if let Some(attention) = &self.attention_name {
            out["AttentionName"] = json!(attention);
        }
        if let Some(phone) = &self.phone {
            out["Phone"] = json!({ "Number": phone });
        }
        if let Some(number) = &self.shipper_number {
            out["ShipperNumber"] = json!(number);
        }
        out
    }
}

/// Unit of a package's weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WeightUnit {
    /// Pounds, `LBS`.
    Pounds,
    /// Kilograms, `KGS`.
    Kilograms,
}

impl WeightUnit {
    fn code(self) -> &'static str {
        match self {
            Self::Pounds => "LBS",
            Self::Kilograms => "KGS",
        }
    }
}

/// Unit of a package's dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DimensionUnit {
    /// Inches, `IN`.
    Inches,
    /// Centimetres, `CM`.
    Centimetres,
}

impl DimensionUnit {
    fn code(self) -> &'static str {
        match self {
            Self::Inches => "IN",
            Self::Centimetres => "CM",
        }
    }
}

/// Length, width and height of a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dimensions {
    /// Length.
    pub length: Decimal,
    /// Width.
    pub width: Decimal,
    /// Height.
    pub height: Decimal,
    /// Their unit.
    pub unit: DimensionUnit,
}

/// A reference number printed on the label and reported back in tracking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceNumber {
    /// UPS's reference number code (`PO` purchase order, `IK` invoice…), if any.
    pub code: Option<String>,
    /// The value (up to 35 characters).
    pub value: String,
}

impl ReferenceNumber {
    /// A reference number without a code.
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            code: None,
            value: value.into(),
        }
    }

    pub(crate) fn to_ups(&self) -> Value {
        let mut out = json!({ "Value": self.value });
        if let Some(code) = &self.code {
            out["Code"] = json!(code);
        }
        out
    }
}

/// One package: weight, optional dimensions, packaging and reference numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Package {
    /// Weight.
    pub weight: Decimal,
    /// Unit of the weight.
    pub weight_unit: WeightUnit,
    /// Dimensions, if known.
    pub dimensions: Option<Dimensions>,
    /// UPS packaging code; `02` (customer supplied package) by default.
    pub packaging_code: String,
    /// Reference numbers of this package.
    pub reference_numbers: Vec<ReferenceNumber>,
}

impl Package {
    /// A customer-supplied package of `weight`.
    pub fn new(weight: Decimal, weight_unit: WeightUnit) -> Self {
        Self {
            weight,
            weight_unit,
            dimensions: None,
            packaging_code: "02".to_owned(),
            reference_numbers: Vec::new(),
        }
    }

    /// Sets the dimensions.
    pub fn dimensions(
        mut self,
        length: Decimal,
        width: Decimal,
        height: Decimal,
        unit: DimensionUnit,
    ) -> Self {
        self.dimensions = Some(Dimensions {
            length,
            width,
            height,
            unit,
        });
        self
    }

    /// Adds a reference number.
    pub fn reference(mut self, reference: ReferenceNumber) -> Self {
        self.reference_numbers.push(reference);
        self
    }

    /// The package as UPS wants it; rating names the packaging `PackagingType`, shipping
    /// names it `Packaging`.
    pub(crate) fn to_ups(&self, packaging_field: &str) -> Value {
        let mut out = json!({
            "PackageWeight": {
                "UnitOfMeasurement": { "Code": self.weight_unit.code() },
                "Weight": self.weight.normalize().to_string(),
            },
        });
        out[packaging_field] = json!({ "Code": self.packaging_code });
        if let Some(d) = &self.dimensions {
            out["Dimensions"] = json!({
                "UnitOfMeasurement": { "Code": d.unit.code() },
                "Length": d.length.normalize().to_string(),
                "Width": d.width.normalize().to_string(),
                "Height": d.height.normalize().to_string(),
            });
        }
        if !self.reference_numbers.is_empty() {
            let refs: Vec<Value> = self
                .reference_numbers
                .iter()
                .map(ReferenceNumber::to_ups)
                .collect();
            out["ReferenceNumber"] = json!(refs);
        }
        out
    }
}

/// An amount of money in a currency.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Money {
    /// ISO currency code.
    #[serde(rename = "CurrencyCode")]
    pub currency: String,
    /// The amount, exactly as UPS wrote it.
    #[serde(rename = "MonetaryValue", with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

/// A code and its description, as UPS returns many values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct CodeDescription {
    /// The code.
    #[serde(rename = "Code")]
    pub code: String,
    /// The description.
    #[serde(rename = "Description")]
    pub description: Option<String>,
}

/// Reads a field UPS sends as one object when there is one and as an array otherwise.
pub(crate) fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        Many(Vec<T>),
        One(T),
    }
    Ok(match Option::<OneOrMany<T>>::deserialize(d)? {
        None => Vec::new(),
        Some(OneOrMany::Many(items)) => items,
        Some(OneOrMany::One(item)) => vec![item],
    })
}

/// Reads a string or a list of strings as lines.
pub(crate) fn lines<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    one_or_many(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Holder {
        #[serde(default, deserialize_with = "one_or_many")]
        items: Vec<Money>,
    }

    #[test]
    fn one_object_or_an_array() {
        let one: Holder =
            serde_json::from_str(r#"{"items":{"CurrencyCode":"USD","MonetaryValue":"12.30"}}"#)
                .unwrap();
        assert_eq!(one.items.len(), 1);
        assert_eq!(one.items[0].amount, Decimal::new(1230, 2));
        let many: Holder = serde_json::from_str(
            r#"{"items":[{"CurrencyCode":"USD","MonetaryValue":"1"},{"CurrencyCode":"EUR","MonetaryValue":"2.5"}]}"#,
        )
        .unwrap();
        assert_eq!(many.items[1].currency, "EUR");
        let none: Holder = serde_json::from_str("{}").unwrap();
        assert!(none.items.is_empty());
    }
}
