//! The simulator's memory: requests, tokens, shipments, tracking progress, subscriptions.

use std::collections::{HashMap, HashSet, VecDeque};

use bytes::Bytes;
use serde_json::{Value, json};

use super::{DELIVERED, IN_TRANSIT, LABEL_CREATED};

/// One request as the simulator received it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method.
    pub method: String,
    /// The path.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
}

impl RecordedRequest {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A bought shipment.
#[derive(Debug, Default)]
pub(super) struct Shipment {
    pub(super) packages: Vec<String>,
    pub(super) voided: HashSet<String>,
}

/// Where a parcel is: label created, in transit or delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    LabelCreated,
    InTransit,
    Delivered,
}

impl Stage {
    fn next(self) -> Self {
        match self {
            Self::LabelCreated => Self::InTransit,
            Self::InTransit | Self::Delivered => Self::Delivered,
        }
    }

    /// Status type, code and description, as UPS reports them.
    pub(super) fn status(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::LabelCreated => (
                "M",
                "MP",
                "Shipper created a label, UPS has not received the package yet.",
            ),
            Self::InTransit => ("I", "OR", "On the Way"),
            Self::Delivered => ("D", "KB", "DELIVERED"),
        }
    }
}

#[derive(Debug, Default)]
pub(super) struct State {
    pub(super) requests: Vec<RecordedRequest>,
    pub(super) failures: VecDeque<(u16, String)>,
    pub(super) tokens: Vec<String>,
    pub(super) issued: u64,
    /// Where this simulator's tracking numbers start, drawn at the first one.
    series: u64,
    pub(super) shipments: HashMap<String, Shipment>,
    pub(super) stages: HashMap<String, Stage>,
    pub(super) subscriptions: HashMap<String, (String, String)>,
    /// Failures for paths containing the text, taken before the untargeted ones.
    pub(super) targeted: VecDeque<(String, u16, String)>,
    /// Whether a subscribed parcel is delivered at once, with its callback sent.
    pub(super) auto_deliver: bool,
}

impl State {
    /// A fresh tracking number.
    pub(super) fn tracking_number(&mut self) -> String {
        // Numbers start at a random point, so that two simulator runs do not issue the same
        // ones: a Track Alert callback is deduplicated on its tracking number, and a service
        // that keeps its dedup store between runs would drop the next run's callbacks.
        if self.series == 0 {
            let random = uuid::Uuid::new_v4().as_u128();
            self.series = 1 + u64::try_from(random % 999_000_000).unwrap_or(0) * 100;
        }
        self.issued += 1;
        format!("1ZPRGNS{:011}", self.series + self.issued)
    }

    /// The stage of `number` without moving it on; `None` when unknown.
    pub(super) fn stage(&self, number: &str) -> Option<Stage> {
        match number {
            LABEL_CREATED => Some(Stage::LabelCreated),
            IN_TRANSIT => Some(Stage::InTransit),
            DELIVERED => Some(Stage::Delivered),
            other => self.stages.get(other).copied(),
        }
    }

    /// The stage of `number` for a tracking call, moving a shipped number on afterwards.
    pub(super) fn track(&mut self, number: &str) -> Option<Stage> {
        let stage = self.stage(number)?;
        if let Some(stored) = self.stages.get_mut(number) {
            *stored = stage.next();
        }
        Some(stage)
    }

    /// A Track Alert callback body for `number`'s current stage.
    pub(super) fn callback_body(&self, number: &str) -> Vec<u8> {
        let stage = self.stage(number).unwrap_or(Stage::LabelCreated);
        let (kind, code, description) = stage.status();
        let delivered = stage == Stage::Delivered;
        let body: Value = json!({
            "trackingNumber": number,
            "localActivityDate": "20260101",
            "localActivityTime": "091500",
            "activityLocation": {"city": "Atlanta", "stateProvince": "GA", "postalCode": "", "country": "US"},
            "activityStatus": {"type": kind, "code": code, "description": description},
            "scheduledDeliveryDate": "20260103",
            "actualDeliveryDate": if delivered { "20260103" } else { "" },
            "actualDeliveryTime": if delivered { "143000" } else { "" },
            "gmtActivityDate": "20260101",
            "gmtActivityTime": "141500",
            "deliveryStartTime": "",
            "deliveryEndTime": "",
            "deliveryTimeDescription": "",
            "deliveryPhoto": ""
        });
        body.to_string().into_bytes()
    }
}
