//! Building an [`AdminClient`] from configuration and proving its token.

use proign_core::Provider;
use proign_core::auth::Credential;
use proign_core::http::{Connect, CredentialSource, Error as HttpError, ErrorKind, Request};

use super::AdminClient;
use crate::ShopDomain;

/// What an [`AdminClient`] is built from: the shop, where its offline token is kept, and
/// optional overrides.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AdminConfig {
    /// The shop.
    pub shop: ShopDomain,
    /// Where the access token is loaded from.
    pub access_token: CredentialSource,
    /// The API version, when not the pinned default.
    pub api_version: Option<String>,
    /// The base URL, when not `https://<shop>` (or `PROIGN_SHOPIFY_BASE_URL`).
    pub base_url: Option<String>,
}

impl AdminConfig {
    /// A configuration reading the token from `access_token`.
    pub fn new(shop: ShopDomain, access_token: CredentialSource) -> Self {
        Self {
            shop,
            access_token,
            api_version: None,
            base_url: None,
        }
    }
}

impl Connect for AdminClient {
    type Config = AdminConfig;

    /// Loads the token, builds the client and asks for the shop's id; a refused token is
    /// [`ErrorKind::Authentication`] naming the variable or file it came from.
    async fn connect(config: AdminConfig) -> Result<Self, HttpError> {
        let credential: Credential = config.access_token.load().map_err(|e| {
            HttpError::new(
                Provider::Shopify,
                "connect",
                ErrorKind::Configuration(e.to_string()),
            )
        })?;
        let mut builder = AdminClient::from_credential(config.shop, credential);
        if let Some(version) = config.api_version {
            builder = builder.api_version(version);
        }
        if let Some(url) = config.base_url {
            builder = builder.base_url(url);
        }
        let client = builder.build().map_err(|e| match e {
            crate::Error::Http(http) => http,
            other => HttpError::new(
                Provider::Shopify,
                "connect",
                ErrorKind::Configuration(other.to_string()),
            ),
        })?;
        let probe = Request::post("connect", client.endpoint.clone())
            .json(&serde_json::json!({ "query": "query ProignShop { shop { id } }" }))
            .map_err(|e| {
                HttpError::new(
                    Provider::Shopify,
                    "connect",
                    ErrorKind::Configuration(e.to_string()),
                )
            })?
            .replay_safe();
        client.http.verify_credentials(probe).await?;
        Ok(client)
    }
}
