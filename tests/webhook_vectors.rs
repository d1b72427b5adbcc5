//! Every reference vector through the library: each row gives exactly the verdict proign
//! promises (the reference library's, or the stricter rule the vectors' README states).

use bytes::Bytes;
use proign::core::clock::FixedClock;
use proign::core::secret::Secret;
use proign::core::webhook::{ConfigError, Tolerance, VerifyError, WebhookVerifier};
use proign::resend::webhook::ResendVerifier;
use proign::shopify::query::QueryVerifier;
use proign::shopify::webhook::ShopifyVerifier;
use proign::stripe::webhook::StripeVerifier;
use proign_testkit::vectors::{self, WebhookCase};

/// The verdict for one row: `ok`, or the reason code of the error.
fn verdict<T>(result: Result<T, VerifyError>) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(err) => err.reason().as_str().to_owned(),
    }
}

fn config_verdict(err: ConfigError) -> String {
    err.reason().as_str().to_owned()
}

fn tolerance(case: &WebhookCase) -> Tolerance {
    Tolerance::from_secs(case.tolerance_s.unwrap_or(300)).unwrap()
}

fn check(cases: Vec<WebhookCase>, run: impl Fn(&WebhookCase) -> String) {
    assert!(!cases.is_empty());
    let mut wrong = Vec::new();
    for case in &cases {
        let got = run(case);
        if got != case.proign_expect() {
            wrong.push(format!(
                "{}/{}: expected {}, got {got}",
                case.provider,
                case.case,
                case.proign_expect()
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn stripe_rows() {
    check(vectors::stripe_webhooks(), |case| {
        let secret = match Secret::new(case.secret.clone()) {
            Ok(secret) => secret,
            Err(_) => return "missing_secret".to_owned(),
        };
        match StripeVerifier::new([&secret]) {
            Ok(verifier) => verdict(
                verifier
                    .with_tolerance(tolerance(case))
                    .with_clock(FixedClock::at_unix(case.now_unix))
                    .verify(&case.header_map(), Bytes::from(case.body.clone())),
            ),
            Err(err) => config_verdict(err),
        }
    });
}

#[test]
fn resend_rows() {
    check(vectors::resend_webhooks(), |case| {
        let Ok(secret) = Secret::new(case.secret.clone()) else {
            return "missing_secret".to_owned();
        };
        match ResendVerifier::new([&secret]) {
            Ok(verifier) => verdict(
                verifier
                    .with_tolerance(tolerance(case))
                    .with_clock(FixedClock::at_unix(case.now_unix))
                    .verify(&case.header_map(), Bytes::from(case.body.clone())),
            ),
            Err(err) => config_verdict(err),
        }
    });
}

#[test]
fn shopify_rows() {
    check(vectors::shopify_webhooks(), |case| {
        let Ok(secret) = Secret::new(case.secret.clone()) else {
            return "missing_secret".to_owned();
        };
        match ShopifyVerifier::new([&secret]) {
            Ok(verifier) => {
                verdict(verifier.verify(&case.header_map(), Bytes::from(case.body.clone())))
            }
            Err(err) => config_verdict(err),
        }
    });
}

#[test]
fn shopify_oauth_rows() {
    check(vectors::shopify_oauth_queries(), |case| {
        let Ok(secret) = Secret::new(case.secret.clone()) else {
            return "missing_secret".to_owned();
        };
        match QueryVerifier::new([&secret]) {
            Ok(verifier) => verdict(
                verifier
                    .with_tolerance(tolerance(case))
                    .with_clock(FixedClock::at_unix(case.now_unix))
                    .verify_hmac(case.query.as_deref().unwrap_or_default()),
            ),
            Err(err) => config_verdict(err),
        }
    });
}
