//! Provider hints a profile adds to the core's classification (Shopify's `THROTTLED` inside
//! a `200`, Turnstile's `internal-error`), the cost-budget hook, and `verify_credentials`.

#![cfg(feature = "http")]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use common::{StripeLike, builder};
use proign_core::Provider;
use proign_core::auth::{Auth, Credential};
use proign_core::http::{
    BoxFuture, Classification, ErrorKind, ProviderProfile, RateBudget, Request, Response,
    default_classification,
};
use proign_core::idempotency::IdempotencyKey;
use proign_core::secret::SecretOrigin;
use wiremock::matchers::{body_string, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Shopify's GraphQL habit: throttling arrives as a `200` with `extensions.code`.
#[derive(Debug)]
struct ShopifyLike;

impl ProviderProfile for ShopifyLike {
    fn provider(&self) -> Provider {
        Provider::Shopify
    }

    fn default_base_url(&self) -> &str {
        "https://prgn-test.myshopify.test"
    }

    fn classify(&self, response: &Response, now: SystemTime) -> Classification {
        let Ok(body) = serde_json::from_slice::<serde_json::Value>(response.body()) else {
            return default_classification(response, now);
        };
        let Some(errors) = body["errors"].as_array() else {
            return default_classification(response, now);
        };
        let throttled = errors
            .iter()
            .any(|e| e["extensions"]["code"] == "THROTTLED");
        if !throttled {
            return Classification::Fail;
        }
        let cost = &body["extensions"]["cost"];
        let missing = cost["requestedQueryCost"].as_f64().unwrap_or(1.0)
            - cost["throttleStatus"]["currentlyAvailable"]
                .as_f64()
                .unwrap_or(0.0);
        let rate = cost["throttleStatus"]["restoreRate"]
            .as_f64()
            .unwrap_or(1.0);
        Classification::Retry {
            after: Some(Duration::from_secs_f64((missing / rate).max(0.001))),
            rate_limited: true,
            not_processed: true,
        }
    }
}

/// Records what the cost bucket would learn from each response.
#[derive(Debug, Default)]
struct CostBucket {
    seen: Mutex<Vec<f64>>,
    acquired: AtomicUsize,
}

impl RateBudget for CostBucket {
    fn acquire(&self) -> BoxFuture<'_, ()> {
        self.acquired.fetch_add(1, Ordering::SeqCst);
        Box::pin(async {})
    }

    fn observe(&self, response: &Response) {
        if let Ok(body) = serde_json::from_slice::<serde_json::Value>(response.body())
            && let Some(available) =
                body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"].as_f64()
        {
            self.seen.lock().unwrap().push(available);
        }
    }
}

const THROTTLED: &str = r#"{"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED"}}],"extensions":{"cost":{"requestedQueryCost":202,"actualQueryCost":null,"throttleStatus":{"maximumAvailable":2000.0,"currentlyAvailable":52,"restoreRate":100.0}}}}"#;
const DATA: &str = r#"{"data":{"products":{"nodes":[]}},"extensions":{"cost":{"requestedQueryCost":202,"actualQueryCost":12,"throttleStatus":{"maximumAvailable":2000.0,"currentlyAvailable":1850,"restoreRate":100.0}}}}"#;
const QUERY: &str = r#"{"query":"{ products(first: 10) { nodes { id } } }"}"#;

fn graphql() -> Request {
    Request::post("products", "/admin/api/2025-01/graphql.json")
        .body(QUERY, "application/json")
        .replay_safe()
}

/// B11's shape: a `200` carrying `THROTTLED` waits (202 − 52) / 100 = 1.5 s, then resends.
#[tokio::test]
async fn a_throttle_inside_a_200_is_waited_out() {
    let server = MockServer::start().await;
    for (priority, body, times) in [(1, THROTTLED, Some(1)), (2, DATA, None)] {
        let mut mock = Mock::given(method("POST"))
            .and(body_string(QUERY))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .with_priority(priority)
            .expect(1);
        if let Some(n) = times {
            mock = mock.up_to_n_times(n);
        }
        mock.mount(&server).await;
    }
    let bucket = Arc::new(CostBucket::default());
    let client = builder(Arc::new(ShopifyLike), &server.uri())
        .budget(bucket.clone())
        .build()
        .unwrap();
    let started = Instant::now();
    let response = client.send(graphql()).await.unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(1_500), "{waited:?}");
    assert!(waited < Duration::from_millis(2_400), "{waited:?}");
    assert_eq!(response.body().as_ref(), DATA.as_bytes());
    assert_eq!(*bucket.seen.lock().unwrap(), [52.0, 1850.0]);
    assert_eq!(bucket.acquired.load(Ordering::SeqCst), 2);
}

