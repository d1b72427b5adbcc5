//! Typed configuration from a TOML file, with environment overrides (feature `config`).
//!
//! One file says which integrations are on, where each credential comes from, which webhook
//! topics to subscribe, how to map shop data onto provider codes, and the retry policies and
//! rate budgets. Loading reports **every** problem at once, each with its key path
//! (`integrations.ups.client_secret: …`), so one run shows all there is to fix.
//!
//! Credentials are never written in the file: a credential key holds a reference,
//! `env:NAME` (an environment variable) or `file:PATH` (a mounted secret), and a literal
//! value is refused. [`CredentialRef::load`] reads it into a [`Secret`].
//!
//! Any key can be overridden from the environment: `PROIGN_` followed by the key path in
//! upper case with `__` between the parts, such as `PROIGN_INTEGRATIONS__UPS__ENABLED=false`
//! or `PROIGN_RETRY__UPS__MAX_ATTEMPTS=5`. The value is read as a TOML value when it is one
//! (`false`, `5`, `["a", "b"]`) and as text otherwise.
//!
//! ```
//! use proign_core::Provider;
//! use proign_core::config::Config;
//!
//! let text = r#"
//!     [integrations.stripe]
//!     api_key = "env:STRIPE_API_KEY"
//!     webhook_secret = "file:/run/secrets/stripe_webhook"
//!     topics = ["invoice.paid"]
//!
//!     [retry.stripe]
//!     max_attempts = 4
//! "#;
//! let config = Config::from_toml(text, [("PROIGN_RETRY__STRIPE__BASE_DELAY_MS", "250")]).unwrap();
//! assert!(config.integration(Provider::Stripe).unwrap().enabled);
//! assert_eq!(config.retry_policy(Provider::Stripe).max_attempts(), 4);
//!
//! // A literal secret is refused, and the error names the key, never the value.
//! let err = Config::from_toml(
//!     "[integrations.stripe]\napi_key = \"sk_test_made_up\"",
//!     std::iter::empty::<(String, String)>(),
//! )
//! .unwrap_err();
//! assert!(err.to_string().contains("integrations.stripe.api_key"));
//! assert!(!err.to_string().contains("sk_test_made_up"));
//! ```

mod read;
mod schema;

use std::collections::BTreeMap;
use std::fmt;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::Provider;
use crate::retry::RetryPolicy;
use crate::secret::{Secret, SecretError};

pub use schema::{CREDENTIAL_KEYS, SETTING_KEYS};

/// The prefix of environment overrides.
pub const ENV_PREFIX: &str = "PROIGN_";

/// Where a credential comes from. Its `Display` shows the reference (`env:STRIPE_API_KEY`),
/// which is not secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialRef {
    /// An environment variable of this name.
    Env(String),
    /// A file at this path.
    File(PathBuf),
}

impl CredentialRef {
    /// Parses `env:NAME` or `file:PATH`; anything else is refused without repeating it.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        if let Some(name) = text.strip_prefix("env:") {
            let valid =
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            return if valid {
                Ok(Self::Env(name.to_owned()))
            } else {
                Err("env: must name a variable (letters, digits and _)")
            };
        }
        if let Some(path) = text.strip_prefix("file:") {
            return if path.trim().is_empty() {
                Err("file: must name a path")
            } else {
                Ok(Self::File(PathBuf::from(path)))
            };
        }
        Err("a credential must be a reference, env:NAME or file:PATH; literal secrets are refused")
    }

    /// Reads the credential.
    pub fn load(&self) -> Result<Secret, SecretError> {
        match self {
            Self::Env(name) => Secret::from_env(name),
            Self::File(path) => Secret::from_file(path),
        }
    }
}

impl fmt::Display for CredentialRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Env(name) => write!(f, "env:{name}"),
            Self::File(path) => write!(f, "file:{}", path.display()),
        }
    }
}

/// One integration's section, `[integrations.<name>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Integration {
    /// Whether it is on (`enabled`, default `true` when the section exists).
    pub enabled: bool,
    /// Credential references by key (`api_key`, `webhook_secret`, …).
    pub credentials: BTreeMap<String, CredentialRef>,
    /// Plain settings by key (`client_id`, `shop`, `from`, …).
    pub settings: BTreeMap<String, String>,
    /// Webhook topics to subscribe (`topics`).
    pub topics: Vec<String>,
    /// Another server to call instead of the provider's (`base_url`).
    pub base_url: Option<String>,
    /// The client-side rate budget (`requests_per_second`).
    pub requests_per_second: Option<NonZeroU32>,
}

impl Integration {
    /// The credential reference under `key`.
    pub fn credential(&self, key: &str) -> Option<&CredentialRef> {
        self.credentials.get(key)
    }

