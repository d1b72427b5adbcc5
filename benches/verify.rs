//! Each verifier against a bare HMAC-SHA256 of the same bytes, measured in the same run.
//!
//! ```text
//! cargo bench --bench verify --features full
//! ```
//!
//! The baseline keys a fresh HMAC and hashes the body once, which is the least any verifier
//! must do; a verifier's cost over it is its header parsing, decoding and comparison.
//!
//! Besides criterion's absolute figures, the `paired` group times the verifier and the bare
//! HMAC in alternating runs of 64 calls inside every sample, so both see the same load on a
//! shared machine, and prints the ratio of the two totals at the end.
#![allow(clippy::print_stderr)] // the paired ratios are printed for the record

use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderValue};
use proign::core::clock::FixedClock;
use proign::core::secret::Secret;
use proign::core::webhook::WebhookVerifier;
use proign::core::webhook::standard::{HeaderBrand, StandardSigner};
use proign::resend::webhook::ResendVerifier;
use proign::shopify::webhook::ShopifyVerifier;
use proign::stripe::webhook::StripeVerifier;
use sha2::Sha256;

const NOW: i64 = 1_767_225_600;
const SIZES: [usize; 4] = [256, 2 * 1024, 16 * 1024, 1024 * 1024];
const STRIPE_SECRET: &str = "whsec_made_up_benchmark_secret_0001";
const SHOPIFY_SECRET: &str = "made_up_benchmark_client_secret";
const RESEND_SECRET: &str = "whsec_cHJnbi1yZXNlbmQtc2lnbmluZy1rZXktMzJieXRlcyE=";