/// Only the server-set code counts: other GraphQL errors are not retried.
#[tokio::test]
async fn other_graphql_errors_are_final() {
    let server = MockServer::start().await;
    let body =
        r#"{"errors":[{"message":"Throttled by user input","locations":[{"line":1,"column":1}]}]}"#;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(Arc::new(ShopifyLike), &server.uri())
        .build()
        .unwrap();
    let err = client.send(graphql()).await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::InvalidRequest { .. }),
        "{err:?}"
    );
    assert!(!err.is_retryable());
}

/// Turnstile: the key travels in the form, `internal-error` is worth another try.
#[derive(Debug)]
struct TurnstileLike;

impl ProviderProfile for TurnstileLike {
    fn provider(&self) -> Provider {
        Provider::Turnstile
    }

    fn default_base_url(&self) -> &str {
        "https://challenges.cloudflare.test"
    }

    fn classify(&self, response: &Response, now: SystemTime) -> Classification {
        let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap_or_default();
        let internal = body["error-codes"]
            .as_array()
            .is_some_and(|codes| codes.iter().any(|c| c == "internal-error"));
        if internal {
            return Classification::Retry {
                after: None,
                rate_limited: false,
                not_processed: false,
            };
        }
        default_classification(response, now)
    }
}

#[tokio::test]
async fn an_internal_error_is_retried_with_the_same_form_and_key() {
    let server = MockServer::start().await;
    let key = IdempotencyKey::new();
    let form = [
        ("secret", "1x0000000000000000000000000000000AA"),
        ("response", "XXXX.DUMMY.TOKEN.XXXX"),
        ("idempotency_key", key.as_str()),
    ];
    let request = Request::post("siteverify", "/turnstile/v0/siteverify")
        .form(&form)
        .idempotency_key(key.clone());
    let expected_body = String::from_utf8(request.body_bytes().to_vec()).unwrap();
    let internal = r#"{"success":false,"error-codes":["internal-error"]}"#;
    let success = r#"{"success":true,"hostname":"example.test","error-codes":[],"action":"login"}"#;
    for (priority, body, times) in [(1, internal, Some(1)), (2, success, None)] {
        let mut mock = Mock::given(path("/turnstile/v0/siteverify"))
            .and(body_string(expected_body.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .with_priority(priority)
            .expect(1);
        if let Some(n) = times {
            mock = mock.up_to_n_times(n);
        }
        mock.mount(&server).await;
    }
    let client = builder(Arc::new(TurnstileLike), &server.uri())
        .build()
        .unwrap();
    let response = client.send(request).await.unwrap();
    assert_eq!(response.body().as_ref(), success.as_bytes());
}

/// `verify_credentials` names where a refused credential came from, never its value.
#[tokio::test]
async fn refused_credentials_name_their_source() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/balance"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            r#"{"error":{"type":"invalid_request_error","message":"Invalid API Key provided"}}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let dir = std::env::temp_dir().join(format!("proign-connect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("stripe-key");
    std::fs::write(&file, "sk_test_51PrgnDONOTLOG\n").unwrap();
    let key = Credential::from_file(&file).unwrap();
    let client = builder(Arc::new(StripeLike), &server.uri())
        .auth(Auth::bearer(key))
        .build()
        .unwrap();
    let err = client
        .verify_credentials(Request::get("retrieve_balance", "/v1/balance"))
        .await
        .unwrap_err();
    let expected = ErrorKind::Authentication {
        credential: Some(SecretOrigin::File(file.clone())),
    };
    assert_eq!(err.kind(), &expected);
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("stripe-key"), "{shown}");
    assert!(!shown.contains("DONOTLOG"), "{shown}");
    std::fs::remove_dir_all(&dir).unwrap();
}
