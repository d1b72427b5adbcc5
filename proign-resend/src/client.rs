//! The Resend sending client.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use proign_core::auth::{Auth, Credential};
use proign_core::http::{Client, RateBudget, Request, RequestRate, Transport, base_url_variable};
use proign_core::retry::RetryPolicy;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::profile::{DEFAULT_BASE_URL, ResendProfile};

/// What a [`ResendClient`] needs: the API key, the rate budget and where to send calls.
#[derive(Clone)]
pub struct ResendConfig {
    key: Credential,
    base_url: Option<String>,
    timeout: Duration,
    retry: RetryPolicy,
    transport: Option<Arc<dyn Transport>>,
    budget: Option<Arc<dyn RateBudget>>,
    per_second: NonZeroU32,
}

impl fmt::Debug for ResendConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResendConfig")
            .field("key", &self.key)
            .field("base_url", &self.base_url)
            .field("per_second", &self.per_second)
            .finish_non_exhaustive()
    }
}

impl ResendConfig {
    /// `key`, Resend's default budget of 2 requests per second, the core's retry policy and
    /// a 30 s timeout per attempt.
    pub fn new(key: Credential) -> Self {
        Self {
            key,
            base_url: None,
            timeout: proign_core::http::DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            transport: None,
            budget: None,
            per_second: NonZeroU32::new(2).unwrap_or(NonZeroU32::MIN),
        }
    }

    /// Sends calls to `url` (a simulator, a proxy) instead of Resend.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The team's rate limit, when Resend raised it.
    pub fn requests_per_second(mut self, per_second: NonZeroU32) -> Self {
        self.per_second = per_second;
        self
    }

    /// A budget shared with other clients of the same team (replaces the per-second one).
    pub fn budget(mut self, budget: Arc<dyn RateBudget>) -> Self {
        self.budget = Some(budget);
        self
    }

    /// The time one attempt may take.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sends through `transport` instead of a new connection pool (a pool shared with other
    /// clients, or a scripted transport that needs no sockets).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }
}

/// A Resend API client. Cheap to clone; clones share the rate budget.
#[derive(Clone)]
pub struct ResendClient {
    http: Client,
}

impl fmt::Debug for ResendClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResendClient")
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

impl ResendClient {
    /// Builds a client. The base URL is the configured one, else `PROIGN_RESEND_BASE_URL`,
    /// else Resend's.
    pub fn new(config: ResendConfig) -> Result<Self, Error> {
        let from_env = std::env::var(base_url_variable("resend"))
            .ok()
            .filter(|v| !v.trim().is_empty());
        let base = config
            .base_url
            .clone()
            .or(from_env)
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        let base = base.trim().trim_end_matches('/').to_owned();
        let budget = config
            .budget
            .unwrap_or_else(|| Arc::new(RequestRate::per_second(config.per_second)));
        let mut builder = Client::builder(Arc::new(ResendProfile::new(base.clone())))
            .base_url(base)
            .auth(Auth::bearer(config.key))
            .timeout(config.timeout)
            .retry(config.retry)
            .budget(budget);
        if let Some(transport) = config.transport {
            builder = builder.transport(transport);
        }
        let http = builder.build()?;
        Ok(Self { http })
    }

    /// The shared HTTP client.
    pub fn http(&self) -> &Client {
        &self.http
    }

    pub(crate) async fn call<T: DeserializeOwned>(&self, request: Request) -> Result<T, Error> {
        let response = self.http.send(request).await?;
        Ok(response.json()?)
    }
}
