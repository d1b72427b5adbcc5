//! A load generator for the `verify_webhooks` gateway, and the check of what it stored.
//!
//! ```sh
//! scripts/load.sh          # builds both, starts the gateway, runs this, prints a summary
//! ```
//!
//! For `--seconds`, `--connections` requests run back to back over loopback: genuine
//! deliveries for Stripe, Shopify, Resend and UPS (each with its own id and a fresh
//! timestamp), replays of genuine deliveries already answered, forgeries (wrong secret, body
//! changed after signing, timestamp an hour old, signature header missing) and bodies over
//! the 2 MiB limit. Then it reads every job in the gateway's SQLite queue (`--db`) and checks
//! that each genuine delivery is there exactly once and nothing else is. The secrets come
//! from the same variables the gateway reads; every body carries a `load_id` naming what
//! the request was, so the check needs nothing but the queue.
//!
//! It prints the figures and exits non-zero when a request got an answer its class should
//! not get, or when the queue does not hold exactly the genuine deliveries.

#![expect(
    clippy::print_stdout,
    reason = "the summary on standard output is what this program is for"
)]

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use proign::core::clock;
use proign::core::queue::sqlite::SqliteQueue;
use proign::core::queue::{MAX_LEASE_BATCH, Queue};
use proign::core::secret::Secret;
use proign::core::webhook::standard::{HeaderBrand, StandardSigner};

/// Each request's class, by share of requests (out of 100).
const MIX: [(Class, u32); 4] = [
    (Class::Genuine, 70),
    (Class::Replay, 10),
    (Class::Forged, 18),
    (Class::Oversized, 2),
];
/// The gateway's body limit is 2 MiB; oversized bodies are 1 KiB over it.
const OVERSIZED_BYTES: usize = 2 * 1024 * 1024 + 1024;
/// Genuine deliveries each connection keeps to replay.
const REPLAY_RING: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Genuine,
    Replay,
    Forged,
    Oversized,
}

