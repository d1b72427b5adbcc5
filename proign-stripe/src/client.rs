//! The billing client: keys, API version, Connect account and per-request options.

use std::time::Duration;

use http::Method;
use http::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue};
use proign_core::http as core_http;
use proign_core::idempotency::IdempotencyKey;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::form::to_form;

mod builder;

pub use builder::{ClientBuilder, Config};

/// The API version this crate's types are written against; sent as `Stripe-Version`.
pub const API_VERSION: &str = "2026-11-18.endive";

const FORM: &str = "application/x-www-form-urlencoded";

/// Options for one call.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RequestOptions {
    /// The idempotency key for a `POST` (for example the one stored with a queued job);
    /// a fresh key is chosen when none is given. Ignored for `GET` and `DELETE`.
    pub idempotency_key: Option<IdempotencyKey>,
    /// Fields to expand in the answer, appended after the parameters as `expand[n]`.
    pub expand: Vec<String>,
    /// The connected account (`Stripe-Account`), overriding the client's.
    pub account: Option<String>,
    /// The total time of each attempt, overriding the client's.
    pub timeout: Option<Duration>,
    /// The `Stripe-Version`, overriding the client's.
    pub api_version: Option<String>,
}

impl RequestOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses `key` as the idempotency key.
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Expands `field` in the answer.
    pub fn expand(mut self, field: impl Into<String>) -> Self {
        self.expand.push(field.into());
        self
    }

    /// Acts on behalf of the connected account `account`.
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    /// Bounds each attempt by `timeout`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends `version` as `Stripe-Version`.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }
}

/// A Stripe API client. Cheap to clone; clones share the connection pool and budget.
///
/// Resource operations live on handles: [`Client::customers`], [`Client::invoices`],
/// [`Client::payment_intents`] and the others; [`Client::post`], [`Client::get`] and
/// [`Client::delete`] reach any other endpoint with the same encoding and retry rules.
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) http: core_http::Client,
    api_version: String,
    account: Option<String>,
    live: bool,
}

impl Client {
    /// Whether the key is a live-mode key.
    pub fn is_live(&self) -> bool {
        self.live
    }

    /// The `Stripe-Version` sent by default.
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.http.base_url()
    }

    /// `POST`s `params` form-encoded to `path` and decodes the answer.
    pub async fn post<P, T>(
        &self,
        operation: &'static str,
        path: &str,
        params: &P,
        options: &RequestOptions,
    ) -> Result<T, Error>
    where
        P: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let body = with_expand(to_form(params)?, &options.expand);
        let request = self
            .request(Method::POST, operation, path.to_owned(), Some(options))?
            .body(body, FORM);
        self.call(request).await
    }

    /// `GET`s `path` with `params` in the query string and decodes the answer.
    pub async fn get<P, T>(
        &self,
        operation: &'static str,
        path: &str,
        params: &P,
        options: &RequestOptions,
    ) -> Result<T, Error>
    where
        P: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        self.without_body(Method::GET, operation, path, params, options)
            .await
    }

    /// `DELETE`s `path` with `params` in the query string and decodes the answer.
    pub async fn delete<P, T>(
        &self,
        operation: &'static str,
        path: &str,
        params: &P,
        options: &RequestOptions,
    ) -> Result<T, Error>
    where
        P: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        self.without_body(Method::DELETE, operation, path, params, options)
            .await
    }

    /// `POST`s `body` as JSON (the v2 API) and decodes the answer.
    pub async fn post_json<P, T>(
        &self,
        operation: &'static str,
        path: &str,
        body: &P,
        options: &RequestOptions,
    ) -> Result<T, Error>
    where
        P: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let request = self
            .request(Method::POST, operation, path.to_owned(), Some(options))?
            .json(body)
            .map_err(|e| {
                Error::Configuration(format!("the JSON body could not be written: {e}"))
            })?;
        self.call(request).await
    }

    async fn without_body<P, T>(
        &self,
        method: Method,
        operation: &'static str,
        path: &str,
        params: &P,
        options: &RequestOptions,
    ) -> Result<T, Error>
    where
        P: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let query = with_expand(crate::form::to_query(params)?, &options.expand);
        let target = if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        };
        let request = self
            .request(method, operation, target, Some(options))?
            .header(CONTENT_TYPE, HeaderValue::from_static(FORM));
        self.call(request).await
    }

    /// A request with Stripe's headers; the query, if any, is already in `target`, encoded
    /// the way Stripe's libraries encode it.
    pub(crate) fn request(
        &self,
        method: Method,
        operation: &'static str,
        target: String,
        options: Option<&RequestOptions>,
    ) -> Result<core_http::Request, Error> {
        let default = RequestOptions::default();
        let options = options.unwrap_or(&default);
        let version = options.api_version.as_deref().unwrap_or(&self.api_version);
        let mut request = core_http::Request::new(method.clone(), operation, target)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(
                HeaderName::from_static("stripe-version"),
                header_value(version)?,
            );
        if let Some(account) = options.account.as_ref().or(self.account.as_ref()) {
            request = request.header(
                HeaderName::from_static("stripe-account"),
                header_value(account)?,
            );
        }
        if let (Some(key), true) = (&options.idempotency_key, method == Method::POST) {
            request = request.idempotency_key(key.clone());
        }
        if let Some(timeout) = options.timeout {
            request = request.timeout(timeout);
        }
        Ok(request)
    }

    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        request: core_http::Request,
    ) -> Result<T, Error> {
        let operation = request.operation();
        let response = self.http.send(request).await.map_err(Error::from_http)?;
        serde_json::from_slice(response.body())
            .map_err(|source| Error::Decode { operation, source })
    }
}

fn header_value(text: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(text)
        .map_err(|_| Error::Configuration(format!("{text:?} is not a valid header value")))
}

/// Appends `expand[n]=field` pairs, numbered after any the parameters already carry.
pub(crate) fn with_expand(mut encoded: String, expand: &[String]) -> String {
    if expand.is_empty() {
        return encoded;
    }
    let taken = encoded
        .split('&')
        .filter(|pair| pair.starts_with("expand["))
        .count();
    let appended: Vec<String> = expand
        .iter()
        .enumerate()
        .map(|(i, field)| format!("expand[{}]={}", i + taken, crate::form::encode(field)))
        .collect();
    let appended = appended.join("&");
    if !encoded.is_empty() && !appended.is_empty() {
        encoded.push('&');
    }
    encoded.push_str(&appended);
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expand_is_numbered_after_the_parameters() {
        let expand = vec!["a.b".to_owned(), "c d".to_owned()];
        assert_eq!(
            with_expand(String::new(), &expand),
            "expand[0]=a.b&expand[1]=c%20d"
        );
        assert_eq!(
            with_expand("x=1&expand[0]=y".into(), &expand[..1]),
            "x=1&expand[0]=y&expand[1]=a.b"
        );
    }
}
