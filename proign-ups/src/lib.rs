//! UPS for proign.
//!
//! This crate receives UPS Track Alert callbacks ([`track_alert::TrackAlertVerifier`]):
//! authenticated by the subscription's credential, parsed into typed tracking events, and
//! given a deduplication key.
//!
//! Not yet available: the OAuth, address validation, rating, shipping and tracking clients;
//! they are planned on top of proign's shared HTTP core and tracked in the changelog.
//!
//! ```
//! use proign_core::secret::Secret;
//! use proign_ups::track_alert::TrackAlertVerifier;
//!
//! let credential = Secret::new("made-up-callback-credential").unwrap();
//! let verifier = TrackAlertVerifier::new([&credential]).unwrap().with_header("x-ups-credential").unwrap();
//! assert!(!format!("{verifier:?}").contains("made-up"));
//! ```

pub mod track_alert;
