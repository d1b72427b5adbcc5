//! Verifying what providers send in.
//!
//! Every provider crate implements [`WebhookVerifier`]: the request headers and the exact raw
//! body go in; a verified delivery, or a [`VerifyError`] saying what was wrong, comes out. The
//! pieces every scheme shares live here: keyed HMAC-SHA256 ([`HmacKey`]), constant-time
//! comparison of decoded tags, a [`KeySet`] of secrets active during a rotation (the delivery
//! says which one matched), a two-sided timestamp [`Tolerance`], a body-size limit enforced
//! before any hashing, and header lookup that ignores case.
//!
//! The Standard Webhooks scheme (used by Resend through Svix, and by proign for its own
//! outbound events) is implemented in [`standard`], for verifying and for signing.
//!
//! With the `axum` feature, [`inbox`] stores verified deliveries before answering, and
//! `serve` (in `server`) serves the routes with a deadline for each request's headers, so a
//! sender that never finishes them cannot hold a connection open.
//!
//! ```
//! use bytes::Bytes;
//! use http::HeaderMap;
//! use proign_core::webhook::{WebhookVerifier, standard::{StandardSigner, StandardVerifier}};
//! use proign_core::{clock::FixedClock, secret::Secret};
//!
//! let secret = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
//! let body = Bytes::from_static(br#"{"test": 2432232314}"#);
//!
//! // Sign as a sender would...
//! let signer = StandardSigner::new(&secret).unwrap();
//! let headers: HeaderMap = signer.headers("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, &body).unwrap();
//!
//! // ...and verify as the receiver, with the clock the delivery was signed at.
//! let verifier = StandardVerifier::new([&secret])
//!     .unwrap()
//!     .with_clock(FixedClock::at_unix(1614265330));
//! let delivery = verifier.verify(&headers, body.clone()).unwrap();
//! assert_eq!(delivery.id(), Some("msg_p5jXN8AQM9LWM0D4loKWxJek"));
//! assert_eq!(delivery.body(), &body);
//! ```

#[cfg(feature = "axum")]
pub mod axum;
mod error;
pub mod headers;
#[cfg(feature = "axum")]
pub mod inbox;
mod keys;
mod mac;
#[cfg(feature = "axum")]
pub mod server;
pub mod standard;
mod tolerance;

use std::fmt;

use bytes::Bytes;
use http::HeaderMap;

pub use error::{ConfigError, InvalidSecret, Reason, VerifyError};
pub use keys::{KeySet, MAX_ACTIVE_SECRETS, Signatures};
pub use mac::{HmacKey, TAG_LEN, Tag, constant_time_eq, decode_base64_tag, decode_hex_tag};
#[cfg(feature = "axum")]
pub use server::serve;
pub use tolerance::{Tolerance, parse_unix_seconds};

use crate::provider::Provider;

/// The body-size limit verifiers apply unless configured otherwise: 2 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The verification contract every provider implements.
pub trait WebhookVerifier: Send + Sync {
    /// What a successful verification yields: at least a [`Delivery`].
    type Output: AsRef<Delivery> + Send + 'static;

    /// The provider whose deliveries this verifies.
    fn provider(&self) -> Provider;

    /// The largest body this verifier accepts, so a server can stop reading early.
    fn body_limit(&self) -> usize;

    /// Verifies one delivery: `headers` as received and `body` exactly as it arrived.
    fn verify(&self, headers: &HeaderMap, body: Bytes) -> Result<Self::Output, VerifyError>;
}

/// A delivery whose signature has been checked.
///
/// It holds the same bytes that were verified; typed payloads are parsed from these bytes,
/// never from a re-serialised copy. `Debug` shows the body's length, not its content, which
/// may hold customer data.
#[derive(Clone, PartialEq, Eq)]
pub struct Delivery {
    provider: Provider,
    id: Option<String>,
    timestamp: Option<i64>,
    matched_secret: usize,
    body: Bytes,
}

impl Delivery {
    /// Records a verified delivery. Only verifiers should call this.
    pub fn new(
        provider: Provider,
        id: Option<String>,
        timestamp: Option<i64>,
        matched_secret: usize,
        body: Bytes,
    ) -> Self {
        Self {
            provider,
            id,
            timestamp,
            matched_secret,
            body,
        }
    }

    /// Who sent it.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The delivery or event id the scheme carries in its headers, if it has one.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The signed timestamp in Unix seconds, if the scheme signs one.
    pub fn timestamp(&self) -> Option<i64> {
        self.timestamp
    }

    /// Which configured secret matched (its position in the [`KeySet`]), useful to see when
    /// the old secret of a rotation stops being used.
    pub fn matched_secret(&self) -> usize {
        self.matched_secret
    }

    /// The exact bytes that were verified.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Takes the verified bytes.
    pub fn into_body(self) -> Bytes {
        self.body
    }
}

impl AsRef<Delivery> for Delivery {
    fn as_ref(&self) -> &Delivery {
        self
    }
}

impl fmt::Debug for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("provider", &self.provider)
            .field("id", &self.id)
            .field("timestamp", &self.timestamp)
            .field("matched_secret", &self.matched_secret)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Refuses a body over `limit`, and an empty one unless `allow_empty`; done before any hashing.
pub fn check_body(body: &[u8], limit: usize, allow_empty: bool) -> Result<(), VerifyError> {
    if body.len() > limit {
        return Err(VerifyError::BodyTooLarge {
            len: body.len(),
            limit,
        });
    }
    if body.is_empty() && !allow_empty {
        return Err(VerifyError::EmptyBody);
    }
    Ok(())
}
