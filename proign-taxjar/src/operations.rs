//! The TaxJar operations.

use http::Method;

use crate::address::Address;
use crate::client::{TaxJarClient, segment};
use crate::error::Error;
use crate::lookup::{Category, NexusRegion, Rate, RateQuery, SummaryRate, VatValidation};
use crate::tax::{Tax, TaxRequest};
use crate::transaction::{DateRange, Transaction, TransactionRecord};

/// Orders or refunds: the two transaction kinds share their operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// `/v2/transactions/orders`.
    Order,
    /// `/v2/transactions/refunds`.
    Refund,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Self::Order => "/transactions/orders",
            Self::Refund => "/transactions/refunds",
        }
    }

    fn one(self) -> &'static str {
        match self {
            Self::Order => "order",
            Self::Refund => "refund",
        }
    }

    fn many(self) -> &'static str {
        match self {
            Self::Order => "orders",
            Self::Refund => "refunds",
        }
    }
}

impl TaxJarClient {
    /// `POST /v2/taxes`: the tax for an order. A pure calculation, so retried on `429`,
    /// `5xx` and lost connections.
    pub async fn tax_for_order(&self, order: &TaxRequest) -> Result<Tax, Error> {
        let request = self.request(Method::POST, "tax_for_order", "/taxes");
        let request = Self::with_json(request, order)?.replay_safe();
        self.call(request, "tax").await
    }

    /// `GET /v2/rates/:zip`: the rates of a location.
    pub async fn rates_for_location(&self, zip: &str, query: &RateQuery) -> Result<Rate, Error> {
        let request = self
            .request(
                Method::GET,
                "rates_for_location",
                &format!("/rates/{}", segment(zip)),
            )
            .query(query.pairs());
        self.call(request, "rate").await
    }

    /// `GET /v2/nexus/regions`: the regions where the account has nexus.
    pub async fn nexus_regions(&self) -> Result<Vec<NexusRegion>, Error> {
        let request = self.request(Method::GET, "nexus_regions", "/nexus/regions");
        self.call(request, "regions").await
    }

    /// `POST /v2/addresses/validate`: the matching addresses (US only, Plus plans).
    pub async fn validate_address(&self, address: &Address) -> Result<Vec<Address>, Error> {
        let request = self.request(Method::POST, "validate_address", "/addresses/validate");
        let request = Self::with_json(request, address)?.replay_safe();
        self.call(request, "addresses").await
    }

    /// `GET /v2/validation`: a VAT number's validation.
    pub async fn validate_vat(&self, vat: &str) -> Result<VatValidation, Error> {
        let request = self
            .request(Method::GET, "validate_vat", "/validation")
            .query([("vat", vat)]);
        self.call(request, "validation").await
    }

    /// `GET /v2/categories`: the product tax codes.
    pub async fn categories(&self) -> Result<Vec<Category>, Error> {
        let request = self.request(Method::GET, "categories", "/categories");
        self.call(request, "categories").await
    }

    /// `GET /v2/summary_rates`: every region's minimum and average rates.
    pub async fn summary_rates(&self) -> Result<Vec<SummaryRate>, Error> {
        let request = self.request(Method::GET, "summary_rates", "/summary_rates");
        self.call(request, "summary_rates").await
    }

    /// `POST /v2/transactions/{orders,refunds}`: records a transaction.
    ///
    /// Not retried once it may have reached TaxJar (TaxJar has no idempotency key; a repeat
    /// would answer `422` for the existing id); `429` is retried.
    pub async fn create_transaction(
        &self,
        kind: Kind,
        transaction: &Transaction,
    ) -> Result<TransactionRecord, Error> {
        let request = self.request(Method::POST, "create_transaction", kind.path());
        let request = Self::with_json(request, transaction)?;
        self.call(request, kind.one()).await
    }

    /// `PUT /v2/transactions/{orders,refunds}/:id`: replaces the fields set in `changes`.
    pub async fn update_transaction(
        &self,
        kind: Kind,
        id: &str,
        changes: &Transaction,
    ) -> Result<TransactionRecord, Error> {
        if changes.id().is_some_and(|own| own != id) {
            return Err(Error::InvalidInput {
                what: "transaction id",
                reason: "the body names another transaction than the path".into(),
            });
        }
        let path = format!("{}/{}", kind.path(), segment(id));
        let request = self.request(Method::PUT, "update_transaction", &path);
        let request = Self::with_json(request, changes)?;
        self.call(request, kind.one()).await
    }

    /// `GET /v2/transactions/{orders,refunds}/:id`.
    pub async fn show_transaction(&self, kind: Kind, id: &str) -> Result<TransactionRecord, Error> {
        let path = format!("{}/{}", kind.path(), segment(id));
        let request = self.request(Method::GET, "show_transaction", &path);
        self.call(request, kind.one()).await
    }

    /// `GET /v2/transactions/{orders,refunds}`: the ids of the transactions in `range`.
    pub async fn list_transactions(
        &self,
        kind: Kind,
        range: &DateRange,
    ) -> Result<Vec<String>, Error> {
        let request = self
            .request(Method::GET, "list_transactions", kind.path())
            .query(range.pairs());
        self.call(request, kind.many()).await
    }

    /// `DELETE /v2/transactions/{orders,refunds}/:id`: the deleted transaction (its amounts
    /// come back empty).
    pub async fn delete_transaction(
        &self,
        kind: Kind,
        id: &str,
    ) -> Result<TransactionRecord, Error> {
        let path = format!("{}/{}", kind.path(), segment(id));
        let request = self.request(Method::DELETE, "delete_transaction", &path);
        self.call(request, kind.one()).await
    }
}
