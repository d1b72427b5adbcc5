//! The `siteverify` client.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use proign_core::http::{Client, Request, Transport, base_url_variable};
use proign_core::retry::RetryPolicy;
use proign_core::secret::Secret;

use crate::error::Error;
use crate::outcome::{ErrorCode, Outcome};
use crate::profile::{DEFAULT_BASE_URL, TurnstileProfile};

/// The path of the `siteverify` endpoint.
pub const SITEVERIFY_PATH: &str = "/turnstile/v0/siteverify";

/// The longest token Cloudflare accepts; longer ones are refused before any call.
pub const MAX_TOKEN_LEN: usize = 2048;

/// What a [`TurnstileClient`] needs: the secret key, and the checks to apply.
#[derive(Clone)]
pub struct TurnstileConfig {
    secret: Secret,
    base_url: Option<String>,
    timeout: Duration,
    retry: RetryPolicy,
    transport: Option<Arc<dyn Transport>>,
    expected_hostname: Option<String>,
    expected_action: Option<String>,
}

impl fmt::Debug for TurnstileConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TurnstileConfig")
            .field("secret", &self.secret)
            .field("base_url", &self.base_url)
            .field("expected_hostname", &self.expected_hostname)
            .field("expected_action", &self.expected_action)
            .finish_non_exhaustive()
    }
}

impl TurnstileConfig {
    /// A configuration with the widget's secret key, a 10 s timeout and the core's retry
    /// policy.
    pub fn new(secret: Secret) -> Self {
        Self {
            secret,
            base_url: None,
            timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            transport: None,
            expected_hostname: None,
            expected_action: None,
        }
    }

    /// Sends calls to `url` (a simulator, a proxy) instead of Cloudflare.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
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

    /// Refuses valid tokens solved on another hostname.
    pub fn expected_hostname(mut self, hostname: impl Into<String>) -> Self {
        self.expected_hostname = Some(hostname.into());
        self
    }

    /// Refuses valid tokens issued for another action.
    pub fn expected_action(mut self, action: impl Into<String>) -> Self {
        self.expected_action = Some(action.into());
        self
    }
}

/// One token to check, with its idempotency key.
///
/// The key (a random UUID) is chosen when the value is made and sent on every attempt, so
/// keep the value and pass it again when a whole check is repeated.
#[derive(Debug, Clone)]
pub struct Verify {
    token: String,
    remote_ip: Option<String>,
    idempotency_key: String,
}

impl Verify {
    /// A check of `token` (the widget's `cf-turnstile-response`) with a fresh key.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: token.into(),
            remote_ip: None,
            idempotency_key: uuid::Uuid::new_v4().to_string(),
        }
    }

    /// The visitor's IP address.
    pub fn remote_ip(mut self, ip: impl Into<String>) -> Self {
        self.remote_ip = Some(ip.into());
        self
    }

    /// Uses `key` instead of the random one (a stored key when a job is replayed).
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = key.into();
        self
    }

    /// The idempotency key sent.
    pub fn key(&self) -> &str {
        &self.idempotency_key
    }

    /// The token.
    pub fn token(&self) -> &str {
        &self.token
    }
}

/// A Turnstile `siteverify` client. Cheap to clone.
#[derive(Clone)]
pub struct TurnstileClient {
    http: Client,
    secret: Secret,
    expected_hostname: Option<Arc<str>>,
    expected_action: Option<Arc<str>>,
}

impl fmt::Debug for TurnstileClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TurnstileClient")
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

impl TurnstileClient {
    /// Builds a client; the base URL is the configured one, else
    /// `PROIGN_TURNSTILE_BASE_URL`, else Cloudflare's.
    pub fn new(config: TurnstileConfig) -> Result<Self, Error> {
        let from_env = std::env::var(base_url_variable("turnstile"))
            .ok()
            .filter(|v| !v.trim().is_empty());
        let base = config
            .base_url
            .clone()
            .or(from_env)
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        let base = base.trim().trim_end_matches('/').to_owned();
        let mut builder = Client::builder(Arc::new(TurnstileProfile::new(base.clone())))
            .base_url(base)
            .timeout(config.timeout)
            .retry(config.retry);
        if let Some(transport) = config.transport {
            builder = builder.transport(transport);
        }
        let http = builder.build()?;
        Ok(Self {
            http,
            secret: config.secret,
            expected_hostname: config.expected_hostname.map(Arc::from),
            expected_action: config.expected_action.map(Arc::from),
        })
    }

    /// Checks a token; `Ok` only for a valid token that passed the configured checks.
    ///
    /// Network failures and `internal-error` answers are retried with the same idempotency
    /// key; `timeout-or-duplicate` gives [`Error::TokenConsumed`] and a rejected secret
    /// [`Error::Configuration`], neither retried.
    pub async fn verify(&self, check: &Verify) -> Result<Outcome, Error> {
        if check.token.is_empty() {
            return Err(Error::InvalidToken {
                reason: "the token is empty".into(),
            });
        }
        let len = check.token.chars().count();
        if len > MAX_TOKEN_LEN {
            return Err(Error::InvalidToken {
                reason: format!("{len} characters, more than {MAX_TOKEN_LEN}"),
            });
        }
        let mut form: Vec<(&str, &str)> =
            vec![("secret", self.secret.expose()), ("response", &check.token)];
        if let Some(ip) = &check.remote_ip {
            form.push(("remoteip", ip));
        }
        form.push(("idempotency_key", &check.idempotency_key));
        let request = Request::post("siteverify", SITEVERIFY_PATH)
            .form(&form)
            .replay_safe();
        let response = self.http.send(request).await?;
        let outcome: Outcome = response.json()?;
        self.judge(outcome)
    }

    fn judge(&self, outcome: Outcome) -> Result<Outcome, Error> {
        if let Some(code) = outcome.error_codes.iter().find(|c| c.is_configuration()) {
            return Err(Error::Configuration { code: code.clone() });
        }
        if !outcome.success {
            if outcome.has(&ErrorCode::TimeoutOrDuplicate) {
                return Err(Error::TokenConsumed {
                    outcome: Box::new(outcome),
                });
            }
            return Err(Error::Rejected {
                outcome: Box::new(outcome),
            });
        }
        if let Some(expected) = &self.expected_hostname
            && outcome.hostname.as_deref() != Some(expected)
        {
            return Err(Error::HostnameMismatch {
                expected: expected.to_string(),
                actual: outcome.hostname,
            });
        }
        if let Some(expected) = &self.expected_action
            && outcome.action.as_deref() != Some(expected)
        {
            return Err(Error::ActionMismatch {
                expected: expected.to_string(),
                actual: outcome.action,
            });
        }
        Ok(outcome)
    }
}
