//! Street-level address validation and classification (`XAV`).

use serde::Deserialize;
use serde_json::json;

use crate::client::UpsClient;
use crate::error::Error;
use crate::model::{CodeDescription, lines, one_or_many};

/// The API version used.
pub const VERSION: &str = "v2";

/// An address to validate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AddressQuery {
    /// Consignee name, optional.
    pub consignee_name: Option<String>,
    /// Street lines.
    pub lines: Vec<String>,
    /// City (`PoliticalDivision2`).
    pub city: String,
    /// State (`PoliticalDivision1`).
    pub state: String,
    /// ZIP code (`PostcodePrimaryLow`).
    pub postal_code: String,
    /// Country code: `US` or `PR`.
    pub country_code: String,
}

impl AddressQuery {
    /// A US address.
    pub fn us(
        lines: impl IntoIterator<Item = impl Into<String>>,
        city: impl Into<String>,
        state: impl Into<String>,
        postal_code: impl Into<String>,
    ) -> Self {
        Self {
            consignee_name: None,
            lines: lines.into_iter().map(Into::into).collect(),
            city: city.into(),
            state: state.into(),
            postal_code: postal_code.into(),
            country_code: "US".to_owned(),
        }
    }
}

/// Residential or commercial, as UPS classifies an address.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Classification {
    /// `0`: UPS could not tell.
    Unknown,
    /// `1`: a business address.
    Commercial,
    /// `2`: a home.
    Residential,
    /// A code this version does not know, kept.
    Other(String),
}

impl Classification {
    fn from_code(code: Option<&CodeDescription>) -> Self {
        match code.map(|c| c.code.as_str()) {
            None | Some("0") => Self::Unknown,
            Some("1") => Self::Commercial,
            Some("2") => Self::Residential,
            Some(other) => Self::Other(other.to_owned()),
        }
    }
}

/// An address UPS proposes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Candidate {
    /// Street lines.
    pub lines: Vec<String>,
    /// City.
    pub city: Option<String>,
    /// State.
    pub state: Option<String>,
    /// ZIP code.
    pub postal_code: Option<String>,
    /// ZIP+4 extension.
    pub postal_code_extension: Option<String>,
    /// Country code.
    pub country_code: Option<String>,
    /// Residential or commercial.
    pub classification: Classification,
}

/// UPS's verdict on an address.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Validation {
    /// The address is valid; the candidate is its corrected form.
    Valid {
        /// The address as UPS knows it.
        candidate: Candidate,
    },
    /// Several addresses match; ask the customer to pick one.
    Ambiguous {
        /// The possible addresses.
        candidates: Vec<Candidate>,
    },
    /// Nothing matches.
    NoCandidates,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "XAVResponse")]
    xav: XavResponse,
}

#[derive(Deserialize)]
struct XavResponse {
    #[serde(rename = "ValidAddressIndicator")]
    valid: Option<serde_json::Value>,
    #[serde(rename = "AmbiguousAddressIndicator")]
    ambiguous: Option<serde_json::Value>,
    #[serde(rename = "NoCandidatesIndicator")]
    no_candidates: Option<serde_json::Value>,
    #[serde(rename = "Candidate", default, deserialize_with = "one_or_many")]
    candidates: Vec<RawCandidate>,
}

#[derive(Deserialize)]
struct RawCandidate {
    #[serde(rename = "AddressClassification")]
    classification: Option<CodeDescription>,
    #[serde(rename = "AddressKeyFormat", default)]
    key: KeyFormat,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct KeyFormat {
    #[serde(rename = "AddressLine", deserialize_with = "lines")]
    lines: Vec<String>,
    #[serde(rename = "PoliticalDivision2")]
    city: Option<String>,
    #[serde(rename = "PoliticalDivision1")]
    state: Option<String>,
    #[serde(rename = "PostcodePrimaryLow")]
    postal_code: Option<String>,
    #[serde(rename = "PostcodeExtendedLow")]
    extension: Option<String>,
    #[serde(rename = "CountryCode")]
    country_code: Option<String>,
}

impl From<RawCandidate> for Candidate {
    fn from(raw: RawCandidate) -> Self {
        Self {
            lines: raw.key.lines,
            city: raw.key.city,
            state: raw.key.state,
            postal_code: raw.key.postal_code,
            postal_code_extension: raw.key.extension,
            country_code: raw.key.country_code,
            classification: Classification::from_code(raw.classification.as_ref()),
        }
    }
}

impl UpsClient {
    /// Validates and classifies `address` (request option `3`).
    pub async fn validate_address(&self, address: &AddressQuery) -> Result<Validation, Error> {
        let mut key = json!({
            "AddressLine": address.lines,
            "PoliticalDivision2": address.city,
            "PoliticalDivision1": address.state,
            "PostcodePrimaryLow": address.postal_code,
            "CountryCode": address.country_code,
        });
        if let Some(name) = &address.consignee_name {
            key["ConsigneeName"] = json!(name);
        }
        let body = json!({
            "XAVRequest": {
                "Request": { "RequestOption": "3" },
                "AddressKeyFormat": key,
            }
        });
        let path = format!("/api/addressvalidation/{VERSION}/3");
        let request = self
            .json_request("validate_address", path, &body)?
            .replay_safe();
        let envelope: Envelope = self.call(request).await?;
        interpret(envelope.xav)
    }
}

fn interpret(xav: XavResponse) -> Result<Validation, Error> {
    let mut candidates: Vec<Candidate> = xav.candidates.into_iter().map(Into::into).collect();
    if xav.no_candidates.is_some() {
        return Ok(Validation::NoCandidates);
    }
    if xav.ambiguous.is_some() {
        return Ok(Validation::Ambiguous { candidates });
    }
    if xav.valid.is_some() {
        return match candidates.len() {
            0 => Err(Error::Incomplete {
                operation: "validate_address",
                missing: "the validated candidate",
            }),
            _ => Ok(Validation::Valid {
                candidate: candidates.swap_remove(0),
            }),
        };
    }
    Err(Error::Incomplete {
        operation: "validate_address",
        missing: "a validity indicator",
    })
}
