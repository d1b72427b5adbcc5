//! Header lookup shared by every verifier: case-insensitive, one occurrence, printable.

use http::HeaderMap;

use super::VerifyError;

/// Reads a header that must be present exactly once, trying each of `names` in turn (for
/// providers that renamed their headers). Names match regardless of case.
///
/// The first name is the one errors report.
pub fn required<'h>(
    headers: &'h HeaderMap,
    names: &[&'static str],
) -> Result<&'h str, VerifyError> {
    optional(headers, names)?.ok_or(VerifyError::MissingHeader { name: names[0] })
}

/// Reads a header that may be absent; present-but-empty counts as absent.
pub fn optional<'h>(
    headers: &'h HeaderMap,
    names: &[&'static str],
) -> Result<Option<&'h str>, VerifyError> {
    for &name in names {
        let mut values = headers.get_all(name).iter();
        let Some(value) = values.next() else {
            continue;
        };
        if values.next().is_some() {
            return Err(VerifyError::MalformedHeader {
                name,
                problem: "it appears more than once",
            });
        }
        let text = value.to_str().map_err(|_| VerifyError::MalformedHeader {
            name,
            problem: "it is not printable ASCII",
        })?;
        let text = text.trim();
        if !text.is_empty() {
            return Ok(Some(text));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn lookup_ignores_case_and_prefers_the_first_name() {
        let mut headers = HeaderMap::new();
        headers.insert("Shopify-Topic", HeaderValue::from_static("orders/create"));
        assert_eq!(
            required(&headers, &["X-Shopify-Topic", "Shopify-Topic"]),
            Ok("orders/create")
        );
        assert_eq!(
            required(&headers, &["X-Shopify-Hmac-Sha256"]),
            Err(VerifyError::MissingHeader {
                name: "X-Shopify-Hmac-Sha256"
            })
        );
    }

    #[test]
    fn repeated_or_binary_headers_are_malformed() {
        let mut headers = HeaderMap::new();
        headers.append("svix-id", HeaderValue::from_static("a"));
        headers.append("svix-id", HeaderValue::from_static("b"));
        headers.insert("svix-timestamp", HeaderValue::from_bytes(b"\xff1").unwrap());
        assert!(matches!(
            required(&headers, &["svix-id"]),
            Err(VerifyError::MalformedHeader { .. })
        ));
        assert!(matches!(
            required(&headers, &["svix-timestamp"]),
            Err(VerifyError::MalformedHeader { .. })
        ));
    }
}
