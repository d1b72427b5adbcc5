//! The UPS client: configuration, OAuth token cache and the headers every call carries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue, Method};
use proign_core::auth::{Auth, ClientCredentials, ClientCredentialsConfig, Credential};
use proign_core::clock::{self, SharedClock};
use proign_core::http::{
    Client, Connect, ErrorKind, Request, ReqwestTransport, Response, Transport, TransportConfig,
    base_url_variable,
};
use proign_core::retry::RetryPolicy;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::profile::UpsProfile;

/// The path of UPS's OAuth token endpoint.
pub const TOKEN_PATH: &str = "/security/v1/oauth/token";

/// The `transactionSrc` sent unless configured otherwise.
pub const DEFAULT_TRANSACTION_SRC: &str = "proign";

static TRANS_ID: HeaderName = HeaderName::from_static("transid");
static TRANSACTION_SRC: HeaderName = HeaderName::from_static("transactionsrc");

/// Which UPS environment a client talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Environment {
    /// The Customer Integration Environment, `https://wwwcie.ups.com`.
    #[default]
    Test,
    /// Production, `https://onlinetools.ups.com`.
    Production,
}

impl Environment {
    /// The environment's base URL (without `/api`).
    pub fn base_url(self) -> &'static str {
        match self {
            Self::Test => "https://wwwcie.ups.com",
            Self::Production => "https://onlinetools.ups.com",
        }
    }
}

/// What a [`UpsClient`] needs: the OAuth client credentials and where to send calls.
///
/// The base URL is the configured one, else `PROIGN_UPS_BASE_URL`, else the environment's.
#[derive(Clone)]
pub struct UpsConfig {
    client_id: String,
    client_secret: Credential,
    environment: Environment,
    base_url: Option<String>,
    transaction_src: String,
    timeout: Duration,
    retry: RetryPolicy,
    token_retry: Option<RetryPolicy>,
    clock: SharedClock,
}

impl fmt::Debug for UpsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpsConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("transaction_src", &self.transaction_src)
            .finish_non_exhaustive()
    }
}

impl UpsConfig {
    /// Client credentials for the test environment, with the core's default retry policy
    /// and a 30 s timeout per attempt.
    pub fn new(client_id: impl Into<String>, client_secret: Credential) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret,
            environment: Environment::Test,
            base_url: None,
            transaction_src: DEFAULT_TRANSACTION_SRC.to_owned(),
            timeout: proign_core::http::DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            token_retry: None,
            clock: clock::system(),
        }
    }

    /// Selects the test or production environment.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// Sends every call, the token request included, to `url` (a simulator, a proxy).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The `transactionSrc` header: the name of the calling application.
    pub fn transaction_src(mut self, source: impl Into<String>) -> Self {
        self.transaction_src = source.into();
        self
    }

    /// The total time of one attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The retry policy of API calls.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The retry policy of one token fetch (two attempts unless set).
    pub fn token_retry(mut self, policy: RetryPolicy) -> Self {
        self.token_retry = Some(policy);
        self
    }

    /// The clock token expiry is measured against.
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }
}

/// A UPS API client. Cheap to clone; clones share the connection pool and the token cache,
/// so the cache is per client id, environment and base URL.
#[derive(Clone)]
pub struct UpsClient {
    http: Client,
    tokens: Arc<ClientCredentials>,
    transaction_src: HeaderValue,
}

impl fmt::Debug for UpsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpsClient")
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

impl UpsClient {
    /// Builds a client; no call is made until the first operation.
    pub fn new(config: UpsConfig) -> Result<Self, Error> {
        let transport: Arc<dyn Transport> = Arc::new(
            ReqwestTransport::new(&TransportConfig::default()).map_err(|e| {
                Error::InvalidInput {
                    what: "HTTP setup",
                    reason: e.to_string(),
                }
            })?,
        );
        Self::with_transport(config, transport)
    }

