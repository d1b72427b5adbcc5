//! The reference vectors: signed webhooks and signed queries made by the providers' official
//! libraries, each with the verdict proign must give.
//!
//! ```
//! let cases = proign_testkit::vectors::stripe_webhooks();
//! assert!(cases.iter().any(|case| case.case == "valid" && case.proign_expect() == "ok"));
//! ```

use http::{HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;

/// One signed delivery or query and the verdict expected for it.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct WebhookCase {
    /// `stripe`, `resend` or `shopify`.
    pub provider: String,
    /// A short name, unique within its file.
    pub case: String,
    /// `oauth_callback_query` for signed-query rows.
    #[serde(default)]
    pub kind: Option<String>,
    /// The secret exactly as a user would configure it (made up).
    pub secret: String,
    /// The request headers, names in their original case.
    #[serde(default)]
    pub headers: serde_json::Map<String, serde_json::Value>,
    /// The raw body.
    #[serde(default)]
    pub body: String,
    /// The raw query string, for signed-query rows.
    #[serde(default)]
    pub query: Option<String>,
    /// The time the verifier must use.
    pub now_unix: i64,
    /// The tolerance the reference library applied, in seconds.
    #[serde(default)]
    pub tolerance_s: Option<u64>,
    /// The reference library's verdict: `ok` or a reason code.
    pub expect: String,
    /// Whether the reference verdict is an accident of its implementation.
    #[serde(default)]
    pub quirk: bool,
    /// The other defensible verdict, for quirk rows.
    #[serde(default)]
    pub alt_expect: Option<String>,
}

impl WebhookCase {
    /// The verdict proign gives: the reference's, except on the Stripe quirk rows, where
    /// proign is deliberately stricter about a repeated `t` and accepts upper-case hex.
    pub fn proign_expect(&self) -> &str {
        match (&self.alt_expect, self.quirk, self.provider.as_str()) {
            (Some(alt), true, "stripe") => alt,
            _ => &self.expect,
        }
    }

    /// The headers as a map. Rows hold only valid header names and values.
    pub fn header_map(&self) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in &self.headers {
            let (Ok(name), Some(Ok(value))) = (
                HeaderName::from_bytes(name.as_bytes()),
                value.as_str().map(HeaderValue::from_str),
            ) else {
                continue;
            };
            map.append(name, value);
        }
        map
    }

    /// The headers as `Name: value` lines, as a person would type them.
    pub fn header_lines(&self) -> Vec<String> {
        self.headers
            .iter()
            .map(|(name, value)| format!("{name}: {}", value.as_str().unwrap_or_default()))
            .collect()
    }
}

/// One HTTP request an official SDK sent, as recorded.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// What was called, such as `customers.create`.
    pub operation: String,
    /// The attempt within the operation, from 0; a retry shows as 1.
    pub seq: u32,
    /// The SDK call, as source text.
    pub call: String,
    /// The HTTP method.
    pub method: String,
    /// The path.
    pub path: String,
    /// The query string without `?`, exactly as sent.
    #[serde(default)]
    pub raw_query: String,
    /// The headers, lower-case names.
    pub headers: serde_json::Map<String, serde_json::Value>,
    /// The body, exactly as sent.
    #[serde(default)]
    pub body: String,
    /// Headers whose run-specific values were replaced by placeholders.
    #[serde(default)]
    pub normalized_headers: Vec<String>,
    /// The status the recorder answered.
    pub response_status: u16,
}

impl RecordedRequest {
    /// A header's recorded value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(serde_json::Value::as_str)
    }
}

fn parse_lines<T: serde::de::DeserializeOwned>(text: &str) -> Vec<T> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| match serde_json::from_str(line) {
            Ok(row) => row,
            Err(err) => panic!("a vector row does not parse: {err}"),
        })
        .collect()
}

/// The requests Stripe's Node library sent.
pub fn stripe_requests() -> Vec<RecordedRequest> {
    parse_lines(include_str!("../vectors/requests-stripe.jsonl"))
}

/// The requests Resend's Node library sent.
pub fn resend_requests() -> Vec<RecordedRequest> {
    parse_lines(include_str!("../vectors/requests-resend.jsonl"))
}

/// The requests TaxJar's Node library sent.
pub fn taxjar_requests() -> Vec<RecordedRequest> {
    parse_lines(include_str!("../vectors/requests-taxjar.jsonl"))
}

fn parse(text: &str) -> Vec<WebhookCase> {
    parse_lines(text)
}

/// Stripe `Stripe-Signature` deliveries.
pub fn stripe_webhooks() -> Vec<WebhookCase> {
    parse(include_str!("../vectors/webhooks-stripe.jsonl"))
}

/// Resend deliveries signed the Standard Webhooks way.
pub fn resend_webhooks() -> Vec<WebhookCase> {
    parse(include_str!("../vectors/webhooks-resend-svix.jsonl"))
}

/// Shopify webhook deliveries.
pub fn shopify_webhooks() -> Vec<WebhookCase> {
    parse(include_str!("../vectors/webhooks-shopify.jsonl"))
}

/// Shopify OAuth callback and app-load queries.
pub fn shopify_oauth_queries() -> Vec<WebhookCase> {
    parse(include_str!("../vectors/shopify-oauth-hmac.jsonl"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_loads() {
        assert_eq!(stripe_webhooks().len(), 17);
        assert_eq!(resend_webhooks().len(), 18);
        assert_eq!(shopify_webhooks().len(), 9);
        assert_eq!(shopify_oauth_queries().len(), 13);
        assert_eq!(stripe_requests().len(), 11);
        assert_eq!(resend_requests().len(), 5);
        assert_eq!(taxjar_requests().len(), 4);
    }

    #[test]
    fn stripe_quirks_take_the_stricter_verdict() {
        let cases = stripe_webhooks();
        let verdict = |name: &str| {
            cases
                .iter()
                .find(|case| case.case == name)
                .map(|case| case.proign_expect().to_owned())
        };
        assert_eq!(verdict("uppercase_hex_signature").as_deref(), Some("ok"));
        assert_eq!(
            verdict("duplicate_t_last_wins").as_deref(),
            Some("malformed_header")
        );
    }
}
