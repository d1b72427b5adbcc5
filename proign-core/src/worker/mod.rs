//! Runs handlers over a [`Queue`].
//!
//! A [`Worker`] leases jobs, runs the handler registered for each job's kind with bounded
//! concurrency, and records the result: ack on success, a retry after the [`Backoff`] delay
//! (or after the delay the handler asked for, such as a provider's `Retry-After`), or the
//! dead-letter store after the last attempt. While a handler runs, the worker extends its
//! lease, so slow handlers keep their job; if the process dies, the lease runs out and the
//! job runs again elsewhere with the same idempotency key. A handler that panics counts as a
//! failed attempt.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use std::sync::Arc;
//! use std::time::Duration;
//! use proign_core::queue::{MemoryQueue, NewJob, Queue};
//! use proign_core::worker::{ExponentialBackoff, JobError, Worker};
//!
//! let queue = Arc::new(MemoryQueue::new());
//! queue.enqueue(NewJob::new("ups.track", &b"1Z999AA10123456784"[..])).await.unwrap();
//!
//! let worker = Worker::new(queue.clone(), ExponentialBackoff::default())
//!     .handle("ups.track", |job| async move {
//!         if job.payload().is_empty() {
//!             return Err(JobError::permanent("no tracking number"));
//!         }
//!         Ok(())
//!     });
//! // Stop once the queue is empty.
//! let watched = queue.clone();
//! worker.run(async move {
//!     while watched.stats().await.unwrap().depth > 0 {
//!         tokio::time::sleep(Duration::from_millis(5)).await;
//!     }
//! }).await;
//! assert_eq!(queue.stats().await.unwrap().depth, 0);
//! # });
//! ```

mod backoff;
mod run;

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

pub use backoff::{Backoff, ExponentialBackoff};

use crate::queue::{Job, Queue, UnixMillis};

/// Why an attempt failed, as a handler reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError {
    message: String,
    retry_after: Option<Duration>,
    permanent: bool,
}

impl JobError {
    /// A failure worth retrying after the worker's backoff delay.
    pub fn retry(message: impl fmt::Display) -> Self {
        Self {
            message: message.to_string(),
            retry_after: None,
            permanent: false,
        }
    }

    /// A failure worth retrying after `delay` (for instance a provider's `Retry-After`),
    /// however long that is.
    pub fn retry_after(message: impl fmt::Display, delay: Duration) -> Self {
        Self {
            retry_after: Some(delay),
            ..Self::retry(message)
        }
    }

    /// A failure no retry can fix: the job goes to the dead-letter store now.
    pub fn permanent(message: impl fmt::Display) -> Self {
        Self {
            permanent: true,
            ..Self::retry(message)
        }
    }

    /// The message (stored redacted, at most 1 KiB).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The delay the handler asked for, if any.
    pub fn requested_delay(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Whether the job should be dead-lettered without further attempts.
    pub fn is_permanent(&self) -> bool {
        self.permanent
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JobError {}

/// What became of one attempt, as reported to a [`Worker::observe`] callback.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JobOutcome {
    /// The handler succeeded and the job was acknowledged.
    Done,
    /// The attempt failed; the job runs again at this time.
    Retrying {
        /// When.
        at: UnixMillis,
    },
    /// The job is in the dead-letter store.
    DeadLettered,
    /// The worker shut down and gave the job back unfinished.
    Released,
    /// The lease was lost (expired and taken by another worker) before the result was saved.
    LeaseLost,
    /// The queue could not record the result, even after retrying storage errors for one
    /// visibility period; the job comes back when its lease runs out.
    QueueFailed,
}

type BoxFuture = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send>>;
type Handler = Arc<dyn Fn(Job) -> BoxFuture + Send + Sync>;
type Observer = Arc<dyn Fn(&Job, &JobOutcome, Duration) + Send + Sync>;

/// Tuning of a [`Worker`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerConfig {
    /// Handlers running at once (1 to 10,000). Default 8.
    pub concurrency: usize,
    /// How long a lease lasts; it is extended every third of this while a handler runs.
    /// Default 30 s.
    pub visibility: Duration,
    /// The longest wait for new work before asking the queue again. Default 1 s.
    pub poll_interval: Duration,
    /// How long shutdown waits for running handlers before releasing their jobs. Default 30 s.
    pub shutdown_grace: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            concurrency: 8,
            visibility: Duration::from_secs(30),
            poll_interval: Duration::from_secs(1),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// Runs handlers by job kind over a queue. See the [module documentation](self).
pub struct Worker<Q> {
    queue: Arc<Q>,
    backoff: Arc<dyn Backoff>,
    handlers: HashMap<String, Handler>,
    observer: Option<Observer>,
    config: WorkerConfig,
}

impl<Q> fmt::Debug for Worker<Q> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut kinds: Vec<&String> = self.handlers.keys().collect();
        kinds.sort();
        f.debug_struct("Worker")
            .field("kinds", &kinds)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl<Q: Queue> Worker<Q> {
    /// A worker over `queue` that waits `backoff` between attempts.
    pub fn new(queue: Arc<Q>, backoff: impl Backoff) -> Self {
        Self {
            queue,
            backoff: Arc::new(backoff),
            handlers: HashMap::new(),
            observer: None,
            config: WorkerConfig::default(),
        }
    }

    /// Runs `handler` for jobs of `kind`. A job whose kind has no handler is dead-lettered
    /// with an error naming the kind, so one queue should be served by workers that know
    /// all of its kinds.
    pub fn handle<F, Fut>(mut self, kind: impl Into<String>, handler: F) -> Self
    where
        F: Fn(Job) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), JobError>> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |job| Box::pin(handler(job)) as BoxFuture);
        self.handlers.insert(kind.into(), handler);
        self
    }

    /// Calls `observer` after every attempt with the job, its outcome and how long the
    /// handler ran (for the monitor).
    pub fn observe<F>(mut self, observer: F) -> Self
    where
        F: Fn(&Job, &JobOutcome, Duration) + Send + Sync + 'static,
    {
        self.observer = Some(Arc::new(observer));
        self
    }

    /// Sets the tuning.
    pub fn with_config(mut self, config: WorkerConfig) -> Self {
        self.config = WorkerConfig {
            concurrency: config.concurrency.clamp(1, 10_000),
            visibility: config.visibility.max(Duration::from_millis(30)),
            ..config
        };
        self
    }

    /// Works until `shutdown` completes, then stops leasing, waits up to the grace period
    /// for running handlers, and releases the jobs of those still running.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        run::run(self, shutdown).await;
    }
}

#[cfg(test)]
mod tests;
