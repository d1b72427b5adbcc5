//! A failed step attempt, from whichever provider, as the worker needs it: the message,
//! whether trying again can help, and the delay the provider asked for.

use std::time::Duration;

use proign::core::worker::JobError;

/// Why a step attempt failed.
#[derive(Debug)]
pub(crate) struct StepFailure {
    message: String,
    retryable: bool,
    retry_after: Option<Duration>,
}

impl StepFailure {
    /// A failure worth another attempt.
    pub(crate) fn retry(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retryable: true,
            retry_after: None,
        }
    }

    /// A failure no retry can fix.
    pub(crate) fn fatal(message: impl Into<String>) -> Self {
        Self {
            retryable: false,
            ..Self::retry(message)
        }
    }

    fn from_http(
        message: String,
        retryable: bool,
        http: Option<&proign::core::http::Error>,
    ) -> Self {
        Self {
            message,
            retryable,
            retry_after: http.and_then(|e| e.retry_after()),
        }
    }

    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn is_retryable(&self) -> bool {
        self.retryable
    }

    pub(crate) fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The worker's error: a retry after `delay`, or a dead letter.
    pub(crate) fn into_job_error(self, delay: Duration) -> JobError {
        if self.retryable {
            JobError::retry_after(self.message, delay)
        } else {
            JobError::permanent(self.message)
        }
    }
}

impl From<proign::ups::Error> for StepFailure {
    fn from(e: proign::ups::Error) -> Self {
        Self::from_http(e.to_string(), e.is_retryable(), e.as_http())
    }
}

impl From<proign::taxjar::Error> for StepFailure {
    fn from(e: proign::taxjar::Error) -> Self {
        Self::from_http(e.to_string(), e.is_retryable(), None)
    }
}

impl From<proign::shopify::Error> for StepFailure {
    fn from(e: proign::shopify::Error) -> Self {
        let http = match &e {
            proign::shopify::Error::Http(source) => Some(source),
            _ => None,
        };
        Self::from_http(e.to_string(), e.is_retryable(), http)
    }
}

impl From<proign::stripe::Error> for StepFailure {
    fn from(e: proign::stripe::Error) -> Self {
        Self::from_http(e.to_string(), e.is_retryable(), e.http())
    }
}

impl From<proign::resend::Error> for StepFailure {
    fn from(e: proign::resend::Error) -> Self {
        let http = match &e {
            proign::resend::Error::Api { source, .. } | proign::resend::Error::Http(source) => {
                Some(source)
            }
            _ => None,
        };
        let (retryable, after) = (e.is_retryable(), http.and_then(|h| h.retry_after()));
        Self {
            message: e.to_string(),
            retryable,
            retry_after: after,
        }
    }
}

impl From<proign::turnstile::Error> for StepFailure {
    fn from(e: proign::turnstile::Error) -> Self {
        let http = match &e {
            proign::turnstile::Error::Http(source) => Some(source),
            _ => None,
        };
        let retryable = http.is_some_and(|h| h.is_retryable());
        Self::from_http(e.to_string(), retryable, http)
    }
}
