//! Tracking by inquiry number.
//!
//! UPS reports some failures inside a `200` as a warning on the shipment ("Tracking
//! Information Not Found"); those come back as [`Tracking::NotFound`] or
//! [`Tracking::NoInformationYet`], never as an empty success.

use chrono::{NaiveDate, NaiveTime};
use proign_core::http::ErrorKind;
use serde::Deserialize;

use crate::client::{UpsClient, segment};
use crate::error::Error;

/// A warning UPS attached to a tracking answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Warning {
    /// UPS's code (`TW0001`).
    pub code: String,
    /// UPS's message.
    pub message: String,
}

/// What UPS knows about an inquiry number.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tracking {
    /// The packages found.
    Found(Vec<TrackedPackage>),
    /// UPS does not know the number.
    NotFound(Warning),
    /// The number exists but has no tracking information yet.
    NoInformationYet(Warning),
    /// UPS answered with another warning and no package.
    Unavailable(Warning),
}

/// The state of a package, from its status type.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PackageStatus {
    /// `M`: the label was created; UPS has not received the parcel yet.
    LabelCreated,
    /// `P`: picked up.
    PickedUp,
    /// `I`: on the way.
    InTransit,
    /// `D`: delivered.
    Delivered,
    /// `X`: an exception (delay, return, damage).
    Exception,
    /// A type this version does not know, kept.
    Other(String),
}

impl PackageStatus {
    /// The status for UPS's status type.
    pub fn from_type(kind: &str) -> Self {
        match kind.trim() {
            "M" | "MV" => Self::LabelCreated,
            "P" => Self::PickedUp,
            "I" => Self::InTransit,
            "D" => Self::Delivered,
            "X" => Self::Exception,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// A status as UPS reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct Status {
    /// Status type (`M`, `I`, `D`, `X`, `P`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Status code.
    pub code: String,
    /// Readable description.
    pub description: String,
    /// Detailed status code.
    pub status_code: String,
}

/// One scan or event in a package's history.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Activity {
    /// Local date.
    pub date: Option<NaiveDate>,
    /// Local time.
    pub time: Option<NaiveTime>,
    /// City, state and country, as far as UPS gave them.
    pub location: Option<String>,
    /// What happened.
    pub status: Status,
}

/// A tracked package.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TrackedPackage {
    /// The tracking number.
    pub tracking_number: String,
    /// The current state.
    pub status: PackageStatus,
    /// The current status as UPS reported it.
    pub current: Status,
    /// The history, most recent first.
    pub activity: Vec<Activity>,
    /// The delivery date (delivered, rescheduled or scheduled, in that preference).
    pub delivery_date: Option<NaiveDate>,
    /// The delivery time or the end of the delivery window.
    pub delivery_time: Option<NaiveTime>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    track_response: TrackResponse,
}

#[derive(Deserialize)]
struct TrackResponse {
    #[serde(default)]
    shipment: Vec<RawShipment>,
}

#[derive(Deserialize)]
struct RawShipment {
    #[serde(default)]
    package: Vec<RawPackage>,
    #[serde(default)]
    warnings: Vec<Warning>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawPackage {
    tracking_number: String,
    current_status: Option<Status>,
    activity: Vec<RawActivity>,
    delivery_date: Vec<RawDate>,
    delivery_time: Option<RawTime>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawActivity {
    date: String,
    time: String,
    location: Option<RawLocation>,
    status: Status,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawLocation {
    address: Option<RawAddress>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawAddress {
    city: String,
    state_province: String,
    country: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawDate {
    #[serde(rename = "type")]
    kind: String,
    date: String,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawTime {
    end_time: String,
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y%m%d").ok()
}

fn time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H%M%S").ok()
}

impl From<RawPackage> for TrackedPackage {
    fn from(raw: RawPackage) -> Self {
        let activity: Vec<Activity> = raw.activity.into_iter().map(Activity::from).collect();
        let current = raw
            .current_status
            .or_else(|| activity.first().map(|a| a.status.clone()))
            .unwrap_or_default();
        let pick = |kind: &str| {
            raw.delivery_date
                .iter()
                .find(|d| d.kind == kind)
                .and_then(|d| date(&d.date))
        };
        Self {
            tracking_number: raw.tracking_number,
            status: PackageStatus::from_type(&current.kind),
            current,
            activity,
            delivery_date: pick("DEL").or_else(|| pick("RDD")).or_else(|| pick("SDD")),
            delivery_time: raw.delivery_time.and_then(|t| time(&t.end_time)),
        }
    }
}

impl From<RawActivity> for Activity {
    fn from(raw: RawActivity) -> Self {
        let location = raw.location.and_then(|l| l.address).map(|a| {
            [a.city, a.state_province, a.country]
                .into_iter()
                .filter(|part| !part.trim().is_empty())
                .collect::<Vec<_>>()
                .join(", ")
        });
        Self {
            date: date(&raw.date),
            time: time(&raw.time),
            location: location.filter(|l| !l.is_empty()),
            status: raw.status,
        }
    }
}

/// Sorts a warning into the outcome it stands for.
fn outcome_for(warning: Warning) -> Tracking {
    let message = warning.message.to_ascii_lowercase();
    if warning.code == "TW0001" || message.contains("not found") {
        Tracking::NotFound(warning)
    } else if message.contains("not yet") || message.contains("not available") {
        Tracking::NoInformationYet(warning)
    } else {
        Tracking::Unavailable(warning)
    }
}

impl UpsClient {
    /// Tracks `inquiry_number`, with its activity history.
    pub async fn track(&self, inquiry_number: &str) -> Result<Tracking, Error> {
        let number = inquiry_number.trim();
        if !(7..=34).contains(&number.len()) {
            return Err(Error::InvalidInput {
                what: "inquiry number",
                reason: "must be 7 to 34 characters".into(),
            });
        }
        let path = format!("/api/track/v1/details/{}", segment(number));
        let request = self
            .request(http::Method::GET, "track", path)
            .query([("locale", "en_US"), ("returnSignature", "false")]);
        let envelope: Envelope = match self.call(request).await {
            Ok(envelope) => envelope,
            Err(Error::Api(e)) if matches!(e.kind(), ErrorKind::NotFound) => {
                let detail = e.detail().cloned().unwrap_or_default();
                return Ok(Tracking::NotFound(Warning {
                    code: detail.code.unwrap_or_default(),
                    message: detail.message.unwrap_or_default(),
                }));
            }
            Err(e) => return Err(e),
        };
        let mut packages = Vec::new();
        let mut warnings = Vec::new();
        for shipment in envelope.track_response.shipment {
            packages.extend(shipment.package.into_iter().map(TrackedPackage::from));
            warnings.extend(shipment.warnings);
        }
        if !packages.is_empty() {
            return Ok(Tracking::Found(packages));
        }
        match warnings.into_iter().next() {
            Some(warning) => Ok(outcome_for(warning)),
            None => Err(Error::Incomplete {
                operation: "track",
                missing: "both packages and a warning",
            }),
        }
    }
}
