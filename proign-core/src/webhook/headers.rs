//! Header lookup shared by every verifier: case-insensitive, one occurrence, printable.
//!
//! Names are parsed once, into [`HeaderSpec`] statics, so a lookup on the hot path hashes a
//! ready [`HeaderName`] instead of lower-casing text on every delivery.

use http::{HeaderMap, HeaderName, HeaderValue};

use super::VerifyError;

/// A header a verifier reads: the name errors report, and the one or two wire names it may
/// arrive under (for providers that renamed their headers).
#[derive(Debug, Clone)]
pub struct HeaderSpec {
    name: &'static str,
    primary: HeaderName,
    alternate: Option<HeaderName>,
}

impl HeaderSpec {
    /// A header reported as `name` and looked up as `lower` (its lower-case form).
    ///
    /// # Panics
    ///
    /// At compile time in a `static`, when `lower` is not a valid lower-case header name.
    pub const fn new(name: &'static str, lower: &'static str) -> Self {
        Self {
            name,
            primary: HeaderName::from_static(lower),
            alternate: None,
        }
    }

    /// A header that may also arrive as `alternate` (lower case).
    ///
    /// # Panics
    ///
    /// At compile time in a `static`, when a name is not a valid lower-case header name.
    pub const fn with_alternate(
        name: &'static str,
        lower: &'static str,
        alternate: &'static str,
    ) -> Self {
        Self {
            name,
            primary: HeaderName::from_static(lower),
            alternate: Some(HeaderName::from_static(alternate)),
        }
    }

    /// A header named at run time; `None` when `name` is not a valid header name.
    pub fn parse(name: &'static str) -> Option<Self> {
        Some(Self {
            name,
            primary: HeaderName::from_bytes(name.as_bytes()).ok()?,
            alternate: None,
        })
    }

    /// The name errors report.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The wire names, primary first.
    pub fn wire_names(&self) -> impl Iterator<Item = &HeaderName> {
        std::iter::once(&self.primary).chain(self.alternate.as_ref())
    }
}

/// Reads a header that must be present exactly once and not be empty.
pub fn required<'h>(headers: &'h HeaderMap, spec: &HeaderSpec) -> Result<&'h str, VerifyError> {
    optional(headers, spec)?.ok_or(VerifyError::MissingHeader { name: spec.name })
}

/// Reads a header that may be absent; present-but-empty counts as absent.
pub fn optional<'h>(
    headers: &'h HeaderMap,
    spec: &HeaderSpec,
) -> Result<Option<&'h str>, VerifyError> {
    Ok(optional_value(headers, spec)?.map(|(_, text)| text))
}

/// Like [`required`], also handing back the [`HeaderValue`] itself, which can be kept
/// without copying (it shares the request's buffer).
pub fn required_value<'h>(
    headers: &'h HeaderMap,
    spec: &HeaderSpec,
) -> Result<(&'h HeaderValue, &'h str), VerifyError> {
    optional_value(headers, spec)?.ok_or(VerifyError::MissingHeader { name: spec.name })
}

/// Like [`optional`], also handing back the [`HeaderValue`] itself.
pub fn optional_value<'h>(
    headers: &'h HeaderMap,
    spec: &HeaderSpec,
) -> Result<Option<(&'h HeaderValue, &'h str)>, VerifyError> {
    for name in spec.wire_names() {
        let mut values = headers.get_all(name).iter();
        let Some(value) = values.next() else {
            continue;
        };
        let malformed = |problem| VerifyError::MalformedHeader {
            name: spec.name,
            problem,
        };
        if values.next().is_some() {
            return Err(malformed("it appears more than once"));
        }
        let text = value
            .to_str()
            .map_err(|_| malformed("it is not printable ASCII"))?
            .trim_ascii();
        if !text.is_empty() {
            return Ok(Some((value, text)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    static TOPIC: HeaderSpec =
        HeaderSpec::with_alternate("X-Shopify-Topic", "x-shopify-topic", "shopify-topic");
    static HMAC: HeaderSpec = HeaderSpec::new("X-Shopify-Hmac-Sha256", "x-shopify-hmac-sha256");

    #[test]
    fn lookup_ignores_case_and_tries_the_alternate() {
        let mut headers = HeaderMap::new();
        headers.insert("Shopify-Topic", HeaderValue::from_static("orders/create"));
        assert_eq!(required(&headers, &TOPIC), Ok("orders/create"));
        assert_eq!(
            required(&headers, &HMAC),
            Err(VerifyError::MissingHeader {
                name: "X-Shopify-Hmac-Sha256"
            })
        );
    }

    #[test]
    fn repeated_or_binary_headers_are_malformed() {
        let mut headers = HeaderMap::new();
        headers.append("x-shopify-topic", HeaderValue::from_static("a"));
        headers.append("x-shopify-topic", HeaderValue::from_static("b"));
        headers.insert(
            "x-shopify-hmac-sha256",
            HeaderValue::from_bytes(b"\xff1").unwrap(),
        );
        assert!(matches!(
            required(&headers, &TOPIC),
            Err(VerifyError::MalformedHeader { .. })
        ));
        assert!(matches!(
            required(&headers, &HMAC),
            Err(VerifyError::MalformedHeader { .. })
        ));
    }

    #[test]
    fn runtime_names_are_checked() {
        assert!(HeaderSpec::parse("credential").is_some());
        assert!(HeaderSpec::parse("bad name").is_none());
    }
}
