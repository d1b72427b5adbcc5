#![no_main]
// Any query string through the OAuth and app-proxy checks, the install callback check and
// the signer; any text through the shop-domain check.

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use proign_core::clock::FixedClock;
use proign_core::secret::Secret;
use proign_shopify::ShopDomain;
use proign_shopify::install::{Install, InstallState};
use proign_shopify::query::{QueryVerifier, sign_query};

const SECRET: &str = "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";
const NOW: i64 = 1_767_225_600;

fn install() -> &'static Install {
    static INSTALL: OnceLock<Install> = OnceLock::new();
    INSTALL.get_or_init(|| {
        Install::new(
            "made-up-client-id",
            Secret::new(SECRET).unwrap(),
            "https://shop.example.test/callback",
        )
        .unwrap()
        .clock(FixedClock::at_unix(NOW))
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let secret = Secret::new(SECRET).unwrap();
    let verifier = QueryVerifier::new([&secret])
        .unwrap()
        .with_clock(FixedClock::at_unix(NOW));
    let _ = verifier.verify_hmac(query);
    let _ = verifier.verify_app_proxy(query);
    let state = InstallState::from_stored("0123456789abcdef0123456789abcdef");
    if let Ok(callback) = install().verify_callback(query, &state) {
        assert!(callback.shop.as_str().ends_with(".myshopify.com"));
    }
    if let Ok(shop) = ShopDomain::new(query) {
        assert_eq!(ShopDomain::new(shop.as_str()).ok(), Some(shop));
    }
    if let Ok(signed) = sign_query(&secret, query) {
        // A query the signer accepted must verify whenever its timestamp is in the window.
        if let Ok(verified) = verifier.verify_hmac(&signed).map(|v| v.timestamp()) {
            assert!((verified - NOW).abs() <= 90);
        }
    }
});
