//! Receiving UPS Track Alert callbacks.
//!
//! UPS signs nothing: a callback is authenticated by the credential the subscription named,
//! which UPS sends back in a `credential` header (the header name is configurable, and
//! `Authorization: Bearer <credential>` is accepted too). The credential is compared in
//! constant time, through digests so its length does not leak. Because a callback has no
//! event id, the delivery id is built from the tracking number, the activity's GMT date and
//! time, and its status code, so a repeated callback deduplicates.

use bytes::Bytes;
use chrono::{NaiveDate, NaiveTime};
use http::HeaderMap;
use proign_core::Provider;
use proign_core::secret::Secret;
use proign_core::webhook::{
    ConfigError, DEFAULT_BODY_LIMIT, Delivery, MAX_ACTIVE_SECRETS, VerifyError, WebhookVerifier,
    check_body, constant_time_eq, headers, headers::HeaderSpec,
};
use serde::{Deserialize, Deserializer};
use sha2::{Digest, Sha256};

/// The header UPS returns the subscription's credential in, unless configured otherwise.
pub const CREDENTIAL_HEADER: &str = "credential";

static AUTHORIZATION: HeaderSpec = HeaderSpec::new("Authorization", "authorization");

/// Authenticates and reads Track Alert callbacks.
///
/// ```
/// use bytes::Bytes;
/// use http::{HeaderMap, HeaderValue};
/// use proign_core::{secret::Secret, webhook::WebhookVerifier};
/// use proign_ups::track_alert::TrackAlertVerifier;
///
/// let verifier = TrackAlertVerifier::new([&Secret::new("made-up-callback-credential").unwrap()])
///     .unwrap();
/// let mut headers = HeaderMap::new();
/// headers.insert("credential", HeaderValue::from_static("made-up-callback-credential"));
/// let body = Bytes::from_static(
///     br#"{"trackingNumber":"1ZPRGN000000000001","gmtActivityDate":"20260101",
///         "gmtActivityTime":"141500","activityStatus":{"type":"D","code":"KB","description":"Delivered"}}"#,
/// );
/// let callback = verifier.verify(&headers, body).unwrap();
/// assert_eq!(callback.event().tracking_number, "1ZPRGN000000000001");
/// assert!(callback.event().is_delivered());
/// ```
#[derive(Clone)]
pub struct TrackAlertVerifier {
    digests: Vec<[u8; 32]>,
    header: HeaderSpec,
    body_limit: usize,
}

impl std::fmt::Debug for TrackAlertVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrackAlertVerifier")
            .field("credentials", &self.digests.len())
            .field("header", &self.header.name())
            .field("body_limit", &self.body_limit)
            .finish()
    }
}

impl TrackAlertVerifier {
    /// A verifier accepting any of `credentials` (the one given when subscribing, or the old
    /// and new one while it is changed).
    pub fn new<'s>(credentials: impl IntoIterator<Item = &'s Secret>) -> Result<Self, ConfigError> {
        let digests: Vec<[u8; 32]> = credentials
            .into_iter()
            .map(|credential| Sha256::digest(credential.expose().as_bytes()).into())
            .collect();
        if digests.is_empty() {
            return Err(ConfigError::MissingSecret);
        }
        if digests.len() > MAX_ACTIVE_SECRETS {
            return Err(ConfigError::TooManySecrets {
                max: MAX_ACTIVE_SECRETS,
                given: digests.len(),
            });
        }
        Ok(Self {
            digests,
            header: HeaderSpec::new(CREDENTIAL_HEADER, CREDENTIAL_HEADER),
            body_limit: DEFAULT_BODY_LIMIT,
        })
    }

    /// Reads the credential from another header; an invalid header name is a configuration
    /// error.
    pub fn with_header(mut self, name: &'static str) -> Result<Self, ConfigError> {
        self.header = HeaderSpec::parse(name).ok_or(ConfigError::InvalidHeaderName { name })?;
        Ok(self)
    }

    /// Sets the largest body accepted, in bytes.
    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    fn presented<'h>(&self, headers: &'h HeaderMap) -> Result<&'h str, VerifyError> {
        if let Some(value) = headers::optional(headers, &self.header)? {
            return Ok(value);
        }
        let bearer = headers::optional(headers, &AUTHORIZATION)?
            .and_then(strip_bearer)
            .filter(|token| !token.is_empty());
        bearer.ok_or(VerifyError::MissingHeader {
            name: self.header.name(),
        })
    }
}

