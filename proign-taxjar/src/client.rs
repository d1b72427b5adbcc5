//! The TaxJar client: configuration and the headers every call carries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue, Method};
use proign_core::auth::{Auth, Credential};
use proign_core::http::{Client, Request, Transport, base_url_variable};
use proign_core::retry::RetryPolicy;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::profile::TaxJarProfile;

/// The API version sent unless configured otherwise.
pub const DEFAULT_API_VERSION: &str = "2022-01-24";

static API_VERSION: HeaderName = HeaderName::from_static("x-api-version");
static EXPECTED_RESPONSE: HeaderName = HeaderName::from_static("x-tj-expected-response");

/// Which TaxJar environment a client talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Environment {
    /// Production, `https://api.taxjar.com`.
    #[default]
    Production,
    /// The sandbox, `https://api.sandbox.taxjar.com`.
    Sandbox,
}

impl Environment {
    /// The environment's base URL (without `/v2`).
    pub fn base_url(self) -> &'static str {
        match self {
            Self::Production => "https://api.taxjar.com",
            Self::Sandbox => "https://api.sandbox.taxjar.com",
        }
    }
}

/// What a [`TaxJarClient`] needs: the API key and where to send calls.
#[derive(Clone)]
pub struct TaxJarConfig {
    key: Credential,
    environment: Environment,
    base_url: Option<String>,
    api_version: Option<String>,
    expected_response: Option<u16>,
    timeout: Duration,
    retry: RetryPolicy,
    transport: Option<Arc<dyn Transport>>,
}

impl fmt::Debug for TaxJarConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaxJarConfig")
            .field("key", &self.key)
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("expected_response", &self.expected_response)
            .finish_non_exhaustive()
    }
}

impl TaxJarConfig {
    /// Production with `key`, API version [`DEFAULT_API_VERSION`], the core's retry policy
    /// and a 30 s timeout per attempt.
    pub fn new(key: Credential) -> Self {
        Self {
            key,
            environment: Environment::Production,
            base_url: None,
            api_version: Some(DEFAULT_API_VERSION.to_owned()),
            expected_response: None,
            timeout: proign_core::http::DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            transport: None,
        }
    }

    /// Selects production or the sandbox.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// Sends calls to `url` (a simulator, a proxy) instead of the environment's.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The `x-api-version` header; `None` sends none (the account's default version).
    pub fn api_version(mut self, version: Option<&str>) -> Self {
        self.api_version = version.map(str::to_owned);
        self
    }

    /// Sandbox only: asks for this status on every call (`X-TJ-Expected-Response`), to test
    /// error handling.
    pub fn expected_response(mut self, status: u16) -> Self {
        self.expected_response = Some(status);
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

/// A TaxJar API client. Cheap to clone.
#[derive(Clone)]
pub struct TaxJarClient {
    http: Client,
    headers: Arc<Vec<(HeaderName, HeaderValue)>>,
}

impl fmt::Debug for TaxJarClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaxJarClient")
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

impl TaxJarClient {
    /// Builds a client. The base URL is the configured one, else `PROIGN_TAXJAR_BASE_URL`,
    /// else the environment's.
    pub fn new(config: TaxJarConfig) -> Result<Self, Error> {
        let from_env = std::env::var(base_url_variable("taxjar"))
            .ok()
            .filter(|v| !v.trim().is_empty());
        let base = config
            .base_url
            .clone()
            .or(from_env)
            .unwrap_or_else(|| config.environment.base_url().to_owned());
        let base = base.trim().trim_end_matches('/').to_owned();
        let mut headers = Vec::new();
        if let Some(version) = &config.api_version {
            let value = HeaderValue::from_str(version).map_err(|_| Error::InvalidInput {
                what: "API version",
                reason: "not a valid header value".into(),
            })?;
            headers.push((API_VERSION.clone(), value));
        }
        if let Some(status) = config.expected_response {
            headers.push((EXPECTED_RESPONSE.clone(), HeaderValue::from(status)));
        }
        let mut builder = Client::builder(Arc::new(TaxJarProfile::new(base.clone())))
            .base_url(base)
            .auth(Auth::bearer(config.key))
            .timeout(config.timeout)
            .retry(config.retry);
        if let Some(transport) = config.transport {
            builder = builder.transport(transport);
        }
        let http = builder.build()?;
        Ok(Self {
            http,
            headers: Arc::new(headers),
        })
    }

    /// The shared HTTP client.
    pub fn http(&self) -> &Client {
        &self.http
    }

    pub(crate) fn request(&self, method: Method, operation: &'static str, path: &str) -> Request {
        let mut request = Request::new(method, operation, format!("/v2{path}"));
        for (name, value) in self.headers.iter() {
            request = request.header(name.clone(), value.clone());
        }
        request
    }

    pub(crate) fn with_json<T: serde::Serialize + ?Sized>(
        request: Request,
        body: &T,
    ) -> Result<Request, Error> {
        request.json(body).map_err(|e| Error::InvalidInput {
            what: "request body",
            reason: e.to_string(),
        })
    }

    /// Sends `request` and reads the member `field` of the JSON answer as `T`.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        request: Request,
        field: &'static str,
    ) -> Result<T, Error> {
        let response = self.http.send(request).await?;
        let mut body: serde_json::Map<String, serde_json::Value> = response.json()?;
        let Some(value) = body.remove(field) else {
            return Err(Error::Api(response.undecodable(&[])));
        };
        serde_json::from_value(value).map_err(|_| Error::Api(response.undecodable(&[])))
    }
}

/// Percent-encodes one path segment (a transaction id, a postal code).
pub(crate) fn segment(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}
