use proign_core::clock::FixedClock;
use proign_core::webhook::Reason;

use super::*;

fn verifier(secret: &str, now: i64) -> QueryVerifier {
    QueryVerifier::new([&Secret::new(secret).unwrap()])
        .unwrap()
        .with_clock(FixedClock::at_unix(now))
}

const DOCS_QUERY: &str = "code=0907a61c0c8d55e99db179b68161bc00&hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf&shop=some-shop.myshopify.com&state=0.6784241404160823&timestamp=1337178173";

#[test]
fn documented_oauth_example() {
    let v = verifier("hush", 1337178173);
    assert!(v.verify_hmac(DOCS_QUERY).is_ok());
    assert!(v.verify_hmac(&format!("?{DOCS_QUERY}")).is_ok());
    let tampered = DOCS_QUERY.replace("timestamp=1337178173", "timestamp=133717817");
    let err = verifier("hush", 133717817)
        .verify_hmac(&tampered)
        .unwrap_err();
    assert_eq!(err, VerifyError::SignatureMismatch);
    let stale = verifier("hush", 1337178173 + 91).verify_hmac(DOCS_QUERY);
    assert_eq!(stale.unwrap_err().reason(), Reason::TimestampTooOld);
}

#[test]
fn query_errors_are_specific() {
    let v = verifier("hush", 1337178173);
    assert_eq!(
        v.verify_hmac("shop=a.myshopify.com&timestamp=1")
            .unwrap_err()
            .reason(),
        Reason::MissingHmac
    );
    assert_eq!(
        v.verify_hmac("hmac=00&shop=a.myshopify.com")
            .unwrap_err()
            .reason(),
        Reason::MissingTimestamp
    );
    assert_eq!(
        v.verify_hmac("hmac=00&timestamp=12.5")
            .unwrap_err()
            .reason(),
        Reason::InvalidTimestamp
    );
    assert_eq!(
        v.verify_hmac(&format!("{DOCS_QUERY}&shop=evil.myshopify.com"))
            .unwrap_err(),
        VerifyError::DuplicateQueryParameter { name: "shop" }
    );
}

const PROXY_QUERY: &str = "extra=1&extra=2&shop=shop-name.myshopify.com&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555&signature=a9718877bea71c2484f91608a7eaea1532bdf71f5c56825065fa4ccabe549ef3";

#[test]
fn documented_app_proxy_example_and_variants() {
    let v = verifier("hush", 1317327555);
    let verified = v.verify_app_proxy(PROXY_QUERY).unwrap();
    assert_eq!(verified.get("path_prefix"), Some("/apps/awesome_reviews"));
    let base = PROXY_QUERY.split("&signature=").next().unwrap();
    for (extra, signature) in [
        (
            "&logged_in_customer_id=1",
            "4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb",
        ),
        (
            "&logged_in_customer_id=",
            "e072b6d7e6622d85912a5214b860d3100dc1e73d9bc29f43796ac8c9ff8093cb",
        ),
    ] {
        let query = format!("{base}{extra}&signature={signature}");
        assert!(v.verify_app_proxy(&query).is_ok(), "{extra}");
    }
    let forged = PROXY_QUERY.replace("extra=2", "extra=3");
    assert_eq!(
        v.verify_app_proxy(&forged),
        Err(VerifyError::SignatureMismatch)
    );
    assert_eq!(
        v.verify_app_proxy(&format!("{PROXY_QUERY}&signature=00"))
            .unwrap_err(),
        VerifyError::DuplicateQueryParameter { name: "signature" }
    );
}

#[test]
fn names_sort_like_shopify() {
    let mut names = vec!["Zeta", "alpha", "code", "Alpha", "shop"];
    names.sort_by(|a, b| locale_order(a, b));
    assert_eq!(names, ["alpha", "Alpha", "code", "shop", "Zeta"]);
}

#[test]
fn signing_round_trips() {
    let unsigned = "code=abc&shop=a.myshopify.com&state=x%20y&timestamp=1767225600";
    let signed = sign_query(&Secret::new("hush").unwrap(), unsigned).unwrap();
    assert!(signed.starts_with(unsigned));
    assert!(verifier("hush", 1767225600).verify_hmac(&signed).is_ok());
    let docs = DOCS_QUERY.replace(
        "&hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf",
        "",
    );
    assert_eq!(
        sign_query(&Secret::new("hush").unwrap(), &docs).unwrap(),
        format!("{docs}&hmac=700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf")
    );
    // A bare or encoded hmac name is replaced too, never duplicated.
    for stale in ["hmac&", "hm%61c=00&"] {
        let query = format!("{stale}{unsigned}");
        let signed = sign_query(&Secret::new("hush").unwrap(), &query).unwrap();
        assert!(
            verifier("hush", 1767225600).verify_hmac(&signed).is_ok(),
            "{stale}"
        );
    }
    let verified = verifier("hush", 1767225600).verify_hmac(&signed).unwrap();
    let shown = format!("{verified:?}");
    assert!(
        !shown.contains("abc") && shown.contains("a.myshopify.com"),
        "{shown}"
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn sign_then_verify_round_trips(
            params in proptest::collection::btree_map("[a-zA-Z_]{1,8}", ".{0,20}", 0..6),
        ) {
            let mut query = form_urlencoded::Serializer::new(String::new());
            for (name, value) in &params {
                if !["hmac", "signature", "shop", "timestamp"].contains(&name.as_str()) {
                    query.append_pair(name, value);
                }
            }
            query.append_pair("timestamp", "1767225600");
            let signed = sign_query(&Secret::new("hush").unwrap(), &query.finish()).unwrap();
            prop_assert!(verifier("hush", 1767225600).verify_hmac(&signed).is_ok());
        }

        #[test]
        fn no_query_panics(query in ".{0,400}") {
            let v = verifier("hush", 1337178173);
            let _ = v.verify_hmac(&query);
            let _ = v.verify_app_proxy(&query);
        }
    }
}