fn body(len: usize) -> Bytes {
    let mut body = Vec::with_capacity(len);
    while body.len() < len {
        body.extend_from_slice(br#"{"id":"evt_1","object":"event","data":{"k":"v"}},"#);
    }
    body.truncate(len);
    Bytes::from(body)
}

fn header(name: &'static str, value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(name, HeaderValue::from_str(value).unwrap());
    headers
}

/// The headers every delivery also arrives with, so the verifiers look for their own
/// among the ones a real request carries.
fn add_transport_headers(headers: &mut HeaderMap, len: usize) {
    for (name, value) in [
        ("host", "hooks.example.com"),
        ("user-agent", "proign-bench/1.0"),
        ("accept", "*/*"),
        ("content-type", "application/json"),
        ("accept-encoding", "gzip"),
        ("x-forwarded-for", "203.0.113.7"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers.insert("content-length", HeaderValue::from(len));
}

/// The three verifiers, and for one body the headers that make it genuine for each.
struct Fixture {
    stripe: StripeVerifier,
    shopify: ShopifyVerifier,
    resend: ResendVerifier,
    body: Bytes,
    stripe_headers: HeaderMap,
    shopify_headers: HeaderMap,
    resend_headers: HeaderMap,
}

impl Fixture {
    fn new(len: usize) -> Self {
        let stripe_secret = Secret::new(STRIPE_SECRET).unwrap();
        let shopify_secret = Secret::new(SHOPIFY_SECRET).unwrap();
        let resend_secret = Secret::new(RESEND_SECRET).unwrap();
        let body = body(len);
        let mut shopify_headers = header(
            "x-shopify-hmac-sha256",
            &proign::shopify::webhook::sign(&shopify_secret, &body),
        );
        for (name, value) in [
            ("x-shopify-topic", "orders/create"),
            ("x-shopify-shop-domain", "bench.myshopify.com"),
            ("x-shopify-api-version", "2026-01"),
            (
                "x-shopify-webhook-id",
                "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
            ),
            ("x-shopify-event-id", "98880550-7158-44d4-b7cd-2c97c8a091b5"),
            ("x-shopify-triggered-at", "2026-12-04T10:00:00.000000000Z"),
        ] {
            shopify_headers.insert(name, HeaderValue::from_static(value));
        }
        let mut resend_headers = StandardSigner::new(&resend_secret)
            .unwrap()
            .with_brand(HeaderBrand::Svix)
            .headers("msg_2Lh9KRb0pzN3Tgcomfy4sz1hn2j", NOW, &body)
            .unwrap();
        let mut stripe_headers = header(
            "stripe-signature",
            &proign::stripe::webhook::sign(&stripe_secret, NOW, &body),
        );
        for headers in [
            &mut stripe_headers,
            &mut shopify_headers,
            &mut resend_headers,
        ] {
            add_transport_headers(headers, len);
        }
        Self {
            stripe: StripeVerifier::new([&stripe_secret])
                .unwrap()
                .with_clock(FixedClock::at_unix(NOW)),
            shopify: ShopifyVerifier::new([&shopify_secret]).unwrap(),
            resend: ResendVerifier::new([&resend_secret])
                .unwrap()
                .with_clock(FixedClock::at_unix(NOW)),
            stripe_headers,
            shopify_headers,
            resend_headers,
            body,
        }
    }

    /// Verifies the body with one verifier; every one must accept it.
    fn verify(&self, which: Which, body: Bytes) {
        let ok = match which {
            Which::Stripe => self
                .stripe
                .verify(black_box(&self.stripe_headers), body)
                .is_ok(),
            Which::Shopify => self
                .shopify
                .verify(black_box(&self.shopify_headers), body)
                .is_ok(),
            Which::Resend => self
                .resend
                .verify(black_box(&self.resend_headers), body)
                .is_ok(),
        };
        assert!(ok, "{} rejected a genuine delivery", which.name());
    }
}

/// One of the verifiers under test.
#[derive(Debug, Clone, Copy)]
enum Which {
    Stripe,
    Shopify,
    Resend,
}

impl Which {
    fn name(self) -> &'static str {
        match self {
            Self::Stripe => "stripe",
            Self::Shopify => "shopify",
            Self::Resend => "resend",
        }
    }
}

const VERIFIERS: [Which; 3] = [Which::Stripe, Which::Shopify, Which::Resend];

fn verifiers(c: &mut Criterion) {
    let mut group = c.benchmark_group("verify");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    for len in SIZES {
        let fixture = Fixture::new(len);
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_function(BenchmarkId::new("bare_hmac", len), |b| {
            b.iter(|| bare(&fixture.body))
        });
        for which in VERIFIERS {
            group.bench_function(BenchmarkId::new(which.name(), len), |b| {
                b.iter(|| fixture.verify(which, fixture.body.clone()))
            });
        }
    }
    group.finish();
}

/// Verifier and bare totals, in nanoseconds, per (size, verifier).
/// Per size and verifier: total verifier time, total bare time, and the ratio of every
/// pair of runs.
type Totals = BTreeMap<(usize, &'static str), (u128, u128, Vec<f64>)>;

/// Calls per run in the paired group.
const RUN: u64 = 64;

static PAIRED: Mutex<Totals> = Mutex::new(BTreeMap::new());

fn bare(body: &[u8]) {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(STRIPE_SECRET.as_bytes()).unwrap();
    mac.update(black_box(body));
    black_box(mac.finalize().into_bytes());
}

/// Times `verify` against the bare HMAC in alternating runs, returning the verifier's time.
fn paired(
    iters: u64,
    size: usize,
    name: &'static str,
    body: &Bytes,
    verify: &dyn Fn(Bytes),
) -> Duration {
    let (mut ours, mut baseline) = (Duration::ZERO, Duration::ZERO);
    let mut ratios = Vec::new();
    let mut done = 0;
    while done < iters {
        let (mut ours_run, mut baseline_run) = (Duration::ZERO, Duration::ZERO);
        let run = RUN.min(iters - done);
        // Alternate which goes first, so neither always runs on a warmer cache.
        let bare_first = (done / RUN).is_multiple_of(2);
        for turn in [bare_first, !bare_first] {
            // The verifier takes the body by value, as a server hands it over; the copies
            // of the handle are made before the clock starts (they are the benchmark's
            // need, not the verifier's), and dropped with the deliveries inside the run.
            let mut bodies = (0..run).map(|_| body.clone()).collect::<Vec<_>>();
            let start = Instant::now();
            if turn {
                for _ in 0..run {
                    bare(body);
                }
            } else {
                for body in bodies.drain(..) {
                    verify(body);
                }
            }
            if turn {
                baseline_run = start.elapsed();
            } else {
                ours_run = start.elapsed();
            }
        }
        ours += ours_run;
        baseline += baseline_run;
        ratios.push(ours_run.as_secs_f64() / baseline_run.as_secs_f64());
        done += run;
    }
    let mut totals = PAIRED.lock().unwrap();
    let entry = totals.entry((size, name)).or_default();
    entry.0 += ours.as_nanos();
    entry.1 += baseline.as_nanos();
    entry.2.extend(ratios);
    ours
}

fn paired_ratios(c: &mut Criterion) {
    let mut group = c.benchmark_group("paired");
    group
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    for len in SIZES {
        let fixture = Fixture::new(len);
        for which in VERIFIERS {
            group.bench_function(BenchmarkId::new(which.name(), len), |b| {
                b.iter_custom(|iters| {
                    paired(iters, len, which.name(), &fixture.body, &|body| {
                        fixture.verify(which, body)
                    })
                })
            });
        }
    }
    group.finish();

    eprintln!(
        "\npaired ratios, verifier time / bare HMAC time: of the totals, and the median and \
         quartiles of the runs of {RUN} calls"
    );
    for ((size, name), (ours, baseline, runs)) in PAIRED.lock().unwrap().iter_mut() {
        runs.sort_by(f64::total_cmp);
        let at = |q: f64| runs[((runs.len() - 1) as f64 * q).round() as usize];
        eprintln!(
            "  {size:>8} B  {name:<8} total {:.3}  median {:.3}  ({:.3} .. {:.3})",
            *ours as f64 / *baseline as f64,
            at(0.5),
            at(0.25),
            at(0.75)
        );
    }
}

criterion_group!(benches, verifiers, paired_ratios);
criterion_main!(benches);
