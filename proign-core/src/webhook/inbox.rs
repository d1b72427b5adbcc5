//! The receiving end of a webhook route: verify, store durably, and only then answer 200.
//!
//! An [`Inbox`] joins a [`WebhookVerifier`] to a [`Queue`]. For each request it reads the raw
//! body (never more than the verifier's limit), verifies it, turns the verified delivery
//! into a [`NewJob`] — by default the raw body, deduplicated on the provider's delivery id —
//! and enqueues it. The provider is told `200 OK` only once the job is stored, so a crash
//! can never lose a delivery the provider believes was taken; a copy of a delivery already
//! stored is answered `200 OK` too and dropped. A storage failure answers `503`, so the
//! provider sends the delivery again later.
//!
//! | what happened | answer | monitor |
//! |---|---|---|
//! | verified and stored | 200 | `verified` |
//! | verified, a copy of a stored delivery | 200 | `duplicate` |
//! | no matching signature, timestamp outside the window | 401 | `rejected` with its reason |
//! | a header or the body missing or unreadable | 400 | `rejected` with its reason |
//! | body over the limit | 413 | `rejected`, `body_too_large` |
//! | body not received within the body timeout (30 s by default) | 408 | `rejected`, `body_timeout` |
//! | the queue could not store it | 503 | `rejected`, `store_failed` |
//!
//! ```
//! use std::sync::Arc;
//! use axum::Router;
//! use proign_core::queue::MemoryQueue;
//! use proign_core::secret::Secret;
//! use proign_core::webhook::{inbox::Inbox, standard::StandardVerifier};
//!
//! let secret = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
//! let verifier = Arc::new(StandardVerifier::new([&secret]).unwrap());
//! let queue = Arc::new(MemoryQueue::new());
//! let app: Router = Router::new().route("/webhooks/resend", Inbox::new(verifier, queue).into_route());
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post};

use super::WebhookVerifier;
use super::axum::{BODY_TIMEOUT, Rejection, read_and_verify};
use crate::monitor::{DeliveryOutcome, Monitor};
use crate::queue::{Enqueued, JobId, NewJob, Queue, QueueError};

type ToJob<O> = dyn Fn(&O) -> NewJob + Send + Sync;

/// Verifies deliveries and stores them in a queue before acknowledging them.
pub struct Inbox<V: WebhookVerifier, Q> {
    verifier: Arc<V>,
    queue: Arc<Q>,
    to_job: Arc<ToJob<V::Output>>,
    monitor: Option<Arc<Monitor>>,
    body_timeout: Duration,
}

impl<V: WebhookVerifier, Q> Clone for Inbox<V, Q> {
    fn clone(&self) -> Self {
        Self {
            verifier: self.verifier.clone(),
            queue: self.queue.clone(),
            to_job: self.to_job.clone(),
            monitor: self.monitor.clone(),
            body_timeout: self.body_timeout,
        }
    }
}

impl<V: WebhookVerifier, Q> fmt::Debug for Inbox<V, Q> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inbox")
            .field("provider", &self.verifier.provider())
            .field("monitored", &self.monitor.is_some())
            .finish_non_exhaustive()
    }
}

/// The job kind [`Inbox::new`] gives deliveries: `<provider>.webhook`.
pub fn default_kind<V: WebhookVerifier>(verifier: &V) -> String {
    format!("{}.webhook", verifier.provider())
}

