//! Verifying Stripe's `Stripe-Signature` header.
//!
//! Stripe signs `"{t}.{raw body}"` with HMAC-SHA256, keyed with the whole `whsec_…` endpoint
//! secret as text, and sends `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, with one `v1` per
//! secret active on the endpoint and sometimes entries of other schemes (`v0=`) or
//! diagnostics that are ignored. proign reads the header as an ordered list of items:
//! every `v1` is a candidate, exactly one `t` must be present, and whitespace around items and
//! upper-case hex are accepted since they carry the same signature.

use bytes::Bytes;
use http::HeaderMap;
use proign_core::Provider;
use proign_core::clock::{self, SharedClock};
use proign_core::secret::Secret;
use proign_core::webhook::{
    ConfigError, DEFAULT_BODY_LIMIT, Delivery, HmacKey, InvalidSecret, KeySet, Signatures,
    Tolerance, VerifyError, WebhookVerifier, check_body, decode_hex_tag, headers,
    headers::HeaderSpec, parse_unix_seconds,
};

use crate::event::{Event, EventError};

/// The header Stripe signs deliveries with.
pub const SIGNATURE_HEADER: &str = "Stripe-Signature";

static SIGNATURE: HeaderSpec = HeaderSpec::new(SIGNATURE_HEADER, "stripe-signature");

/// Verifies Stripe webhook deliveries for one endpoint.
///
/// ```
/// use bytes::Bytes;
/// use http::{HeaderMap, HeaderValue};
/// use proign_core::{clock::FixedClock, secret::Secret, webhook::WebhookVerifier};
/// use proign_stripe::webhook::StripeVerifier;
///
/// let secret = Secret::new("whsec_test_secret").unwrap();
/// let verifier = StripeVerifier::new([&secret])
///     .unwrap()
///     .with_clock(FixedClock::at_unix(1614265330));
///
/// let mut headers = HeaderMap::new();
/// headers.insert(
///     "stripe-signature",
///     HeaderValue::from_static(
///         "t=1614265330,v1=3c5817089d739023dd6190f70a3757e04f7a2fd8b5dab12c2e000f51970dccff",
///     ),
/// );
/// let body = Bytes::from_static(br#"{"id":"evt_test_webhook","object":"event"}"#);
/// let delivery = verifier.verify(&headers, body).unwrap();
/// assert_eq!(delivery.timestamp(), Some(1614265330));
/// ```
#[derive(Debug, Clone)]
pub struct StripeVerifier {
    keys: KeySet,
    tolerance: Tolerance,
    clock: SharedClock,
    body_limit: usize,
}

impl StripeVerifier {
    /// A verifier accepting a signature under any of `secrets` (the endpoint's secret, or
    /// several during a roll or for platform and Connect endpoints sharing a route), with a
    /// 300 s tolerance in both directions, the system clock and a 2 MiB body limit.
    pub fn new<'s>(secrets: impl IntoIterator<Item = &'s Secret>) -> Result<Self, ConfigError> {
        let keys = secrets
            .into_iter()
            .map(|secret| {
                check_kind(secret.expose())?;
                Ok(HmacKey::new(secret.expose().as_bytes()))
            })
            .collect::<Result<Vec<_>, ConfigError>>()?;
        Ok(Self {
            keys: KeySet::new(keys)?,
            tolerance: Tolerance::FIVE_MINUTES,
            clock: clock::system(),
            body_limit: DEFAULT_BODY_LIMIT,
        })
    }

    /// Sets the timestamp window.
    pub fn with_tolerance(mut self, tolerance: Tolerance) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Sets the clock the window is checked against.
    pub fn with_clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// Sets the largest body accepted, in bytes.
    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    /// Verifies a delivery, then parses its event from the same bytes.
    pub fn construct_event(
        &self,
        headers: &HeaderMap,
        body: Bytes,
    ) -> Result<(Delivery, Event), ConstructEventError> {
        let delivery = self.verify(headers, body)?;
        let event = Event::from_slice(delivery.body())?;
        Ok((delivery, event))
    }
}

