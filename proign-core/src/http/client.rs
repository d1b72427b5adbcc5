//! The client every provider crate calls through.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;
use tracing::Instrument as _;
use tracing::field::Empty;

use super::budget::RateBudget;
use super::builder::ClientBuilder;
use super::error::{Error, ErrorKind};
use super::failure::{response_error, transport_error, transport_retry_allowed};
use super::profile::{Classification, ProviderProfile};
use super::request::Request;
use super::response::Response;
use super::transport::{
    ReqwestTransport, Transport, TransportConfig, TransportError, TransportRequest,
    TransportResponse,
};
use crate::auth::{Auth, UsedToken};
use crate::clock::{self, SharedClock};
use crate::idempotency::IdempotencyKey;
use crate::retry::{RetryPolicy, Wait};

/// The default total time of one attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

pub(super) struct Inner {
    pub(super) profile: Arc<dyn ProviderProfile>,
    pub(super) base_url: String,
    pub(super) auth: Auth,
    pub(super) retry: RetryPolicy,
    pub(super) timeout: Duration,
    pub(super) transport: Sender,
    pub(super) budget: Option<Arc<dyn RateBudget>>,
    pub(super) clock: SharedClock,
}

/// The transport a client sends through.
pub(super) enum Sender {
    /// The client's own connection pool, called directly: its future lives inside the
    /// call's, so a call boxes nothing for it.
    Reqwest(ReqwestTransport),
    /// A transport the host supplied.
    Other(Arc<dyn Transport>),
}

impl Sender {
    async fn send(&self, request: TransportRequest) -> Result<TransportResponse, TransportError> {
        match self {
            Self::Reqwest(transport) => transport.send_now(request).await,
            Self::Other(transport) => transport.send(request).await,
        }
    }
}

/// A provider client: base URL, auth, retry policy, timeouts, rate budget and transport.
/// Cheap to clone; clones share everything.
#[derive(Clone)]
pub struct Client {
    pub(super) inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("provider", &inner.profile.provider())
            .field("base_url", &inner.base_url)
            .field("auth", &inner.auth)
            .field("retry", &inner.retry)
            .field("timeout", &inner.timeout)
            .field("budget", &inner.budget)
            .finish_non_exhaustive()
    }
}

/// What the retry loop decided after one attempt.
enum Next {
    Done(Result<Response, Error>),
    Again {
        error: Error,
        asked: Option<Duration>,
    },
    ReplayAfterRefresh,
}

impl Client {
    /// Starts a client for the provider `profile` describes, with the default retry policy,
    /// a 10 s connect and a 30 s total timeout, and no credentials.
    pub fn builder(profile: Arc<dyn ProviderProfile>) -> ClientBuilder {
        ClientBuilder {
            profile,
            base_url: None,
            auth: Auth::None,
            retry: RetryPolicy::default(),
            timeout: DEFAULT_TIMEOUT,
            transport_config: TransportConfig::default(),
            transport: None,
            budget: None,
            clock: clock::system(),
        }
    }

    /// The base URL requests are sent to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The provider's profile.
    pub fn profile(&self) -> &dyn ProviderProfile {
        self.inner.profile.as_ref()
    }

    /// Sends `request`, retrying per the policy, and returns the successful response.
    ///
    /// Every attempt carries the same body and the same idempotency key. A request without
    /// a key that is not idempotent is not sent again once it may have reached the server.
    pub async fn send(&self, request: Request) -> Result<Response, Error> {
        let span = tracing::info_span!(
            "proign.call",
            provider = self.inner.profile.provider().as_str(),
            operation = request.operation,
            method = request.method.as_str(),
            path = request.path.split('?').next().unwrap_or(""),
            attempt = Empty,
            status = Empty,
            request_id = Empty,
            duration_ms = Empty,
        );
        let started = tokio::time::Instant::now();
        let result = self.run(request, &span).instrument(span.clone()).await;
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        result
    }

