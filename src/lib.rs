//! proign connects a commerce back office to Shopify, UPS, TaxJar, Stripe, Resend and
//! Cloudflare Turnstile: webhook verification to embed in your own HTTP server, typed clients,
//! a durable queue, an event bus and a monitor, following four verbs — connect, configure,
//! sync, monitor.
//!
//! This umbrella crate re-exports [`core`] and, behind features of the same names, each
//! provider crate.
//!
//! ```
//! use proign::core::webhook::Reason;
//! assert_eq!(Reason::BadSignature.as_str(), "bad_signature");
//! ```

pub use proign_core as core;

#[cfg(feature = "resend")]
pub use proign_resend as resend;
#[cfg(feature = "shopify")]
pub use proign_shopify as shopify;
#[cfg(feature = "stripe")]
pub use proign_stripe as stripe;
#[cfg(feature = "taxjar")]
pub use proign_taxjar as taxjar;
#[cfg(feature = "turnstile")]
pub use proign_turnstile as turnstile;
#[cfg(feature = "ups")]
pub use proign_ups as ups;
