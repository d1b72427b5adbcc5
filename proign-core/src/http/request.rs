//! A provider call before it is sent: method, path, query, headers and a buffered body.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method};

use crate::idempotency::IdempotencyKey;

/// Headers that carry credentials; their values are always marked sensitive.
pub const SENSITIVE_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-shopify-access-token",
    "x-api-key",
];

/// Whether `name` is one of [`SENSITIVE_HEADERS`].
pub fn is_sensitive(name: &HeaderName) -> bool {
    SENSITIVE_HEADERS.contains(&name.as_str())
}

/// One logical provider call; the client turns it into one or more identical attempts.
///
/// The body is held as [`Bytes`], so every attempt sends exactly the same bytes.
///
/// ```
/// use proign_core::http::Request;
///
/// let request = Request::post("create_payment_intent", "/v1/payment_intents")
///     .form(&[("amount", "1999"), ("currency", "usd")]);
/// assert_eq!(request.body_bytes().as_ref(), b"amount=1999&currency=usd");
/// ```
#[derive(Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) operation: &'static str,
    pub(crate) path: Cow<'static, str>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) idempotency_key: Option<IdempotencyKey>,
    pub(crate) replay_safe: bool,
    pub(crate) timeout: Option<Duration>,
}

impl Request {
    /// A request with any method. `operation` names the call in spans and errors
    /// (`create_payment_intent`); `path` is appended to the client's base URL. A literal
    /// path is borrowed, a built one (`format!("/v1/customers/{id}")`) is owned.
    pub fn new(
        method: Method,
        operation: &'static str,
        path: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            method,
            operation,
            path: path.into(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
            idempotency_key: None,
            replay_safe: false,
            timeout: None,
        }
    }

    /// A `GET` request.
    pub fn get(operation: &'static str, path: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Method::GET, operation, path)
    }

    /// A `POST` request.
    pub fn post(operation: &'static str, path: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Method::POST, operation, path)
    }

    /// Adds query parameters (percent-encoded when sent; never logged).
    pub fn query<K: Into<String>, V: Into<String>>(
        mut self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.query
            .extend(pairs.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Sets a header. Values of the headers in [`SENSITIVE_HEADERS`] are marked sensitive,
    /// so no HTTP library prints them; the client's own authentication does the same.
    pub fn header(mut self, name: HeaderName, mut value: HeaderValue) -> Self {
        if is_sensitive(&name) {
            value.set_sensitive(true);
        }
        self.headers.insert(name, value);
        self
    }

    /// Sets the body and its content type.
    pub fn body(mut self, body: impl Into<Bytes>, content_type: &'static str) -> Self {
        self.body = body.into();
        self.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        self
    }

    /// Sets an `application/x-www-form-urlencoded` body from pairs, in their order.
    pub fn form<K: AsRef<str>, V: AsRef<str>>(self, pairs: &[(K, V)]) -> Self {
        let mut encoder = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            encoder.append_pair(k.as_ref(), v.as_ref());
        }
        self.body(encoder.finish(), "application/x-www-form-urlencoded")
    }

    /// Sets a JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(self, value: &T) -> Result<Self, serde_json::Error> {
        let bytes = serde_json::to_vec(value)?;
        Ok(self.body(bytes, "application/json"))
    }

    /// Uses this idempotency key (for example the one stored with a queued job) instead of
    /// a fresh one.
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Declares that sending this request twice has the same effect as sending it once even
    /// without an idempotency key (a GraphQL query sent as `POST`, a calculation), so the
    /// client may retry it after it reached the server.
    pub fn replay_safe(mut self) -> Self {
        self.replay_safe = true;
        self
    }

    /// Overrides the client's total timeout for each attempt of this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The operation name.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The path, without query.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The body as it will be sent.
    pub fn body_bytes(&self) -> &Bytes {
        &self.body
    }

    /// The idempotency key supplied by the caller, if any.
    pub fn key(&self) -> Option<&IdempotencyKey> {
        self.idempotency_key.as_ref()
    }

    /// Whether this request may be sent again after it reached the server.
    pub(crate) fn may_replay(&self, key: Option<&IdempotencyKey>) -> bool {
        self.replay_safe || key.is_some() || self.method.is_idempotent()
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("operation", &self.operation)
            .field("path", &self.path)
            .field("body_len", &self.body.len())
            .field("idempotency_key", &self.idempotency_key)
            .field("replay_safe", &self.replay_safe)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_headers_are_marked_sensitive() {
        let token = HeaderName::from_static("x-shopify-access-token");
        let request = Request::get("shop", "/shop")
            .header(
                token.clone(),
                HeaderValue::from_static("shpat_prgnDONOTLOG"),
            )
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        assert!(request.headers[&token].is_sensitive());
        assert!(!request.headers[CONTENT_TYPE].is_sensitive());
        assert!(!format!("{request:?}").contains("DONOTLOG"));
    }
}
