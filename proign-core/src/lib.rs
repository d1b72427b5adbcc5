//! The provider-neutral core of proign.
//!
//! proign connects a commerce back office to its providers in four verbs: **connect**
//! (credentials in, a checked client out), **configure**, **sync** (verify, persist, handle;
//! enqueue, call, record) and **monitor**. This crate holds everything that is not specific
//! to one provider:
//!
//! - [`secret`]: credentials that never print, serialise or log their value.
//! - [`clock`]: the one time source, fixed in tests.
//! - [`webhook`]: the verification contract every provider implements, its building blocks,
//!   and the Standard Webhooks scheme (verify and sign).
//! - `config` (feature `config`): typed configuration from TOML with environment overrides.
//! - [`provider`]: the names of the integrations.
//! - [`retry`]: the retry policy (attempts, backoff with jitter, deadline) and `Retry-After`.
//! - [`idempotency`]: keys that make a side effect happen once, however often it is sent.
//! - `http` (feature `http`): the client every provider calls through — timeouts, retries,
//!   idempotency, rate budgets, tracing and one error type.
//! - `auth` (feature `http`): API keys and OAuth 2.0 client credentials with a shared token
//!   cache.
//! - [`queue`]: the durable job queue (in memory; SQLite with feature `sqlite`; PostgreSQL
//!   with feature `postgres`), with its dedup, schedule and checkpoint stores.
//! - [`worker`]: runs handlers over the queue with retries, backoff and graceful shutdown.
//! - [`schedule`]: recurring jobs and catch-up checkpoints.
//! - [`events`]: the provider-neutral event envelope and its publishing.
//! - [`monitor`]: per-integration state, counters and the monitor page.
//!
//! ```
//! use bytes::Bytes;
//! use proign_core::{clock::FixedClock, secret::Secret};
//! use proign_core::webhook::{Reason, WebhookVerifier, standard::{StandardSigner, StandardVerifier}};
//!
//! let secret = Secret::new("whsec_cHJnbi1yZXNlbmQtc2lnbmluZy1rZXktMzJieXRlcyE=").unwrap();
//! let body = Bytes::from_static(br#"{"type":"email.delivered"}"#);
//! let headers = StandardSigner::new(&secret).unwrap().headers("msg_1", 1_767_225_600, &body).unwrap();
//!
//! let verifier = StandardVerifier::new([&secret])
//!     .unwrap()
//!     .with_clock(FixedClock::at_unix(1_767_225_900));
//! assert!(verifier.verify(&headers, body.clone()).is_ok());
//!
//! // One byte changed: rejected, with a reason a program can act on.
//! let tampered = Bytes::from_static(br#"{"type":"email.bounced!"}"#);
//! let err = verifier.verify(&headers, tampered).unwrap_err();
//! assert_eq!(err.reason(), Reason::BadSignature);
//! ```

#[cfg(feature = "http")]
pub mod auth;
pub mod clock;
#[cfg(feature = "config")]
pub mod config;
pub mod events;
#[cfg(feature = "http")]
pub mod http;
pub mod idempotency;
pub mod monitor;
pub mod provider;
pub mod queue;
pub mod retry;
pub mod schedule;
pub mod secret;
pub mod webhook;
pub mod worker;

pub use provider::Provider;