/// Refuses API keys given where the endpoint's signing secret belongs.
fn check_kind(secret: &str) -> Result<(), InvalidSecret> {
    let found = [
        ("sk_", "a secret API key"),
        ("rk_", "a restricted API key"),
        ("pk_", "a publishable API key"),
    ]
    .into_iter()
    .find_map(|(prefix, kind)| secret.starts_with(prefix).then_some(kind));
    match found {
        Some(found) => Err(InvalidSecret::WrongKind {
            found,
            expected: "whsec_…",
        }),
        None => Ok(()),
    }
}

impl WebhookVerifier for StripeVerifier {
    type Output = Delivery;

    fn provider(&self) -> Provider {
        Provider::Stripe
    }

    fn body_limit(&self) -> usize {
        self.body_limit
    }

    fn verify(&self, headers: &HeaderMap, body: Bytes) -> Result<Delivery, VerifyError> {
        check_body(&body, self.body_limit, false)?;
        let header = headers::required(headers, &SIGNATURE)?;
        let parsed = parse_header(header)?;
        self.tolerance
            .check(parsed.timestamp, self.clock.unix_seconds())?;
        let matched = self
            .keys
            .find(
                &[parsed.timestamp_text.as_bytes(), b".", &body],
                parsed.signatures.as_slice(),
            )
            .ok_or(VerifyError::SignatureMismatch)?;
        Ok(Delivery::new(
            Provider::Stripe,
            None,
            Some(parsed.timestamp),
            matched,
            body,
        ))
    }
}

/// A `Stripe-Signature` header, read.
#[derive(Debug)]
struct ParsedHeader<'h> {
    timestamp: i64,
    timestamp_text: &'h str,
    signatures: Signatures,
}

fn malformed(problem: &'static str) -> VerifyError {
    VerifyError::MalformedHeader {
        name: SIGNATURE_HEADER,
        problem,
    }
}

fn parse_header(header: &str) -> Result<ParsedHeader<'_>, VerifyError> {
    let mut timestamp_text = None;
    let mut signatures = Signatures::new();
    let mut saw_v1 = false;
    for item in header
        .split(',')
        .map(str::trim_ascii)
        .filter(|item| !item.is_empty())
    {
        let Some((key, value)) = item.split_once('=') else {
            continue;
        };
        match key.trim_ascii() {
            "t" if timestamp_text.is_some() => {
                return Err(malformed("it has more than one t= item"));
            }
            "t" => timestamp_text = Some(value.trim_ascii()),
            "v1" => {
                saw_v1 = true;
                // A v1 that is not 64 hex digits cannot match; it is skipped, not fatal.
                if let Some(tag) = decode_hex_tag(value.trim_ascii())
                    && !signatures.push(tag)
                {
                    return Err(malformed("it carries more signatures than Stripe sends"));
                }
            }
            _ => {}
        }
    }
    let timestamp_text = timestamp_text.ok_or_else(|| malformed("it has no t= item"))?;
    let timestamp = parse_unix_seconds(timestamp_text)
        .ok_or_else(|| malformed("its t= item is not a whole number of seconds"))?;
    if !saw_v1 {
        return Err(VerifyError::NoSupportedSignature {
            name: SIGNATURE_HEADER,
            scheme: "v1",
        });
    }
    Ok(ParsedHeader {
        timestamp,
        timestamp_text,
        signatures,
    })
}

/// Why [`StripeVerifier::construct_event`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConstructEventError {
    /// The delivery is not genuine.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// The delivery is genuine but its body is not a Stripe event.
    #[error(transparent)]
    Event(#[from] EventError),
}

/// Builds a `Stripe-Signature` header value, for tests and local simulators.
pub fn sign(secret: &Secret, timestamp: i64, body: &[u8]) -> String {
    let timestamp = timestamp.to_string();
    let tag = HmacKey::new(secret.expose().as_bytes()).sign(&[timestamp.as_bytes(), b".", body]);
    format!("t={timestamp},v1={}", hex::encode(tag))
}

#[cfg(test)]
mod tests;