    /// Proves the client's credentials with one cheap authenticated `request`; an answer of
    /// `401` or `403` is an [`ErrorKind::Authentication`] naming the credential's source.
    pub async fn verify_credentials(&self, request: Request) -> Result<(), Error> {
        match self.send(request).await {
            Ok(_) => Ok(()),
            Err(e) if matches!(e.kind(), ErrorKind::Permission) => {
                let kind = ErrorKind::Authentication {
                    credential: self.inner.auth.credential_origin().cloned(),
                };
                Err(e.with_kind(kind))
            }
            Err(e) => Err(e),
        }
    }

    async fn run(&self, request: Request, span: &tracing::Span) -> Result<Response, Error> {
        let inner = &*self.inner;
        let started = tokio::time::Instant::now();
        let key = request.idempotency_key.clone().or_else(|| {
            let wants = inner.profile.idempotency_header().is_some();
            (wants && !request.method.is_idempotent()).then(IdempotencyKey::new)
        });
        let may_replay = request.may_replay(key.as_ref());
        let mut attempt: u32 = 0;
        let mut refreshed = false;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            // Every attempt is prepared afresh from the same request and key, so the bytes
            // sent are identical and the first attempt — usually the only one — need not
            // keep a copy for a retry that never comes.
            let mut sent = self.prepare(&request, key.as_ref())?;
            // No attempt may outlast the call's overall deadline.
            let left = inner.retry.deadline().saturating_sub(started.elapsed());
            sent.timeout = sent.timeout.min(left.max(Duration::from_millis(1)));
            let next = self
                .attempt(&request, sent, may_replay, &mut refreshed, span)
                .await?;
            let (error, asked) = match next {
                Next::Done(result) => return result,
                Next::ReplayAfterRefresh => {
                    attempt -= 1;
                    continue;
                }
                Next::Again { error, asked } => (error, asked),
            };
            if attempt >= inner.retry.max_attempts() {
                return Err(error);
            }
            let delay = match inner.retry.wait(attempt, asked) {
                Wait::After(delay) => delay,
                Wait::TooLong(asked) => {
                    let kind = ErrorKind::RateLimited {
                        retry_after: Some(asked),
                    };
                    return Err(error.with_kind(kind).with_retryable(true));
                }
            };
            if started.elapsed() + delay > inner.retry.deadline() {
                return Err(error);
            }
            tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// The parts of every attempt that never change.
    fn prepare(
        &self,
        request: &Request,
        key: Option<&IdempotencyKey>,
    ) -> Result<TransportRequest, Error> {
        let inner = &*self.inner;
        let provider = inner.profile.provider();
        let config_error =
            |what: String| Error::new(provider, request.operation, ErrorKind::Configuration(what));
        let mut url = join_url(&inner.base_url, &request.path)
            .map_err(|e| config_error(format!("request path does not form a URL: {e}")))?;
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(request.query.iter());
        }
        let mut headers = request.headers.clone();
        if let (Some(name), Some(key)) = (inner.profile.idempotency_header(), key) {
            let value = HeaderValue::from_str(key.as_str())
                .map_err(|_| config_error("idempotency key is not a valid header value".into()))?;
            headers.insert(name, value);
        }
        let timeout = request.timeout.unwrap_or(inner.timeout);
        if timeout.is_zero() {
            return Err(config_error("timeouts must be longer than zero".into()));
        }
        Ok(TransportRequest {
            method: request.method.clone(),
            url,
            headers,
            body: request.body.clone(),
            timeout,
        })
    }

