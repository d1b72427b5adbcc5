//! A provider's answer, fully buffered.

use std::fmt;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, StatusCode};

use super::error::{Error, ErrorKind};
use crate::provider::Provider;

/// The longest excerpt of an undecodable body kept in an error, in characters.
pub const EXCERPT_CHARS: usize = 200;

/// A response, with the provider and operation it belongs to so decoding errors say where
/// they happened.
#[derive(Clone)]
pub struct Response {
    pub(crate) provider: Provider,
    pub(crate) operation: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) request_id: Option<String>,
}

impl Response {
    /// A response built by hand, for provider profiles' tests and for scripted transports.
    pub fn new(
        provider: Provider,
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    ) -> Self {
        Self {
            provider,
            operation,
            status,
            headers,
            body,
            request_id: None,
        }
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A header as text, if present and valid.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body, exactly as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The provider's request id, if its profile found one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The `Content-Type`, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.header(CONTENT_TYPE.as_str())
    }

    /// Whether the body claims to be JSON (`application/json` or `…+json`).
    pub fn is_json(&self) -> bool {
        self.content_type().is_some_and(|ct| {
            let essence = ct.split(';').next().unwrap_or("").trim();
            essence.eq_ignore_ascii_case("application/json")
                || essence.to_ascii_lowercase().ends_with("+json")
        })
    }

    /// Decodes the body as JSON; a body that is not the expected JSON becomes
    /// [`ErrorKind::Undecodable`] with the status, content type and an excerpt.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|e| self.undecodable(&[]).with_source(e))
    }

    /// The [`ErrorKind::Undecodable`] error for this response; any of `secrets` found in the
    /// excerpt is replaced by `[redacted]`.
    pub fn undecodable(&self, secrets: &[&str]) -> Error {
        let kind = ErrorKind::Undecodable {
            content_type: self.content_type().map(str::to_owned),
            excerpt: excerpt(&self.body, secrets),
        };
        Error::new(self.provider, self.operation, kind)
            .with_status(self.status.as_u16())
            .with_request_id(self.request_id.clone())
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("provider", &self.provider)
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// The first [`EXCERPT_CHARS`] characters of `body` as text, whitespace runs folded to one
/// space, control characters dropped and each of `secrets` redacted.
///
/// Secrets are redacted both before and after the clean-up, so one cannot slip through by
/// being split with control characters that the clean-up then drops.
pub fn excerpt(body: &[u8], secrets: &[&str]) -> String {
    // Read a little more than the limit so a secret straddling the cut is still found.
    let window = &body[..body.len().min(EXCERPT_CHARS * 4 + 256)];
    let redact = |mut text: String| {
        for secret in secrets.iter().filter(|s| !s.is_empty()) {
            if text.contains(secret) {
                text = text.replace(secret, "[redacted]");
            }
        }
        text
    };
    let text = redact(String::from_utf8_lossy(window).into_owned());
    let mut clean = String::with_capacity(text.len());
    let mut last_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !last_space && !clean.is_empty() {
                clean.push(' ');
            }
            last_space = true;
        } else if !c.is_control() {
            clean.push(c);
            last_space = false;
        }
    }
    let clean = redact(clean);
    let mut out: String = clean.chars().take(EXCERPT_CHARS).collect();
    if out.len() < clean.len() {
        out.push('…');
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_short_clean_and_redacted() {
        let page =
            b"<html>\r\n<body>\n\n502   Bad Gateway\x07 key sk_test_51PrgnDONOTLOG</body></html>";
        assert_eq!(
            excerpt(page, &["sk_test_51PrgnDONOTLOG"]),
            "<html> <body> 502 Bad Gateway key [redacted]</body></html>"
        );
        let long = "x".repeat(5_000);
        assert_eq!(
            excerpt(long.as_bytes(), &[]).chars().count(),
            EXCERPT_CHARS + 1
        );
        assert_eq!(excerpt(&[0xff, 0xfe, b'a'], &[]), "\u{fffd}\u{fffd}a");
    }

    /// Found by the `retry_after` fuzz target (minimised input): a NUL inside the secret hid
    /// it from redaction, then the clean-up dropped the NUL and the excerpt quoted the key.
    #[test]
    fn a_secret_split_by_control_characters_is_still_redacted() {
        let body = b"sk_te\0st_made_up";
        assert_eq!(excerpt(body, &["sk_test_made_up"]), "[redacted]");
        let page = b"key=sk_\x07test_\x1b51Prgn\x7fDONOTLOG; retry";
        assert_eq!(
            excerpt(page, &["sk_test_51PrgnDONOTLOG"]),
            "key=[redacted]; retry"
        );
    }
}
