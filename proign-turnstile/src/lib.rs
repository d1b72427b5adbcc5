//! Cloudflare Turnstile for proign: check a widget token with `siteverify`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use proign_core::secret::Secret;
//! use proign_turnstile::{TurnstileClient, TurnstileConfig, Verify};
//!
//! let client = TurnstileClient::new(
//!     TurnstileConfig::new(Secret::from_env("TURNSTILE_SECRET_KEY")?)
//!         .expected_hostname("shop.example.com"),
//! )?;
//! let check = Verify::new("token-from-the-form").remote_ip("203.0.113.7");
//! let outcome = client.verify(&check).await?;
//! assert!(outcome.success);
//! # Ok(()) }
//! ```
//!
//! Every check carries an idempotency key chosen before the first attempt, so a retry after
//! a lost connection gets the first attempt's answer instead of `timeout-or-duplicate`.
//! Tokens longer than [`MAX_TOKEN_LEN`] are refused without a call.
//!
//! The [`testing`] module holds Cloudflare's documented test keys. With the `axum` feature,
//! `axum::Checked` checks the token before a handler runs.

#[cfg(feature = "axum")]
pub mod axum;
mod client;
mod error;
mod outcome;
mod profile;
pub mod testing;

pub use client::{MAX_TOKEN_LEN, SITEVERIFY_PATH, TurnstileClient, TurnstileConfig, Verify};
pub use error::Error;
pub use outcome::{ErrorCode, Outcome};
pub use profile::{DEFAULT_BASE_URL, TurnstileProfile};
