//! Shipping: buy labels for a shipment, and void a shipment or some of its packages.
//!
//! A shipment request has no idempotency key at UPS, so it is never sent twice: a timeout
//! after sending comes back as an outcome-unknown error ([`Error::is_outcome_unknown`]).
//! Check for the shipment before buying again.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::client::{UpsClient, segment};
use crate::error::Error;
use crate::label::{Label, LabelFormat};
use crate::model::{CodeDescription, Money, Package, Party, ReferenceNumber, one_or_many};

/// The API version used.
pub const VERSION: &str = "v2409";

/// A shipment to buy labels for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ShipmentRequest {
    /// What is shipped (required by UPS for some destinations).
    pub description: Option<String>,
    /// The shipper, with the account number that is billed.
    pub shipper: Party,
    /// Where the parcel leaves from, when not the shipper's address.
    pub ship_from: Option<Party>,
    /// The recipient.
    pub ship_to: Party,
    /// The UPS service code (`03` Ground…).
    pub service: String,
    /// The packages, at least one.
    pub packages: Vec<Package>,
    /// Reference numbers of the whole shipment.
    pub reference_numbers: Vec<ReferenceNumber>,
    /// The label format; GIF unless set.
    pub label_format: LabelFormat,
    /// Ask for the negotiated charges.
    pub negotiated_rates: bool,
}

impl ShipmentRequest {
    /// A shipment of `packages` with `service`, billed to the shipper's account.
    pub fn new(
        shipper: Party,
        ship_to: Party,
        service: impl Into<String>,
        packages: Vec<Package>,
    ) -> Self {
        Self {
            description: None,
            shipper,
            ship_from: None,
            ship_to,
            service: service.into(),
            packages,
            reference_numbers: Vec::new(),
            label_format: LabelFormat::Gif,
            negotiated_rates: false,
        }
    }

    /// Sets the label format.
    pub fn label_format(mut self, format: LabelFormat) -> Self {
        self.label_format = format;
        self
    }

    /// Adds a shipment reference number.
    pub fn reference(mut self, reference: ReferenceNumber) -> Self {
        self.reference_numbers.push(reference);
        self
    }

    fn to_ups(&self) -> Result<Value, Error> {
        let invalid = |reason: &str| Error::InvalidInput {
            what: "shipment request",
            reason: reason.to_owned(),
        };
        if self.packages.is_empty() {
            return Err(invalid("a shipment needs at least one package"));
        }
        let account = self
            .shipper
            .shipper_number
            .as_deref()
            .ok_or_else(|| invalid("the shipper needs a UPS account number to be billed"))?;
        let packages: Vec<Value> = self
            .packages
            .iter()
            .map(|p| p.to_ups("Packaging"))
            .collect();
        let ship_from = self.ship_from.as_ref().unwrap_or(&self.shipper);
        let mut shipment = json!({
            "Shipper": self.shipper.to_ups(),
            "ShipTo": self.ship_to.to_ups(),
            "ShipFrom": ship_from.to_ups(),
            "PaymentInformation": {
                "ShipmentCharge": [{ "Type": "01", "BillShipper": { "AccountNumber": account } }]
            },
            "Service": { "Code": self.service },
            "Package": packages,
        });
        if let Some(description) = &self.description {
            shipment["Description"] = json!(description);
        }
        if !self.reference_numbers.is_empty() {
            let refs: Vec<Value> = self
                .reference_numbers
                .iter()
                .map(ReferenceNumber::to_ups)
                .collect();
            shipment["ReferenceNumber"] = json!(refs);
        }
        if self.negotiated_rates {
            shipment["ShipmentRatingOptions"] = json!({ "NegotiatedRatesIndicator": "Y" });
        }
        let mut label = json!({ "LabelImageFormat": { "Code": self.label_format.code() } });
        if self.label_format.is_thermal() {
            label["LabelStockSize"] = json!({ "Height": "6", "Width": "4" });
        }
        Ok(json!({
            "ShipmentRequest": {
                "Request": { "RequestOption": "nonvalidate" },
                "Shipment": shipment,
                "LabelSpecification": label,
            }
        }))
    }
}

/// A bought shipment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Shipment {
    /// The shipment identification number (used to void).
    pub identification_number: String,
    /// The packages, in request order.
    pub packages: Vec<ShippedPackage>,
    /// The published total.
    pub total: Option<Money>,
    /// The negotiated total, when asked for and available.
    pub negotiated_total: Option<Money>,
}

/// One package of a bought shipment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ShippedPackage {
    /// The package's tracking number.
    pub tracking_number: String,
    /// Its label.
    pub label: Label,
}

/// The answer to a void request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VoidResult {
    /// Whether the shipment (or the named packages) is voided; UPS reports an already
    /// voided shipment as voided too.
    pub voided: bool,
    /// UPS's summary status.
    pub status: CodeDescription,
    /// Per-package results, when UPS gave them.
    pub packages: Vec<(String, CodeDescription)>,
}

#[derive(Deserialize)]
struct ShipEnvelope {
    #[serde(rename = "ShipmentResponse")]
    response: ShipResponse,
}

#[derive(Deserialize)]
struct ShipResponse {
    #[serde(rename = "ShipmentResults")]
    results: Option<ShipResults>,
}

