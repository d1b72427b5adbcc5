//! Resend for proign: send transactional email, and verify the events Resend sends back.
//!
//! [`ResendClient`] sends one email or a batch of up to [`MAX_BATCH`], and reads,
//! reschedules or cancels scheduled emails. Every send carries an idempotency key chosen
//! before the first attempt (or given by the caller, stored with the job), so a retry never
//! sends the customer a second copy. Calls wait for a client-side budget (2 per second
//! unless configured) and a `429` is retried after the time it names.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use proign_core::auth::Credential;
//! use proign_resend::{Email, ResendClient, ResendConfig};
//!
//! let client = ResendClient::new(ResendConfig::new(Credential::from_env("RESEND_API_KEY")?))?;
//! let email = Email::new("Shop <orders@shop.example>", "zoe@example.com", "Your order")
//!     .text("Thank you for your order.")
//!     .tag("kind", "order_confirmation");
//! let sent = client.send(&email).await?;
//! assert!(!sent.id.is_empty());
//! # Ok(()) }
//! ```
//!
//! This crate also verifies Resend's webhook deliveries ([`webhook::ResendVerifier`], the
//! Standard Webhooks scheme Resend sends through Svix) and parses their email events
//! ([`event::EmailEvent`]) from the same bytes.
//!
//! ```
//! use proign_core::secret::Secret;
//! use proign_resend::webhook::ResendVerifier;
//!
//! // A placeholder or mistyped secret fails at start-up, not at the first delivery.
//! assert!(ResendVerifier::new([&Secret::new("whsec_xyz!").unwrap()]).is_err());
//! ```

mod client;
mod email;
mod error;
pub mod event;
mod profile;
mod send;
pub mod webhook;

pub use client::{ResendClient, ResendConfig};
pub use email::{Attachment, Email, Recipients, Tag};
pub use error::{Error, ErrorName};
pub use profile::{DEFAULT_BASE_URL, ResendProfile, decode_resend_error};
pub use send::{BatchError, BatchSent, BatchValidation, MAX_BATCH, Sent, SentEmail};
