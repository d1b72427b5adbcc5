//! OAuth 2.0 client credentials: one token per client, shared, refreshed in time.
//!
//! The token request itself is built by the `oauth2` crate and sent through proign's own
//! [`Transport`], so there is one HTTP stack in the program and its timeouts apply here too.
//!
//! Concurrency: when the cached token is missing or about to expire, the first caller
//! starts one fetch and every caller arriving meanwhile waits for that same fetch and gets
//! its outcome, success or failure. A failure is not remembered: the next caller after it
//! starts a fresh fetch.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http::header::AUTHORIZATION;
use oauth2::basic::BasicTokenIntrospectionResponse;
use oauth2::basic::{BasicErrorResponse, BasicRevocationErrorResponse};
use oauth2::{
    AuthType, ClientId, ClientSecret, RequestTokenError, Scope, StandardRevocableToken, TokenUrl,
};
use tokio::sync::OnceCell;
use tracing::Instrument as _;

use super::Credential;
use super::token::{AccessToken, TokenResponse};
use crate::clock::SharedClock;
use crate::http::failure::{response_error, transport_error};
use crate::http::transport::{
    BoxFuture, Transport, TransportError, TransportRequest, TransportResponse,
};
use crate::http::{Error, ErrorKind, ProviderProfile, Response};
use crate::retry::{RetryPolicy, Wait};
use crate::secret::SecretOrigin;

/// How long before its expiry a token is replaced, so it never expires in flight.
pub const DEFAULT_REFRESH_BUFFER: Duration = Duration::from_secs(60);

/// The operation name of token requests in spans and errors.
const OPERATION: &str = "fetch_token";

/// What a client-credentials grant needs.
#[derive(Debug, Clone)]
pub struct ClientCredentialsConfig {
    /// The token endpoint's full URL.
    pub token_url: String,
    /// The client id (not secret).
    pub client_id: String,
    /// The client secret.
    pub client_secret: Credential,
    /// Scopes to ask for; none by default.
    pub scopes: Vec<String>,
    /// How long before expiry the token is replaced; [`DEFAULT_REFRESH_BUFFER`] by default.
    pub refresh_buffer: Duration,
    /// The total timeout of one token request.
    pub timeout: Duration,
    /// Attempts for one fetch: by default two, so one transient failure (a `503`, a `429`
    /// with a short `Retry-After`) is retried once, centrally, for all waiting callers.
    pub retry: RetryPolicy,
}

impl ClientCredentialsConfig {
    /// A configuration with the defaults above.
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        secret: Credential,
    ) -> Self {
        Self {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: secret,
            scopes: Vec::new(),
            refresh_buffer: DEFAULT_REFRESH_BUFFER,
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default().with_max_attempts(2),
        }
    }
}

type Outcome = Result<Arc<AccessToken>, Error>;

#[derive(Debug, Default)]
struct State {
    token: Option<Arc<AccessToken>>,
    flight: Option<Arc<OnceCell<Outcome>>>,
}

/// A client-credentials token source with a single-flight cache.
///
/// The cache belongs to this value: create one per set of credentials and environment (for
/// UPS, per client id, test or production, and merchant) and share it, behind an `Arc`, with
/// every client that uses those credentials.
#[derive(Debug)]
pub struct ClientCredentials {
    config: ClientCredentialsConfig,
    profile: Arc<dyn ProviderProfile>,
    transport: Arc<dyn Transport>,
    clock: SharedClock,
    state: Mutex<State>,
}

impl ClientCredentials {
    /// A token source for the provider `profile` describes, sending through `transport`
    /// and reading expiry against `clock`.
    pub fn new(
        config: ClientCredentialsConfig,
        profile: Arc<dyn ProviderProfile>,
        transport: Arc<dyn Transport>,
        clock: SharedClock,
    ) -> Self {
        Self {
            config,
            profile,
            transport,
            clock,
            state: Mutex::new(State::default()),
        }
    }

    /// A valid token: the cached one while it is fresh, otherwise the result of the one
    /// fetch in progress (started by this call if there is none).
    pub async fn token(&self) -> Result<Arc<AccessToken>, Error> {
        let flight = {
            let mut state = self.lock();
            if let Some(token) = &state.token
                && token.is_fresh(self.clock.now(), self.config.refresh_buffer)
            {
                return Ok(token.clone());
            }
            state
                .flight
                .get_or_insert_with(|| Arc::new(OnceCell::new()))
                .clone()
        };
        let outcome = flight.get_or_init(|| self.fetch()).await.clone();
        let mut state = self.lock();
        if state
            .flight
            .as_ref()
            .is_some_and(|f| Arc::ptr_eq(f, &flight))
        {
            state.flight = None;
            if let Ok(token) = &outcome {
                state.token = Some(token.clone());
            }
        }
        outcome
    }

    /// Drops `used` from the cache after the provider refused it, unless another task has
    /// already replaced it with a newer token.
    pub async fn invalidate(&self, used: &Arc<AccessToken>) {
        let mut state = self.lock();
        if state.token.as_ref().is_some_and(|t| Arc::ptr_eq(t, used)) {
            state.token = None;
        }
    }

    pub(crate) fn secret_origin(&self) -> &SecretOrigin {
        self.config.client_secret.origin()
    }

