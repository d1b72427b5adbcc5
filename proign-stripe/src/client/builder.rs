//! Building a [`Client`]: key checks, version, account, budget and `connect`.

use std::sync::Arc;
use std::time::Duration;

use http::Method;
use proign_core::auth::{Auth, Credential};
use proign_core::http::{
    self as core_http, Connect, CredentialSource, RateBudget, RequestRate, Transport,
};
use proign_core::retry::RetryPolicy;

use super::{API_VERSION, Client};
use crate::error::Error;
use crate::profile::StripeProfile;

#[cfg(doc)]
use super::RequestOptions;

/// Settings for a [`Client`]; see [`Client::builder`].
#[must_use]
pub struct ClientBuilder {
    key: Credential,
    api_version: String,
    account: Option<String>,
    inner: core_http::ClientBuilder,
    budget: bool,
}

impl ClientBuilder {
    /// Sends `version` as `Stripe-Version` instead of [`API_VERSION`].
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// Acts on behalf of a connected account on every call (`Stripe-Account`).
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    /// Sends to `url` instead of `PROIGN_STRIPE_BASE_URL` or the production API.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.inner = self.inner.base_url(url);
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.inner = self.inner.retry(policy);
        self
    }

    /// Sets the total time of one attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.inner = self.inner.timeout(timeout);
        self
    }

    /// Keeps within Stripe's rate limit on the client side: 100 requests a second with a
    /// live key, 25 with a test key.
    pub fn rate_budget(mut self) -> Self {
        self.budget = true;
        self
    }

    /// Waits for `budget` before every attempt (share one between clients of an account).
    pub fn budget(mut self, budget: Arc<dyn RateBudget>) -> Self {
        self.inner = self.inner.budget(budget);
        self
    }

    /// Reads the time from `clock` (for `Retry-After` dates).
    pub fn clock(mut self, clock: proign_core::clock::SharedClock) -> Self {
        self.inner = self.inner.clock(clock);
        self
    }

    /// Sends through `transport` instead of a new connection pool (a pool shared with other
    /// clients, or a scripted transport that needs no sockets).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.inner = self.inner.transport(transport);
        self
    }

    /// Checks the key's kind and builds the client, without calling Stripe.
    pub fn build(self) -> Result<Client, Error> {
        let live = check_key(self.key.secret().expose())?;
        let mut inner = self.inner.auth(Auth::bearer(self.key));
        if self.budget {
            let rate = if live {
                RequestRate::stripe_live()
            } else {
                RequestRate::stripe_test()
            };
            inner = inner.budget(Arc::new(rate));
        }
        Ok(Client {
            http: inner.build().map_err(Error::Http)?,
            api_version: self.api_version,
            account: self.account,
            live,
        })
    }

    /// Builds the client and proves the key with one cheap call (`GET /v1/balance`).
    /// A restricted key needs read access to the balance for this check.
    pub async fn connect(self) -> Result<Client, Error> {
        let client = self.build()?;
        let request = client.request(Method::GET, "check_key", "/v1/balance".into(), None);
        client
            .http
            .verify_credentials(request?)
            .await
            .map_err(Error::from_http)?;
        Ok(client)
    }
}

impl Client {
    /// Starts a client with `key`, a secret (`sk_…`) or restricted (`rk_…`) key.
    pub fn builder(key: Credential) -> ClientBuilder {
        ClientBuilder {
            key,
            api_version: API_VERSION.to_owned(),
            account: None,
            inner: core_http::Client::builder(Arc::new(StripeProfile)),
            budget: false,
        }
    }
}

/// Whether a key may call the API, and whether it is a live key.
fn check_key(key: &str) -> Result<bool, Error> {
    if key.starts_with("sk_") || key.starts_with("rk_") {
        return Ok(key.starts_with("sk_live_") || key.starts_with("rk_live_"));
    }
    Err(Error::KeyRefused(if key.starts_with("pk_") {
        "publishable key (pk_…)"
    } else if key.starts_with("whsec_") {
        "webhook signing secret (whsec_…)"
    } else {
        "value that is not a Stripe API key"
    }))
}

/// How [`Client`] is configured through [`Connect`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// Where the secret or restricted key is read from.
    pub key: CredentialSource,
    /// `Stripe-Version` ([`API_VERSION`] when `None`).
    pub api_version: Option<String>,
    /// A connected account for every call.
    pub account: Option<String>,
    /// Another server (a simulator).
    pub base_url: Option<String>,
    /// Whether to keep within Stripe's rate limit on the client side.
    pub rate_budget: bool,
}

impl Config {
    /// The key from `source`, everything else default.
    pub fn new(key: CredentialSource) -> Self {
        Self {
            key,
            api_version: None,
            account: None,
            base_url: None,
            rate_budget: false,
        }
    }
}

impl Connect for Client {
    type Config = Config;

    async fn connect(config: Config) -> Result<Self, core_http::Error> {
        let provider = proign_core::Provider::Stripe;
        let key = config.key.load().map_err(|e| {
            let kind =
                core_http::ErrorKind::Configuration("the Stripe key could not be loaded".into());
            core_http::Error::new(provider, "connect", kind).with_source(e)
        })?;
        let mut builder = Client::builder(key);
        if let Some(version) = config.api_version {
            builder = builder.api_version(version);
        }
        if let Some(account) = config.account {
            builder = builder.account(account);
        }
        if let Some(url) = config.base_url {
            builder = builder.base_url(url);
        }
        if config.rate_budget {
            builder = builder.rate_budget();
        }
        builder.connect().await.map_err(|e| match e {
            Error::Api { source, .. } | Error::Http(source) => source,
            other => {
                let kind = core_http::ErrorKind::Configuration(other.to_string());
                core_http::Error::new(provider, "connect", kind)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_secret_and_restricted_keys_are_accepted() {
        assert!(!check_key("sk_test_x").unwrap());
        assert!(check_key("rk_live_x").unwrap());
        let pk = check_key("pk_test_x").unwrap_err();
        assert!(pk.to_string().contains("publishable key"), "{pk}");
        let wh = check_key("whsec_x").unwrap_err();
        assert!(wh.to_string().contains("webhook signing secret"), "{wh}");
        assert!(matches!(check_key("x"), Err(Error::KeyRefused(_))));
    }
}
