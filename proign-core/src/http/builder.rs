//! Building a [`Client`]: base URL, timeouts, auth, retry policy, budget and transport.

use std::sync::Arc;
use std::time::Duration;

use super::budget::RateBudget;
use super::client::Sender;
use super::client::{Client, Inner};
use super::error::{Error, ErrorKind};
use super::profile::ProviderProfile;
use super::transport::{ReqwestTransport, Transport, TransportConfig};
use crate::auth::Auth;
use crate::clock::SharedClock;
use crate::retry::RetryPolicy;

#[cfg(doc)]
use super::client::DEFAULT_TIMEOUT;

/// Settings for a [`Client`]; see [`Client::builder`].
#[must_use]
pub struct ClientBuilder {
    pub(super) profile: Arc<dyn ProviderProfile>,
    pub(super) base_url: Option<String>,
    pub(super) auth: Auth,
    pub(super) retry: RetryPolicy,
    pub(super) timeout: Duration,
    pub(super) transport_config: TransportConfig,
    pub(super) transport: Option<Arc<dyn Transport>>,
    pub(super) budget: Option<Arc<dyn RateBudget>>,
    pub(super) clock: SharedClock,
}

impl ClientBuilder {
    /// Sets the base URL, overriding `PROIGN_<PROVIDER>_BASE_URL` and the provider default.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sets how requests are authenticated.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets the total time of one attempt ([`DEFAULT_TIMEOUT`] unless set; never zero).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the connect timeout (10 s unless set; never zero).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport_config.connect_timeout = timeout;
        self
    }

    /// Appends the host's own product token to the `User-Agent`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.transport_config.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Sets the largest response body accepted.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.transport_config.max_body_bytes = limit;
        self
    }

    /// Sends through `transport` instead of a new connection pool (share one pool between
    /// clients, or script responses in tests). The connect timeout and user agent are then
    /// the transport's own.
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Waits for `budget` before every attempt.
    pub fn budget(mut self, budget: Arc<dyn RateBudget>) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Reads the time (for `Retry-After` dates) from `clock`.
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let provider = self.profile.provider();
        let config_error =
            |what: String| Error::new(provider, "build_client", ErrorKind::Configuration(what));
        if self.timeout.is_zero() || self.transport_config.connect_timeout.is_zero() {
            return Err(config_error("timeouts must be longer than zero".into()));
        }
        let from_env = std::env::var(base_url_variable(provider.as_str())).ok();
        let raw = choose_base_url(self.base_url, from_env, self.profile.default_base_url());
        let base_url = parse_base_url(&raw).map_err(config_error)?;
        let transport = match self.transport {
            Some(transport) => Sender::Other(transport),
            None => {
                Sender::Reqwest(ReqwestTransport::new(&self.transport_config).map_err(|e| {
                    config_error("the HTTP client could not be set up".into()).with_source(e)
                })?)
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                profile: self.profile,
                base_url,
                auth: self.auth,
                retry: self.retry,
                timeout: self.timeout,
                transport,
                budget: self.budget,
                clock: self.clock,
            }),
        })
    }
}

/// `PROIGN_<PROVIDER>_BASE_URL`, the variable that points a client at another server.
pub fn base_url_variable(provider: &str) -> String {
    format!("PROIGN_{}_BASE_URL", provider.to_ascii_uppercase())
}

/// Configuration first, then the environment variable (if not blank), then the default.
fn choose_base_url(configured: Option<String>, from_env: Option<String>, default: &str) -> String {
    match (configured, from_env) {
        (Some(url), _) => url,
        (None, Some(url)) if !url.trim().is_empty() => url,
        _ => default.to_owned(),
    }
}

fn parse_base_url(raw: &str) -> Result<String, String> {
    let url = url::Url::parse(raw.trim()).map_err(|e| format!("base URL is invalid: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("base URL must be http or https".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("base URL must not carry credentials; configure them as a credential".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("base URL must not have a query or fragment".into());
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_then_environment_then_default() {
        let some = |s: &str| Some(s.to_owned());
        let default = "https://api.stripe.com";
        let mock = "http://127.0.0.1:12111";
        assert_eq!(
            choose_base_url(some(mock), some("http://proxy"), default),
            mock
        );
        assert_eq!(choose_base_url(None, some(mock), default), mock);
        assert_eq!(choose_base_url(None, some("  "), default), default);
        assert_eq!(choose_base_url(None, None, default), default);
        assert_eq!(base_url_variable("stripe"), "PROIGN_STRIPE_BASE_URL");
        assert_eq!(parse_base_url("http://127.0.0.1:12111/").unwrap(), mock);
        assert!(parse_base_url("http://x.test/?q=1").is_err());
    }
}
