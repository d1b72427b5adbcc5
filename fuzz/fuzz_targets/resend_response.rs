#![no_main]
// Any status, headers and body answering a Resend call: a typed answer or a typed error.

use libfuzzer_sys::fuzz_target;
use proign_core::auth::Credential;
use proign_core::retry::RetryPolicy;
use proign_core::secret::Secret;
use proign_resend::{BatchValidation, Email, ResendClient, ResendConfig};

#[path = "responses.rs"]
mod responses;

fuzz_target!(|data: &[u8]| {
    let input = responses::input(data);
    let key = Credential::new(Secret::new("re_made_up_fuzzing_key").unwrap());
    let config = ResendConfig::new(key)
        .retry(RetryPolicy::never())
        .transport(responses::Script::new([input.response]));
    let client = ResendClient::new(config).unwrap();
    let email = || Email::new("Shop <shop@example.test>", "buyer@example.test", "Receipt");
    responses::block_on(async {
        let _ = match input.selector % 5 {
            0 => client.send(&email()).await.map(drop),
            1 => client
                .send_batch(&[email(), email()], BatchValidation::Permissive)
                .await
                .map(drop),
            2 => client.get("em_1").await.map(drop),
            3 => client.cancel("em_1").await.map(drop),
            _ => client
                .reschedule("em_1", "2026-01-01T00:00:00Z")
                .await
                .map(drop),
        };
    });
});
