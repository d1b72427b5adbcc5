//! An axum extractor that hands a handler only verified deliveries.
//!
//! [`Verified<V>`] reads the raw body (never more than the verifier's limit), runs the
//! verifier held in the router state as `Arc<V>`, and rejects with an empty 400, 401 or 413
//! response; the reason is logged at `debug`, never sent back to the caller. A body that has
//! not arrived within [`BODY_TIMEOUT`] is answered `408`. A 413, a 408 and a 400 for a body
//! that could not be read also say `Connection: close`: the rest of the body is not read, so
//! the connection cannot carry another request.
//!
//! The body deadline starts once the request's headers are in; a sender that never finishes
//! its headers is the server's to time out: [`serve`](super::serve) and
//! [`Server`](super::server::Server) close such a connection at a header deadline, which
//! `axum::serve` does not have.
//!
//! ```
//! use std::sync::Arc;
//! use axum::{Router, extract::FromRef, routing::post};
//! use proign_core::secret::Secret;
//! use proign_core::webhook::{axum::Verified, standard::StandardVerifier};
//!
//! #[derive(Clone)]
//! struct AppState {
//!     events: Arc<StandardVerifier>,
//! }
//!
//! impl FromRef<AppState> for Arc<StandardVerifier> {
//!     fn from_ref(state: &AppState) -> Self {
//!         state.events.clone()
//!     }
//! }
//!
//! async fn receive(Verified(delivery): Verified<StandardVerifier>) -> &'static str {
//!     // Store `delivery` durably before answering.
//!     let _ = delivery.body();
//!     "ok"
//! }
//!
//! let secret = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
//! let state = AppState { events: Arc::new(StandardVerifier::new([&secret]).unwrap()) };
//! let app: Router = Router::new().route("/webhooks", post(receive)).with_state(state);
//! ```

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{VerifyError, WebhookVerifier};

/// The output of `V` for a delivery that passed verification.
#[derive(Debug)]
pub struct Verified<V: WebhookVerifier>(pub V::Output);

/// Why [`Verified`] refused a request. It answers with an empty body.
#[derive(Debug)]
pub struct Rejection {
    status: StatusCode,
    error: Option<VerifyError>,
}

impl Rejection {
    /// The status the response carries.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The verification error, or `None` when the body could not be read.
    pub fn error(&self) -> Option<&VerifyError> {
        self.error.as_ref()
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        // Without an error, the body was not read to its end (too large, or cut off): the
        // server will drop the connection rather than read the rest, so it says so. A client
        // that reused the connection would otherwise lose its next request to a broken pipe.
        if self.error.is_none() {
            let close = [(header::CONNECTION, HeaderValue::from_static("close"))];
            return (self.status, close, Body::empty()).into_response();
        }
        (self.status, Body::empty()).into_response()
    }
}

fn is_length_limit(err: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = source {
        if current.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = current.source();
    }
    false
}

impl<S, V> FromRequest<S> for Verified<V>
where
    S: Send + Sync,
    V: WebhookVerifier + 'static,
    Arc<V>: FromRef<S>,
{
    type Rejection = Rejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Arc::<V>::from_ref(state);
        read_and_verify(verifier.as_ref(), req, BODY_TIMEOUT)
            .await
            .map(Self)
    }
}

/// How long [`Verified`] and, by default, an [`Inbox`](super::inbox::Inbox) wait for a
/// request's whole body once its headers are in. A sender that trickles or stalls its body
/// is answered `408` and the connection closed, so it cannot hold a connection open.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// Reads the body of `req` (never more than the verifier's limit, never for longer than
/// `body_timeout`) and verifies it.
pub(crate) async fn read_and_verify<V: WebhookVerifier>(
    verifier: &V,
    req: Request,
    body_timeout: Duration,
) -> Result<V::Output, Rejection> {
    let provider = verifier.provider();
    let limit = verifier.body_limit();
    let (parts, body) = req.into_parts();
    let declared = parts
        .headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        tracing::debug!(%provider, "webhook body declared larger than the limit");
        return Err(Rejection {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            error: None,
        });
    }
    let read = tokio::time::timeout(body_timeout, axum::body::to_bytes(body, limit)).await;
    let Ok(read) = read else {
        tracing::debug!(%provider, ?body_timeout, "webhook body not received in time");
        return Err(Rejection {
            status: StatusCode::REQUEST_TIMEOUT,
            error: None,
        });
    };
    let body = read.map_err(|err| {
        let too_large = is_length_limit(&err);
        tracing::debug!(%provider, too_large, "webhook body could not be read");
        Rejection {
            status: if too_large {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::BAD_REQUEST
            },
            error: None,
        }
    })?;
    verifier.verify(&parts.headers, body).map_err(|error| {
        tracing::debug!(%provider, reason = %error.reason(), %error, "webhook rejected");
        Rejection {
            status: StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::UNAUTHORIZED),
            error: Some(error),
        }
    })
}
