//! Rating: the price of one service, or of every service ("shop").

use serde::Deserialize;
use serde_json::{Value, json};

use crate::client::UpsClient;
use crate::error::Error;
use crate::model::{CodeDescription, Money, Package, Party, one_or_many};

/// The API version used.
pub const VERSION: &str = "v2409";

/// A shipment to price.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateRequest {
    /// The shipper; its account number unlocks negotiated rates.
    pub shipper: Party,
    /// Where the parcel leaves from, when not the shipper's address.
    pub ship_from: Option<Party>,
    /// The recipient.
    pub ship_to: Party,
    /// The packages, at least one.
    pub packages: Vec<Package>,
    /// Ask for the account's negotiated rates as well as published ones.
    pub negotiated_rates: bool,
}

impl RateRequest {
    /// A request for `packages` from `shipper` to `ship_to`.
    pub fn new(shipper: Party, ship_to: Party, packages: Vec<Package>) -> Self {
        Self {
            shipper,
            ship_from: None,
            ship_to,
            packages,
            negotiated_rates: false,
        }
    }

    /// Asks for negotiated rates too.
    pub fn with_negotiated_rates(mut self) -> Self {
        self.negotiated_rates = true;
        self
    }

    fn to_ups(&self, option: &str, service: Option<&str>) -> Result<Value, Error> {
        if self.packages.is_empty() {
            return Err(Error::InvalidInput {
                what: "rate request",
                reason: "a shipment needs at least one package".into(),
            });
        }
        let packages: Vec<Value> = self
            .packages
            .iter()
            .map(|p| p.to_ups("PackagingType"))
            .collect();
        let ship_from = self.ship_from.as_ref().unwrap_or(&self.shipper);
        let mut shipment = json!({
            "Shipper": self.shipper.to_ups(),
            "ShipTo": self.ship_to.to_ups(),
            "ShipFrom": ship_from.to_ups(),
            "Package": packages,
        });
        if let Some(code) = service {
            shipment["Service"] = json!({ "Code": code });
        }
        if self.negotiated_rates {
            shipment["ShipmentRatingOptions"] = json!({ "NegotiatedRatesIndicator": "Y" });
        }
        Ok(json!({
            "RateRequest": {
                "Request": { "RequestOption": option },
                "Shipment": shipment,
            }
        }))
    }
}

/// The price of one service for the shipment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RatedShipment {
    /// The service code (`03` Ground, `01` Next Day Air…).
    pub service: String,
    /// The published total.
    pub total: Money,
    /// The account's negotiated total, when UPS returned one.
    pub negotiated_total: Option<Money>,
    /// Business days in transit, when UPS guarantees them.
    pub business_days_in_transit: Option<u32>,
    /// UPS's remarks about this rate.
    pub alerts: Vec<CodeDescription>,
}

impl RatedShipment {
    /// The amount the account pays: negotiated when present, else published.
    pub fn payable(&self) -> &Money {
        self.negotiated_total.as_ref().unwrap_or(&self.total)
    }
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "RateResponse")]
    response: RateResponse,
}

#[derive(Deserialize)]
struct RateResponse {
    #[serde(rename = "RatedShipment", default, deserialize_with = "one_or_many")]
    rated: Vec<RawRated>,
}

#[derive(Deserialize)]
struct RawRated {
    #[serde(rename = "Service")]
    service: CodeDescription,
    #[serde(rename = "TotalCharges")]
    total: Money,
    #[serde(rename = "NegotiatedRateCharges")]
    negotiated: Option<Negotiated>,
    #[serde(rename = "GuaranteedDelivery")]
    guaranteed: Option<Guaranteed>,
    #[serde(
        rename = "RatedShipmentAlert",
        default,
        deserialize_with = "one_or_many"
    )]
    alerts: Vec<CodeDescription>,
}

#[derive(Deserialize)]
struct Negotiated {
    #[serde(rename = "TotalCharge")]
    total: Option<Money>,
}

#[derive(Deserialize)]
struct Guaranteed {
    #[serde(rename = "BusinessDaysInTransit")]
    days: Option<String>,
}

impl From<RawRated> for RatedShipment {
    fn from(raw: RawRated) -> Self {
        Self {
            service: raw.service.code,
            total: raw.total,
            negotiated_total: raw.negotiated.and_then(|n| n.total),
            business_days_in_transit: raw
                .guaranteed
                .and_then(|g| g.days)
                .and_then(|d| d.trim().parse().ok()),
            alerts: raw.alerts,
        }
    }
}

impl UpsClient {
    /// The price of `service` (a UPS service code such as `03`) for the shipment.
    pub async fn rate(&self, request: &RateRequest, service: &str) -> Result<RatedShipment, Error> {
        let mut rated = self.rating("rate", "Rate", request, Some(service)).await?;
        if rated.is_empty() {
            return Err(Error::Incomplete {
                operation: "rate",
                missing: "a rated shipment",
            });
        }
        Ok(rated.swap_remove(0))
    }

    /// The price of every service UPS offers for the shipment, cheapest payable first.
    pub async fn shop_rates(&self, request: &RateRequest) -> Result<Vec<RatedShipment>, Error> {
        let mut rated = self.rating("shop_rates", "Shop", request, None).await?;
        rated.sort_by_key(|r| r.payable().amount);
        Ok(rated)
    }

    async fn rating(
        &self,
        operation: &'static str,
        option: &str,
        request: &RateRequest,
        service: Option<&str>,
    ) -> Result<Vec<RatedShipment>, Error> {
        let body = request.to_ups(option, service)?;
        let path = format!("/api/rating/{VERSION}/{option}");
        let http = self.json_request(operation, path, &body)?.replay_safe();
        let envelope: Envelope = self.call(http).await?;
        Ok(envelope
            .response
            .rated
            .into_iter()
            .map(Into::into)
            .collect())
    }
}
