// Shared by the fuzz targets: splitting one input into header values and a body.

use http::{HeaderMap, HeaderName, HeaderValue};

/// Splits `data` at the first `n` NUL bytes: `n` header values, then the body.
pub fn split(data: &[u8], n: usize) -> (Vec<&[u8]>, &[u8]) {
    let mut parts = Vec::with_capacity(n);
    let mut rest = data;
    for _ in 0..n {
        match rest.iter().position(|&b| b == 0) {
            Some(at) => {
                parts.push(&rest[..at]);
                rest = &rest[at + 1..];
            }
            None => {
                parts.push(rest);
                rest = &[];
            }
        }
    }
    (parts, rest)
}

/// A header map with each value set when it is a valid header value.
pub fn headers(pairs: &[(&'static str, &[u8])]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            map.append(HeaderName::from_static(name), value);
        }
    }
    map
}
