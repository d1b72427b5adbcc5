//! Errors of the queue and its stores.

use super::JobId;

/// Why a queue operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QueueError {
    /// The lease expired and the job was leased again (or finished); this worker no longer
    /// holds it.
    #[error("job {id} is no longer held by this lease")]
    LeaseLost {
        /// The job.
        id: JobId,
    },
    /// The job breaks a limit.
    #[error("invalid job: {what}")]
    InvalidJob {
        /// The limit broken.
        what: &'static str,
    },
    /// A bounded in-memory store is full.
    #[error("the queue is full ({capacity} jobs)")]
    Full {
        /// Its capacity.
        capacity: usize,
    },
    /// A stored value could not be read back (a corrupt row or a foreign schema).
    #[error("stored {what} is not valid")]
    Corrupt {
        /// What was read.
        what: &'static str,
    },
    /// A configuration value is not acceptable.
    #[error("invalid configuration: {what}")]
    Config {
        /// What is wrong.
        what: &'static str,
    },
    /// The database failed (connection, disk full, constraint, …).
    #[error("queue storage failed while trying to {action}")]
    Storage {
        /// What the queue was doing.
        action: &'static str,
        /// The driver's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
}

impl QueueError {
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    pub(crate) fn storage(action: &'static str) -> impl FnOnce(sqlx::Error) -> Self {
        move |source| Self::Storage {
            action,
            source: Box::new(source),
        }
    }
}
