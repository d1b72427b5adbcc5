#![no_main]
// Any status, headers and body answering `siteverify`: an outcome or a typed error. With
// the selector's second bit set, the same headers and body are instead an incoming request
// read by the axum extractor (token from the header or the form), which Cloudflare then
// answers with the same status, headers and body.

use std::sync::Arc;

use axum::extract::{FromRequest, Request};
use libfuzzer_sys::fuzz_target;
use proign_core::retry::RetryPolicy;
use proign_core::secret::Secret;
use proign_turnstile::axum::Checked;
use proign_turnstile::{TurnstileClient, TurnstileConfig, Verify};

#[path = "responses.rs"]
mod responses;

fuzz_target!(|data: &[u8]| {
    let input = responses::input(data);
    let extractor = input.selector & 2 == 2;
    let request = extractor.then(|| {
        let mut request = Request::new(axum::body::Body::from(input.response.body.clone()));
        *request.headers_mut() = input.response.headers.clone();
        request
    });
    let mut config = TurnstileConfig::new(Secret::new("made-up-turnstile-secret").unwrap())
        .retry(RetryPolicy::never())
        .transport(responses::Script::new([input.response]));
    if input.selector & 1 == 1 {
        config = config
            .expected_hostname("shop.example")
            .expected_action("checkout");
    }
    let client = Arc::new(TurnstileClient::new(config).unwrap());
    responses::block_on(async {
        match request {
            Some(request) => {
                if let Ok(checked) = Checked::from_request(request, &client).await {
                    let _ = (checked.outcome(), checked.form());
                }
            }
            None => {
                let _ = client.verify(&Verify::new("made-up-token")).await;
            }
        }
    });
});
