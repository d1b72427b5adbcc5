//! Invoices, invoice items and credit notes.

use serde::Serialize;

use super::{NoParams, action, handle, path};
use crate::client::RequestOptions;
use crate::error::Error;
use crate::list::{List, ListParams, Pages};
use crate::metadata::Metadata;
use crate::objects::{CreditNote, Deleted, Invoice, InvoiceItem};

const INVOICES: &str = "/v1/invoices";
const ITEMS: &str = "/v1/invoiceitems";
const CREDIT_NOTES: &str = "/v1/credit_notes";

handle! {
    /// Invoices: create, finalize, pay, void, send, preview the upcoming one, list.
    Invoices, invoices
}

handle! {
    /// Invoice items: lines waiting for the next invoice.
    InvoiceItems, invoice_items
}

handle! {
    /// Credit notes: reduce a finalized invoice.
    CreditNotes, credit_notes
}

/// Parameters of a new invoice.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InvoiceCreate {
    /// The customer billed.
    pub customer: Option<String>,
    /// The subscription the invoice is for.
    pub subscription: Option<String>,
    /// `charge_automatically` or `send_invoice`.
    pub collection_method: Option<String>,
    /// Days until due, for `send_invoice`.
    pub days_until_due: Option<u32>,
    /// `exclude` or `include_and_require`: whether pending invoice items are pulled in.
    pub pending_invoice_items_behavior: Option<String>,
    /// Whether Stripe finalizes it automatically.
    pub auto_advance: Option<bool>,
    /// A description shown on the invoice.
    pub description: Option<String>,
    /// The host's key-value data.
    pub metadata: Option<Metadata>,
}

/// Options when paying an invoice.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InvoicePay {
    /// Pay with this payment method instead of the default.
    pub payment_method: Option<String>,
    /// Mark the invoice paid outside Stripe.
    pub paid_out_of_band: Option<bool>,
    /// Keep trying other sources when the first fails.
    pub off_session: Option<bool>,
}

/// Filters of an invoice list.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InvoiceListParams {
    /// Page size and cursor.
    #[serde(flatten)]
    pub page: ListParams,
    /// Only this customer's invoices.
    pub customer: Option<String>,
    /// `draft`, `open`, `paid`, `uncollectible` or `void`.
    pub status: Option<String>,
    /// Only this subscription's invoices.
    pub subscription: Option<String>,
}

/// Parameters of a new invoice item.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InvoiceItemCreate {
    /// The customer.
    pub customer: String,
    /// Amount in minor units (for a one-off line).
    pub amount: Option<i64>,
    /// Three-letter ISO currency code, lower case.
    pub currency: Option<String>,
    /// A price instead of an amount.
    pub price: Option<String>,
    /// Quantity of the price.
    pub quantity: Option<u64>,
    /// Put it on this draft invoice rather than the next one.
    pub invoice: Option<String>,
    /// The line's description.
    pub description: Option<String>,
    /// The host's key-value data.
    pub metadata: Option<Metadata>,
}

/// Parameters of a new credit note.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CreditNoteCreate {
    /// The invoice reduced.
    pub invoice: String,
    /// Amount credited in minor units.
    pub amount: Option<i64>,
    /// `duplicate`, `fraudulent`, `order_change` or `product_unsatisfactory`.
    pub reason: Option<String>,
    /// A note printed on it.
    pub memo: Option<String>,
    /// The host's key-value data.
    pub metadata: Option<Metadata>,
}

