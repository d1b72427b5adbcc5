//! Lists and auto-pagination (field case B16).

use futures_util::TryStreamExt as _;
use proign_core::auth::Credential;
use proign_core::secret::Secret;
use proign_stripe::list::{ListParams, SearchParams};
use proign_stripe::objects::{Invoice, PaymentIntent};
use proign_stripe::resources::InvoiceListParams;
use proign_stripe::{Client, Error, RequestOptions};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder(Credential::new(
        Secret::new("sk_test_madeUpForListTests").unwrap(),
    ))
    .base_url(server.uri())
    .build()
    .unwrap()
}

fn page(has_more: bool, ids: &[&str]) -> ResponseTemplate {
    let data: Vec<_> = ids
        .iter()
        .map(|id| json!({"id": id, "object": "invoice"}))
        .collect();
    ResponseTemplate::new(200).set_body_json(
        json!({"object": "list", "url": "/v1/invoices", "has_more": has_more, "data": data}),
    )
}

fn both_cursors(request: &Request) -> bool {
    let names: Vec<_> = request
        .url
        .query_pairs()
        .map(|(n, _)| n.into_owned())
        .collect();
    names.iter().any(|n| n == "starting_after") && names.iter().any(|n| n == "ending_before")
}

/// Refuses, as Stripe does, any request that mixes the two cursors.
async fn refuse_mixed_cursors(server: &MockServer) {
    Mock::given(both_cursors)
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "type": "invalid_request_error",
            "message": "mock: pass only one of starting_after / ending_before"}})))
        .with_priority(1)
        .expect(0)
        .mount(server)
        .await;
}

fn backward_from_c() -> InvoiceListParams {
    InvoiceListParams {
        page: ListParams::new().limit(2).ending_before("in_PrgnC"),
        ..InvoiceListParams::default()
    }
}

#[tokio::test]
async fn b16_backward_walks_with_ending_before_only() {
    let server = MockServer::start().await;
    refuse_mixed_cursors(&server).await;
    Mock::given(method("GET"))
        .and(path("/v1/invoices"))
        .and(query_param("ending_before", "in_PrgnC"))
        .and(query_param("limit", "2"))
        .respond_with(page(true, &["in_PrgnE", "in_PrgnD"]))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/invoices"))
        .and(query_param("ending_before", "in_PrgnE"))
        .respond_with(page(false, &["in_PrgnF"]))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let pages = client
        .invoices()
        .paginate(&backward_from_c(), &RequestOptions::new());
    let invoices: Vec<Invoice> = pages.unwrap().items().try_collect().await.unwrap();
    let ids: Vec<_> = invoices.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["in_PrgnD", "in_PrgnE", "in_PrgnF"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn b16_a_repeated_cursor_is_a_stall_not_a_loop() {
    let server = MockServer::start().await;
    refuse_mixed_cursors(&server).await;
    Mock::given(method("GET"))
        .and(path("/v1/invoices"))
        .respond_with(page(true, &["in_PrgnE", "in_PrgnD"]))
        .expect(2)
        .mount(&server)
        .await;

    let client = client(&server);
    let pages = client
        .invoices()
        .paginate(&backward_from_c(), &RequestOptions::new());
    let result: Result<Vec<Invoice>, Error> = pages.unwrap().items().try_collect().await;
    match result {
        Err(Error::PaginationStalled { cursor }) => assert_eq!(cursor, "in_PrgnE"),
        other => panic!("expected a stall, got {other:?}"),
    }
}

#[tokio::test]
async fn forward_walks_with_starting_after_and_stops_on_has_more_false() {
    let server = MockServer::start().await;
    refuse_mixed_cursors(&server).await;
    Mock::given(query_param("starting_after", "in_PrgnB"))
        .respond_with(page(false, &["in_PrgnA"]))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/invoices"))
        .respond_with(page(true, &["in_PrgnC", "in_PrgnB"]))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let params = InvoiceListParams {
        page: ListParams::new().limit(2),
        ..InvoiceListParams::default()
    };
    let options = RequestOptions::new().expand("data.customer");
    let pages = client.invoices().paginate(&params, &options).unwrap();
    let invoices: Vec<Invoice> = pages.items().try_collect().await.unwrap();
    let ids: Vec<_> = invoices.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["in_PrgnC", "in_PrgnB", "in_PrgnA"]);
    let queries: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        queries,
        [
            "limit=2&expand[0]=data.customer",
            "limit=2&expand[0]=data.customer&starting_after=in_PrgnB"
        ]
    );
}

#[tokio::test]
async fn an_empty_page_ends_the_walk_even_with_has_more() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(page(true, &[]))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let pages = client
        .invoices()
        .paginate(&InvoiceListParams::default(), &RequestOptions::new());
    let invoices: Vec<Invoice> = pages.unwrap().items().try_collect().await.unwrap();
    assert!(invoices.is_empty());
}

#[tokio::test]
async fn the_page_cap_stops_the_walk() {
    let server = MockServer::start().await;
    Mock::given(query_param("starting_after", "in_1"))
        .respond_with(page(true, &["in_2"]))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(page(true, &["in_1"]))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let pages = client
        .invoices()
        .paginate(&InvoiceListParams::default(), &RequestOptions::new())
        .unwrap()
        .max_pages(2);
    let result: Result<Vec<Invoice>, Error> = pages.items().try_collect().await;
    assert!(
        matches!(result, Err(Error::PageLimit { pages: 2 })),
        "{result:?}"
    );
}

#[tokio::test]
async fn parameters_with_both_cursors_are_refused_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    let params = InvoiceListParams {
        page: ListParams::new()
            .starting_after("in_A")
            .ending_before("in_B"),
        ..InvoiceListParams::default()
    };
    let result = client.invoices().paginate(&params, &RequestOptions::new());
    assert!(matches!(result, Err(Error::Configuration(_))));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn search_follows_next_page() {
    let server = MockServer::start().await;
    let intent = |id: &str| {
        json!({"id": id, "object": "payment_intent", "amount": 1999,
        "currency": "usd", "status": "succeeded"})
    };
    Mock::given(path("/v1/payment_intents/search"))
        .and(query_param("page", "page_two"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"object": "search_result",
            "data": [intent("pi_2")], "has_more": false, "next_page": null})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/payment_intents/search"))
        .and(query_param("query", "status:'succeeded'"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"object": "search_result",
            "data": [intent("pi_1")], "has_more": true, "next_page": "page_two"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let params = SearchParams::new("status:'succeeded'");
    let pages = client
        .payment_intents()
        .search_paginate(&params, &RequestOptions::new());
    let intents: Vec<PaymentIntent> = pages.unwrap().items().try_collect().await.unwrap();
    let ids: Vec<_> = intents.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["pi_1", "pi_2"]);
    let first = &server.received_requests().await.unwrap()[0];
    assert_eq!(first.url.query(), Some("query=status%3A%27succeeded%27"));
}