impl WebhookVerifier for TrackAlertVerifier {
    type Output = TrackAlertDelivery;

    fn provider(&self) -> Provider {
        Provider::Ups
    }

    fn body_limit(&self) -> usize {
        self.body_limit
    }

    fn verify(&self, headers: &HeaderMap, body: Bytes) -> Result<TrackAlertDelivery, VerifyError> {
        check_body(&body, self.body_limit, false)?;
        let presented: [u8; 32] = Sha256::digest(self.presented(headers)?.as_bytes()).into();
        // Every digest is compared, so timing does not tell which credential matched.
        let matched = self
            .digests
            .iter()
            .enumerate()
            .fold(None, |found, (index, digest)| {
                let hit = constant_time_eq(digest, &presented);
                found.or(hit.then_some(index))
            })
            .ok_or(VerifyError::CredentialMismatch)?;
        let event = parse_event(&body)?;
        let id = event.dedup_key();
        Ok(TrackAlertDelivery {
            delivery: Delivery::new(Provider::Ups, Some(id), None, matched, body),
            event,
        })
    }
}

/// The token of an `Authorization: Bearer <token>` value, the scheme matched in any case.
fn strip_bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// Reads the event from an authenticated body. The error names the JSON problem's category
/// and position only: serde's own message may quote text from the body.
fn parse_event(body: &[u8]) -> Result<TrackingEvent, VerifyError> {
    let event: TrackingEvent = serde_json::from_slice(body).map_err(|err| {
        let category = match err.classify() {
            serde_json::error::Category::Io => "unreadable",
            serde_json::error::Category::Syntax => "not valid JSON",
            serde_json::error::Category::Data => "not a Track Alert event object",
            serde_json::error::Category::Eof => "truncated JSON",
        };
        VerifyError::MalformedBody {
            problem: format!("{category} at line {} column {}", err.line(), err.column()),
        }
    })?;
    if event.tracking_number.trim().is_empty() {
        return Err(VerifyError::MalformedBody {
            problem: "the event has no trackingNumber".to_owned(),
        });
    }
    Ok(event)
}

/// An authenticated callback and the event it carries.
///
/// `Debug` shows only the tracking number and the status code.
#[derive(Clone)]
pub struct TrackAlertDelivery {
    delivery: Delivery,
    event: TrackingEvent,
}

impl TrackAlertDelivery {
    /// The tracking event.
    pub fn event(&self) -> &TrackingEvent {
        &self.event
    }

    /// The provider-neutral delivery; its id is the deduplication key.
    pub fn delivery(&self) -> &Delivery {
        &self.delivery
    }

    /// The body exactly as it arrived.
    pub fn body(&self) -> &Bytes {
        self.delivery.body()
    }
}

impl std::fmt::Debug for TrackAlertDelivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let status = self
            .event
            .activity_status
            .as_ref()
            .and_then(|s| s.code.as_deref());
        f.debug_struct("TrackAlertDelivery")
            .field("tracking_number", &self.event.tracking_number)
            .field("status_code", &status)
            .finish_non_exhaustive()
    }
}

impl AsRef<Delivery> for TrackAlertDelivery {
    fn as_ref(&self) -> &Delivery {
        &self.delivery
    }
}