impl Invoices<'_> {
    /// `POST /v1/invoices`
    pub async fn create(
        &self,
        params: &InvoiceCreate,
        options: &RequestOptions,
    ) -> Result<Invoice, Error> {
        self.0
            .post("create_invoice", INVOICES, params, options)
            .await
    }

    /// `GET /v1/invoices/{id}`
    pub async fn retrieve(&self, id: &str, options: &RequestOptions) -> Result<Invoice, Error> {
        self.0
            .get(
                "retrieve_invoice",
                &path(INVOICES, id),
                &NoParams {},
                options,
            )
            .await
    }

    /// `POST /v1/invoices/{id}/finalize`
    pub async fn finalize(&self, id: &str, options: &RequestOptions) -> Result<Invoice, Error> {
        let target = action(INVOICES, id, "finalize");
        self.0
            .post("finalize_invoice", &target, &NoParams {}, options)
            .await
    }

    /// `POST /v1/invoices/{id}/pay`
    pub async fn pay(
        &self,
        id: &str,
        params: &InvoicePay,
        options: &RequestOptions,
    ) -> Result<Invoice, Error> {
        self.0
            .post("pay_invoice", &action(INVOICES, id, "pay"), params, options)
            .await
    }

    /// `POST /v1/invoices/{id}/void`
    pub async fn void(&self, id: &str, options: &RequestOptions) -> Result<Invoice, Error> {
        self.0
            .post(
                "void_invoice",
                &action(INVOICES, id, "void"),
                &NoParams {},
                options,
            )
            .await
    }

    /// `POST /v1/invoices/{id}/send`
    pub async fn send(&self, id: &str, options: &RequestOptions) -> Result<Invoice, Error> {
        self.0
            .post(
                "send_invoice",
                &action(INVOICES, id, "send"),
                &NoParams {},
                options,
            )
            .await
    }

    /// `POST /v1/invoices/create_preview`: the customer's upcoming invoice, not saved.
    pub async fn upcoming(
        &self,
        customer: &str,
        subscription: Option<&str>,
        options: &RequestOptions,
    ) -> Result<Invoice, Error> {
        #[derive(Serialize)]
        struct Preview<'a> {
            customer: &'a str,
            subscription: Option<&'a str>,
        }
        let params = Preview {
            customer,
            subscription,
        };
        self.0
            .post(
                "preview_invoice",
                "/v1/invoices/create_preview",
                &params,
                options,
            )
            .await
    }

    /// `GET /v1/invoices`, one page.
    pub async fn list(
        &self,
        params: &InvoiceListParams,
        options: &RequestOptions,
    ) -> Result<List<Invoice>, Error> {
        self.0.get("list_invoices", INVOICES, params, options).await
    }

    /// Every invoice matching `params`, page after page.
    pub fn paginate(
        &self,
        params: &InvoiceListParams,
        options: &RequestOptions,
    ) -> Result<Pages, Error> {
        self.0.paginate("list_invoices", INVOICES, params, options)
    }
}

impl InvoiceItems<'_> {
    /// `POST /v1/invoiceitems`
    pub async fn create(
        &self,
        params: &InvoiceItemCreate,
        options: &RequestOptions,
    ) -> Result<InvoiceItem, Error> {
        self.0
            .post("create_invoice_item", ITEMS, params, options)
            .await
    }

    /// `GET /v1/invoiceitems/{id}`
    pub async fn retrieve(&self, id: &str, options: &RequestOptions) -> Result<InvoiceItem, Error> {
        self.0
            .get(
                "retrieve_invoice_item",
                &path(ITEMS, id),
                &NoParams {},
                options,
            )
            .await
    }

    /// `DELETE /v1/invoiceitems/{id}`
    pub async fn delete(&self, id: &str, options: &RequestOptions) -> Result<Deleted, Error> {
        self.0
            .delete(
                "delete_invoice_item",
                &path(ITEMS, id),
                &NoParams {},
                options,
            )
            .await
    }

    /// `GET /v1/invoiceitems`, one page.
    pub async fn list(
        &self,
        params: &ListParams,
        options: &RequestOptions,
    ) -> Result<List<InvoiceItem>, Error> {
        self.0
            .get("list_invoice_items", ITEMS, params, options)
            .await
    }
}

impl CreditNotes<'_> {
    /// `POST /v1/credit_notes`
    pub async fn create(
        &self,
        params: &CreditNoteCreate,
        options: &RequestOptions,
    ) -> Result<CreditNote, Error> {
        self.0
            .post("create_credit_note", CREDIT_NOTES, params, options)
            .await
    }

    /// `GET /v1/credit_notes/{id}`
    pub async fn retrieve(&self, id: &str, options: &RequestOptions) -> Result<CreditNote, Error> {
        self.0
            .get(
                "retrieve_credit_note",
                &path(CREDIT_NOTES, id),
                &NoParams {},
                options,
            )
            .await
    }

    /// `POST /v1/credit_notes/{id}/void`
    pub async fn void(&self, id: &str, options: &RequestOptions) -> Result<CreditNote, Error> {
        let target = action(CREDIT_NOTES, id, "void");
        self.0
            .post("void_credit_note", &target, &NoParams {}, options)
            .await
    }

    /// `GET /v1/credit_notes`, one page.
    pub async fn list(
        &self,
        params: &ListParams,
        options: &RequestOptions,
    ) -> Result<List<CreditNote>, Error> {
        self.0
            .get("list_credit_notes", CREDIT_NOTES, params, options)
            .await
    }
}