impl Class {
    /// Whether an answer is the right one for this class. An oversized body may also be
    /// cut off: the gateway stops reading at the limit and closes the connection.
    fn expects(self, answer: Answer) -> bool {
        matches!(
            (self, answer),
            (Self::Genuine | Self::Replay, Answer::Status(200))
                | (Self::Forged, Answer::Status(400 | 401))
                | (Self::Oversized, Answer::Status(413) | Answer::Closed)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Answer {
    Status(u16),
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Provider {
    Stripe,
    Shopify,
    Resend,
    Ups,
}

const PROVIDERS: [Provider; 4] = [
    Provider::Stripe,
    Provider::Shopify,
    Provider::Resend,
    Provider::Ups,
];

impl Provider {
    fn route(self) -> &'static str {
        match self {
            Self::Stripe => "/webhooks/stripe",
            Self::Shopify => "/webhooks/shopify",
            Self::Resend => "/webhooks/resend",
            Self::Ups => "/webhooks/ups",
        }
    }
}

/// One request, ready to send again (replays send the same bytes).
#[derive(Clone)]
struct Delivery {
    provider: Provider,
    headers: HeaderMap,
    body: Bytes,
}

/// The gateway's secrets, and made-up wrong ones for forgeries.
struct Keys {
    stripe: Secret,
    shopify: Secret,
    resend: StandardSigner,
    ups: Secret,
    wrong: Secret,
    wrong_resend: StandardSigner,
}

impl Keys {
    fn from_env() -> Result<Self, Box<dyn std::error::Error>> {
        let wrong_resend = Secret::new("whsec_bm90LXRoZS1nYXRld2F5cy1yZXNlbmQtc2VjcmV0")?;
        Ok(Self {
            stripe: Secret::from_env("STRIPE_WEBHOOK_SECRET")?,
            shopify: Secret::from_env("SHOPIFY_CLIENT_SECRET")?,
            resend: StandardSigner::new(&Secret::from_env("RESEND_WEBHOOK_SECRET")?)?
                .with_brand(HeaderBrand::Svix),
            ups: Secret::from_env("UPS_CALLBACK_CREDENTIAL")?,
            wrong: Secret::new("not-the-gateways-secret")?,
            wrong_resend: StandardSigner::new(&wrong_resend)?.with_brand(HeaderBrand::Svix),
        })
    }

    /// A delivery of `body` as the provider would sign it, with `secret_ok` choosing the
    /// gateway's secret or a wrong one, at time `at`, with delivery id `id`.
    fn sign(&self, provider: Provider, id: &str, at: i64, body: &[u8], ok: bool) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let mut put = |name: &'static str, value: &str| {
            let value = HeaderValue::from_str(value).expect("generated header values are ASCII");
            headers.insert(HeaderName::from_static(name), value);
        };
        match provider {
            Provider::Stripe => {
                let secret = if ok { &self.stripe } else { &self.wrong };
                put(
                    "stripe-signature",
                    &proign::stripe::webhook::sign(secret, at, body),
                );
            }
            Provider::Shopify => {
                let secret = if ok { &self.shopify } else { &self.wrong };
                put(
                    "x-shopify-hmac-sha256",
                    &proign::shopify::webhook::sign(secret, body),
                );
                put("x-shopify-topic", "orders/create");
                put("x-shopify-shop-domain", "load-test.myshopify.com");
                put("x-shopify-api-version", "2026-01");
                put("x-shopify-webhook-id", id);
            }
            Provider::Resend => {
                let signer = if ok { &self.resend } else { &self.wrong_resend };
                let signed = signer
                    .headers(id, at, body)
                    .expect("generated ids are printable ASCII");
                headers.extend(signed);
            }
            Provider::Ups => {
                let secret = if ok { &self.ups } else { &self.wrong };
                put("credential", secret.expose());
            }
        }
        headers
    }
}

/// A body for `provider` naming `load_id`, unique per `n`.
fn body(provider: Provider, n: u64, at: i64, load_id: &str) -> Bytes {
    let json = match provider {
        Provider::Stripe => serde_json::json!({
            "id": format!("evt_load{n}"), "object": "event", "type": "invoice.paid",
            "created": at, "livemode": false,
            "data": {"object": {"id": format!("in_load{n}"), "object": "invoice"}},
            "load_id": load_id,
        }),
        Provider::Shopify => serde_json::json!({
            "id": n, "name": format!("#L{n}"), "load_id": load_id,
        }),
        Provider::Resend => serde_json::json!({
            "type": "email.delivered", "created_at": "2026-01-01T00:00:00.000Z",
            "data": {"email_id": format!("load-{n}")}, "load_id": load_id,
        }),
        Provider::Ups => serde_json::json!({
            "trackingNumber": format!("1ZLOAD{n:012}"), "gmtActivityDate": "20260101",
            "gmtActivityTime": "141500",
            "activityStatus": {"type": "D", "code": "KB", "description": "Delivered"},
            "load_id": load_id,
        }),
    };
    Bytes::from(serde_json::to_vec(&json).expect("a JSON value serialises"))
}

fn genuine(keys: &Keys, provider: Provider, n: u64, now: i64) -> Delivery {
    let body = body(provider, n, now, &format!("genuine-{n}"));
    let headers = keys.sign(provider, &format!("load-{n}"), now, &body, true);
    Delivery {
        provider,
        headers,
        body,
    }
}

/// A forgery of one of four kinds, chosen by `pick`. UPS signs nothing, so a changed body
/// with the right credential is genuine by UPS's rules; it gets a wrong credential instead.
fn forged(keys: &Keys, provider: Provider, n: u64, now: i64, pick: u32) -> Delivery {
    let id = format!("load-{n}");
    let body = body(provider, n, now, &format!("forged-{n}"));
    let headers = match (pick, provider) {
        (0, _) | (1, Provider::Ups) => keys.sign(provider, &id, now, &body, false),
        (1, _) => {
            let signed = self::body(provider, n, now, &format!("genuine-{n}"));
            keys.sign(provider, &id, now, &signed, true)
        }
        (2, Provider::Stripe | Provider::Resend) => {
            keys.sign(provider, &id, now - 3_600, &body, true)
        }
        _ => {
            let mut headers = keys.sign(provider, &id, now, &body, true);
            for name in [
                "stripe-signature",
                "x-shopify-hmac-sha256",
                "svix-signature",
                "credential",
            ] {
                headers.remove(name);
            }
            headers
        }
    };
    Delivery {
        provider,
        headers,
        body,
    }
}

/// A body over the limit, signed with the right secret: refused for its size alone.
fn oversized(keys: &Keys, provider: Provider, now: i64) -> Delivery {
    let mut json = body(provider, 0, now, &format!("oversized-{provider:?}")).to_vec();
    json.pop();
    json.extend_from_slice(b",\"pad\":\"");
    json.resize(OVERSIZED_BYTES - 2, b'x');
    json.extend_from_slice(b"\"}");
    let headers = keys.sign(provider, "load-oversized", now, &json, true);
    Delivery {
        provider,
        headers,
        body: Bytes::from(json),
    }
}

/// What one connection saw.
#[derive(Default)]
struct Tally {
    latencies: BTreeMap<Class, Vec<u32>>,
    answers: BTreeMap<(Class, Answer), u64>,
    closed: BTreeMap<String, u64>,
    genuine_ids: Vec<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        for (class, mut micros) in other.latencies {
            self.latencies.entry(class).or_default().append(&mut micros);
        }
        for (key, count) in other.answers {
            *self.answers.entry(key).or_default() += count;
        }
        for (cause, count) in other.closed {
            *self.closed.entry(cause).or_default() += count;
        }
        self.genuine_ids.extend(other.genuine_ids);
    }
}

