//! Stripe's form encoding, byte for byte as Stripe's own libraries write it.
//!
//! Any `Serialize` request becomes `application/x-www-form-urlencoded` text:
//!
//! - nested objects and arrays use brackets with indexed arrays: `items[0][price]=…`,
//!   `metadata[order_id]=…`; the brackets themselves stay unescaped;
//! - names and values are percent-encoded except for letters, digits, `-`, `.`, `_` and `~`
//!   (a space is `%20`, never `+`);
//! - booleans are `true`/`false`; numbers are written in decimal;
//! - `None` is left out, while [`Unset`] (or `()`) and the empty string are sent as `key=`,
//!   Stripe's way to clear a field;
//! - empty arrays and empty objects send nothing.
//!
//! ```
//! use serde::Serialize;
//! use proign_stripe::form::{Unset, to_form};
//!
//! #[derive(Serialize)]
//! struct Item<'a> { price: &'a str, #[serde(skip_serializing_if = "Option::is_none")] quantity: Option<u32> }
//!
//! #[derive(Serialize)]
//! struct Params<'a> { customer: &'a str, items: Vec<Item<'a>>, description: Unset, expand: Vec<&'a str> }
//!
//! let params = Params {
//!     customer: "cus_1",
//!     items: vec![Item { price: "price_a", quantity: Some(2) }, Item { price: "price b", quantity: None }],
//!     description: Unset,
//!     expand: vec![],
//! };
//! assert_eq!(
//!     to_form(&params).unwrap(),
//!     "customer=cus_1&items[0][price]=price_a&items[0][quantity]=2&items[1][price]=price%20b&description="
//! );
//! ```

use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

mod serializer;

use serializer::{Node, NodeSerializer};

/// Characters Stripe's encoder leaves as they are, besides letters and digits.
const KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Serialises as `key=`: clears a field on an update.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Unset;

/// Why a value could not be form-encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormError {
    /// The top-level value is not a struct or map.
    #[error("form parameters must be a struct or a map, not {0}")]
    NotAMap(&'static str),
    /// A map key is not a string or an integer.
    #[error("form keys must be strings or integers")]
    KeyNotText,
    /// A float that is not finite.
    #[error("form values cannot be NaN or infinite")]
    NotFinite,
    /// The value's own `Serialize` implementation failed.
    #[error("{0}")]
    Custom(String),
}

/// Encodes `value` the way Stripe's libraries do.
pub fn to_form<T: Serialize + ?Sized>(value: &T) -> Result<String, FormError> {
    let Node::Map(fields) = value.serialize(NodeSerializer)? else {
        return Err(FormError::NotAMap("a scalar or a list"));
    };
    let mut out = String::new();
    for (key, node) in &fields {
        let name = utf8_percent_encode(key, KEEP).to_string();
        write_node(&mut out, &name, node);
    }
    Ok(out)
}

/// Encodes `value` as a query string; the same rules, for GET and DELETE parameters.
pub fn to_query<T: Serialize + ?Sized>(value: &T) -> Result<String, FormError> {
    to_form(value)
}

/// Percent-encodes one name or value as Stripe's libraries do.
pub(crate) fn encode(text: &str) -> String {
    utf8_percent_encode(text, KEEP).to_string()
}

fn write_node(out: &mut String, name: &str, node: &Node) {
    match node {
        Node::Skip => {}
        Node::Unset => push_pair(out, name, ""),
        Node::Scalar(text) => push_pair(out, name, text),
        Node::Seq(items) => {
            for (index, item) in items.iter().enumerate() {
                write_node(out, &format!("{name}[{index}]"), item);
            }
        }
        Node::Map(fields) => {
            for (key, item) in fields {
                let key = utf8_percent_encode(key, KEEP);
                write_node(out, &format!("{name}[{key}]"), item);
            }
        }
    }
}

fn push_pair(out: &mut String, name: &str, value: &str) {
    if !out.is_empty() {
        out.push('&');
    }
    let _ = write!(out, "{name}={}", utf8_percent_encode(value, KEEP));
}

#[cfg(test)]
mod tests;
