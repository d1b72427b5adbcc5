//! Resend's webhooks: Standard Webhooks signatures (sent with `svix-*` headers) over typed
//! email events.

use bytes::Bytes;
use http::HeaderMap;
use proign_core::Provider;
use proign_core::clock::SharedClock;
use proign_core::secret::Secret;
use proign_core::webhook::standard::StandardVerifier;
use proign_core::webhook::{ConfigError, Delivery, Tolerance, VerifyError, WebhookVerifier};

use crate::event::{EmailEvent, EventError};

/// Verifies Resend webhook deliveries for one endpoint (its `whsec_…` signing secret, or
/// several during a rotation).
///
/// ```
/// use bytes::Bytes;
/// use proign_core::{clock::FixedClock, secret::Secret, webhook::WebhookVerifier};
/// use proign_core::webhook::standard::{HeaderBrand, StandardSigner};
/// use proign_resend::{event::EmailEventType, webhook::ResendVerifier};
///
/// let secret = Secret::new("whsec_cHJnbi1yZXNlbmQtc2lnbmluZy1rZXktMzJieXRlcyE=").unwrap();
/// let body = Bytes::from_static(
///     br#"{"type":"email.bounced","created_at":"2026-01-01T00:00:00.000Z",
///         "data":{"email_id":"e-1","to":["a@example.test"],"bounce":{"type":"Permanent"}}}"#,
/// );
/// let headers = StandardSigner::new(&secret)
///     .unwrap()
///     .with_brand(HeaderBrand::Svix)
///     .headers("msg_1", 1_767_225_600, &body)
///     .unwrap();
///
/// let verifier = ResendVerifier::new([&secret])
///     .unwrap()
///     .with_clock(FixedClock::at_unix(1_767_225_600));
/// let (_delivery, event) = verifier.construct_event(&headers, body).unwrap();
/// assert_eq!(event.kind, EmailEventType::Bounced);
/// ```
#[derive(Debug, Clone)]
pub struct ResendVerifier {
    inner: StandardVerifier,
}

impl ResendVerifier {
    /// A verifier with a five-minute tolerance, the system clock and a 2 MiB body limit.
    pub fn new<'s>(secrets: impl IntoIterator<Item = &'s Secret>) -> Result<Self, ConfigError> {
        Ok(Self {
            inner: StandardVerifier::new(secrets)?
                .with_provider(Provider::Resend)
                .expecting_svix_names(),
        })
    }

    /// Sets the timestamp window.
    pub fn with_tolerance(mut self, tolerance: Tolerance) -> Self {
        self.inner = self.inner.with_tolerance(tolerance);
        self
    }

    /// Sets the clock the window is checked against.
    pub fn with_clock(mut self, clock: SharedClock) -> Self {
        self.inner = self.inner.with_clock(clock);
        self
    }

    /// Sets the largest body accepted, in bytes.
    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.inner = self.inner.with_body_limit(limit);
        self
    }

    /// Verifies a delivery, then parses its event from the same bytes.
    pub fn construct_event(
        &self,
        headers: &HeaderMap,
        body: Bytes,
    ) -> Result<(Delivery, EmailEvent), ConstructEventError> {
        let delivery = self.verify(headers, body)?;
        let event = EmailEvent::from_slice(delivery.body())?;
        Ok((delivery, event))
    }
}

impl WebhookVerifier for ResendVerifier {
    type Output = Delivery;

    fn provider(&self) -> Provider {
        Provider::Resend
    }

    fn body_limit(&self) -> usize {
        self.inner.body_limit()
    }

    fn verify(&self, headers: &HeaderMap, body: Bytes) -> Result<Delivery, VerifyError> {
        self.inner.verify(headers, body)
    }
}

/// Why [`ResendVerifier::construct_event`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConstructEventError {
    /// The delivery is not genuine.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// The delivery is genuine but its body is not a Resend event.
    #[error(transparent)]
    Event(#[from] EventError),
}
