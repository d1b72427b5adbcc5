//! Verifying the signed query strings Shopify sends: the OAuth callback and embedded app
//! loads (`hmac`), and app-proxy requests (`signature`).
//!
//! For `hmac`, Shopify's message is every other parameter, decoded, sorted by name, each
//! name and value percent-encoded again (everything but letters, digits, `-`, `_` and `.`),
//! written `name=value` and joined with `&`; the tag is lower-case hex. Names are ordered the
//! way Shopify's own library orders them: without regard to case first, lower case before
//! upper case on a tie. The timestamp must lie within 90 s of now, in either direction.
//!
//! For app proxies, the message is every parameter but `signature`, decoded, sorted by name,
//! repeated names joined with `,`, written `name=value` with no separator at all.

use std::cmp::Ordering;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use proign_core::clock::{self, SharedClock};
use proign_core::secret::Secret;
use proign_core::webhook::{
    ConfigError, HmacKey, KeySet, Tolerance, VerifyError, parse_unix_seconds,
};

/// What Shopify's library leaves unescaped when it re-encodes a parameter.
const KEEP: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

/// Parameters that must appear at most once in a signed query.
const SINGLE: &[&str] = &["hmac", "signature", "shop", "timestamp"];

/// Verifies signed query strings for one app.
///
/// ```
/// use proign_core::{clock::FixedClock, secret::Secret};
/// use proign_shopify::query::QueryVerifier;
///
/// let verifier = QueryVerifier::new([&Secret::new("hush").unwrap()])
///     .unwrap()
///     .with_clock(FixedClock::at_unix(1337178173));
/// let query = "code=0907a61c0c8d55e99db179b68161bc00\
///     &hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf\
///     &shop=some-shop.myshopify.com&state=0.6784241404160823&timestamp=1337178173";
/// let verified = verifier.verify_hmac(query).unwrap();
/// assert_eq!(verified.shop(), Some("some-shop.myshopify.com"));
/// assert_eq!(verified.get("state"), Some("0.6784241404160823"));
/// ```
#[derive(Debug, Clone)]
pub struct QueryVerifier {
    keys: KeySet,
    tolerance: Tolerance,
    clock: SharedClock,
}

impl QueryVerifier {
    /// A verifier for the app's client secret (or several during a rotation), with a 90 s
    /// window and the system clock.
    pub fn new<'s>(secrets: impl IntoIterator<Item = &'s Secret>) -> Result<Self, ConfigError> {
        let keys = secrets
            .into_iter()
            .map(|secret| HmacKey::new(secret.expose().as_bytes()))
            .collect();
        Ok(Self {
            keys: KeySet::new(keys)?,
            tolerance: Tolerance::new(Duration::from_secs(90))?,
            clock: clock::system(),
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

    /// Verifies an OAuth callback or app-load query (`hmac=`), given without the `?`.
    pub fn verify_hmac(&self, query: &str) -> Result<VerifiedQuery, VerifyError> {
        let params = parse(query)?;
        let hmac =
            single(&params, "hmac")?.ok_or(VerifyError::MissingQuerySignature { name: "hmac" })?;
        let timestamp = self.check_timestamp(&params)?;

        let message = hmac_message(&params);
        self.check_tag(message.as_bytes(), hmac)?;
        Ok(VerifiedQuery { params, timestamp })
    }

    /// Verifies an app-proxy request's query (`signature=`), given without the `?`.
    pub fn verify_app_proxy(&self, query: &str) -> Result<VerifiedQuery, VerifyError> {
        let params = parse(query)?;
        let signature = single(&params, "signature")?
            .ok_or(VerifyError::MissingQuerySignature { name: "signature" })?;
        let timestamp = self.check_timestamp(&params)?;

        let mut names: Vec<&str> = params
            .iter()
            .map(|(name, _)| name.as_str())
            .filter(|name| *name != "signature")
            .collect();
        names.sort_unstable();
        names.dedup();
        let mut message = String::new();
        for name in names {
            let values: Vec<&str> = params
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, value)| value.as_str())
                .collect();
            message.push_str(name);
            message.push('=');
            message.push_str(&values.join(","));
        }
        self.check_tag(message.as_bytes(), signature)?;
        Ok(VerifiedQuery { params, timestamp })
    }

    fn check_timestamp(&self, params: &[(String, String)]) -> Result<i64, VerifyError> {
        let text = single(params, "timestamp")?.ok_or(VerifyError::MissingQueryTimestamp)?;
        let timestamp = parse_unix_seconds(text).ok_or(VerifyError::InvalidQueryTimestamp)?;
        self.tolerance.check(timestamp, self.clock.unix_seconds())?;
        Ok(timestamp)
    }

    /// Shopify writes the tag in lower-case hex and compares text, so only that form matches.
    fn check_tag(&self, message: &[u8], tag_hex: &str) -> Result<(), VerifyError> {
        let lower = tag_hex
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        let mut tag = [0u8; 32];
        let decoded = lower && hex::decode_to_slice(tag_hex, &mut tag).is_ok();
        let tag = decoded.then_some(tag);
        self.keys
            .find(&[message], tag.as_slice())
            .map(|_| ())
            .ok_or(VerifyError::SignatureMismatch)
    }
}

