//! Stripe for proign.
//!
//! This crate verifies Stripe's webhook deliveries ([`webhook::StripeVerifier`]) and parses
//! their events ([`event::Event`]) from the same bytes, with typed views of the billing
//! objects ([`objects`]).
//!
//! Not yet available: the billing API client; it is planned on top of proign's shared HTTP
//! core and tracked in the changelog.
//!
//! ```
//! use bytes::Bytes;
//! use http::{HeaderMap, HeaderValue};
//! use proign_core::{clock::FixedClock, secret::Secret};
//! use proign_stripe::event::EventType;
//! use proign_stripe::webhook::{StripeVerifier, sign};
//!
//! let secret = Secret::new("whsec_made_up_for_this_example").unwrap();
//! let body = Bytes::from_static(
//!     br#"{"id":"evt_1","object":"event","type":"invoice.paid","created":1767225600,
//!         "data":{"object":{"id":"in_1","object":"invoice","currency":"usd","amount_paid":1999}}}"#,
//! );
//! let mut headers = HeaderMap::new();
//! let header = sign(&secret, 1_767_225_600, &body);
//! headers.insert("stripe-signature", HeaderValue::from_str(&header).unwrap());
//!
//! let verifier = StripeVerifier::new([&secret])
//!     .unwrap()
//!     .with_clock(FixedClock::at_unix(1_767_225_610));
//! let (_delivery, event) = verifier.construct_event(&headers, body).unwrap();
//! assert_eq!(event.kind, EventType::InvoicePaid);
//! ```

pub mod client;
pub mod error;
pub mod event;
pub mod form;
pub mod list;
pub mod metadata;
pub mod objects;
pub mod profile;
pub mod resources;
pub mod webhook;

pub use client::{API_VERSION, Client, ClientBuilder, Config, RequestOptions};
pub use error::{ApiError, Error, ErrorType};
