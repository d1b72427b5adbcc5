#![no_main]
// Any status, headers and body answering `siteverify`: an outcome or a typed error.

use libfuzzer_sys::fuzz_target;
use proign_core::retry::RetryPolicy;
use proign_core::secret::Secret;
use proign_turnstile::{TurnstileClient, TurnstileConfig, Verify};

#[path = "responses.rs"]
mod responses;

fuzz_target!(|data: &[u8]| {
    let input = responses::input(data);
    let mut config = TurnstileConfig::new(Secret::new("made-up-turnstile-secret").unwrap())
        .retry(RetryPolicy::never())
        .transport(responses::Script::new([input.response]));
    if input.selector & 1 == 1 {
        config = config
            .expected_hostname("shop.example")
            .expected_action("checkout");
    }
    let client = TurnstileClient::new(config).unwrap();
    responses::block_on(async {
        let _ = client.verify(&Verify::new("made-up-token")).await;
    });
});
