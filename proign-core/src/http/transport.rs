//! The seam between proign and the HTTP library.
//!
//! [`Transport`] sends one fully buffered request and returns one fully buffered response.
//! Everything above it (retry, auth, tracing) is written against this trait, so the HTTP
//! library's types never appear in proign's public API and tests can swap in a scripted
//! transport that needs no sockets. [`ReqwestTransport`] is the real one.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, Method, StatusCode};

use super::error::{Source, TimeoutPhase};

/// A boxed future, as returned by the object-safe traits of this module.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One attempt, ready to send: every byte of it is fixed before the first attempt.
#[derive(Clone)]
pub struct TransportRequest {
    /// The method.
    pub method: Method,
    /// The full URL.
    pub url: url::Url,
    /// The headers, credentials among them (marked sensitive).
    pub headers: HeaderMap,
    /// The body; cloning it is cheap and yields the same bytes.
    pub body: Bytes,
    /// The time this attempt may take, connecting and reading the body included.
    pub timeout: Duration,
}

impl fmt::Debug for TransportRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportRequest")
            .field("method", &self.method)
            .field("path", &self.url.path())
            .field("body_len", &self.body.len())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// A complete response.
#[derive(Clone)]
pub struct TransportResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

impl fmt::Debug for TransportResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportResponse")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Why an attempt produced no response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection; nothing was sent.
    Connect,
    /// Out of time in the given phase.
    Timeout(TimeoutPhase),
    /// The connection broke once the request may have been sent.
    Disconnected,
    /// The body exceeded the limit.
    TooLarge(usize),
}

/// An attempt that produced no response, with its cause.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{kind:?}")]
pub struct TransportError {
    /// What happened.
    pub kind: TransportErrorKind,
    /// The HTTP library's error, when there is one.
    #[source]
    pub source: Option<Source>,
}

impl TransportError {
    /// An error without a cause.
    pub fn new(kind: TransportErrorKind) -> Self {
        Self { kind, source: None }
    }
}

/// Sends one request and buffers its response.
pub trait Transport: Send + Sync + fmt::Debug + 'static {
    /// Sends `request`, bounded by `request.timeout`.
    fn send(
        &self,
        request: TransportRequest,
    ) -> BoxFuture<'_, Result<TransportResponse, TransportError>>;
}

/// The transport settings every client has; neither timeout can be switched off.
#[derive(Debug, Clone)]
pub struct TransportConfig {
    /// How long establishing a connection (TCP and TLS) may take.
    pub connect_timeout: Duration,
    /// The largest response body accepted.
    pub max_body_bytes: usize,
    /// Appended to `proign/<version>` in the `User-Agent`, e.g. `shop-backoffice/2.1`.
    pub user_agent_suffix: Option<String>,
}

impl Default for TransportConfig {
    /// 10 s to connect, 16 MiB of body, no suffix.
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            max_body_bytes: 16 * 1024 * 1024,
            user_agent_suffix: None,
        }
    }
}

/// The `User-Agent` proign sends: `proign/<version>`, then the host's suffix.
pub fn user_agent(suffix: Option<&str>) -> String {
    let base = concat!("proign/", env!("CARGO_PKG_VERSION"));
    match suffix {
        Some(s) if !s.trim().is_empty() => format!("{base} {}", s.trim()),
        _ => base.to_owned(),
    }
}

/// The real transport: reqwest with rustls, HTTP/2 where the server offers it, gzip.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    max_body_bytes: usize,
}

impl ReqwestTransport {
    /// Builds the connection pool.
    pub fn new(config: &TransportConfig) -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .user_agent(user_agent(config.user_agent_suffix.as_deref()))
            .gzip(true)
            .build()
            .map_err(|e| TransportError {
                kind: TransportErrorKind::Connect,
                source: Some(std::sync::Arc::new(e)),
            })?;
        Ok(Self {
            client,
            max_body_bytes: config.max_body_bytes,
        })
    }

    pub(crate) async fn send_now(
        &self,
        request: TransportRequest,
    ) -> Result<TransportResponse, TransportError> {
        let deadline = tokio::time::Instant::now() + request.timeout;
        let pending = self
            .client
            .request(request.method, request.url)
            .headers(request.headers)
            .body(request.body)
            .send();
        let mut response = match tokio::time::timeout_at(deadline, pending).await {
            Err(_) => {
                return Err(TransportError::new(TransportErrorKind::Timeout(
                    TimeoutPhase::Response,
                )));
            }
            Ok(result) => result.map_err(|e| classify(e, TimeoutPhase::Response))?,
        };
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        // Most bodies arrive in one chunk, which is kept as it is; a copy is made only to
        // join several.
        let mut first: Option<Bytes> = None;
        let mut joined = BytesMut::new();
        let mut len = 0usize;
        loop {
            let chunk = match tokio::time::timeout_at(deadline, response.chunk()).await {
                Err(_) => {
                    return Err(TransportError::new(TransportErrorKind::Timeout(
                        TimeoutPhase::Body,
                    )));
                }
                Ok(result) => result.map_err(|e| classify(e, TimeoutPhase::Body))?,
            };
            let Some(chunk) = chunk else { break };
            len += chunk.len();
            if len > self.max_body_bytes {
                return Err(TransportError::new(TransportErrorKind::TooLarge(
                    self.max_body_bytes,
                )));
            }
            match first.take() {
                None if joined.is_empty() => first = Some(chunk),
                None => joined.extend_from_slice(&chunk),
                Some(earlier) => {
                    joined.reserve(earlier.len() + chunk.len());
                    joined.extend_from_slice(&earlier);
                    joined.extend_from_slice(&chunk);
                }
            }
        }
        let body = match first {
            Some(only) => only,
            None => joined.freeze(),
        };
        Ok(TransportResponse {
            status,
            headers,
            body,
        })
    }
}

impl Transport for ReqwestTransport {
    fn send(
        &self,
        request: TransportRequest,
    ) -> BoxFuture<'_, Result<TransportResponse, TransportError>> {
        Box::pin(self.send_now(request))
    }
}

fn classify(error: reqwest::Error, phase: TimeoutPhase) -> TransportError {
    // The URL may carry a query string; errors keep only the cause.
    let error = error.without_url();
    let kind = if error.is_connect() {
        if error.is_timeout() {
            TransportErrorKind::Timeout(TimeoutPhase::Connect)
        } else {
            TransportErrorKind::Connect
        }
    } else if error.is_timeout() {
        TransportErrorKind::Timeout(phase)
    } else {
        TransportErrorKind::Disconnected
    };
    TransportError {
        kind,
        source: Some(std::sync::Arc::new(error)),
    }
}
