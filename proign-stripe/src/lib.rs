//! Stripe for proign: the billing client, webhook verification and typed events.
//!
//! [`Client`] calls Stripe's API through proign's shared HTTP core: a secret or restricted
//! key, a pinned `Stripe-Version`, an `Idempotency-Key` on every `POST` kept across retries,
//! `Stripe-Should-Retry` honoured, and Stripe's error body mapped to [`Error`]. Parameters are
//! form-encoded byte for byte as Stripe's own libraries encode them ([`form`]); answers are
//! typed with every unknown field kept ([`objects`]); lists page forward or backward as a
//! stream ([`list`]). Here against the local simulator from `proign-testkit`:
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use proign_core::{auth::Credential, secret::Secret};
//! use proign_stripe::resources::{CustomerCreate, PaymentIntentCreate};
//! use proign_stripe::{Client, RequestOptions};
//! use proign_testkit::sim::stripe::StripeSim;
//!
//! let sim = StripeSim::start().await;
//! let key = Credential::new(Secret::new("sk_test_made_up_for_this_example").unwrap());
//! let stripe = Client::builder(key).base_url(sim.base_url()).connect().await.unwrap();
//!
//! let customer = stripe
//!     .customers()
//!     .create(&CustomerCreate::with_email("jenny@example.com"), &RequestOptions::new())
//!     .await
//!     .unwrap();
//! let mut payment = PaymentIntentCreate::new(1999, "usd");
//! payment.customer = Some(customer.id);
//! payment.payment_method = Some("pm_card_visa".into());
//! payment.confirm = Some(true);
//! let intent = stripe.payment_intents().create(&payment, &RequestOptions::new()).await.unwrap();
//! assert_eq!((intent.amount, intent.status.as_str()), (1999, "succeeded"));
//! # });
//! ```
//!
//! Webhook deliveries are verified ([`webhook::StripeVerifier`]) and parsed into events
//! ([`event::Event`]) from the same bytes:
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
