//! Field case B11: Shopify's GraphQL throttling arrives inside HTTP 200. The waits are
//! checked exactly with paused time over a scripted transport, and once more over real
//! HTTP against a local server.

mod common;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use common::{ENDPOINT, TOKEN, fixture_bytes, shop};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use proign_core::http::{
    BoxFuture, Transport, TransportError, TransportRequest, TransportResponse,
};
use proign_core::retry::{Jitter, RetryPolicy};
use proign_core::secret::Secret;
use proign_shopify::Error;
use proign_shopify::admin::AdminClient;
use serde_json::{Value, json};
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const QUERY: &str = "query ProignB11 { products(first: 100) { nodes { id } } }";

/// A scripted answer: status, extra headers, body.
type Reply = (u16, Vec<(&'static str, &'static str)>, Vec<u8>);

/// Answers from a list, recording when each request arrived and what it carried.
#[derive(Debug, Default)]
struct Script {
    replies: Mutex<VecDeque<Reply>>,
    seen: Mutex<Vec<(Instant, Bytes)>>,
}

impl Script {
    fn new(replies: Vec<Reply>) -> Arc<Self> {
        Arc::new(Self {
            replies: Mutex::new(replies.into()),
            seen: Mutex::default(),
        })
    }

    fn gaps(&self) -> Vec<Duration> {
        let seen = self.seen.lock().unwrap();
        seen.windows(2).map(|w| w[1].0 - w[0].0).collect()
    }

    fn bodies(&self) -> Vec<Bytes> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|s| s.1.clone())
            .collect()
    }
}

impl Transport for Script {
    fn send(
        &self,
        request: TransportRequest,
    ) -> BoxFuture<'_, Result<TransportResponse, TransportError>> {
        assert_eq!(request.url.path(), ENDPOINT);
        assert_eq!(request.headers["x-shopify-access-token"], TOKEN);
        self.seen
            .lock()
            .unwrap()
            .push((Instant::now(), request.body.clone()));
        let (status, headers, body) = self
            .replies
            .lock()
            .unwrap()
            .pop_front()
            .expect("script ran out");
        Box::pin(async move {
            let mut map = HeaderMap::new();
            map.insert("content-type", HeaderValue::from_static("application/json"));
            for (k, v) in headers {
                map.insert(HeaderName::from_static(k), HeaderValue::from_static(v));
            }
            Ok(TransportResponse {
                status: StatusCode::from_u16(status).unwrap(),
                headers: map,
                body: Bytes::from(body),
            })
        })
    }
}

fn scripted(script: &Arc<Script>) -> AdminClient {
    AdminClient::builder(shop(), Secret::new(TOKEN).unwrap())
        .transport(Arc::clone(script) as Arc<dyn Transport>)
        .build()
        .unwrap()
}

fn ok(file: &str) -> Reply {
    (200, vec![], fixture_bytes(&format!("throttle/{file}")))
}

#[tokio::test(start_paused = true)]
async fn b11_throttled_inside_200_waits_for_the_refill_then_resends() {
    let script = Script::new(vec![ok("b11_throttled.json"), ok("b11_ok.json")]);
    let client = scripted(&script);
    let started = Instant::now();

    let answer = client
        .execute::<Value>("b11", QUERY, json!({}))
        .await
        .unwrap();

    assert_eq!(answer.data, json!({ "products": { "nodes": [] } }));
    assert_eq!(script.gaps(), [Duration::from_millis(1500)]);
    assert_eq!(started.elapsed(), Duration::from_millis(1500));
    let bodies = script.bodies();
    assert_eq!(bodies[0], bodies[1], "the same query is resent");
    let status = answer.cost.unwrap().throttle_status.unwrap();
    assert_eq!(status.currently_available, 1850.0);
}

#[tokio::test(start_paused = true)]
async fn b11_control_b_a_dry_dev_store_bucket_waits_five_seconds_never_zero() {
    let script = Script::new(vec![ok("b11_control_b.json"), ok("b11_ok.json")]);
    scripted(&script)
        .execute::<Value>("b11", QUERY, json!({}))
        .await
        .unwrap();
    assert_eq!(script.gaps(), [Duration::from_secs(5)]);
}

#[tokio::test(start_paused = true)]
async fn b11_after_five_throttles_the_call_is_rate_limited() {
    let script = Script::new((0..5).map(|_| ok("b11_throttled.json")).collect());
    let error = scripted(&script)
        .execute::<Value>("b11", QUERY, json!({}))
        .await
        .unwrap_err();
    assert!(error.is_rate_limited(), "{error:?}");
    let Error::Http(http) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(http.retry_after(), Some(Duration::from_millis(1500)));
    assert_eq!(script.gaps(), [Duration::from_millis(1500); 4]);
}

#[tokio::test(start_paused = true)]
async fn b11_the_pacer_waits_before_a_query_the_bucket_cannot_hold() {
    let low = br#"{"data":{"shop":null},"extensions":{"cost":{"requestedQueryCost":100,
        "actualQueryCost":100,"throttleStatus":{"maximumAvailable":1000.0,
        "currentlyAvailable":0,"restoreRate":50.0}}}}"#;
    let script = Script::new(vec![(200, vec![], low.to_vec()), ok("b11_ok.json")]);
    let client = scripted(&script);
    client
        .execute::<Value>("first", QUERY, json!({}))
        .await
        .unwrap();
    client
        .execute::<Value>("second", QUERY, json!({}))
        .await
        .unwrap();
    // 100 points needed, none left, 50 restored per second.
    assert_eq!(script.gaps(), [Duration::from_secs(2)]);
    assert_eq!(client.budget().wait_now(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn rest_style_429_honours_retry_after() {
    let script = Script::new(vec![
        (429, vec![("retry-after", "2.0")], br#"{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}"#.to_vec()),
        ok("b11_ok.json"),
    ]);
    scripted(&script)
        .execute::<Value>("b11", QUERY, json!({}))
        .await
        .unwrap();
    assert_eq!(script.gaps(), [Duration::from_secs(2)]);
}

#[tokio::test]
async fn b11_control_a_message_text_alone_is_a_graphql_error_not_a_throttle() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ENDPOINT))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_bytes(fixture_bytes("throttle/b11_control_a.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = common::client(&server)
        .execute::<Value>("b11", QUERY, json!({}))
        .await
        .unwrap_err();
    match &error {
        Error::GraphQl { errors, .. } => {
            assert_eq!(errors[0].message, "Throttled by user input");
            assert_eq!(errors[0].code(), None);
        }
        other => panic!("{other:?}"),
    }
    assert!(!error.is_rate_limited());
}

#[tokio::test]
async fn b11_over_real_http_the_wait_is_the_computed_one() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ENDPOINT))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_bytes(fixture_bytes("throttle/b11_throttled.json")),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(ENDPOINT))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_bytes(fixture_bytes("throttle/b11_ok.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = AdminClient::builder(shop(), Secret::new(TOKEN).unwrap())
        .base_url(server.uri())
        .retry(
            RetryPolicy::default()
                .with_max_attempts(5)
                .with_jitter(Jitter::None),
        )
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    client
        .execute::<Value>("b11", QUERY, json!({}))
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(1500), "{waited:?}");
    assert!(waited < Duration::from_millis(3500), "{waited:?}");
}
