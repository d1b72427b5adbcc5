//! Verification allocates nothing proportional to the body: a 1 MiB delivery costs the same
//! few small allocations (ids, header text) as a 256-byte one.
//!
//! Counting allocations needs a global allocator, the one `unsafe` proign allows, in this test.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use proign::core::clock::FixedClock;
use proign::core::secret::Secret;
use proign::core::webhook::WebhookVerifier;
use proign::core::webhook::standard::StandardSigner;
use proign::resend::webhook::ResendVerifier;
use proign::shopify::webhook::ShopifyVerifier;
use proign::stripe::webhook::StripeVerifier;

struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes allocated while `run` executes.
fn allocated_by(run: impl FnOnce()) -> usize {
    let before = ALLOCATED.load(Ordering::SeqCst);
    run();
    ALLOCATED.load(Ordering::SeqCst) - before
}

const NOW: i64 = 1_767_225_600;
const LIMIT: usize = 1024;

fn big_body() -> Bytes {
    Bytes::from(vec![b'x'; 1024 * 1024])
}

// One test, so no other test thread allocates while the counter is read.
#[test]
fn verifiers_allocate_nothing_proportional_to_the_body() {
    stripe();
    shopify();
    resend();
}

fn stripe() {
    let secret = Secret::new("whsec_made_up_alloc_secret").unwrap();
    let verifier = StripeVerifier::new([&secret])
        .unwrap()
        .with_clock(FixedClock::at_unix(NOW));
    let body = big_body();
    let mut headers = HeaderMap::new();
    let value = proign::stripe::webhook::sign(&secret, NOW, &body);
    headers.insert("stripe-signature", HeaderValue::from_str(&value).unwrap());
    let used = allocated_by(|| {
        verifier.verify(&headers, body.clone()).unwrap();
    });
    assert!(used < LIMIT, "{used} bytes allocated for a 1 MiB body");
}

fn shopify() {
    let secret = Secret::new("made_up_alloc_client_secret").unwrap();
    let verifier = ShopifyVerifier::new([&secret]).unwrap();
    let body = big_body();
    let mut headers = HeaderMap::new();
    let value = proign::shopify::webhook::sign(&secret, &body);
    headers.insert(
        "x-shopify-hmac-sha256",
        HeaderValue::from_str(&value).unwrap(),
    );
    for (name, value) in [
        ("x-shopify-topic", "orders/create"),
        ("x-shopify-shop-domain", "alloc.myshopify.com"),
        ("x-shopify-api-version", "2026-01"),
        ("x-shopify-webhook-id", "b54557e4"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    let used = allocated_by(|| {
        verifier.verify(&headers, body.clone()).unwrap();
    });
    assert!(used < LIMIT, "{used} bytes allocated for a 1 MiB body");
}

fn resend() {
    let secret = Secret::new("whsec_cHJnbi1yZXNlbmQtc2lnbmluZy1rZXktMzJieXRlcyE=").unwrap();
    let verifier = ResendVerifier::new([&secret])
        .unwrap()
        .with_clock(FixedClock::at_unix(NOW));
    let body = big_body();
    let headers = StandardSigner::new(&secret)
        .unwrap()
        .headers("msg_alloc", NOW, &body)
        .unwrap();
    let used = allocated_by(|| {
        verifier.verify(&headers, body.clone()).unwrap();
    });
    assert!(used < LIMIT, "{used} bytes allocated for a 1 MiB body");
}
