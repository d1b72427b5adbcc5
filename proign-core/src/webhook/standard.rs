//! The Standard Webhooks scheme, as used by Svix (and so by Resend) and by proign's own
//! outbound events.
//!
//! A sender signs `"{id}.{timestamp}.{body}"` with HMAC-SHA256 under a key that is
//! configured as `whsec_` followed by standard base64, and sends three headers:
//! `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`, a space-separated
//! list of `v1,<base64 tag>` entries. Svix brands the same headers `svix-*`; both are accepted,
//! each header looked up on its own.
//!
//! Secrets are decoded once, strictly, when the verifier is built: an optional `whsec_`
//! prefix, the standard alphabet with optional padding, nothing else, and at least 16 bytes.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};

use super::{
    ConfigError, DEFAULT_BODY_LIMIT, Delivery, HmacKey, InvalidSecret, KeySet, Signatures,
    Tolerance, VerifyError, WebhookVerifier, check_body, decode_base64_tag, headers,
    headers::HeaderSpec, parse_unix_seconds,
};
use crate::clock::{self, SharedClock};
use crate::provider::Provider;
use crate::secret::Secret;

/// The three headers of the scheme, each looked up under its unbranded name and its Svix
/// name, in the order a sender is expected to use.
#[derive(Debug)]
struct SchemeHeaders {
    id: HeaderSpec,
    timestamp: HeaderSpec,
    signature: HeaderSpec,
}

static UNBRANDED_FIRST: SchemeHeaders = SchemeHeaders {
    id: HeaderSpec::with_alternate("webhook-id", "webhook-id", "svix-id"),
    timestamp: HeaderSpec::with_alternate(
        "webhook-timestamp",
        "webhook-timestamp",
        "svix-timestamp",
    ),
    signature: HeaderSpec::with_alternate(
        "webhook-signature",
        "webhook-signature",
        "svix-signature",
    ),
};

static SVIX_FIRST: SchemeHeaders = SchemeHeaders {
    id: HeaderSpec::with_alternate("svix-id", "svix-id", "webhook-id"),
    timestamp: HeaderSpec::with_alternate("svix-timestamp", "svix-timestamp", "webhook-timestamp"),
    signature: HeaderSpec::with_alternate("svix-signature", "svix-signature", "webhook-signature"),
};

/// The shortest decoded key accepted, in bytes.
pub const MIN_KEY_LEN: usize = 16;

const PREFIX: &str = "whsec_";

/// Decodes a `whsec_…` secret into its key bytes, refusing anything but canonical base64.
pub fn decode_secret(secret: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, InvalidSecret> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

    if secret.starts_with("v1,") {
        return Err(InvalidSecret::SignaturePrefix);
    }
    let encoded = secret.strip_prefix(PREFIX).unwrap_or(secret);
    let body_len = encoded.trim_end_matches('=').len();
    if let Some(position) = encoded.bytes().enumerate().position(|(i, b)| {
        !(b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || (b == b'=' && i >= body_len))
    }) {
        return Err(InvalidSecret::NotBase64 { position });
    }
    let engine = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let key = engine
        .decode(encoded)
        .map_err(|_| InvalidSecret::NotBase64 { position: body_len })?;
    let key = zeroize::Zeroizing::new(key);
    if key.len() < MIN_KEY_LEN {
        return Err(InvalidSecret::TooShort {
            len: key.len(),
            min: MIN_KEY_LEN,
        });
    }
    Ok(key)
}

fn prepare(secret: &Secret) -> Result<HmacKey, ConfigError> {
    Ok(HmacKey::new(&decode_secret(secret.expose())?))
}

/// Verifies Standard Webhooks deliveries.
#[derive(Debug, Clone)]
pub struct StandardVerifier {
    provider: Provider,
    keys: KeySet,
    tolerance: Tolerance,
    clock: SharedClock,
    body_limit: usize,
    headers: &'static SchemeHeaders,
}

impl StandardVerifier {
    /// A verifier accepting a signature under any of `secrets` (one, or several during a
    /// rotation), with a five-minute tolerance, the system clock and a 2 MiB body limit.
    pub fn new<'s>(secrets: impl IntoIterator<Item = &'s Secret>) -> Result<Self, ConfigError> {
        let keys = secrets
            .into_iter()
            .map(prepare)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            provider: Provider::StandardWebhooks,
            keys: KeySet::new(keys)?,
            tolerance: Tolerance::default(),
            clock: clock::system(),
            body_limit: DEFAULT_BODY_LIMIT,
            headers: &UNBRANDED_FIRST,
        })
    }

    /// Looks for the `svix-*` header names first (both families are always accepted); a
    /// small saving for senders, such as Resend, that use them.
    pub fn expecting_svix_names(mut self) -> Self {
        self.headers = &SVIX_FIRST;
        self
    }

    /// Reports deliveries as coming from `provider` (Resend, say).
    pub fn with_provider(mut self, provider: Provider) -> Self {
        self.provider = provider;
        self
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
}

impl WebhookVerifier for StandardVerifier {
    type Output = Delivery;