#[derive(Deserialize)]
struct ShipResults {
    #[serde(rename = "ShipmentIdentificationNumber")]
    id: Option<String>,
    #[serde(rename = "ShipmentCharges")]
    charges: Option<Charges>,
    #[serde(rename = "NegotiatedRateCharges")]
    negotiated: Option<NegotiatedCharges>,
    #[serde(rename = "PackageResults", default, deserialize_with = "one_or_many")]
    packages: Vec<RawPackage>,
}

#[derive(Deserialize)]
struct Charges {
    #[serde(rename = "TotalCharges")]
    total: Option<Money>,
}

#[derive(Deserialize)]
struct NegotiatedCharges {
    #[serde(rename = "TotalCharge")]
    total: Option<Money>,
}

#[derive(Deserialize)]
struct RawPackage {
    #[serde(rename = "TrackingNumber")]
    tracking_number: String,
    #[serde(rename = "ShippingLabel")]
    label: Option<RawLabel>,
}

#[derive(Deserialize)]
struct RawLabel {
    #[serde(rename = "ImageFormat")]
    format: CodeDescription,
    #[serde(rename = "GraphicImage")]
    image: String,
}

#[derive(Deserialize)]
struct VoidEnvelope {
    #[serde(rename = "VoidShipmentResponse")]
    response: VoidResponse,
}

#[derive(Deserialize)]
struct VoidResponse {
    #[serde(rename = "SummaryResult")]
    summary: Option<Summary>,
    #[serde(
        rename = "PackageLevelResult",
        default,
        deserialize_with = "one_or_many"
    )]
    packages: Vec<PackageLevel>,
}

#[derive(Deserialize)]
struct Summary {
    #[serde(rename = "Status")]
    status: CodeDescription,
}

#[derive(Deserialize)]
struct PackageLevel {
    #[serde(rename = "TrackingNumber")]
    tracking_number: String,
    #[serde(rename = "Status")]
    status: CodeDescription,
}

impl UpsClient {
    /// Buys the shipment: tracking numbers and decoded labels. Never retried once sent.
    pub async fn create_shipment(&self, request: &ShipmentRequest) -> Result<Shipment, Error> {
        let body = request.to_ups()?;
        let path = format!("/api/shipments/{VERSION}/ship");
        let http = self.json_request("create_shipment", path, &body)?;
        let envelope: ShipEnvelope = self.call(http).await?;
        let incomplete = |missing| Error::Incomplete {
            operation: "create_shipment",
            missing,
        };
        let results = envelope
            .response
            .results
            .ok_or_else(|| incomplete("ShipmentResults"))?;
        let identification_number = results
            .id
            .ok_or_else(|| incomplete("a shipment identification number"))?;
        if results.packages.is_empty() {
            return Err(incomplete("package results"));
        }
        let mut packages = Vec::with_capacity(results.packages.len());
        for raw in results.packages {
            let label = raw.label.ok_or_else(|| incomplete("a shipping label"))?;
            let format = LabelFormat::from_code(&label.format.code);
            packages.push(ShippedPackage {
                label: Label::decode(format, &label.image, &raw.tracking_number)?,
                tracking_number: raw.tracking_number,
            });
        }
        Ok(Shipment {
            identification_number,
            packages,
            total: results.charges.and_then(|c| c.total),
            negotiated_total: results.negotiated.and_then(|n| n.total),
        })
    }

    /// Voids a whole shipment.
    pub async fn void_shipment(&self, shipment_id: &str) -> Result<VoidResult, Error> {
        self.void(shipment_id, &[]).await
    }

    /// Voids some packages of a shipment (up to 20 tracking numbers).
    pub async fn void_packages(
        &self,
        shipment_id: &str,
        tracking_numbers: &[&str],
    ) -> Result<VoidResult, Error> {
        if tracking_numbers.is_empty() || tracking_numbers.len() > 20 {
            return Err(Error::InvalidInput {
                what: "void request",
                reason: "name between 1 and 20 tracking numbers".into(),
            });
        }
        self.void(shipment_id, tracking_numbers).await
    }

    async fn void(
        &self,
        shipment_id: &str,
        tracking_numbers: &[&str],
    ) -> Result<VoidResult, Error> {
        let path = format!(
            "/api/shipments/{VERSION}/void/cancel/{}",
            segment(shipment_id)
        );
        let mut http = self.request(http::Method::DELETE, "void_shipment", path);
        match tracking_numbers {
            [] => {}
            [one] => http = http.query([("trackingnumber", *one)]),
            many => {
                let quoted: Vec<String> = many.iter().map(|n| format!("\"{n}\"")).collect();
                http = http.query([("trackingnumber", format!("[{}]", quoted.join(",")))]);
            }
        }
        let envelope: VoidEnvelope = self.call(http).await?;
        let status = envelope
            .response
            .summary
            .map(|s| s.status)
            .ok_or(Error::Incomplete {
                operation: "void_shipment",
                missing: "a summary status",
            })?;
        Ok(VoidResult {
            voided: status.code == "1",
            status,
            packages: envelope
                .response
                .packages
                .into_iter()
                .map(|p| (p.tracking_number, p.status))
                .collect(),
        })
    }
}
