//! What a call through the HTTP core allocates beyond the same call made with bare reqwest.
//!
//! Both clients call the same axum route on loopback from one single-thread runtime, so the
//! server's allocations and reqwest's own are the same on both sides; the difference per call
//! is what the core adds. Counting allocations needs a global allocator, the one `unsafe`
//! proign allows, in this test.
//!
//! `cargo test -p proign-core --features http --test http_allocations -- --nocapture` prints
//! the figures recorded in BENCHMARKS.md.
#![cfg(feature = "http")]
#![allow(unsafe_code)]
#![allow(clippy::print_stdout)] // the figures are printed for the record

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use proign_core::Provider;
use proign_core::auth::{Auth, Credential};
use proign_core::http::{Client, ProviderProfile, Request};
use proign_core::secret::Secret;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size.saturating_sub(layout.size()), Ordering::Relaxed);
        // SAFETY: `ptr` came from `System.alloc` with this layout; the caller keeps the
        // contract for `new_size`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[derive(Debug)]
struct Profile;

impl ProviderProfile for Profile {
    fn provider(&self) -> Provider {
        Provider::Stripe
    }

    fn default_base_url(&self) -> &str {
        "http://127.0.0.1:9"
    }
}

const BODY: &str = r#"{"id":"pi_3PrgnTest0000000001","object":"payment_intent","amount":1999}"#;
const CALLS: usize = 200;

/// Allocations (count, bytes) per call, averaged over [`CALLS`] calls after a warm-up.
async fn per_call<F, Fut>(call: F) -> (f64, f64)
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()>,
{
    for _ in 0..20 {
        call().await;
    }
    let (count, bytes) = (
        ALLOCATIONS.load(Ordering::SeqCst),
        BYTES.load(Ordering::SeqCst),
    );
    for _ in 0..CALLS {
        call().await;
    }
    let count = ALLOCATIONS.load(Ordering::SeqCst) - count;
    let bytes = BYTES.load(Ordering::SeqCst) - bytes;
    (count as f64 / CALLS as f64, bytes as f64 / CALLS as f64)
}

// One test, so no other test thread allocates while the counters are read.
#[test]
fn a_call_through_the_core_allocates_no_more_than_a_bare_call() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let app = axum::Router::new().route(
            "/v1/payment_intents/pi_1",
            axum::routing::get(|| async { ([("content-type", "application/json")], BODY) }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

        let key = Credential::new(Secret::new("sk_test_made_up_allocation_key").unwrap());
        let bare = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .gzip(true)
            .build()
            .unwrap();
        let url = format!("{base}/v1/payment_intents/pi_1");
        let bearer = format!("Bearer {}", key.secret().expose());
        let core = Client::builder(Arc::new(Profile))
            .base_url(&base)
            .auth(Auth::bearer(key.clone()))
            .build()
            .unwrap();

        let bare_call = || async {
            let mut value = reqwest::header::HeaderValue::from_str(&bearer).unwrap();
            value.set_sensitive(true);
            let response = bare
                .get(&url)
                .header("authorization", value)
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
            assert_eq!(response.bytes().await.unwrap(), BODY.as_bytes());
        };
        let core_call = || async {
            let request = Request::get("retrieve_payment_intent", "/v1/payment_intents/pi_1");
            let response = core.send(request).await.unwrap();
            assert_eq!(response.body(), BODY.as_bytes());
        };

        // Alternate, so a drift in reqwest's pool or the server affects both sides alike.
        let mut bare_total = (0.0, 0.0);
        let mut core_total = (0.0, 0.0);
        for _ in 0..3 {
            let (count, bytes) = per_call(bare_call).await;
            bare_total = (bare_total.0 + count, bare_total.1 + bytes);
            let (count, bytes) = per_call(core_call).await;
            core_total = (core_total.0 + count, core_total.1 + bytes);
        }
        let bare = (bare_total.0 / 3.0, bare_total.1 / 3.0);
        let core = (core_total.0 / 3.0, core_total.1 / 3.0);
        let extra = core.0 - bare.0;
        println!(
            "per call: bare reqwest {:.1} allocations ({:.0} B), through the core {:.1} \
             ({:.0} B); the core adds {extra:.1} allocations ({:.0} B)",
            bare.0,
            bare.1,
            core.0,
            core.1,
            core.1 - bare.1
        );
        // Without a tracing subscriber the span allocates nothing. The core's own pool is
        // called without boxing its future, each attempt is prepared once and moved, a
        // literal path is borrowed, and the URL, the header map and the credential header
        // cost what they cost the bare call. A regression that boxes per call, copies the
        // request per attempt, the body per chunk or the credential twice shows up here.
        assert!(
            extra <= MAX_EXTRA,
            "the core adds {extra:.1} allocations per call (at most {MAX_EXTRA} expected)"
        );
    });
}

/// The ceiling for allocations the core adds to a call: none (the average over 600 calls
/// leaves room for one stray allocation in a few of them, such as a pool resize).
const MAX_EXTRA: f64 = 0.5;