    async fn attempt(
        &self,
        request: &Request,
        mut sent: TransportRequest,
        may_replay: bool,
        refreshed: &mut bool,
        span: &tracing::Span,
    ) -> Result<Next, Error> {
        let inner = &*self.inner;
        let provider = inner.profile.provider();
        if let Some(budget) = &inner.budget {
            budget.acquire().await;
        }
        let used = inner.auth.apply(provider, &mut sent.headers).await?;
        let raw = match inner.transport.send(sent).await {
            Ok(raw) => raw,
            Err(error) => {
                let again = transport_retry_allowed(&error, may_replay);
                tracing::debug!(kind = ?error.kind, "attempt failed without a response");
                let error = transport_error(provider, request.operation, error, may_replay);
                return Ok(if again {
                    Next::Again { error, asked: None }
                } else {
                    Next::Done(Err(error))
                });
            }
        };
        let mut response = Response::new(
            provider,
            request.operation,
            raw.status,
            raw.headers,
            raw.body,
        );
        response.request_id = inner
            .profile
            .request_id_headers()
            .iter()
            .find_map(|name| response.header(name))
            .map(str::to_owned);
        span.record("status", response.status.as_u16());
        if let Some(id) = &response.request_id {
            span.record("request_id", id.as_str());
        }
        tracing::debug!(status = response.status.as_u16(), "response");
        if let Some(budget) = &inner.budget {
            budget.observe(&response);
        }
        if response.status == http::StatusCode::UNAUTHORIZED
            && inner.auth.can_refresh()
            && !*refreshed
        {
            *refreshed = true;
            inner.auth.reject(&used).await;
            return Ok(Next::ReplayAfterRefresh);
        }
        let classification = inner.profile.classify(&response, inner.clock.now());
        let (asked, not_processed) = match classification {
            Classification::Success => return Ok(Next::Done(Ok(response))),
            Classification::Fail => (None, false),
            Classification::Retry {
                after,
                not_processed,
                ..
            } => (after, not_processed),
        };
        let error = self.failure(&response, classification, &used);
        let again =
            matches!(classification, Classification::Retry { .. }) && (may_replay || not_processed);
        Ok(if again {
            Next::Again { error, asked }
        } else if matches!(classification, Classification::Retry { .. }) {
            // Transient for the provider, but this request may have been processed.
            Next::Done(Err(error.with_retryable(false)))
        } else {
            Next::Done(Err(error))
        })
    }

    fn failure(
        &self,
        response: &Response,
        classification: Classification,
        used: &UsedToken,
    ) -> Error {
        let auth = &self.inner.auth;
        response_error(
            self.inner.profile.as_ref(),
            response,
            classification,
            auth.credential_origin(),
            &auth.secret_values(used),
        )
    }
}

/// The base URL followed by `path`, with exactly one `/` between them when `path` has none.
///
/// The text is joined in a buffer on the stack when it fits, so the URL parser's own copy is
/// the only allocation.
fn join_url(base: &str, path: &str) -> Result<url::Url, url::ParseError> {
    const ROOM: usize = 512;
    let slash = if path.starts_with('/') { "" } else { "/" };
    let parts = [base, slash, path];
    let len: usize = parts.iter().map(|part| part.len()).sum();
    if len > ROOM {
        return url::Url::parse(&parts.concat());
    }
    let mut buffer = [0u8; ROOM];
    let mut at = 0;
    for part in parts {
        buffer[at..at + part.len()].copy_from_slice(part.as_bytes());
        at += part.len();
    }
    match std::str::from_utf8(&buffer[..at]) {
        Ok(joined) => url::Url::parse(joined),
        // Unreachable: whole `str`s joined end to end are UTF-8. Join the slow way anyway.
        Err(_) => url::Url::parse(&parts.concat()),
    }
}

#[cfg(test)]
mod join_tests {
    use super::join_url;

    #[test]
    fn one_slash_joins_base_and_path() {
        let with = join_url("https://api.example.com", "/v1/charges").unwrap();
        let without = join_url("https://api.example.com", "v1/charges").unwrap();
        assert_eq!(with.as_str(), "https://api.example.com/v1/charges");
        assert_eq!(with, without);
        let prefixed = join_url("https://example.com/api/2025-01", "/graphql.json").unwrap();
        assert_eq!(prefixed.path(), "/api/2025-01/graphql.json");
    }

    #[test]
    fn long_and_non_ascii_paths_join_the_same_way() {
        let long = format!("/v1/items/{}", "x".repeat(2000));
        let url = join_url("https://api.example.com", &long).unwrap();
        assert_eq!(url.path(), long);
        let url = join_url("https://api.example.com", "/adresse/Zürich").unwrap();
        assert_eq!(url.path(), "/adresse/Z%C3%BCrich");
        assert!(join_url("not a url", "/x").is_err());
    }
}
