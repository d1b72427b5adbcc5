//! An axum extractor that lets a handler run only for a visitor whose Turnstile token passed.
//!
//! [`Checked`] takes the token from the `cf-turnstile-response` header or, for a form post,
//! from the form field of the same name (the one Cloudflare's widget adds). It verifies the
//! token with the [`TurnstileClient`] held in the router state as `Arc<TurnstileClient>`
//! and hands the handler the outcome together with the form's fields, since reading the
//! token consumed the body. Rejections answer with an empty body: `400` without a token,
//! `403` for a token that did not pass, `503` when Cloudflare could not be asked.
//!
//! ```
//! use std::sync::Arc;
//! use axum::{Router, routing::post};
//! use proign_core::secret::Secret;
//! use proign_turnstile::axum::Checked;
//! use proign_turnstile::{TurnstileClient, TurnstileConfig, testing};
//!
//! async fn sign_up(checked: Checked) -> String {
//!     format!("welcome, {}", checked.field("email").unwrap_or("visitor"))
//! }
//!
//! let config = TurnstileConfig::new(Secret::new(testing::SECRET_ALWAYS_PASSES).unwrap());
//! let client = Arc::new(TurnstileClient::new(config).unwrap());
//! let app: Router = Router::new().route("/sign-up", post(sign_up)).with_state(client);
//! ```

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::{Error, Outcome, TurnstileClient, Verify};

/// The header and form field that carry the token.
pub const TOKEN_FIELD: &str = "cf-turnstile-response";

/// The largest form body read to find the token.
pub const FORM_LIMIT: usize = 64 * 1024;

/// A request whose Turnstile token passed.
#[derive(Debug)]
pub struct Checked {
    outcome: Outcome,
    form: Vec<(String, String)>,
}

impl Checked {
    /// Cloudflare's answer.
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// The form's fields, when the token came in a form (the token field excluded).
    pub fn form(&self) -> &[(String, String)] {
        &self.form
    }

    /// The first value of a form field.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Why [`Checked`] refused a request; it answers with an empty body.
#[derive(Debug)]
pub struct Rejection {
    status: StatusCode,
    error: Option<Error>,
}

impl Rejection {
    /// The status the response carries.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The verification error, when the token was sent.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        (self.status, Body::empty()).into_response()
    }
}

fn refuse(status: StatusCode) -> Rejection {
    Rejection {
        status,
        error: None,
    }
}

impl<S> FromRequest<S> for Checked
where
    S: Send + Sync,
    Arc<TurnstileClient>: FromRef<S>,
{
    type Rejection = Rejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let client = Arc::<TurnstileClient>::from_ref(state);
        let (parts, body) = req.into_parts();
        let from_header = parts
            .headers
            .get(TOKEN_FIELD)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
        let mut form = Vec::new();
        if is_form {
            let bytes = axum::body::to_bytes(body, FORM_LIMIT)
                .await
                .map_err(|_| refuse(StatusCode::BAD_REQUEST))?;
            form = form_urlencoded::parse(&bytes).into_owned().collect();
        }
        let from_form = form
            .iter()
            .position(|(name, _)| name == TOKEN_FIELD)
            .map(|at| form.remove(at).1);
        let token = from_header
            .or(from_form)
            .filter(|token| !token.is_empty())
            .ok_or_else(|| refuse(StatusCode::BAD_REQUEST))?;

        match client.verify(&Verify::new(token)).await {
            Ok(outcome) => Ok(Self { outcome, form }),
            Err(error) => {
                let status = match &error {
                    Error::Http(_) => StatusCode::SERVICE_UNAVAILABLE,
                    Error::Configuration { .. } => StatusCode::INTERNAL_SERVER_ERROR,
                    _ => StatusCode::FORBIDDEN,
                };
                tracing::debug!(%error, status = status.as_u16(), "turnstile check refused");
                Err(Rejection {
                    status,
                    error: Some(error),
                })
            }
        }
    }
}