impl<V, Q> Inbox<V, Q>
where
    V: WebhookVerifier + 'static,
    Q: Queue + 'static,
{
    /// An inbox storing each verified body as a job of kind `<provider>.webhook`,
    /// deduplicated on `<provider>:<delivery id>` when the provider sends an id.
    pub fn new(verifier: Arc<V>, queue: Arc<Q>) -> Self {
        let kind = default_kind(verifier.as_ref());
        let provider = verifier.provider();
        let to_job = move |output: &V::Output| {
            let delivery = output.as_ref();
            let job = NewJob::new(kind.clone(), delivery.body().clone());
            match delivery.id() {
                Some(id) => job.with_dedup_key(format!("{provider}:{id}")),
                None => job,
            }
        };
        Self {
            verifier,
            queue,
            to_job: Arc::new(to_job),
            monitor: None,
            body_timeout: BODY_TIMEOUT,
        }
    }

    /// How long to wait for a request's whole body once its headers are in (default
    /// [`BODY_TIMEOUT`], 30 s); a slower sender is answered `408` and its connection closed.
    /// A zero duration is taken as one millisecond.
    pub fn with_body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// Builds the job from the verified delivery with `to_job` instead: choose the kind
    /// (e.g. from the topic), the payload, the dedup key and the attempts. The job's kind
    /// is also the topic the monitor counts the delivery under.
    pub fn with_job(
        mut self,
        to_job: impl Fn(&V::Output) -> NewJob + Send + Sync + 'static,
    ) -> Self {
        self.to_job = Arc::new(to_job);
        self
    }

    /// Counts every delivery, rejection and duplicate in `monitor`.
    pub fn with_monitor(mut self, monitor: Arc<Monitor>) -> Self {
        monitor.register(self.verifier.provider());
        self.monitor = Some(monitor);
        self
    }

    /// Verifies and stores one request, and says what became of it.
    pub async fn receive(&self, request: Request) -> Receipt {
        let provider = self.verifier.provider();
        let read = read_and_verify(self.verifier.as_ref(), request, self.body_timeout).await;
        let output = match read {
            Ok(output) => output,
            Err(rejection) => {
                let reason = match (rejection.error(), rejection.status()) {
                    (Some(error), _) => error.reason().as_str(),
                    (None, StatusCode::PAYLOAD_TOO_LARGE) => "body_too_large",
                    (None, StatusCode::REQUEST_TIMEOUT) => "body_timeout",
                    (None, _) => "unreadable_body",
                };
                self.count(
                    &default_kind(self.verifier.as_ref()),
                    DeliveryOutcome::Rejected(reason),
                );
                return Receipt::Rejected(rejection);
            }
        };
        let job = (self.to_job)(&output);
        let kind = job.kind().to_owned();
        match self.queue.enqueue(job).await {
            Ok(Enqueued::New { id, .. }) => {
                self.count(&kind, DeliveryOutcome::Verified);
                Receipt::Stored(id)
            }
            Ok(Enqueued::Duplicate { existing }) => {
                tracing::debug!(%provider, %kind, "duplicate delivery dropped");
                self.count(&kind, DeliveryOutcome::Duplicate);
                Receipt::Duplicate(existing)
            }
            Err(error) => {
                tracing::warn!(%provider, %kind, %error, "verified delivery could not be stored; answering 503");
                self.count(&kind, DeliveryOutcome::Rejected("store_failed"));
                Receipt::StoreFailed(error)
            }
        }
    }

    /// A `POST` route that runs [`receive`](Self::receive) and answers with its receipt.
    pub fn into_route<S: Clone + Send + Sync + 'static>(self) -> MethodRouter<S> {
        post(move |request: Request| async move { self.receive(request).await })
    }

    fn count(&self, topic: &str, outcome: DeliveryOutcome<'_>) {
        if let Some(monitor) = &self.monitor {
            monitor.record_delivery(self.verifier.provider(), topic, outcome);
        }
    }
}

/// What an [`Inbox`] did with one request.
#[derive(Debug)]
#[non_exhaustive]
pub enum Receipt {
    /// Verified and stored as this job. Answered `200 OK`.
    Stored(JobId),
    /// Verified, and a copy of a delivery already taken; nothing was stored. Answered
    /// `200 OK`, so the provider stops sending it. Holds the stored job while it exists.
    Duplicate(Option<JobId>),
    /// Not verified (or unreadable, or too large). Answered with the rejection's status.
    Rejected(Rejection),
    /// Verified, but the queue could not store it. Answered `503`, so the provider retries.
    StoreFailed(QueueError),
}

impl Receipt {
    /// The status the provider is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Stored(_) | Self::Duplicate(_) => StatusCode::OK,
            Self::Rejected(rejection) => rejection.status(),
            Self::StoreFailed(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

impl IntoResponse for Receipt {
    fn into_response(self) -> Response {
        match self {
            // Keeps the rejection's `Connection: close` for a body left unread.
            Self::Rejected(rejection) => rejection.into_response(),
            other => other.status().into_response(),
        }
    }
}

#[cfg(test)]
mod tests;
