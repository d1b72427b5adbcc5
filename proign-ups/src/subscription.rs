//! Track Alert subscriptions: ask UPS to push tracking updates to a URL.
//!
//! UPS may accept some numbers and refuse others in one answer; both lists are reported.
//! Numbers that are not UPS package numbers (`1Z` and 16 letters or digits) are refused
//! before sending unless the check is switched off, and numbers are sent 100 at a time.

use proign_core::secret::Secret;
use serde::Deserialize;
use serde_json::json;

use crate::client::UpsClient;
use crate::error::Error;

/// The most numbers UPS takes in one subscription request.
pub const CHUNK: usize = 100;

/// Where UPS delivers the callbacks, and the credential it sends with them.
#[derive(Debug, Clone)]
pub struct Destination {
    /// The callback URL.
    pub url: String,
    /// The credential type UPS records (`Bearer`).
    pub credential_type: String,
    /// The credential UPS sends back in each callback.
    pub credential: Secret,
}

/// A subscription request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SubscribeRequest {
    /// Tracking numbers.
    pub tracking_numbers: Vec<String>,
    /// Locale, `en_US` unless set.
    pub locale: String,
    /// Country code, `US` unless set.
    pub country_code: String,
    /// Where callbacks go.
    pub destination: Destination,
    /// Refuse malformed numbers before sending (on by default).
    pub precheck: bool,
}

impl SubscribeRequest {
    /// A request for `tracking_numbers`, with callbacks to `url` carrying `credential`.
    pub fn new(
        tracking_numbers: impl IntoIterator<Item = impl Into<String>>,
        url: impl Into<String>,
        credential: Secret,
    ) -> Self {
        Self {
            tracking_numbers: tracking_numbers.into_iter().map(Into::into).collect(),
            locale: "en_US".to_owned(),
            country_code: "US".to_owned(),
            destination: Destination {
                url: url.into(),
                credential_type: "Bearer".to_owned(),
                credential,
            },
            precheck: true,
        }
    }

    /// Sends every number to UPS, leaving the format check to UPS.
    pub fn without_precheck(mut self) -> Self {
        self.precheck = false;
        self
    }
}

/// What UPS did with the numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Subscription {
    /// Numbers UPS subscribed.
    pub valid: Vec<String>,
    /// Numbers not subscribed: refused by UPS or by the format check.
    pub invalid: Vec<String>,
    /// The subset of `invalid` refused by the format check and never sent.
    pub malformed: Vec<String>,
}

impl Subscription {
    /// Whether every number was subscribed.
    pub fn is_complete(&self) -> bool {
        self.invalid.is_empty()
    }
}

/// Whether `number` has the shape of a UPS package number: `1Z` and 16 ASCII capitals or
/// digits.
pub fn is_package_number(number: &str) -> bool {
    let bytes = number.as_bytes();
    bytes.len() == 18
        && bytes.starts_with(b"1Z")
        && bytes[2..]
            .iter()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    #[serde(default)]
    valid_tracking_numbers: Vec<String>,
    #[serde(default)]
    invalid_tracking_numbers: Vec<String>,
}

impl UpsClient {
    /// Subscribes the numbers to Track Alert. Numbers are sent 100 per request; if a later
    /// request fails, the error is returned although earlier ones succeeded (subscribing a
    /// number again is harmless).
    pub async fn subscribe_tracking(
        &self,
        request: &SubscribeRequest,
    ) -> Result<Subscription, Error> {
        let mut out = Subscription::default();
        let mut send = Vec::new();
        for number in &request.tracking_numbers {
            if request.precheck && !is_package_number(number) {
                out.malformed.push(number.clone());
                out.invalid.push(number.clone());
            } else {
                send.push(number.as_str());
            }
        }
        for chunk in send.chunks(CHUNK) {
            let body = json!({
                "locale": request.locale,
                "countryCode": request.country_code,
                "trackingNumberList": chunk,
                "destination": {
                    "url": request.destination.url,
                    "credentialType": request.destination.credential_type,
                    "credential": request.destination.credential.expose(),
                },
            });
            let path = "/api/track/v1/subscription/standard/package";
            let http = self
                .json_request("subscribe_tracking", path, &body)?
                .replay_safe();
            let answer: Answer = self.call(http).await?;
            out.valid.extend(answer.valid_tracking_numbers);
            out.invalid.extend(answer.invalid_tracking_numbers);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_number_shape() {
        assert!(is_package_number("1ZPRGN000000000001"));
        assert!(!is_package_number("1ZPRGN00000000$002"));
        assert!(!is_package_number("1zPRGN000000000001"));
        assert!(!is_package_number("1ZPRGN00000000001"));
        assert!(!is_package_number("1ZPRGN0000000000011"));
        assert!(!is_package_number("1Zprgn000000000001"));
    }
}
