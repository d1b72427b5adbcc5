//! Credentials on the wire: API keys (bearer, basic or a custom header) and OAuth 2.0
//! client credentials.
//!
//! A [`Credential`] is a [`Secret`] plus where it came from, so an authentication failure can
//! say "check `STRIPE_API_KEY`" without ever printing the key. [`Auth`] decides how a
//! credential is put on each request; every header it writes is marked sensitive.
//!
//! ```
//! use proign_core::auth::{Auth, Credential};
//! use proign_core::secret::{Secret, SecretOrigin};
//!
//! let key = Credential::new(Secret::new("sk_test_51PrgnDONOTLOG").unwrap());
//! let auth = Auth::bearer(key);
//! assert!(!format!("{auth:?}").contains("DONOTLOG"));
//! assert_eq!(auth.credential_origin(), Some(&SecretOrigin::Value));
//! ```

mod oauth;
mod token;

pub use oauth::{ClientCredentials, ClientCredentialsConfig, DEFAULT_REFRESH_BUFFER};
pub use token::{AccessToken, TokenResponse};

use std::path::Path;
use std::sync::Arc;

use base64::Engine as _;
use http::HeaderMap;
use http::header::{AUTHORIZATION, HeaderName, HeaderValue};

use crate::http::{Error, ErrorKind};
use crate::provider::Provider;
use crate::secret::{Secret, SecretError, SecretOrigin};

/// A secret and the place it was loaded from.
#[derive(Debug, Clone)]
pub struct Credential {
    secret: Secret,
    origin: SecretOrigin,
}

impl Credential {
    /// A credential handed over by the host program.
    pub fn new(secret: Secret) -> Self {
        Self {
            secret,
            origin: SecretOrigin::Value,
        }
    }

    /// Reads the credential from the environment variable `var`.
    pub fn from_env(var: &str) -> Result<Self, SecretError> {
        Ok(Self {
            secret: Secret::from_env(var)?,
            origin: SecretOrigin::Env(var.to_owned()),
        })
    }

    /// Reads the credential from a file (a mounted secret).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, SecretError> {
        let path = path.as_ref();
        Ok(Self {
            secret: Secret::from_file(path)?,
            origin: SecretOrigin::File(path.to_path_buf()),
        })
    }

    /// The secret.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// Where it came from.
    pub fn origin(&self) -> &SecretOrigin {
        &self.origin
    }
}

/// How a client authenticates its requests.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Auth {
    /// No credentials (Turnstile puts its secret in the form body).
    None,
    /// `Authorization: Bearer <key>`.
    Bearer(Credential),
    /// `Authorization: Basic base64(<user>:<password>)`.
    Basic {
        /// The user name (not secret; TaxJar and Stripe use the key here instead).
        user: String,
        /// The password or key.
        password: Credential,
    },
    /// The credential as the whole value of a custom header (`X-Shopify-Access-Token`).
    Header {
        /// The header.
        name: HeaderName,
        /// Its value.
        value: Credential,
    },
    /// OAuth 2.0 client credentials with a shared token cache.
    OAuth(Arc<ClientCredentials>),
}

/// The token an attempt was sent with, so a `401` can drop exactly that token.
#[derive(Debug, Clone)]
pub(crate) struct UsedToken(pub(crate) Option<Arc<AccessToken>>);

impl Auth {
    /// Bearer authentication with `key`.
    pub fn bearer(key: Credential) -> Self {
        Self::Bearer(key)
    }

    /// Basic authentication.
    pub fn basic(user: impl Into<String>, password: Credential) -> Self {
        Self::Basic {
            user: user.into(),
            password,
        }
    }

    /// The credential in a custom header.
    pub fn header(name: HeaderName, value: Credential) -> Self {
        Self::Header { name, value }
    }

    /// OAuth client credentials.
    pub fn oauth(client: Arc<ClientCredentials>) -> Self {
        Self::OAuth(client)
    }

    /// Where the credential a provider would reject came from.
    pub fn credential_origin(&self) -> Option<&SecretOrigin> {
        match self {
            Self::None => None,
            Self::Bearer(c) | Self::Basic { password: c, .. } | Self::Header { value: c, .. } => {
                Some(c.origin())
            }
            Self::OAuth(client) => Some(client.secret_origin()),
        }
    }

    /// Whether a `401` may be answered by fetching a new token and replaying once.
    pub(crate) fn can_refresh(&self) -> bool {
        matches!(self, Self::OAuth(_))
    }

    /// Every secret value this auth may put on the wire, for scrubbing error excerpts.
    pub(crate) fn secret_values(&self, used: &UsedToken) -> Vec<String> {
        let mut out = Vec::new();
        match self {
            Self::None => {}
            Self::Bearer(c) | Self::Header { value: c, .. } => {
                out.push(c.secret().expose().to_owned())
            }
            Self::Basic { user, password } => {
                out.push(password.secret().expose().to_owned());
                out.push(basic_value(user, password.secret()));
            }
            Self::OAuth(client) => out.push(client.secret_value().to_owned()),
        }
        if let Some(token) = &used.0 {
            out.push(token.secret().expose().to_owned());
        }
        out
    }

    /// Puts the credential on `headers`, fetching a token first if needed.
    pub(crate) async fn apply(
        &self,
        provider: Provider,
        headers: &mut HeaderMap,
    ) -> Result<UsedToken, Error> {
        let (name, value, used) = match self {
            Self::None => return Ok(UsedToken(None)),
            Self::Bearer(c) => (
                AUTHORIZATION,
                header_text("Bearer ", c.secret().expose()),
                None,
            ),
            Self::Basic { user, password } => {
                let encoded = zeroize::Zeroizing::new(basic_value(user, password.secret()));
                (AUTHORIZATION, header_text("Basic ", &encoded), None)
            }
            Self::Header { name, value } => {
                (name.clone(), header_text("", value.secret().expose()), None)
            }
            Self::OAuth(client) => {
                let token = client.token().await?;
                let value = header_text("Bearer ", token.secret().expose());
                (AUTHORIZATION, value, Some(token))
            }
        };
        // The header value takes the buffer as it is: one allocation, and no second copy of
        // the credential left behind.
        let mut value =
            HeaderValue::from_maybe_shared(value).map_err(|_| self.invalid_header(provider))?;
        value.set_sensitive(true);
        headers.insert(name, value);
        Ok(UsedToken(used))
    }

    /// Forgets the token an attempt used, after the provider answered `401`.
    pub(crate) async fn reject(&self, used: &UsedToken) {
        if let (Self::OAuth(client), Some(token)) = (self, &used.0) {
            client.invalidate(token).await;
        }
    }

    fn invalid_header(&self, provider: Provider) -> Error {
        let origin = self
            .credential_origin()
            .map_or_else(String::new, |o| o.to_string());
        Error::new(
            provider,
            "authenticate",
            ErrorKind::Configuration(format!(
                "the credential from {origin} contains characters not allowed in a header"
            )),
        )
    }
}

/// `scheme` then `credential`, in one buffer sized for both.
fn header_text(scheme: &str, credential: &str) -> bytes::Bytes {
    let mut text = bytes::BytesMut::with_capacity(scheme.len() + credential.len());
    text.extend_from_slice(scheme.as_bytes());
    text.extend_from_slice(credential.as_bytes());
    text.freeze()
}

fn basic_value(user: &str, password: &Secret) -> String {
    let joined = zeroize::Zeroizing::new(format!("{user}:{}", password.expose()));
    base64::engine::general_purpose::STANDARD.encode(joined.as_bytes())
}