    fn provider(&self) -> Provider {
        self.provider
    }

    fn body_limit(&self) -> usize {
        self.body_limit
    }

    fn verify(&self, headers: &HeaderMap, body: Bytes) -> Result<Delivery, VerifyError> {
        check_body(&body, self.body_limit, true)?;
        let names = self.headers;
        let ([(_, id), (_, timestamp_text), (_, header)], []) =
            headers::scan(headers, [&names.id, &names.timestamp, &names.signature], [])?;

        let timestamp = parse_unix_seconds(timestamp_text).ok_or(VerifyError::MalformedHeader {
            name: names.timestamp.name(),
            problem: "it is not a whole number of seconds",
        })?;
        self.tolerance.check(timestamp, self.clock.unix_seconds())?;

        let signatures = parse_signatures(header, names.signature.name())?;
        let message: [&[u8]; 5] = [id.as_bytes(), b".", timestamp_text.as_bytes(), b".", &body];
        let matched = self
            .keys
            .find(&message, signatures.as_slice())
            .ok_or(VerifyError::SignatureMismatch)?;
        Ok(Delivery::new(
            self.provider,
            Some(id.to_owned()),
            Some(timestamp),
            matched,
            body,
        ))
    }
}

/// Collects the `v1` entries of a signature header. Entries of other versions, and `v1`
/// entries that are not a canonical base64 tag, can never match and are skipped.
fn parse_signatures(header: &str, name: &'static str) -> Result<Signatures, VerifyError> {
    let mut signatures = Signatures::new();
    for entry in header.split(' ').filter(|entry| !entry.is_empty()) {
        let Some(("v1", encoded)) = entry.split_once(',') else {
            continue;
        };
        if let Some(tag) = decode_base64_tag(encoded)
            && !signatures.push(tag)
        {
            return Err(VerifyError::MalformedHeader {
                name,
                problem: "it carries more signatures than any sender uses",
            });
        }
    }
    Ok(signatures)
}

/// Which header names a signer writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeaderBrand {
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature`.
    #[default]
    Standard,
    /// `svix-id`, `svix-timestamp`, `svix-signature`, as Svix and Resend send them.
    Svix,
}

/// Signs deliveries the Standard Webhooks way.
#[derive(Debug, Clone)]
pub struct StandardSigner {
    key: HmacKey,
    brand: HeaderBrand,
}

impl StandardSigner {
    /// A signer for a `whsec_…` secret.
    pub fn new(secret: &Secret) -> Result<Self, ConfigError> {
        Ok(Self {
            key: prepare(secret)?,
            brand: HeaderBrand::Standard,
        })
    }

    /// Writes `svix-*` or `webhook-*` header names.
    pub fn with_brand(mut self, brand: HeaderBrand) -> Self {
        self.brand = brand;
        self
    }

    /// The signature header value for one delivery: `v1,<base64>`.
    ///
    /// The id must be what a receiver reads back: printable ASCII without spaces at either
    /// end; the timestamp must not be negative.
    pub fn signature(&self, id: &str, timestamp: i64, body: &[u8]) -> Result<String, SignError> {
        use base64::Engine as _;
        check_id(id)?;
        if timestamp < 0 {
            return Err(SignError::NegativeTimestamp);
        }
        let timestamp = timestamp.to_string();
        let tag = self
            .key
            .sign(&[id.as_bytes(), b".", timestamp.as_bytes(), b".", body]);
        Ok(format!(
            "v1,{}",
            base64::engine::general_purpose::STANDARD.encode(tag)
        ))
    }

    /// The three headers to send with `body`.
    pub fn headers(&self, id: &str, timestamp: i64, body: &[u8]) -> Result<HeaderMap, SignError> {
        let (id_name, ts_name, sig_name) = match self.brand {
            HeaderBrand::Standard => ("webhook-id", "webhook-timestamp", "webhook-signature"),
            HeaderBrand::Svix => ("svix-id", "svix-timestamp", "svix-signature"),
        };
        let signature = self.signature(id, timestamp, body)?;
        let text = |value: &str| HeaderValue::from_str(value).map_err(|_| SignError::InvalidId);
        let mut headers = HeaderMap::new();
        headers.insert(id_name, text(id)?);
        headers.insert(ts_name, HeaderValue::from(timestamp));
        headers.insert(sig_name, text(&signature)?);
        Ok(headers)
    }
}

fn check_id(id: &str) -> Result<(), SignError> {
    let printable = id.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
    if id.is_empty() || !printable || id.trim_ascii() != id {
        return Err(SignError::InvalidId);
    }
    Ok(())
}

/// Why a delivery could not be signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The id is empty, not printable ASCII, or has spaces at either end: a receiver would
    /// read a different id than the one signed.
    #[error("a delivery id must be printable ASCII without spaces at either end")]
    InvalidId,
    /// Timestamps are seconds since 1970 and cannot be negative.
    #[error("a signing timestamp cannot be negative")]
    NegativeTimestamp,
}

#[cfg(test)]
mod tests;