struct Run {
    client: reqwest::Client,
    base: String,
    keys: Keys,
    oversized: Vec<Delivery>,
    next: AtomicU64,
    until: Instant,
}

async fn connection(run: Arc<Run>, seed: u64) -> Tally {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut tally = Tally::default();
    let mut sent: Vec<Delivery> = Vec::with_capacity(REPLAY_RING);
    let clock = clock::system();
    while Instant::now() < run.until {
        let n = run.next.fetch_add(1, Ordering::Relaxed);
        let provider = PROVIDERS[rng.usize(..PROVIDERS.len())];
        let mut roll = rng.u32(..100);
        let mut class = MIX[0].0;
        for (candidate, share) in MIX {
            if roll < share {
                class = candidate;
                break;
            }
            roll -= share;
        }
        if class == Class::Replay && sent.is_empty() {
            class = Class::Genuine;
        }
        let now = clock.unix_seconds();
        let delivery = match class {
            Class::Genuine => genuine(&run.keys, provider, n, now),
            Class::Replay => sent[rng.usize(..sent.len())].clone(),
            Class::Forged => forged(&run.keys, provider, n, now, rng.u32(..4)),
            Class::Oversized => run.oversized[rng.usize(..run.oversized.len())].clone(),
        };

        let started = Instant::now();
        let answer = send(&run, &delivery, &mut tally.closed).await;
        let micros = u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX);
        tally.latencies.entry(class).or_default().push(micros);
        *tally.answers.entry((class, answer)).or_default() += 1;

        if class == Class::Genuine {
            tally.genuine_ids.push(format!("genuine-{n}"));
            if sent.len() < REPLAY_RING {
                sent.push(delivery);
            } else {
                sent[rng.usize(..REPLAY_RING)] = delivery;
            }
        }
    }
    tally
}

async fn send(run: &Run, delivery: &Delivery, closed: &mut BTreeMap<String, u64>) -> Answer {
    let response = run
        .client
        .post(format!("{}{}", run.base, delivery.provider.route()))
        .headers(delivery.headers.clone())
        .header("content-type", "application/json")
        .body(delivery.body.clone())
        .send()
        .await;
    match response {
        Ok(response) => {
            let status = response.status().as_u16();
            // Read the (empty) body so the connection goes back to the pool.
            let _ = response.bytes().await;
            Answer::Status(status)
        }
        Err(error) => {
            // The innermost cause says what happened to the connection.
            let mut cause: &dyn std::error::Error = &error;
            while let Some(inner) = cause.source() {
                cause = inner;
            }
            *closed.entry(cause.to_string()).or_default() += 1;
            Answer::Closed
        }
    }
}

/// The `load_id` of every job in the queue, with how many jobs carry it.
async fn stored(db: &PathBuf) -> Result<HashMap<String, u32>, Box<dyn std::error::Error>> {
    let queue = SqliteQueue::open(db).await?;
    let mut found = HashMap::new();
    loop {
        let leases = queue
            .lease(MAX_LEASE_BATCH, Duration::from_secs(3_600))
            .await?;
        if leases.is_empty() {
            break;
        }
        for lease in leases {
            let json: serde_json::Value = serde_json::from_slice(lease.job().payload())?;
            let id = json["load_id"].as_str().unwrap_or("(none)").to_owned();
            *found.entry(id).or_default() += 1;
        }
    }
    Ok(found)
}

/// The value at quantile `q` of sorted `values`, by the nearest-rank method.
fn quantile(sorted: &[u32], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    f64::from(sorted[rank.clamp(1, sorted.len()) - 1]) / 1_000.0
}