    /// Builds a client that sends through `transport` (a shared pool).
    pub fn with_transport(config: UpsConfig, transport: Arc<dyn Transport>) -> Result<Self, Error> {
        let from_env = std::env::var(base_url_variable("ups"))
            .ok()
            .filter(|v| !v.trim().is_empty());
        let base = config
            .base_url
            .clone()
            .or(from_env)
            .unwrap_or_else(|| config.environment.base_url().to_owned());
        let base = base.trim().trim_end_matches('/').to_owned();
        let transaction_src =
            HeaderValue::from_str(&config.transaction_src).map_err(|_| Error::InvalidInput {
                what: "transactionSrc",
                reason: "not a valid header value".into(),
            })?;
        let profile = Arc::new(UpsProfile::new(base.clone()));
        let mut oauth = ClientCredentialsConfig::new(
            format!("{base}{TOKEN_PATH}"),
            config.client_id.clone(),
            config.client_secret.clone(),
        );
        oauth.timeout = config.timeout;
        if let Some(policy) = config.token_retry {
            oauth.retry = policy;
        }
        let tokens = Arc::new(ClientCredentials::new(
            oauth,
            profile.clone(),
            transport.clone(),
            config.clock.clone(),
        ));
        let http = Client::builder(profile)
            .base_url(base)
            .auth(Auth::oauth(tokens.clone()))
            .retry(config.retry)
            .timeout(config.timeout)
            .transport(transport)
            .clock(config.clock)
            .build()?;
        Ok(Self {
            http,
            tokens,
            transaction_src,
        })
    }

    /// Builds a client and proves its credentials by fetching the first token, which is
    /// then cached for the calls that follow. Refused credentials are an authentication
    /// error ([`Error::is_authentication`]).
    pub async fn connect(config: UpsConfig) -> Result<Self, Error> {
        let client = Self::new(config)?;
        client.tokens.token().await?;
        Ok(client)
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        self.http.base_url()
    }

    /// A request with the `transId` (fresh per call, 32 characters) and `transactionSrc`
    /// headers UPS asks for.
    pub(crate) fn request(
        &self,
        method: Method,
        operation: &'static str,
        path: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Request {
        let trans_id = uuid::Uuid::new_v4().simple().to_string();
        let trans_id = HeaderValue::from_str(&trans_id).unwrap_or(HeaderValue::from_static("0"));
        Request::new(method, operation, path)
            .header(TRANS_ID.clone(), trans_id)
            .header(TRANSACTION_SRC.clone(), self.transaction_src.clone())
    }

    /// A JSON request.
    pub(crate) fn json_request(
        &self,
        operation: &'static str,
        path: impl Into<std::borrow::Cow<'static, str>>,
        body: &serde_json::Value,
    ) -> Result<Request, Error> {
        self.request(Method::POST, operation, path)
            .json(body)
            .map_err(|e| Error::InvalidInput {
                what: "request body",
                reason: e.to_string(),
            })
    }

    /// Sends and returns the raw response.
    pub(crate) async fn send(&self, request: Request) -> Result<Response, Error> {
        Ok(self.http.send(request).await?)
    }

    /// Sends and decodes the JSON answer.
    pub(crate) async fn call<T: DeserializeOwned>(&self, request: Request) -> Result<T, Error> {
        let response = self.send(request).await?;
        Ok(response.json()?)
    }
}

impl Connect for UpsClient {
    type Config = UpsConfig;

    async fn connect(config: UpsConfig) -> Result<Self, proign_core::http::Error> {
        UpsClient::connect(config).await.map_err(|e| match e {
            Error::Api(e) => e,
            other => proign_core::http::Error::new(
                proign_core::Provider::Ups,
                "connect",
                ErrorKind::Configuration(other.to_string()),
            ),
        })
    }
}

/// Percent-encodes one path segment.
pub(crate) fn segment(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[cfg(test)]
mod tests {
    use proign_core::secret::Secret;

    use super::*;

    #[test]
    fn environments_and_configured_base_url() {
        assert_eq!(Environment::Test.base_url(), "https://wwwcie.ups.com");
        assert_eq!(
            Environment::Production.base_url(),
            "https://onlinetools.ups.com"
        );
        let secret = Credential::new(Secret::new("prgn-client-secret").unwrap());
        let config = UpsConfig::new("prgn-client-id", secret).base_url("http://127.0.0.1:9/");
        assert!(!format!("{config:?}").contains("prgn-client-secret"));
        let client = UpsClient::new(config).unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9");
        let bad = UpsConfig::new("prgn-client-id", Credential::new(Secret::new("x").unwrap()))
            .transaction_src("bad\nvalue");
        assert!(matches!(
            UpsClient::new(bad),
            Err(Error::InvalidInput { .. })
        ));
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(segment("1Z/../x"), "1Z%2F%2E%2E%2Fx");
    }
}
