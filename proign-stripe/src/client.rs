//! The billing client: keys, API version, Connect account and per-request options.

use std::sync::Arc;
use std::time::Duration;

use http::Method;
use http::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue};
use proign_core::auth::{Auth, Credential};
use proign_core::http::{self as core_http, Connect, CredentialSource, RateBudget, RequestRate};
use proign_core::idempotency::IdempotencyKey;
use proign_core::retry::RetryPolicy;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::form::to_form;
use crate::profile::StripeProfile;

/// The API version this crate's types are written against; sent as `Stripe-Version`.
pub const API_VERSION: &str = "2026-11-18.endive";

const FORM: &str = "application/x-www-form-urlencoded";

/// Options for one call.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RequestOptions {
    /// The idempotency key for a `POST` (for example the one stored with a queued job);
    /// a fresh key is chosen when none is given. Ignored for `GET` and `DELETE`.
    pub idempotency_key: Option<IdempotencyKey>,
    /// Fields to expand in the answer, appended after the parameters as `expand[n]`.
    pub expand: Vec<String>,
    /// The connected account (`Stripe-Account`), overriding the client's.
    pub account: Option<String>,
    /// The total time of each attempt, overriding the client's.
    pub timeout: Option<Duration>,
    /// The `Stripe-Version`, overriding the client's.
    pub api_version: Option<String>,
}

impl RequestOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses `key` as the idempotency key.
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Expands `field` in the answer.
    pub fn expand(mut self, field: impl Into<String>) -> Self {
        self.expand.push(field.into());
        self
    }

    /// Acts on behalf of the connected account `account`.
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    /// Bounds each attempt by `timeout`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends `version` as `Stripe-Version`.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }
}

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

/// A Stripe API client. Cheap to clone; clones share the connection pool and budget.
///
/// Resource operations live on handles: [`Client::customers`], [`Client::invoices`],
/// [`Client::payment_intents`] and the others; [`Client::post`], [`Client::get`] and
/// [`Client::delete`] reach any other endpoint with the same encoding and retry rules.
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) http: core_http::Client,
    api_version: String,
    account: Option<String>,
    live: bool,
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

    /// Whether the key is a live-mode key.
    pub fn is_live(&self) -> bool {
        self.live
    }

    /// The `Stripe-Version` sent by default.
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.http.base_url()
    }

    /// `POST`s `params` form-encoded to `path` and decodes the answer.
    pub async fn post<P, T>(
        &self,
        operation: &'static str,
        path: &str,
        params: &P,
        options: &RequestOptions,
    ) -> Result<T, Error>
    where
        P: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let body = with_expand(to_form(params)?, &options.expand);
        let request = self
            .request(Method::POST, operation, path.to_owned(), Some(options))?
            .body(body, FORM);
        self.call(request).await
    }

    /// `GET`s `path` with `params` in the query string and decodes the answer.
    pub async fn get<P, T>(
        &self,
        operation: &'static str,
        path: &str,
        params: &P,
        options: &RequestOptions,
    ) -> Result<T, Error>
    where
        P: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        self.without_body(Method::GET, operation, path, params, options)
            .await
    }

    /// `DELETE`s `path` with `params` in the query string and decodes the answer.
    pub async fn delete<P, T>(
        &self,
        operation: &'static str,
        path: &str,
        params: &P,
        options: &RequestOptions,
    ) -> Result<T, Error>
    where
        P: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        self.without_body(Method::DELETE, operation, path, params, options)
            .await
    }

    /// `POST`s `body` as JSON (the v2 API) and decodes the answer.
    pub async fn post_json<P, T>(
        &self,
        operation: &'static str,
        path: &str,
        body: &P,
        options: &RequestOptions,
    ) -> Result<T, Error>
    where
        P: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let request = self
            .request(Method::POST, operation, path.to_owned(), Some(options))?
            .json(body)
            .map_err(|e| {
                Error::Configuration(format!("the JSON body could not be written: {e}"))
            })?;
        self.call(request).await
    }

    async fn without_body<P, T>(
        &self,
        method: Method,
        operation: &'static str,
        path: &str,
        params: &P,
        options: &RequestOptions,
    ) -> Result<T, Error>
    where
        P: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let query = with_expand(crate::form::to_query(params)?, &options.expand);
        let target = if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        };
        let request = self
            .request(method, operation, target, Some(options))?
            .header(CONTENT_TYPE, HeaderValue::from_static(FORM));
        self.call(request).await
    }

    /// A request with Stripe's headers; the query, if any, is already in `target`, encoded
    /// the way Stripe's libraries encode it.
    pub(crate) fn request(
        &self,
        method: Method,
        operation: &'static str,
        target: String,
        options: Option<&RequestOptions>,
    ) -> Result<core_http::Request, Error> {
        let default = RequestOptions::default();
        let options = options.unwrap_or(&default);
        let version = options.api_version.as_deref().unwrap_or(&self.api_version);
        let mut request = core_http::Request::new(method.clone(), operation, target)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(
                HeaderName::from_static("stripe-version"),
                header_value(version)?,
            );
        if let Some(account) = options.account.as_ref().or(self.account.as_ref()) {
            request = request.header(
                HeaderName::from_static("stripe-account"),
                header_value(account)?,
            );
        }
        if let (Some(key), true) = (&options.idempotency_key, method == Method::POST) {
            request = request.idempotency_key(key.clone());
        }
        if let Some(timeout) = options.timeout {
            request = request.timeout(timeout);
        }
        Ok(request)
    }

    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        request: core_http::Request,
    ) -> Result<T, Error> {
        let operation = request.operation();
        let response = self.http.send(request).await.map_err(Error::from_http)?;
        serde_json::from_slice(response.body())
            .map_err(|source| Error::Decode { operation, source })
    }
}

fn header_value(text: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(text)
        .map_err(|_| Error::Configuration(format!("{text:?} is not a valid header value")))
}

/// Appends `expand[n]=field` pairs, numbered after any the parameters already carry.
fn with_expand(mut encoded: String, expand: &[String]) -> String {
    if expand.is_empty() {
        return encoded;
    }
    let taken = encoded
        .split('&')
        .filter(|pair| pair.starts_with("expand["))
        .count();
    let appended: Vec<String> = expand
        .iter()
        .enumerate()
        .map(|(i, field)| format!("expand[{}]={}", i + taken, crate::form::encode(field)))
        .collect();
    let appended = appended.join("&");
    if !encoded.is_empty() && !appended.is_empty() {
        encoded.push('&');
    }
    encoded.push_str(&appended);
    encoded
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

    #[test]
    fn expand_is_numbered_after_the_parameters() {
        let expand = vec!["a.b".to_owned(), "c d".to_owned()];
        assert_eq!(
            with_expand(String::new(), &expand),
            "expand[0]=a.b&expand[1]=c%20d"
        );
        assert_eq!(
            with_expand("x=1&expand[0]=y".into(), &expand[..1]),
            "x=1&expand[0]=y&expand[1]=a.b"
        );
    }
}
