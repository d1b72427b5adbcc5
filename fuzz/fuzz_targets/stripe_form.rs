#![no_main]
// Any tree of parameters through Stripe's form encoder: no panic, and decoding the text
// gives back exactly the flattened pairs (bracketed names, values as written).

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use proign_stripe::form::{FormError, Unset, to_form};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

#[derive(Debug, Arbitrary)]
enum Value {
    Absent,
    Clear,
    Bool(bool),
    Int(i64),
    Unsigned(u128),
    Float(f64),
    Char(char),
    Text(String),
    List(Vec<Value>),
    Map(Vec<(Key, Value)>),
}

#[derive(Debug, Arbitrary)]
enum Key {
    Text(String),
    Number(u32),
}

impl Serialize for Key {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Key::Text(text) => serializer.serialize_str(text),
            Key::Number(number) => serializer.serialize_u32(*number),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Absent => serializer.serialize_none(),
            Value::Clear => Unset.serialize(serializer),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Int(n) => serializer.serialize_i64(*n),
            Value::Unsigned(n) => serializer.serialize_u128(*n),
            Value::Float(f) => serializer.serialize_f64(*f),
            Value::Char(c) => serializer.serialize_char(*c),
            Value::Text(text) => serializer.serialize_str(text),
            Value::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Map(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (key, value) in fields {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

impl Key {
    fn text(&self) -> String {
        match self {
            Key::Text(text) => text.clone(),
            Key::Number(number) => number.to_string(),
        }
    }
}

/// The pairs the encoder should write, or the error it should give.
fn flatten(name: &str, value: &Value, out: &mut Vec<(String, String)>) -> Result<(), FormError> {
    match value {
        Value::Absent => {}
        Value::Clear => out.push((name.to_owned(), String::new())),
        Value::Bool(b) => out.push((name.to_owned(), b.to_string())),
        Value::Int(n) => out.push((name.to_owned(), n.to_string())),
        Value::Unsigned(n) => out.push((name.to_owned(), n.to_string())),
        Value::Float(f) if !f.is_finite() => return Err(FormError::NotFinite),
        Value::Float(f) => out.push((name.to_owned(), f.to_string())),
        Value::Char(c) => out.push((name.to_owned(), c.to_string())),
        Value::Text(text) => out.push((name.to_owned(), text.clone())),
        Value::List(items) => {
            for (index, item) in items.iter().enumerate() {
                flatten(&format!("{name}[{index}]"), item, out)?;
            }
        }
        Value::Map(fields) => {
            for (key, item) in fields {
                flatten(&format!("{name}[{}]", key.text()), item, out)?;
            }
        }
    }
    Ok(())
}

fuzz_target!(|fields: Vec<(Key, Value)>| {
    let top = Value::Map(fields);
    let Value::Map(fields) = &top else {
        return;
    };
    let mut expected = Vec::new();
    let mut outcome = Ok(());
    for (key, value) in fields {
        outcome = outcome.and_then(|()| flatten(&key.text(), value, &mut expected));
    }
    match (to_form(&top), outcome) {
        (Ok(text), Ok(())) => {
            assert!(!text.contains(' ') && !text.contains('+'), "{text}");
            let decoded: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            assert_eq!(decoded, expected, "{text}");
        }
        (Err(error), Err(reason)) => assert_eq!(error, reason),
        (answer, reason) => panic!("encoder said {answer:?}, expected {reason:?}"),
    }
});