struct Args {
    url: String,
    seconds: u64,
    connections: u64,
    db: PathBuf,
}

fn args() -> Result<Args, String> {
    let mut args = Args {
        url: "http://127.0.0.1:3000".to_owned(),
        seconds: 30,
        connections: 32,
        db: PathBuf::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{flag}: not a number"))
        };
        match flag.as_str() {
            "--url" => args.url = value.trim_end_matches('/').to_owned(),
            "--seconds" => args.seconds = number()?.max(1),
            "--connections" => args.connections = number()?.max(1),
            "--db" => args.db = PathBuf::from(&value),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if args.db.as_os_str().is_empty() {
        return Err("--db FILE (the gateway's queue file) is required".to_owned());
    }
    Ok(args)
}

// One thread: the gateway gets the other core of a two-core machine.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = args()?;
    let keys = Keys::from_env()?;
    let now = clock::system().unix_seconds();
    let oversized = PROVIDERS
        .iter()
        .map(|&p| oversized(&keys, p, now))
        .collect();
    let run = Arc::new(Run {
        client: reqwest::Client::builder()
            .pool_max_idle_per_host(args.connections as usize)
            .timeout(Duration::from_secs(30))
            .build()?,
        base: args.url.clone(),
        keys,
        oversized,
        next: AtomicU64::new(1),
        until: Instant::now() + Duration::from_secs(args.seconds),
    });

    let started = Instant::now();
    let tasks: Vec<_> = (0..args.connections)
        .map(|seed| tokio::spawn(connection(run.clone(), seed)))
        .collect();
    let mut tally = Tally::default();
    for task in tasks {
        tally.merge(task.await?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let ok = report(&args, &tally, elapsed) & check(&tally, stored(&args.db).await?);
    if !ok {
        return Err("load test failed; see above".into());
    }
    Ok(())
}

fn report(args: &Args, tally: &Tally, elapsed: f64) -> bool {
    let total: u64 = tally.answers.values().sum();
    let stored = tally.answers.get(&(Class::Genuine, Answer::Status(200)));
    println!(
        "load: {} connections for {elapsed:.1} s against {}",
        args.connections, args.url
    );
    println!(
        "requests: {total} ({:.0}/s); genuine deliveries stored: {} ({:.0}/s)",
        total as f64 / elapsed,
        stored.copied().unwrap_or(0),
        stored.copied().unwrap_or(0) as f64 / elapsed
    );
    println!("class      requests  p50 ms  p99 ms  max ms  answers");
    let mut ok = true;
    for (class, micros) in &tally.latencies {
        let mut sorted = micros.clone();
        sorted.sort_unstable();
        let answers: Vec<String> = tally
            .answers
            .iter()
            .filter(|((c, _), _)| c == class)
            .map(|((_, answer), count)| {
                ok &= class.expects(*answer);
                match answer {
                    Answer::Status(status) => format!("{status}: {count}"),
                    Answer::Closed => format!("closed: {count}"),
                }
            })
            .collect();
        println!(
            "{:<10} {:>8}  {:>6.2}  {:>6.2}  {:>6.1}  {}",
            format!("{class:?}").to_lowercase(),
            sorted.len(),
            quantile(&sorted, 0.50),
            quantile(&sorted, 0.99),
            quantile(&sorted, 1.0),
            answers.join(", ")
        );
    }
    for (cause, count) in &tally.closed {
        println!("connection closed under a request: {count} × {cause}");
    }
    if !ok {
        println!("FAIL: some requests got an answer their class should not get");
    }
    ok
}

fn check(tally: &Tally, stored: HashMap<String, u32>) -> bool {
    let jobs: u32 = stored.values().sum();
    let missing = tally
        .genuine_ids
        .iter()
        .filter(|id| !stored.contains_key(*id))
        .count();
    let twice = stored.values().filter(|&&count| count > 1).count();
    let strangers = stored
        .keys()
        .filter(|id| !id.starts_with("genuine-"))
        .count();
    println!(
        "queue: {jobs} jobs for {} genuine deliveries sent; missing {missing}, stored more than once {twice}, forged or oversized stored {strangers}",
        tally.genuine_ids.len()
    );
    let ok =
        missing == 0 && twice == 0 && strangers == 0 && jobs as usize == tally.genuine_ids.len();
    println!(
        "{}",
        if ok {
            "queue check: ok"
        } else {
            "queue check: FAIL"
        }
    );
    ok
}
