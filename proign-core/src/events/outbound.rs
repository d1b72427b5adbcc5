//! Delivering events to outbound HTTP subscribers (feature `outbound`).

use std::collections::HashMap;
use std::time::Duration;

use http::header::{CONTENT_TYPE, RETRY_AFTER, USER_AGENT};

use super::{Delivery, EventError};
use crate::clock::{self, SharedClock};
use crate::queue::Job;
use crate::secret::Secret;
use crate::webhook::standard::StandardSigner;
use crate::worker::JobError;

#[derive(Debug)]
struct Subscriber {
    url: String,
    signer: StandardSigner,
}

/// Posts queued events to HTTP subscribers, signed the Standard Webhooks way, with the job's
/// idempotency key as the `webhook-id` so a receiver recognises a retried delivery.
///
/// A `2xx` answer acknowledges; `408`, `429` and `5xx` (honouring `Retry-After` in seconds)
/// and network errors are retried with the worker's backoff; any other answer sends the job
/// to the dead-letter store. Connections time out after 5 s and whole requests after 15 s.
///
/// ```no_run
/// # fn run(queue: std::sync::Arc<proign_core::queue::MemoryQueue>) -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
/// use proign_core::events::{DELIVER_KIND, OutboundDelivery};
/// use proign_core::secret::Secret;
/// use proign_core::worker::{ExponentialBackoff, Worker};
///
/// let secret = Secret::from_env("ERP_WEBHOOK_SECRET")?;
/// let delivery = Arc::new(OutboundDelivery::new([("erp", "https://erp.example.test/hooks", &secret)])?);
/// let worker = Worker::new(queue, ExponentialBackoff::default())
///     .handle(DELIVER_KIND, move |job| {
///         let delivery = delivery.clone();
///         async move { delivery.deliver(&job).await }
///     });
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct OutboundDelivery {
    client: reqwest::Client,
    subscribers: HashMap<String, Subscriber>,
    clock: SharedClock,
}

impl OutboundDelivery {
    /// Subscribers as `(id, url, whsec_… secret)`.
    pub fn new<'s>(
        subscribers: impl IntoIterator<Item = (&'s str, &'s str, &'s Secret)>,
    ) -> Result<Self, OutboundError> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(OutboundError::Client)?;
        let mut map = HashMap::new();
        for (id, url, secret) in subscribers {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(OutboundError::Url { id: id.to_owned() });
            }
            let signer = StandardSigner::new(secret)
                .map_err(|_| OutboundError::Secret { id: id.to_owned() })?;
            map.insert(
                id.to_owned(),
                Subscriber {
                    url: url.to_owned(),
                    signer,
                },
            );
        }
        Ok(Self {
            client,
            subscribers: map,
            clock: clock::system(),
        })
    }

    /// Reads the signing timestamp from `clock`.
    pub fn with_clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// Delivers one [`DELIVER_KIND`](super::DELIVER_KIND) job; use it as the worker's handler.
    pub async fn deliver(&self, job: &Job) -> Result<(), JobError> {
        let delivery: Delivery = serde_json::from_slice(job.payload())
            .map_err(|e| JobError::permanent(EventError::Payload(e)))?;
        let Some(subscriber) = self.subscribers.get(&delivery.subscriber) else {
            return Err(JobError::permanent(format!(
                "no outbound subscriber named {}",
                delivery.subscriber
            )));
        };
        let body = serde_json::to_vec(&delivery.event)
            .map_err(|e| JobError::permanent(EventError::Payload(e)))?;
        let id = job.idempotency_key();
        let headers = subscriber
            .signer
            .headers(id, self.clock.unix_seconds(), &body)
            .map_err(JobError::permanent)?;
        let response = self
            .client
            .post(&subscriber.url)
            .headers(headers)
            .header(CONTENT_TYPE, "application/json")
            .header(USER_AGENT, concat!("proign/", env!("CARGO_PKG_VERSION")))
            .body(body)
            .send()
            .await
            .map_err(|e| JobError::retry(format!("delivery failed: {}", describe(&e))))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let message = format!("subscriber answered HTTP {}", status.as_u16());
        if status.as_u16() == 408 || status.as_u16() == 429 || status.is_server_error() {
            let after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(|secs| Duration::from_secs(secs.min(24 * 3600)));
            return Err(match after {
                Some(delay) => JobError::retry_after(message, delay),
                None => JobError::retry(message),
            });
        }
        Err(JobError::permanent(message))
    }
}

/// A short cause for a failed request, without the URL's query (which may carry tokens).
fn describe(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_request() {
        "request error"
    } else {
        "transport error"
    }
}

/// Why an [`OutboundDelivery`] could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutboundError {
    /// The HTTP client could not be built.
    #[error("could not build the HTTP client")]
    Client(#[source] reqwest::Error),
    /// A subscriber's URL is not `http://` or `https://`.
    #[error("outbound subscriber {id} has an invalid URL")]
    Url {
        /// The subscriber.
        id: String,
    },
    /// A subscriber's secret is not a valid `whsec_…` secret.
    #[error("outbound subscriber {id} has an invalid signing secret")]
    Secret {
        /// The subscriber.
        id: String,
    },
}

#[cfg(all(test, feature = "axum"))]
mod tests;