/// One tracking event pushed by Track Alert. Empty strings UPS sends for unknown values are
/// read as `None`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct TrackingEvent {
    /// The inquiry number the event is about.
    pub tracking_number: String,
    /// Local date of the activity, `YYYYMMDD`.
    #[serde(deserialize_with = "blank_is_none")]
    pub local_activity_date: Option<String>,
    /// Local time of the activity, `HHMMSS`.
    #[serde(deserialize_with = "blank_is_none")]
    pub local_activity_time: Option<String>,
    /// GMT date of the activity, `YYYYMMDD`.
    #[serde(deserialize_with = "blank_is_none")]
    pub gmt_activity_date: Option<String>,
    /// GMT time of the activity, `HHMMSS`.
    #[serde(deserialize_with = "blank_is_none")]
    pub gmt_activity_time: Option<String>,
    /// Where it happened.
    pub activity_location: Option<ActivityLocation>,
    /// What happened.
    pub activity_status: Option<ActivityStatus>,
    /// Scheduled delivery date, `YYYYMMDD`.
    #[serde(deserialize_with = "blank_is_none")]
    pub scheduled_delivery_date: Option<String>,
    /// Actual delivery date, `YYYYMMDD`.
    #[serde(deserialize_with = "blank_is_none")]
    pub actual_delivery_date: Option<String>,
    /// Actual delivery time, `HHMMSS`.
    #[serde(deserialize_with = "blank_is_none")]
    pub actual_delivery_time: Option<String>,
}

/// Where an activity happened.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct ActivityLocation {
    /// City.
    #[serde(deserialize_with = "blank_is_none")]
    pub city: Option<String>,
    /// State or province code.
    #[serde(deserialize_with = "blank_is_none")]
    pub state_province: Option<String>,
    /// Postal code.
    #[serde(deserialize_with = "blank_is_none")]
    pub postal_code: Option<String>,
    /// Country code.
    #[serde(deserialize_with = "blank_is_none")]
    pub country: Option<String>,
}

/// What happened to the parcel.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct ActivityStatus {
    /// Status type: `M` manifest, `I` in transit, `D` delivered, `X` exception, `P` pickup…
    #[serde(rename = "type", deserialize_with = "blank_is_none")]
    pub kind: Option<String>,
    /// UPS's status code.
    #[serde(deserialize_with = "blank_is_none")]
    pub code: Option<String>,
    /// A readable description.
    #[serde(deserialize_with = "blank_is_none")]
    pub description: Option<String>,
}

impl TrackingEvent {
    /// The key a repeated callback shares: tracking number, GMT date, GMT time, status code.
    pub fn dedup_key(&self) -> String {
        let status = self
            .activity_status
            .as_ref()
            .and_then(|s| s.code.as_deref());
        format!(
            "{}:{}:{}:{}",
            self.tracking_number,
            self.gmt_activity_date.as_deref().unwrap_or_default(),
            self.gmt_activity_time.as_deref().unwrap_or_default(),
            status.unwrap_or_default()
        )
    }

    /// Whether the event reports the parcel delivered.
    pub fn is_delivered(&self) -> bool {
        self.activity_status
            .as_ref()
            .and_then(|status| status.kind.as_deref())
            == Some("D")
    }

    /// The GMT date of the activity, when UPS sent a valid one.
    pub fn gmt_date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(self.gmt_activity_date.as_deref()?, "%Y%m%d").ok()
    }

    /// The GMT time of the activity, when UPS sent a valid one.
    pub fn gmt_time(&self) -> Option<NaiveTime> {
        NaiveTime::parse_from_str(self.gmt_activity_time.as_deref()?, "%H%M%S").ok()
    }

    /// The scheduled delivery date, when UPS sent a valid one.
    pub fn scheduled_delivery(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(self.scheduled_delivery_date.as_deref()?, "%Y%m%d").ok()
    }
}

fn blank_is_none<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty()))
}

#[cfg(test)]
mod tests;
