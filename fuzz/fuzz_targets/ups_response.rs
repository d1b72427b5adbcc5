#![no_main]
// Any status, headers and body answering a UPS call, or the OAuth token request before it:
// a typed answer or a typed error.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};
use libfuzzer_sys::fuzz_target;
use proign_core::auth::Credential;
use proign_core::http::TransportResponse;
use proign_core::retry::RetryPolicy;
use proign_core::secret::Secret;
use proign_ups::address::AddressQuery;
use proign_ups::subscription::SubscribeRequest;
use proign_ups::{UpsClient, UpsConfig};

#[path = "responses.rs"]
mod responses;

const TOKEN: &str = r#"{"access_token":"made-up-ups-token","token_type":"Bearer","expires_in":"14399","status":"approved"}"#;

/// A `200` with a JSON body, for the calls that must succeed before the fuzzed one.
fn ok_json(body: &'static str) -> TransportResponse {
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    TransportResponse {
        status: StatusCode::OK,
        headers,
        body: Bytes::from_static(body.as_bytes()),
    }
}

fuzz_target!(|data: &[u8]| {
    let input = responses::input(data);
    // The high bit: the fuzzed response answers the token request instead of the call.
    let script = if input.selector & 0x80 == 0 {
        responses::Script::new([ok_json(TOKEN), input.response])
    } else {
        responses::Script::new([input.response])
    };
    let secret = Credential::new(Secret::new("made-up-ups-client-secret").unwrap());
    let config = UpsConfig::new("made-up-client-id", secret)
        .retry(RetryPolicy::never())
        .token_retry(RetryPolicy::never());
    let client = UpsClient::with_transport(config, script).unwrap();
    responses::block_on(async {
        let _ = match (input.selector & 0x7f) % 5 {
            0 => client.track("1ZPRGN000000000001").await.map(drop),
            1 => client
                .validate_address(&AddressQuery::us(
                    ["1 Main St"],
                    "Springfield",
                    "IL",
                    "62701",
                ))
                .await
                .map(drop),
            2 => client.void_shipment("1ZPRGN000000000001").await.map(drop),
            3 => client
                .void_packages("1ZPRGN000000000001", &["1ZPRGN000000000002"])
                .await
                .map(drop),
            _ => {
                let credential = Secret::new("made-up-callback-credential").unwrap();
                let request = SubscribeRequest::new(
                    ["1ZPRGN000000000001"],
                    "https://shop.example.test/ups",
                    credential,
                );
                client.subscribe_tracking(&request).await.map(drop)
            }
        };
    });
});