/// A query whose signature and timestamp passed.
///
/// `Debug` names the parameters but shows only the shop and the timestamp: the others carry
/// one-time codes, session tokens and signatures.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifiedQuery {
    params: Vec<(String, String)>,
    timestamp: i64,
}

impl std::fmt::Debug for VerifiedQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.params.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("VerifiedQuery")
            .field("shop", &self.shop())
            .field("timestamp", &self.timestamp)
            .field("params", &names)
            .finish()
    }
}

impl VerifiedQuery {
    /// The first value of a parameter, decoded.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.as_str())
    }

    /// The `shop` parameter.
    pub fn shop(&self) -> Option<&str> {
        self.get("shop")
    }

    /// The signed timestamp, in Unix seconds.
    pub fn timestamp(&self) -> i64 {
        self.timestamp
    }

    /// Every parameter, decoded, in the order received.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }
}

/// Shopify's message for the `hmac` parameter: every other parameter sorted, re-encoded and
/// joined.
fn hmac_message(params: &[(String, String)]) -> String {
    let mut signed: Vec<&(String, String)> = params
        .iter()
        .filter(|(name, _)| name != "hmac" && name != "signature")
        .collect();
    signed.sort_by(|a, b| locale_order(&a.0, &b.0));
    signed
        .iter()
        .map(|(name, value)| {
            format!(
                "{}={}",
                utf8_percent_encode(name, KEEP),
                utf8_percent_encode(value, KEEP)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Signs a query the way Shopify signs OAuth callbacks: returns `query` without any `hmac`
/// parameter, followed by `&hmac=<lower-case hex>`. For tests and local simulators.
pub fn sign_query(secret: &Secret, query: &str) -> Result<String, VerifyError> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let params = parse(query)?;
    let message = hmac_message(&params);
    let tag = HmacKey::new(secret.expose().as_bytes()).sign(&[message.as_bytes()]);
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or_default();
            let name = form_urlencoded::parse(name.as_bytes())
                .next()
                .map(|(n, _)| n);
            !pair.is_empty() && name.as_deref() != Some("hmac")
        })
        .collect();
    Ok(format!("{}&hmac={}", kept.join("&"), hex::encode(tag)))
}

fn parse(query: &str) -> Result<Vec<(String, String)>, VerifyError> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    for name in SINGLE {
        single(&params, name)?;
    }
    Ok(params)
}

fn single<'p>(
    params: &'p [(String, String)],
    name: &'static str,
) -> Result<Option<&'p str>, VerifyError> {
    let mut values = params.iter().filter(|(n, _)| n == name);
    let first = values.next().map(|(_, value)| value.as_str());
    if values.next().is_some() {
        return Err(VerifyError::DuplicateQueryParameter { name });
    }
    Ok(first)
}

/// Orders names without regard to case, then lower case before upper case.
fn locale_order(a: &str, b: &str) -> Ordering {
    let folded = a
        .chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase));
    folded.then_with(|| {
        let flip = |c: char| {
            if c.is_uppercase() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                c.to_uppercase().next().unwrap_or(c)
            }
        };
        a.chars().map(flip).cmp(b.chars().map(flip))
    })
}

#[cfg(test)]
mod tests;
