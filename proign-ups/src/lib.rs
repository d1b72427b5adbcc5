//! UPS for proign: OAuth client credentials, address validation, rating, shipping, tracking
//! and Track Alert.
//!
//! [`UpsClient`] calls UPS through proign's shared HTTP core: the OAuth token is cached,
//! fetched once for any number of concurrent callers, refreshed a minute before it expires
//! and once more after a `401`; every call carries the `transId` and `transactionSrc`
//! headers; UPS's `response.errors` become typed errors that keep UPS's codes.
//! [`track_alert::TrackAlertVerifier`] authenticates the callbacks Track Alert pushes.
//!
//! ```
//! use proign_core::auth::Credential;
//! use proign_core::secret::Secret;
//! use proign_ups::{Environment, UpsClient, UpsConfig};
//!
//! let secret = Credential::new(Secret::new("made-up-client-secret").unwrap());
//! let config = UpsConfig::new("made-up-client-id", secret)
//!     .environment(Environment::Test)
//!     .base_url("http://127.0.0.1:9")
//!     .transaction_src("backoffice");
//! let client = UpsClient::new(config).unwrap();
//! assert_eq!(client.base_url(), "http://127.0.0.1:9");
//! assert!(!format!("{client:?}").contains("made-up-client-secret"));
//! ```
//!
//! Operations: [`UpsClient::validate_address`], [`UpsClient::rate`],
//! [`UpsClient::shop_rates`], [`UpsClient::create_shipment`], [`UpsClient::void_shipment`],
//! [`UpsClient::void_packages`], [`UpsClient::track`] and [`UpsClient::subscribe_tracking`].

pub mod address;
mod client;
mod error;
pub mod label;
pub mod model;
mod profile;
pub mod rating;
pub mod shipping;
pub mod subscription;
pub mod track_alert;
pub mod tracking;

pub use client::{DEFAULT_TRANSACTION_SRC, Environment, TOKEN_PATH, UpsClient, UpsConfig};
pub use error::Error;
pub use profile::{UpsProfile, decode_ups_error};