    /// The plain setting under `key`.
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings.get(key).map(String::as_str)
    }

    /// Loads every credential; the first that cannot be read is the error, naming its key.
    pub fn load_credentials(&self) -> Result<BTreeMap<String, Secret>, (String, SecretError)> {
        self.credentials
            .iter()
            .map(|(key, source)| {
                source
                    .load()
                    .map(|secret| (key.clone(), secret))
                    .map_err(|e| (key.clone(), e))
            })
            .collect()
    }
}

/// How shop data maps onto provider codes, `[mapping]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Mapping {
    /// Shopify shipping line title → UPS service code (`[mapping.shipping]`).
    pub shipping: BTreeMap<String, String>,
    /// The UPS service used for a shipping line not listed (`mapping.default_service`);
    /// when unset, the cheapest rate is bought.
    pub default_service: Option<String>,
    /// Shopify product type → TaxJar product tax code (`[mapping.tax_codes]`).
    pub tax_codes: BTreeMap<String, String>,
    /// The Stripe price (`price_…`) that bills shipping (`mapping.shipping_price`).
    pub shipping_price: Option<String>,
}

impl Mapping {
    /// The UPS service for a Shopify shipping line title, if one is mapped.
    pub fn ups_service(&self, shipping_line: &str) -> Option<&str> {
        self.shipping
            .get(shipping_line)
            .or(self.default_service.as_ref())
            .map(String::as_str)
    }

    /// The TaxJar product tax code for a Shopify product type, if one is mapped.
    pub fn tax_code(&self, product_type: &str) -> Option<&str> {
        self.tax_codes.get(product_type).map(String::as_str)
    }
}

/// The whole configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// The integrations that have a section, by provider.
    pub integrations: BTreeMap<Provider, Integration>,
    /// Mapping rules.
    pub mapping: Mapping,
    /// `[retry.default]`, applied to every integration without its own.
    pub default_retry: RetryPolicy,
    /// `[retry.<integration>]`.
    pub retry: BTreeMap<Provider, RetryPolicy>,
}

impl Config {
    /// Reads the file at `path` with overrides from this process's environment.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_toml(&text, std::env::vars())
    }

    /// Parses `text`, applies the `PROIGN_…` entries of `env` (others are ignored) and
    /// validates the result.
    pub fn from_toml<K, V>(
        text: &str,
        env: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, ConfigError>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let line = e
                .span()
                .map(|span| text[..span.start.min(text.len())].lines().count().max(1));
            // The message alone: the parser's snippet could show a secret pasted by mistake.
            ConfigError::Syntax {
                line,
                message: e.message().to_owned(),
            }
        })?;
        let mut problems = Vec::new();
        let applied = read::apply_env(&mut table, env, &mut problems);
        let config = read::config(&table, &mut problems);
        read::name_overrides(&mut problems, &applied);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError::Invalid(problems))
        }
    }

    /// The section of `provider`, if the file has one.
    pub fn integration(&self, provider: Provider) -> Option<&Integration> {
        self.integrations.get(&provider)
    }

    /// Whether `provider` has a section and is enabled.
    pub fn is_enabled(&self, provider: Provider) -> bool {
        self.integration(provider).is_some_and(|i| i.enabled)
    }

    /// The retry policy of `provider`: its own section, else `[retry.default]`.
    pub fn retry_policy(&self, provider: Provider) -> RetryPolicy {
        self.retry
            .get(&provider)
            .copied()
            .unwrap_or(self.default_retry)
    }
}

/// One thing wrong in the configuration, at a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The key path, such as `integrations.ups.client_secret`.
    pub path: String,
    /// What is wrong; never contains a credential's value.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the configuration file {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML.
    #[error("the configuration is not valid TOML{}: {message}", line.map(|l| format!(" (line {l})")).unwrap_or_default())]
    Syntax {
        /// The line of the error, when known.
        line: Option<usize>,
        /// The parser's message.
        message: String,
    },
    /// The file parsed, but some values are wrong; every problem is listed.
    #[error("the configuration has {} problem(s):\n{}", .0.len(), Problems(.0))]
    Invalid(Vec<Problem>),
}

impl ConfigError {
    /// The problems found, empty for a read or syntax error.
    pub fn problems(&self) -> &[Problem] {
        match self {
            Self::Invalid(problems) => problems,
            _ => &[],
        }
    }
}

struct Problems<'a>(&'a [Problem]);

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "  {problem}")?;
        }
        Ok(())
    }
}

/// Milliseconds as a [`Duration`], for the `*_ms` keys.
fn millis(ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

#[cfg(test)]
mod tests;
