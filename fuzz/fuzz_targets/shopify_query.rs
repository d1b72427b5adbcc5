#![no_main]
// Any query string through the OAuth and app-proxy checks and the signer.

use libfuzzer_sys::fuzz_target;
use proign_core::clock::FixedClock;
use proign_core::secret::Secret;
use proign_shopify::query::{QueryVerifier, sign_query};

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let secret = Secret::new("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").unwrap();
    let verifier = QueryVerifier::new([&secret])
        .unwrap()
        .with_clock(FixedClock::at_unix(1_767_225_600));
    let _ = verifier.verify_hmac(query);
    let _ = verifier.verify_app_proxy(query);
    if let Ok(signed) = sign_query(&secret, query) {
        // A query the signer accepted must verify whenever its timestamp is in the window.
        if let Ok(verified) = verifier.verify_hmac(&signed).map(|v| v.timestamp()) {
            assert!((verified - 1_767_225_600).abs() <= 90);
        }
    }
});
