//! One provider call through the HTTP core against the same call made with bare reqwest,
//! both to a small axum server on loopback, in the same run.
//!
//! `cargo bench -p proign-core --features http --bench http_call`
//!
//! After criterion's two figures, a paired run alternates rounds of 32 calls of each kind
//! (which kind goes first alternates too) and prints the median and quartiles of the
//! per-round ratio, core time over bare time: a load spike spoils a round or two, not the
//! figure.
#![allow(clippy::print_stderr)] // the paired ratios are printed for the record

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use proign_core::Provider;
use proign_core::auth::{Auth, Credential};
use proign_core::http::{Client, ProviderProfile, Request};
use proign_core::secret::Secret;

#[derive(Debug)]
struct Bench;

impl ProviderProfile for Bench {
    fn provider(&self) -> Provider {
        Provider::Stripe
    }

    fn default_base_url(&self) -> &str {
        "http://127.0.0.1:9"
    }
}

const BODY: &str = r#"{"id":"pi_3PrgnTest0000000001","object":"payment_intent","amount":1999}"#;

fn start_server(runtime: &tokio::runtime::Runtime) -> String {
    runtime.block_on(async {
        let app = axum::Router::new().route(
            "/v1/payment_intents/pi_1",
            axum::routing::get(|| async { ([("content-type", "application/json")], BODY) }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    })
}

fn http_call(c: &mut Criterion) {
    // One thread runs server and client alike, so the figures measure work rather than
    // cross-thread wake-ups on a shared machine.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let base = start_server(&runtime);
    let key = Credential::new(Secret::new("sk_test_made_up_bench_key").unwrap());

    let bare = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .gzip(true)
        .build()
        .unwrap();
    let url = format!("{base}/v1/payment_intents/pi_1");
    let bearer = format!("Bearer {}", key.secret().expose());

    let core = Client::builder(Arc::new(Bench))
        .base_url(&base)
        .auth(Auth::bearer(key.clone()))
        .build()
        .unwrap();

    let bare_call = || async {
        let response = bare
            .get(&url)
            .header("authorization", &bearer)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        response.bytes().await.unwrap()
    };
    let core_call = || async {
        let request = Request::get("retrieve_payment_intent", "/v1/payment_intents/pi_1");
        core.send(request).await.unwrap().body().clone()
    };

    // The machine is shared, so its load drifts between the two measurements. Each timed
    // call is therefore paired with an untimed call of the other kind: both figures are
    // taken under the same conditions, and their ratio is what matters.
    let mut group = c.benchmark_group("http_call");
    group
        .sample_size(80)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6));
    group.bench_function("bare_reqwest", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut timed = Duration::ZERO;
                for _ in 0..iters {
                    let started = Instant::now();
                    std::hint::black_box(bare_call().await);
                    timed += started.elapsed();
                    std::hint::black_box(core_call().await);
                }
                timed
            })
        })
    });
    group.bench_function("proign_core", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut timed = Duration::ZERO;
                for _ in 0..iters {
                    std::hint::black_box(bare_call().await);
                    let started = Instant::now();
                    std::hint::black_box(core_call().await);
                    timed += started.elapsed();
                }
                timed
            })
        })
    });
    group.finish();

    const ROUNDS: usize = 300;
    const CALLS: usize = 32;
    let mut ratios: Vec<f64> = runtime.block_on(async {
        let mut ratios = Vec::with_capacity(ROUNDS);
        for round in 0..ROUNDS {
            let (mut bare_time, mut core_time) = (Duration::ZERO, Duration::ZERO);
            for bare_turn in [round % 2 == 0, round % 2 == 1] {
                let started = Instant::now();
                for _ in 0..CALLS {
                    if bare_turn {
                        std::hint::black_box(bare_call().await);
                    } else {
                        std::hint::black_box(core_call().await);
                    }
                }
                if bare_turn {
                    bare_time = started.elapsed();
                } else {
                    core_time = started.elapsed();
                }
            }
            ratios.push(core_time.as_secs_f64() / bare_time.as_secs_f64());
        }
        ratios
    });
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
    eprintln!(
        "\npaired rounds ({ROUNDS} x {CALLS} calls each way): core / bare median {:.3}, \
         quartiles {:.3} .. {:.3}",
        at(0.5),
        at(0.25),
        at(0.75)
    );
}

criterion_group!(benches, http_call);
criterion_main!(benches);
