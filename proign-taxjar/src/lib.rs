//! TaxJar for proign: sales tax for an order, rates, nexus, validation and transactions.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use proign_core::auth::Credential;
//! use proign_taxjar::{Address, Environment, LineItem, Liability, TaxJarClient, TaxJarConfig, TaxRequest};
//! use rust_decimal::Decimal;
//!
//! let client = TaxJarClient::new(
//!     TaxJarConfig::new(Credential::from_env("TAXJAR_API_KEY")?)
//!         .environment(Environment::Sandbox),
//! )?;
//! let order = TaxRequest::new(Decimal::new(150, 2))
//!     .from(Address::new("US").zip("92093").state("CA"))
//!     .to(Address::new("US").zip("90002").state("CA").city("Los Angeles"))
//!     .line_item(LineItem::new("1", 1, Decimal::new(15, 0)).product_tax_code("20010"));
//! let tax = client.tax_for_order(&order).await?;
//! match tax.liability() {
//!     Liability::NoNexus => { /* nothing owed here: not a zero rate */ }
//!     Liability::ZeroTax => {}
//!     Liability::Collect(amount) => assert!(amount > Decimal::ZERO),
//!     _ => {}
//! }
//! # Ok(()) }
//! ```
//!
//! Amounts are [`rust_decimal::Decimal`], written to the wire as plain JSON numbers in their
//! shortest exact form (`15.0` goes out as `15`). Errors carrying TaxJar's
//! `{error, detail, status}` with status `400`, `406` or `422` are
//! [`Error::Validation`], never retried; `429` and `5xx` are retried by the shared client
//! and, once retries run out, are typed [`Error::Api`] errors whatever their body.

mod address;
mod client;
mod error;
mod line_item;
mod lookup;
mod money;
mod operations;
mod profile;
mod tax;
mod transaction;

pub use address::{Address, NexusAddress};
pub use client::{DEFAULT_API_VERSION, Environment, TaxJarClient, TaxJarConfig};
pub use error::Error;
pub use line_item::LineItem;
pub use lookup::{
    Category, LabelledRate, NexusRegion, Rate, RateQuery, SummaryRate, VatValidation,
};
pub use operations::Kind;
pub use profile::{TaxJarProfile, decode_taxjar_error};
pub use tax::{Breakdown, Jurisdictions, Liability, LineItemBreakdown, Tax, TaxRequest};
pub use transaction::{DateRange, Transaction, TransactionRecord};
