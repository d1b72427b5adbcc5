//! Every request of `requests-resend.jsonl` (recorded from Resend's Node library) sent again
//! by this client against a local server: method, path, headers, body byte for byte.
//!
//! One deliberate difference: this client sends an idempotency key on every send, also
//! where the recording (made without one) has none.

mod common;

use proign_core::idempotency::IdempotencyKey;
use proign_resend::{Attachment, BatchValidation, Email};
use proign_testkit::vectors::{RecordedRequest, resend_requests};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn recorded(operation: &str) -> RecordedRequest {
    resend_requests()
        .into_iter()
        .find(|r| r.operation == operation)
        .unwrap_or_else(|| panic!("no recording {operation}"))
}

async fn server_for(rec: &RecordedRequest, body: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(rec.method.as_str()))
        .and(path(rec.path.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    server
}

/// Compares what was received with the recording; returns the idempotency key sent.
async fn assert_same(server: &MockServer, rec: &RecordedRequest) -> Option<String> {
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    let got = &received[0];
    assert_eq!(got.method.as_str(), rec.method);
    assert_eq!(got.url.path(), rec.path);
    assert_eq!(got.url.query().unwrap_or(""), rec.raw_query);
    assert_eq!(
        String::from_utf8(got.body.clone()).unwrap(),
        rec.body,
        "{} body",
        rec.operation
    );
    let header = |name: &str| {
        got.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(
        header("authorization").as_deref(),
        rec.header("authorization")
    );
    assert_eq!(
        header("x-batch-validation").as_deref(),
        rec.header("x-batch-validation")
    );
    if !rec.body.is_empty() {
        assert_eq!(
            header("content-type").as_deref(),
            rec.header("content-type")
        );
        assert_eq!(
            header("content-length").as_deref(),
            rec.header("content-length")
        );
    }
    if let Some(key) = rec.header("idempotency-key") {
        assert_eq!(header("idempotency-key").as_deref(), Some(key));
    }
    header("idempotency-key")
}

#[tokio::test]
async fn a_full_email_matches_the_recording() {
    let rec = recorded("emails.send");
    let server = server_for(&rec, r#"{"id":"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"}"#).await;
    let email = Email::new(
        "Acme <onboarding@resend.dev>",
        ["delivered@resend.dev", "Zoë <zoe@example.com>"],
        "Invoice #6735 — Grüße 🎉",
    )
    .cc("cc@example.com")
    .bcc(["bcc1@example.com", "bcc2@example.com"])
    .reply_to("support@example.com")
    .html("<p>Hello</p>")
    .text("Hello")
    .tag("category", "invoice")
    .tag("order_id", "6735")
    .header("X-Entity-Ref-ID", "6735")
    .attachment(Attachment::from_bytes(
        "invoice.pdf",
        b"%PDF-1.4\n% proign test attachment\n",
    ))
    .attachment(Attachment::from_bytes("notes.txt", b"hello world").content_type("text/plain"))
    .attachment(
        Attachment::from_url("logo.png", "https://example.com/logo.png").content_id("logo"),
    );
    let key = IdempotencyKey::parse("proign-idem-email-0001").unwrap();
    let sent = common::client(&server.uri())
        .send_with_key(&email, key)
        .await
        .unwrap();
    assert_eq!(sent.id, "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794");
    assert_same(&server, &rec).await;
}

#[tokio::test]
async fn a_scheduled_email_matches_the_recording_plus_a_key() {
    let rec = recorded("emails.send_scheduled_minimal");
    let server = server_for(&rec, r#"{"id":"e1"}"#).await;
    let email = Email::new("onboarding@resend.dev", "delivered@resend.dev", "Later")
        .text("Hi")
        .scheduled_at("2026-01-02T09:00:00.000Z");
    common::client(&server.uri()).send(&email).await.unwrap();
    let key = assert_same(&server, &rec).await;
    assert!(key.unwrap().starts_with("prgn-"));
}

#[tokio::test]
async fn a_strict_batch_matches_the_recording() {
    let rec = recorded("batch.send");
    let server = server_for(&rec, r#"{"data":[{"id":"b1"},{"id":"b2"}]}"#).await;
    let emails = [
        Email::new(
            "Acme <onboarding@resend.dev>",
            ["foo@gmail.com"],
            "hello world",
        )
        .html("<h1>it works!</h1>")
        .tag("batch", "1"),
        Email::new(
            "Acme <onboarding@resend.dev>",
            ["bar@outlook.com"],
            "world hello",
        )
        .cc(["cc@example.com"])
        .text("it works!")
        .reply_to(["a@example.com", "b@example.com"]),
    ];
    let key = IdempotencyKey::parse("proign-idem-batch-0001").unwrap();
    let sent = common::client(&server.uri())
        .send_batch_with_key(&emails, BatchValidation::Strict, key)
        .await
        .unwrap();
    assert_eq!(sent.data.len(), 2);
    assert!(sent.errors.is_empty());
    assert_same(&server, &rec).await;
}

#[tokio::test]
async fn a_permissive_batch_matches_the_recording_plus_a_key() {
    let rec = recorded("batch.send_permissive");
    let server = server_for(
        &rec,
        r#"{"data":[{"id":"p1"}],"errors":[{"index":1,"message":"Invalid `to` field."}]}"#,
    )
    .await;
    let emails = [Email::new("onboarding@resend.dev", "x@example.com", "s").text("t")];
    let sent = common::client(&server.uri())
        .send_batch(&emails, BatchValidation::Permissive)
        .await
        .unwrap();
    assert_eq!(sent.errors[0].index, 1);
    assert!(assert_same(&server, &rec).await.is_some());
}

#[tokio::test]
async fn retrieving_an_email_matches_the_recording() {
    let rec = recorded("emails.get");
    let server = server_for(
        &rec,
        r#"{"object":"email","id":"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794","to":["delivered@resend.dev"],"from":"Acme <onboarding@resend.dev>","created_at":"2026-01-01 10:00:00.000000+00","subject":"Hello","html":"<p>Hello</p>","text":null,"bcc":null,"cc":null,"reply_to":null,"last_event":"delivered","scheduled_at":null,"tags":[{"name":"category","value":"invoice"}]}"#,
    )
    .await;
    let email = common::client(&server.uri())
        .get("49a3999c-0ce1-4ea6-ab68-afcd6dc2e794")
        .await
        .unwrap();
    assert_eq!(email.last_event.as_deref(), Some("delivered"));
    assert_eq!(email.text, None);
    assert_eq!(email.extra["object"], "email");
    assert_same(&server, &rec).await;
}

#[test]
fn every_recording_has_a_test() {
    let ops: Vec<String> = resend_requests().into_iter().map(|r| r.operation).collect();
    assert_eq!(
        ops,
        [
            "emails.send",
            "emails.send_scheduled_minimal",
            "batch.send",
            "batch.send_permissive",
            "emails.get"
        ]
    );
}
