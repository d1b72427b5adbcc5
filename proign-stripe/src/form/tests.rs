//! Each recorded Stripe request body or query, reproduced.

use proign_testkit::vectors::{RecordedRequest, stripe_requests};
use serde::Serialize;

use super::*;
use crate::metadata::Metadata;

fn recorded(operation: &str) -> RecordedRequest {
    stripe_requests()
        .into_iter()
        .find(|r| r.operation == operation)
        .unwrap_or_else(|| panic!("no recording for {operation}"))
}

#[derive(Serialize)]
struct CustomerCreate<'a> {
    email: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Metadata::is_empty")]
    metadata: Metadata,
}

#[test]
fn customers_create() {
    let params = CustomerCreate {
        email: "jenny.rosen@example.com",
        name: Some("Jenny Rosen"),
        metadata: Metadata::new()
            .with("order_id", "6735")
            .with("source", "proign test")
            .with("note with space", "a&b=c+d/\u{e9}"),
    };
    assert_eq!(to_form(&params).unwrap(), recorded("customers.create").body);

    let no_retry = CustomerCreate {
        email: "no-retry@example.com",
        name: None,
        metadata: Metadata::new(),
    };
    assert_eq!(
        to_form(&no_retry).unwrap(),
        recorded("customers.create_no_retries_no_telemetry").body
    );
}

#[derive(Serialize)]
struct Item<'a> {
    price: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    quantity: Option<u64>,
}

#[derive(Serialize)]
struct SubscriptionCreate<'a> {
    customer: &'a str,
    items: Vec<Item<'a>>,
    payment_behavior: &'a str,
    expand: Vec<&'a str>,
    metadata: Metadata,
}

#[test]
fn subscriptions_create() {
    let params = SubscriptionCreate {
        customer: "cus_ProignTest0001",
        items: vec![
            Item {
                price: "price_1ProignBasic",
                quantity: Some(2),
            },
            Item {
                price: "price_1ProignAddon",
                quantity: None,
            },
        ],
        payment_behavior: "default_incomplete",
        expand: vec!["latest_invoice.payment_intent"],
        metadata: Metadata::new().with("plan", "pro"),
    };
    assert_eq!(
        to_form(&params).unwrap(),
        recorded("subscriptions.create").body
    );
}

#[derive(Serialize)]
struct InvoiceList<'a> {
    limit: u8,
    starting_after: &'a str,
    customer: &'a str,
    status: &'a str,
}

#[derive(Serialize)]
struct Expand<'a> {
    expand: Vec<&'a str>,
}

#[test]
fn query_strings() {
    let list = InvoiceList {
        limit: 3,
        starting_after: "in_1ProignPrev0001",
        customer: "cus_ProignTest0001",
        status: "paid",
    };
    assert_eq!(
        to_query(&list).unwrap(),
        recorded("invoices.list").raw_query
    );
    let expand = Expand {
        expand: vec!["default_source", "invoice_settings.default_payment_method"],
    };
    assert_eq!(
        to_query(&expand).unwrap(),
        recorded("customers.retrieve_expand").raw_query
    );
}

#[derive(Serialize)]
struct CustomField<'a> {
    name: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct InvoiceSettings<'a> {
    custom_fields: Vec<CustomField<'a>>,
}

#[derive(Serialize)]
struct CustomerUpdate<'a> {
    description: &'a str,
    address: Unset,
    metadata: Metadata,
    preferred_locales: Vec<&'a str>,
    invoice_settings: InvoiceSettings<'a>,
    balance: i64,
    tax_exempt: &'a str,
}

#[test]
fn customers_update_clears_and_nests() {
    let params = CustomerUpdate {
        description: "",
        address: Unset,
        metadata: Metadata::new()
            .with("order_id", "")
            .with("keep", "yes")
            .with("unicode", "Zo\u{eb} \u{1f389}"),
        preferred_locales: vec!["en", "fr-CA"],
        invoice_settings: InvoiceSettings {
            custom_fields: vec![
                CustomField {
                    name: "PO number",
                    value: "PO-1",
                },
                CustomField {
                    name: "Dept",
                    value: "R&D",
                },
            ],
        },
        balance: -500,
        tax_exempt: "none",
    };
    assert_eq!(
        to_form(&params).unwrap(),
        recorded("customers.update_encoding_probe").body
    );
}

#[derive(Serialize)]
struct AutomaticPaymentMethods<'a> {
    enabled: bool,
    allow_redirects: &'a str,
}

#[derive(Serialize)]
struct PaymentIntentCreate<'a> {
    amount: i64,
    currency: &'a str,
    automatic_payment_methods: AutomaticPaymentMethods<'a>,
    confirm: bool,
    capture_method: &'a str,
    payment_method_types: Vec<&'a str>,
    metadata: Metadata,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    statement_descriptor_suffix: &'a str,
}

#[test]
fn empty_collections_and_absent_fields_send_nothing() {
    let params = PaymentIntentCreate {
        amount: 2000,
        currency: "usd",
        automatic_payment_methods: AutomaticPaymentMethods {
            enabled: true,
            allow_redirects: "never",
        },
        confirm: false,
        capture_method: "manual",
        payment_method_types: vec![],
        metadata: Metadata::new(),
        description: None,
        statement_descriptor_suffix: "PROIGN*TEST (1)'",
    };
    assert_eq!(
        to_form(&params).unwrap(),
        recorded("payment_intents.create_encoding_probe").body
    );
}

#[test]
fn only_maps_encode() {
    assert_eq!(
        to_form(&5).unwrap_err(),
        FormError::NotAMap("a scalar or a list")
    );
    assert_eq!(
        to_form(&vec![1]).unwrap_err(),
        FormError::NotAMap("a scalar or a list")
    );
    #[derive(Serialize)]
    struct Float {
        x: f64,
    }
    assert_eq!(
        to_form(&Float { x: f64::NAN }).unwrap_err(),
        FormError::NotFinite
    );
    assert_eq!(to_form(&Float { x: 1.5 }).unwrap(), "x=1.5");
}

mod properties {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Whatever the text, the encoding decodes back to the same pairs.
        #[test]
        fn encoding_round_trips(map in proptest::collection::btree_map(".{1,12}", ".{0,24}", 0..6)) {
            let encoded = to_form(&map).unwrap();
            prop_assert!(!encoded.contains(' ') && !encoded.contains('+'));
            let decoded: BTreeMap<String, String> = encoded
                .split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (k, v) = pair.split_once('=').unwrap();
                    let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8().unwrap().into_owned();
                    (decode(k), decode(v))
                })
                .collect();
            prop_assert_eq!(decoded, map);
        }
    }
}
