//! Test support for proign and for the services that embed it.
//!
//! - [`vectors`]: signed deliveries and queries made by the providers' official libraries,
//!   with the verdicts proign gives.
//! - [`sim`]: local provider simulators on loopback (Shopify, Stripe, UPS, TaxJar, Resend
//!   and Turnstile).
//! - [`sandbox`]: all of them in one call, with their credentials, webhooks and fault knobs.
//!
//! ```
//! let rows = proign_testkit::vectors::shopify_oauth_queries();
//! assert!(rows.iter().all(|row| row.query.is_some()));
//! ```

pub mod sandbox;
pub mod sim;
pub mod vectors;