    pub(crate) fn secret_value(&self) -> &str {
        self.config.client_secret.secret().expose()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is two pointers; a panic elsewhere cannot leave it half-written.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn fetch(&self) -> Outcome {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let error = match self.fetch_once().await {
                Ok(token) => return Ok(Arc::new(token)),
                Err(error) => error,
            };
            if !error.is_retryable() || attempt >= self.config.retry.max_attempts() {
                return Err(error);
            }
            match self.config.retry.wait(attempt, error.retry_after()) {
                Wait::After(delay) => tokio::time::sleep(delay).await,
                Wait::TooLong(_) => return Err(error),
            }
        }
    }

    async fn fetch_once(&self) -> Result<AccessToken, Error> {
        let provider = self.profile.provider();
        let config_error = |what: &str| {
            Error::new(
                provider,
                OPERATION,
                ErrorKind::Configuration(what.to_owned()),
            )
        };
        let token_url = TokenUrl::new(self.config.token_url.clone())
            .map_err(|_| config_error("the token URL is not a valid URL"))?;
        let client = oauth2::Client::<
            BasicErrorResponse,
            TokenResponse,
            BasicTokenIntrospectionResponse,
            StandardRevocableToken,
            BasicRevocationErrorResponse,
        >::new(ClientId::new(self.config.client_id.clone()))
        .set_client_secret(ClientSecret::new(self.secret_value().to_owned()))
        .set_auth_type(AuthType::BasicAuth)
        .set_token_uri(token_url);
        let request = client
            .exchange_client_credentials()
            .add_scopes(self.config.scopes.iter().cloned().map(Scope::new));
        let received = request.request_async(&Exchange(self)).await;
        let received_at = self.clock.now();
        match received {
            Ok(answer) => answer.into_token(received_at).map_err(|reason| {
                Error::new(
                    provider,
                    OPERATION,
                    ErrorKind::InvalidTokenResponse { reason },
                )
            }),
            Err(RequestTokenError::Request(ExchangeError::Transport(e))) => {
                Err(transport_error(provider, OPERATION, e, true))
            }
            Err(RequestTokenError::Request(ExchangeError::Status(response))) => {
                Err(self.refused(response))
            }
            Err(RequestTokenError::Request(ExchangeError::Url)) => {
                Err(config_error("the token URL is not a valid URL"))
            }
            Err(RequestTokenError::Parse(source, _body)) => {
                let reason = source.to_string();
                Err(Error::new(
                    provider,
                    OPERATION,
                    ErrorKind::InvalidTokenResponse { reason },
                )
                .with_source(source))
            }
            Err(RequestTokenError::ServerResponse(_)) => Err(Error::new(
                provider,
                OPERATION,
                ErrorKind::Authentication {
                    credential: Some(self.secret_origin().clone()),
                },
            )),
            Err(RequestTokenError::Other(reason)) => Err(Error::new(
                provider,
                OPERATION,
                ErrorKind::InvalidTokenResponse { reason },
            )),
        }
    }

    /// The error for a token endpoint that answered with something other than `200`.
    fn refused(&self, raw: TransportResponse) -> Error {
        let response = Response::new(
            self.profile.provider(),
            OPERATION,
            raw.status,
            raw.headers,
            raw.body,
        );
        let classification = self.profile.classify(&response, self.clock.now());
        let secrets = [self.secret_value().to_owned()];
        response_error(
            self.profile.as_ref(),
            &response,
            classification,
            Some(self.secret_origin()),
            &secrets,
        )
    }

    async fn exchange(
        &self,
        request: oauth2::HttpRequest,
    ) -> Result<oauth2::HttpResponse, ExchangeError> {
        let (parts, body) = request.into_parts();
        let url = url::Url::parse(&parts.uri.to_string()).map_err(|_| ExchangeError::Url)?;
        let mut headers = parts.headers;
        if let Some(value) = headers.get_mut(AUTHORIZATION) {
            value.set_sensitive(true);
        }
        let attempt = TransportRequest {
            method: parts.method,
            url,
            headers,
            body: Bytes::from(body),
            timeout: self.config.timeout,
        };
        let span = tracing::debug_span!(
            "proign.token",
            provider = self.profile.provider().as_str(),
            status = tracing::field::Empty,
        );
        let response = self
            .transport
            .send(attempt)
            .instrument(span.clone())
            .await
            .map_err(ExchangeError::Transport)?;
        span.record("status", response.status.as_u16());
        if response.status != http::StatusCode::OK {
            return Err(ExchangeError::Status(response));
        }
        let mut answer = http::Response::new(response.body.to_vec());
        *answer.status_mut() = response.status;
        *answer.headers_mut() = response.headers;
        Ok(answer)
    }
}

/// The `oauth2` crate's HTTP client, implemented over proign's transport.
struct Exchange<'a>(&'a ClientCredentials);

impl<'c> oauth2::AsyncHttpClient<'c> for Exchange<'_> {
    type Error = ExchangeError;
    type Future = BoxFuture<'c, Result<oauth2::HttpResponse, ExchangeError>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(self.0.exchange(request))
    }
}

/// Why the token exchange got no usable `200`, kept whole for classification.
#[derive(Debug, thiserror::Error)]
enum ExchangeError {
    #[error("token request failed")]
    Transport(#[source] TransportError),
    #[error("token endpoint answered {}", .0.status)]
    Status(TransportResponse),
    #[error("the token URL is not a valid URL")]
    Url,
}
