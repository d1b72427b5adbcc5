//! Resend for proign.
//!
//! This crate verifies Resend's webhook deliveries ([`webhook::ResendVerifier`], the Standard
//! Webhooks scheme Resend sends through Svix) and parses their email events
//! ([`event::EmailEvent`]) from the same bytes.
//!
//! Not yet available: the sending client; it is planned on top of proign's shared HTTP core
//! and tracked in the changelog.
//!
//! ```
//! use proign_core::secret::Secret;
//! use proign_resend::webhook::ResendVerifier;
//!
//! // A placeholder or mistyped secret fails at start-up, not at the first delivery.
//! assert!(ResendVerifier::new([&Secret::new("whsec_xyz!").unwrap()]).is_err());
//! ```

pub mod event;
pub mod webhook;
