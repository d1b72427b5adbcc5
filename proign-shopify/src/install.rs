//! Installing the app into a shop: the authorize URL, the signed callback, and the grants
//! that turn it (or a session token, or the app's own credentials) into an access token.
//!
//! The authorization-code flow goes: redirect the merchant to
//! [`Install::authorize_url`] with a fresh [`InstallState`] the host stores; Shopify sends
//! the merchant back to the redirect URI with `code`, `shop`, `state`, `timestamp` and
//! `hmac`; [`Install::verify_callback`] checks the signature, the 90 s timestamp window,
//! that `shop` is a plain `*.myshopify.com` host, and the state (in constant time); then
//! [`Install::exchange_code`] trades the code for an offline access token.
//!
//! ```
//! use proign_core::secret::Secret;
//! use proign_shopify::ShopDomain;
//! use proign_shopify::install::{Install, InstallState};
//!
//! let install = Install::new(
//!     "made-up-client-id",
//!     Secret::new("made_up_client_secret").unwrap(),
//!     "https://app.example.test/shopify/callback",
//! )
//! .unwrap()
//! .scopes(["read_orders", "write_fulfillments"]);
//! let shop: ShopDomain = "prgn-test.myshopify.com".parse().unwrap();
//! let state = InstallState::generate();
//! let url = install.authorize_url(&shop, &state);
//! assert!(url.starts_with("https://prgn-test.myshopify.com/admin/oauth/authorize?client_id="));
//! assert!(url.contains("scope=read_orders%2Cwrite_fulfillments"));
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use proign_core::clock::SharedClock;
use proign_core::http::{
    Client, Request, ReqwestTransport, Transport, TransportConfig, base_url_variable,
};
use proign_core::retry::RetryPolicy;
use proign_core::secret::Secret;
use proign_core::webhook::VerifyError;
use serde::Deserialize;
use subtle::ConstantTimeEq as _;

use crate::admin::ShopifyProfile;
use crate::query::QueryVerifier;
use crate::shop::{ShopDomain, ShopDomainError};

const TOKEN_PATH: &str = "/admin/oauth/access_token";
const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_TOKEN: &str = "urn:ietf:params:oauth:token-type:id_token";

/// Why an install step failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InstallError {
    /// The `shop` parameter is not a plain `*.myshopify.com` host.
    #[error("the callback's shop is not a myshopify.com domain")]
    InvalidShop(#[source] ShopDomainError),
    /// The callback's signature or timestamp did not verify.
    #[error("the callback's query did not verify")]
    Query(#[source] VerifyError),
    /// A required callback parameter is missing.
    #[error("the callback has no {0} parameter")]
    MissingParameter(&'static str),
    /// The callback's `state` is not the one stored for this install.
    #[error("the callback's state does not match the stored state")]
    StateMismatch,
    /// The token endpoint call failed.
    #[error("the token request failed")]
    Token(#[source] proign_core::http::Error),
    /// The token endpoint answered, but not with a usable token.
    #[error("the token endpoint's answer is unusable: {0}")]
    InvalidTokenResponse(&'static str),
    /// The install settings are unusable.
    #[error("install configuration: {0}")]
    Configuration(String),
}

/// A random value tying the callback to the browser that started the install; the host
/// stores it (in the session) before redirecting and hands it back to check the callback.
#[derive(Clone, PartialEq, Eq)]
pub struct InstallState(String);

impl InstallState {
    /// A fresh random state (a version 4 UUID: 122 random bits, as 32 hex digits).
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string())
    }

    /// A state the host stored earlier.
    pub fn from_stored(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value to store.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn matches(&self, other: &str) -> bool {
        !self.0.is_empty() && bool::from(self.0.as_bytes().ct_eq(other.as_bytes()))
    }
}

impl fmt::Debug for InstallState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InstallState([redacted])")
    }
}

/// A verified OAuth callback.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Callback {
    /// The shop being installed into.
    pub shop: ShopDomain,
    /// The one-time authorization code.
    pub code: Secret,
    /// The base64 `host` parameter of embedded apps, when sent.
    pub host: Option<String>,
    /// The signed timestamp, in Unix seconds.
    pub timestamp: i64,
}

/// Which token a token exchange asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestedToken {
    /// A token for the shop that does not expire with a user's session.
    Offline,
    /// A token tied to the user of the session token, expiring with it.
    Online,
}

impl RequestedToken {
    fn urn(self) -> &'static str {
        match self {
            Self::Offline => "urn:shopify:params:oauth:token-type:offline-access-token",
            Self::Online => "urn:shopify:params:oauth:token-type:online-access-token",
        }
    }
}

/// An access token for one shop.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ShopToken {
    /// The shop.
    pub shop: ShopDomain,
    /// The token for `X-Shopify-Access-Token`.
    pub access_token: Secret,
    /// The granted access scopes.
    pub scopes: Vec<String>,
    /// How long the token lives, when it expires.
    pub expires_in: Option<Duration>,
    /// For online tokens: the user it acts for, as sent.
    pub associated_user: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    associated_user: Option<serde_json::Value>,
}

/// One app's install settings and the token grants.
#[derive(Debug, Clone)]
pub struct Install {
    client_id: String,
    client_secret: Secret,
    redirect_uri: String,
    scopes: Vec<String>,
    verifier: QueryVerifier,
    base_url: Option<String>,
    clock: Option<SharedClock>,
    transport: Arc<dyn Transport>,
}

