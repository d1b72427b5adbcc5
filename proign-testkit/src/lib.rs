//! Test support for proign and for the services that embed it.
//!
//! - [`vectors`]: signed deliveries and queries made by the providers' official libraries,
//!   with the verdicts proign gives.
//!
//! - [`sim`]: local provider simulators on loopback that keep state, answer in the providers'
//!   shapes and can be told to fail.
//!
//! ```
//! let rows = proign_testkit::vectors::shopify_oauth_queries();
//! assert!(rows.iter().all(|row| row.query.is_some()));
//! ```

pub mod sim;
pub mod vectors;
