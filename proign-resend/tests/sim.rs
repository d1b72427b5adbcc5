//! The client against the loopback Resend simulator, and its signed webhooks verified.

mod common;

use std::sync::{Arc, Mutex};

use axum::routing::post;
use proign_core::secret::Secret;
use proign_resend::Email;
use proign_resend::webhook::ResendVerifier;
use proign_testkit::sim::resend::ResendSim;

#[tokio::test]
async fn a_retried_send_is_accepted_once() {
    let sim = ResendSim::start().await;
    sim.fail_next(
        1,
        500,
        r#"{"statusCode":500,"message":"x","name":"application_error"}"#,
    );
    let email = Email::new("shop@example.com", "zoe@example.com", "Order").text("Thanks");
    let sent = common::client(sim.base_url()).send(&email).await.unwrap();
    assert_eq!(sim.calls(), 2);
    let emails = sim.emails();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].id, sent.id);
    let shown = common::client(sim.base_url()).get(&sent.id).await.unwrap();
    assert_eq!(shown.last_event.as_deref(), Some("delivered"));
}

#[tokio::test]
async fn events_are_signed_so_the_verifier_accepts_them() {
    let sim = ResendSim::start().await;
    let email = Email::new("shop@example.com", "zoe@example.com", "Order").text("Thanks");
    let sent = common::client(sim.base_url()).send(&email).await.unwrap();

    let secret = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let verifier = Arc::new(ResendVerifier::new([&secret]).unwrap());
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let (v, s) = (verifier.clone(), seen.clone());
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: http::HeaderMap, body: bytes::Bytes| {
            let (v, s) = (v.clone(), s.clone());
            async move {
                match v.construct_event(&headers, body) {
                    Ok((_, event)) => {
                        s.lock().unwrap().push(format!("{:?}", event.kind));
                        http::StatusCode::OK
                    }
                    Err(_) => http::StatusCode::BAD_REQUEST,
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let status = sim
        .deliver_event(&url, &secret, &sent.id, "delivered")
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert_eq!(seen.lock().unwrap().len(), 1);
}
