//! Decimal amounts on the wire as plain JSON numbers (`15.0` goes out as `15`).

use rust_decimal::Decimal;
use serde::ser::Error as _;
use serde::{Serialize, Serializer};

/// Serialises `value` as a JSON number in its shortest exact form.
pub(crate) fn number<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    let text = value.normalize().to_string();
    let raw = serde_json::value::RawValue::from_string(text).map_err(S::Error::custom)?;
    raw.serialize(serializer)
}

/// [`number`] for an optional amount (callers skip `None`).
pub(crate) fn optional<S: Serializer>(
    value: &Option<Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => number(v, serializer),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[derive(Serialize)]
    struct Wrap(#[serde(serialize_with = "number")] Decimal);

    #[test]
    fn amounts_are_written_in_shortest_exact_form() {
        for (input, wire) in [
            ("15.0", "15"),
            ("1.50", "1.5"),
            ("0.00", "0"),
            ("-2.250", "-2.25"),
            ("0.0975", "0.0975"),
            ("123456789.123456789", "123456789.123456789"),
        ] {
            let d = Decimal::from_str(input).unwrap();
            assert_eq!(serde_json::to_string(&Wrap(d)).unwrap(), wire);
        }
    }
}
