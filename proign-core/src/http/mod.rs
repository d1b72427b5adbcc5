//! One HTTP client setup for every provider.
//!
//! A provider crate describes its provider once in a [`ProviderProfile`] (base URL,
//! idempotency header, how to classify a response and decode an error body) and then calls
//! through a [`Client`]. The client adds what every call needs:
//!
//! - **Timeouts** always set: 10 s to connect and 30 s per attempt unless configured, with a
//!   per-call override; zero is refused, so "no timeout" cannot happen by accident.
//! - **A base URL** from configuration, else from `PROIGN_<PROVIDER>_BASE_URL` (for example
//!   `PROIGN_STRIPE_BASE_URL`), else the provider's production URL.
//! - **Retries** per a [`RetryPolicy`](crate::retry::RetryPolicy): connection failures,
//!   timeouts, `408`/`425`/`429`/`5xx` and provider hints; never a validation error; never a
//!   non-idempotent request without an idempotency key once it may have reached the server.
//! - **Idempotency keys** chosen before the first attempt and sent unchanged on every retry.
//! - **Authentication** through [`Auth`](crate::auth::Auth), with one token refresh and one
//!   replay on a `401` for OAuth clients.
//! - **Rate budgets** ([`RateBudget`]) shared per provider account.
//! - **Tracing**: one `proign.call` span per call with provider, operation, method, path
//!   (without query), attempt, status, request id and duration. Headers and bodies are never
//!   recorded, and credential headers are marked sensitive.
//!
//! The HTTP library sits behind the [`Transport`] trait, so tests can script responses:
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use std::sync::Arc;
//! use http::{HeaderMap, StatusCode};
//! use proign_core::Provider;
//! use proign_core::http::{BoxFuture, Client, ProviderProfile, Request};
//! use proign_core::http::{Transport, TransportError, TransportRequest, TransportResponse};
//!
//! #[derive(Debug)]
//! struct Example;
//! impl ProviderProfile for Example {
//!     fn provider(&self) -> Provider { Provider::Resend }
//!     fn default_base_url(&self) -> &str { "https://api.example.test" }
//! }
//!
//! #[derive(Debug)]
//! struct Canned;
//! impl Transport for Canned {
//!     fn send(&self, request: TransportRequest)
//!         -> BoxFuture<'_, Result<TransportResponse, TransportError>> {
//!         assert_eq!(request.url.as_str(), "https://api.example.test/emails?limit=1");
//!         Box::pin(async {
//!             Ok(TransportResponse {
//!                 status: StatusCode::OK,
//!                 headers: HeaderMap::new(),
//!                 body: bytes::Bytes::from_static(br#"{"data":[]}"#),
//!             })
//!         })
//!     }
//! }
//!
//! let client = Client::builder(Arc::new(Example))
//!     .transport(Arc::new(Canned))
//!     .build()
//!     .unwrap();
//! let response = client
//!     .send(Request::get("list_emails", "/emails").query([("limit", "1")]))
//!     .await
//!     .unwrap();
//! let body: serde_json::Value = response.json().unwrap();
//! assert_eq!(body["data"], serde_json::json!([]));
//! # });
//! ```

mod budget;
mod builder;
mod client;
mod connect;
mod error;
pub(crate) mod failure;
mod profile;
mod request;
mod response;
pub(crate) mod transport;

#[cfg(test)]
mod tests;

pub use budget::{RateBudget, RequestRate};
pub use builder::{ClientBuilder, base_url_variable};
pub use client::{Client, DEFAULT_TIMEOUT};
pub use connect::{Connect, CredentialSource};
pub use error::{Error, ErrorKind, ProviderError, Source, TimeoutPhase};
pub use profile::{Classification, ProviderProfile, default_classification, default_decode_error};
pub use request::{Request, SENSITIVE_HEADERS, is_sensitive};
pub use response::{EXCERPT_CHARS, Response, excerpt};
pub use transport::{
    BoxFuture, ReqwestTransport, Transport, TransportConfig, TransportError, TransportErrorKind,
    TransportRequest, TransportResponse, user_agent,
};