impl Install {
    /// Settings for the app with `client_id` and `client_secret`, sending merchants back to
    /// `redirect_uri`.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: Secret,
        redirect_uri: impl Into<String>,
    ) -> Result<Self, InstallError> {
        let verifier = QueryVerifier::new([&client_secret])
            .map_err(|e| InstallError::Configuration(e.to_string()))?;
        let transport = ReqwestTransport::new(&TransportConfig::default())
            .map_err(|e| InstallError::Configuration(e.to_string()))?;
        Ok(Self {
            client_id: client_id.into(),
            client_secret,
            redirect_uri: redirect_uri.into(),
            scopes: Vec::new(),
            verifier,
            base_url: None,
            clock: None,
            transport: Arc::new(transport),
        })
    }

    /// The access scopes to ask for (`read_orders`, `write_fulfillments`).
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Sends every shop's OAuth calls to `url` instead of `https://<shop>` (a simulator);
    /// otherwise `PROIGN_SHOPIFY_BASE_URL` is honoured.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Checks callback timestamps against `clock`.
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.verifier = self.verifier.with_clock(Arc::clone(&clock));
        self.clock = Some(clock);
        self
    }

    /// Sends token requests through `transport`.
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = transport;
        self
    }

    fn shop_base(&self, shop: &ShopDomain) -> String {
        let from_env = std::env::var(base_url_variable("shopify"))
            .ok()
            .filter(|v| !v.trim().is_empty());
        self.base_url
            .clone()
            .or(from_env)
            .map(|url| url.trim().trim_end_matches('/').to_owned())
            .unwrap_or_else(|| shop.base_url())
    }

    /// Where to send the merchant to approve the install.
    pub fn authorize_url(&self, shop: &ShopDomain, state: &InstallState) -> String {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &self.client_id)
            .append_pair("scope", &self.scopes.join(","))
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("state", state.as_str())
            .finish();
        format!("{}/admin/oauth/authorize?{query}", self.shop_base(shop))
    }

    /// Verifies the callback's query string (without the `?`) against the stored `state`.
    pub fn verify_callback(
        &self,
        query: &str,
        state: &InstallState,
    ) -> Result<Callback, InstallError> {
        let verified = self
            .verifier
            .verify_hmac(query)
            .map_err(InstallError::Query)?;
        let shop = verified
            .shop()
            .ok_or(InstallError::MissingParameter("shop"))?;
        let shop = ShopDomain::new(shop).map_err(InstallError::InvalidShop)?;
        let sent_state = verified
            .get("state")
            .ok_or(InstallError::MissingParameter("state"))?;
        if !state.matches(sent_state) {
            return Err(InstallError::StateMismatch);
        }
        let code = verified
            .get("code")
            .and_then(|code| Secret::new(code).ok())
            .ok_or(InstallError::MissingParameter("code"))?;
        Ok(Callback {
            shop,
            code,
            host: verified.get("host").map(str::to_owned),
            timestamp: verified.timestamp(),
        })
    }

    /// Trades a verified callback's code for an offline access token.
    pub async fn exchange_code(&self, callback: &Callback) -> Result<ShopToken, InstallError> {
        let form = [
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
            ("code", callback.code.expose()),
        ];
        self.token(&callback.shop, "exchange_code", &form).await
    }

    /// The client-credentials grant: a token for a shop the app is already installed in,
    /// from the app's own credentials (for apps that Shopify lets use it).
    pub async fn client_credentials(&self, shop: &ShopDomain) -> Result<ShopToken, InstallError> {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
        ];
        self.token(shop, "client_credentials", &form).await
    }

    /// The token-exchange grant of embedded apps: trades a session token (the ID token
    /// App Bridge hands the front end) for an offline or online access token.
    pub async fn token_exchange(
        &self,
        shop: &ShopDomain,
        session_token: &Secret,
        requested: RequestedToken,
    ) -> Result<ShopToken, InstallError> {
        let form = [
            ("grant_type", TOKEN_EXCHANGE),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
            ("subject_token", session_token.expose()),
            ("subject_token_type", ID_TOKEN),
            ("requested_token_type", requested.urn()),
        ];
        self.token(shop, "token_exchange", &form).await
    }

    async fn token(
        &self,
        shop: &ShopDomain,
        operation: &'static str,
        form: &[(&str, &str)],
    ) -> Result<ShopToken, InstallError> {
        let profile = Arc::new(ShopifyProfile::new(shop.base_url()));
        let mut builder = Client::builder(profile)
            .base_url(self.shop_base(shop))
            .retry(RetryPolicy::default())
            .transport(Arc::clone(&self.transport));
        if let Some(clock) = &self.clock {
            builder = builder.clock(Arc::clone(clock));
        }
        let client = builder.build().map_err(InstallError::Token)?;
        let request = Request::post(operation, TOKEN_PATH).form(form).header(
            http::header::ACCEPT,
            http::HeaderValue::from_static("application/json"),
        );
        let response = client.send(request).await.map_err(InstallError::Token)?;
        let answer: TokenAnswer = response.json().map_err(InstallError::Token)?;
        let token = answer
            .access_token
            .ok_or(InstallError::InvalidTokenResponse("no access_token"))?;
        let access_token = Secret::new(token)
            .map_err(|_| InstallError::InvalidTokenResponse("access_token is empty"))?;
        let scopes = answer
            .scope
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        Ok(ShopToken {
            shop: shop.clone(),
            access_token,
            scopes,
            expires_in: answer.expires_in.map(Duration::from_secs),
            associated_user: answer.associated_user,
        })
    }
}
