//! Customers.

use serde::Serialize;

use super::{NoParams, Update, handle, path};
use crate::client::RequestOptions;
use crate::error::Error;
use crate::list::{List, ListParams, Pages, SearchParams, SearchResult};
use crate::metadata::Metadata;
use crate::objects::{Customer, Deleted};

const BASE: &str = "/v1/customers";

handle! {
    /// Customers: create, retrieve, update, delete, list and search.
    Customers, customers
}

/// Parameters of a new customer.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CustomerCreate {
    /// Email address.
    pub email: Option<String>,
    /// Full name or business name.
    pub name: Option<String>,
    /// An internal description.
    pub description: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// A payment method to attach.
    pub payment_method: Option<String>,
    /// Invoice defaults.
    pub invoice_settings: Option<InvoiceSettings>,
    /// The host's key-value data.
    pub metadata: Option<Metadata>,
}

impl CustomerCreate {
    /// A customer with `email`.
    pub fn with_email(email: impl Into<String>) -> Self {
        Self {
            email: Some(email.into()),
            ..Self::default()
        }
    }
}

/// Invoice defaults of a customer.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InvoiceSettings {
    /// Extra fields printed on invoices.
    pub custom_fields: Vec<CustomField>,
    /// The default payment method for invoices.
    pub default_payment_method: Option<String>,
}

/// A name and value printed on invoices.
#[derive(Debug, Clone, Serialize)]
pub struct CustomField {
    /// The label.
    pub name: String,
    /// The value.
    pub value: String,
}

/// Changes to a customer; fields left `None` stay as they are.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CustomerUpdate {
    /// Email address.
    pub email: Option<Update<String>>,
    /// Name.
    pub name: Option<Update<String>>,
    /// Description.
    pub description: Option<Update<String>>,
    /// Billing address, as Stripe's address fields.
    pub address: Option<Update<Metadata>>,
    /// Metadata changes; an empty value removes that key.
    pub metadata: Option<Metadata>,
    /// Preferred languages, most preferred first.
    pub preferred_locales: Vec<String>,
    /// Invoice defaults.
    pub invoice_settings: Option<InvoiceSettings>,
    /// Balance in minor units (negative is credit).
    pub balance: Option<i64>,
    /// `none`, `exempt` or `reverse`.
    pub tax_exempt: Option<String>,
}

/// Filters of a customer list.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CustomerListParams {
    /// Page size and cursor.
    #[serde(flatten)]
    pub page: ListParams,
    /// Only customers with this email address.
    pub email: Option<String>,
}

impl Customers<'_> {
    /// `POST /v1/customers`
    pub async fn create(
        &self,
        params: &CustomerCreate,
        options: &RequestOptions,
    ) -> Result<Customer, Error> {
        self.0.post("create_customer", BASE, params, options).await
    }

    /// `GET /v1/customers/{id}`
    pub async fn retrieve(&self, id: &str, options: &RequestOptions) -> Result<Customer, Error> {
        self.0
            .get("retrieve_customer", &path(BASE, id), &NoParams {}, options)
            .await
    }

    /// `POST /v1/customers/{id}`
    pub async fn update(
        &self,
        id: &str,
        params: &CustomerUpdate,
        options: &RequestOptions,
    ) -> Result<Customer, Error> {
        self.0
            .post("update_customer", &path(BASE, id), params, options)
            .await
    }

    /// `DELETE /v1/customers/{id}`
    pub async fn delete(&self, id: &str, options: &RequestOptions) -> Result<Deleted, Error> {
        self.0
            .delete("delete_customer", &path(BASE, id), &NoParams {}, options)
            .await
    }

    /// `GET /v1/customers`, one page.
    pub async fn list(
        &self,
        params: &CustomerListParams,
        options: &RequestOptions,
    ) -> Result<List<Customer>, Error> {
        self.0.get("list_customers", BASE, params, options).await
    }

    /// Every customer matching `params`, page after page.
    pub fn paginate(
        &self,
        params: &CustomerListParams,
        options: &RequestOptions,
    ) -> Result<Pages, Error> {
        self.0.paginate("list_customers", BASE, params, options)
    }

    /// `GET /v1/customers/search`, one page.
    pub async fn search(
        &self,
        params: &SearchParams,
        options: &RequestOptions,
    ) -> Result<SearchResult<Customer>, Error> {
        self.0
            .get("search_customers", "/v1/customers/search", params, options)
            .await
    }
}
