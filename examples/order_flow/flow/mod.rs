//! The order flow itself, shared by `examples/order_flow.rs` and `tests/order_flow.rs`.

mod failure;
mod inbound;
mod order;
pub(crate) mod progress;
mod setup;
mod steps;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use proign::core::Provider;
use proign::core::config::Config;
use proign::core::events::EventBus;
use proign::core::monitor::{Monitor, MonitorSnapshot, save_snapshot};
use proign::core::queue::sqlite::SqliteQueue;
use proign::core::queue::{DeadLetter, Queue};
use proign::core::secret::Secret;
use proign::core::worker::{JobOutcome, Worker, WorkerConfig};
use proign::stripe::RequestOptions;
use proign::stripe::resources::{PriceCreate, ProductCreate};
use proign_testkit::sandbox::Sandbox;
use proign_testkit::sim::shopify::Bucket;
use tokio::sync::oneshot;

use inbound::{GatewaySecrets, ORDER_KIND, REPORT_KINDS};
use progress::{EVENTS, Output, Progress, STEPS};
use setup::{Clients, Credentials};

/// Any failure that stops the flow.
pub(crate) type Failure = Box<dyn std::error::Error + Send + Sync>;

/// How to run the flow.
pub(crate) struct Options {
    /// The loaded configuration.
    pub(crate) config: Config,
    /// The SQLite queue file.
    pub(crate) db: PathBuf,
    /// Where labels and the monitor snapshot go.
    pub(crate) out: PathBuf,
    /// Orders pushed through at once.
    pub(crate) orders: usize,
    /// Real providers where their credentials are in the environment.
    pub(crate) live: bool,
    /// A line per step (else only retries, rejections and summaries).
    pub(crate) verbose: bool,
    /// The longest wait for every order to finish.
    pub(crate) timeout: Duration,
}

/// What every step and handler shares.
pub(crate) struct Ctx {
    clients: Clients,
    config: Config,
    queue: Arc<SqliteQueue>,
    monitor: Arc<Monitor>,
    progress: Arc<Progress>,
    bus: EventBus<SqliteQueue>,
    gateway: String,
    callback_credential: Secret,
    shipping_price: String,
    out_dir: PathBuf,
    from: String,
    live: Vec<Provider>,
    credentials: Credentials,
}

impl Ctx {
    fn now_millis(&self) -> i64 {
        let now = proign::core::clock::system().now();
        now.duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    }
}

/// A running flow: sandbox, gateway, worker. Everything stops when it is shut down.
pub(crate) struct Flow {
    /// The simulators (tests read what they saw).
    pub(crate) sandbox: Sandbox,
    /// The gateway's base URL.
    pub(crate) gateway: String,
    pub(crate) queue: Arc<SqliteQueue>,
    pub(crate) monitor: Arc<Monitor>,
    pub(crate) progress: Arc<Progress>,
    ctx: Arc<Ctx>,
    options: Options,
    stop_worker: Option<oneshot::Sender<()>>,
    worker: Option<tokio::task::JoinHandle<()>>,
    server: tokio::task::JoinHandle<()>,
}

/// How a run ended.
#[derive(Debug)]
pub(crate) struct Summary {
    pub(crate) orders: usize,
    pub(crate) complete: usize,
    pub(crate) elapsed: Duration,
    pub(crate) redelivery_status: Option<u16>,
    pub(crate) forged_status: Option<u16>,
    pub(crate) snapshot: MonitorSnapshot,
    pub(crate) dead_letters: Vec<DeadLetter>,
    pub(crate) snapshot_file: PathBuf,
}

impl Flow {
    /// Starts the sandbox, opens the queue, serves the gateway on a loopback port and starts
    /// the worker.
    pub(crate) async fn start(options: Options, out: Output) -> Result<Self, Failure> {
        std::fs::create_dir_all(&options.out).map_err(|err| {
            format!(
                "cannot create the output directory {}: {err}",
                options.out.display()
            )
        })?;
        let progress = Arc::new(Progress::new(out, options.verbose));
        let sandbox = Sandbox::start().await;
        let credentials = Credentials::choose(&options.config, &sandbox, options.live)?;
        let clients = Clients::build(&options.config, &sandbox, &credentials)?;
        for provider in credentials.live() {
            progress.say(format_args!(
                "{provider}: live, with the credentials from the environment"
            ));
        }
        for (provider, why) in credentials.simulated() {
            progress.say(format_args!("{provider}: simulated, because {why}"));
        }
        if options.live && credentials.live().is_empty() {
            progress.say(format_args!(
                "--live: no provider has all its credentials in the environment; every one is simulated"
            ));
        }

        let queue = SqliteQueue::open(&options.db).await.map_err(|err| {
            let cause = std::error::Error::source(&err).map(ToString::to_string);
            format!(
                "cannot use {} as the queue file ({err}{})",
                options.db.display(),
                cause.map(|c| format!(": {c}")).unwrap_or_default()
            )
        })?;
        let queue = Arc::new(queue);
        let monitor = Arc::new(Monitor::new());
        let secrets = GatewaySecrets {
            shopify: credentials.get(Provider::Shopify, "client_secret")?,
            stripe: credentials.get(Provider::Stripe, "webhook_secret")?,
            resend: credentials.get(Provider::Resend, "webhook_secret")?,
            ups: credentials.get(Provider::Ups, "callback_credential")?,
        };
        let router = inbound::router(&secrets, &queue, &monitor)?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let gateway = format!("http://{}", listener.local_addr()?);
        let server = tokio::spawn(async move {
            // The server ends only when the flow is shut down and the task aborted.
            let _ = proign::core::webhook::serve(listener, router).await;
        });

        let shipping_price = shipping_price(&options.config, &clients, &credentials).await?;
        let from = options
            .config
            .integration(Provider::Resend)
            .and_then(|s| s.setting("from"))
            .unwrap_or("Proign Demo Shop <shop@example.com>")
            .to_owned();
        let bus = EventBus::new(queue.clone());
        let mut events = bus.subscribe(65_536);
        let listener_progress = progress.clone();
        tokio::spawn(async move {
            while let Some(event) = events.recv().await {
                inbound::on_event(&listener_progress, &event);
            }
        });
        let ctx = Arc::new(Ctx {
            clients,
            config: options.config.clone(),
            queue: queue.clone(),
            monitor: monitor.clone(),
            progress: progress.clone(),
            bus,
            gateway: gateway.clone(),
            callback_credential: secrets.ups.clone(),
            shipping_price,
            out_dir: options.out.clone(),
            from,
            live: credentials.live().to_vec(),
            credentials,
        });
        let (stop_worker, stopped) = oneshot::channel();
        let worker = tokio::spawn(worker(ctx.clone(), options.orders).run(async move {
            let _ = stopped.await;
        }));
        Ok(Self {
            sandbox,
            gateway,
            queue,
            monitor,
            progress,
            ctx,
            options,
            stop_worker: Some(stop_worker),
            worker: Some(worker),
            server,
        })
    }

    /// The `Debug` output of every client, the credentials and the configuration (which must
    /// show no secret).
    pub(crate) fn debug_dump(&self) -> String {
        let ctx = &self.ctx;
        format!(
            "{:#?}\n{:#?}\n{:#?}\n{:#?}",
            ctx.clients, ctx.credentials, ctx.config, ctx.callback_credential
        )
    }

    /// The monitor page's URL.
    pub(crate) fn monitor_url(&self) -> String {
        format!("{}/monitor", self.gateway)
    }

    /// Pushes the orders through and waits for every one to finish, then prints the
    /// sync-status table and writes the monitor snapshot.
    pub(crate) async fn drive(&self) -> Result<Summary, Failure> {
        let (ctx, progress, sandbox) = (&self.ctx, &self.progress, &self.sandbox);
        let shopify_url = format!("{}/webhooks/shopify", self.gateway);
        let topics = ctx
            .config
            .integration(Provider::Shopify)
            .map(|s| s.topics.clone())
            .unwrap_or_default();
        for topic in &topics {
            let shopify = &ctx.clients.shopify;
            let subscribe = shopify.create_webhook_subscription(topic, &shopify_url);
            steps::call(
                ctx,
                Provider::Shopify,
                "webhook_subscription_create",
                subscribe,
            )
            .await?;
            progress.say(format_args!("shopify: subscribed {topic} to {shopify_url}"));
        }
        sandbox.send_webhooks_to(&self.gateway);

        // The faults: two UPS outages on the label call, and one Resend throttle.
        sandbox.fail_ups_shipments(2);
        sandbox.throttle_resend_once(1);
        progress.say(
            "faults: UPS answers the next two label calls with 503; Resend the next call with 429",
        );

        if self.options.orders > 1 {
            // Many orders at once outrun a standard shop's cost bucket (1,000 points, 50 a
            // second); the simulator gets the bucket of a Shopify Plus shop instead.
            sandbox.shopify.set_bucket(Bucket::new(10_000.0, 500.0));
            progress
                .say("shopify: the simulator's cost bucket is a Plus shop's (10000 points, 500/s)");
        }
        let started = progress.elapsed();
        let n = self.options.orders;
        let placed = (1..=n).map(|i| {
            let email = customer_email(i);
            async move { sandbox.shopify.place_order(&email, "Standard").await }
        });
        join_all(placed).await;
        progress.say(format_args!(
            "shopify: {n} orders/create delivered to the gateway"
        ));

        let first = sandbox
            .shopify
            .sent_webhooks()
            .into_iter()
            .find(|s| s.topic == "orders/create");
        let redelivery_status = match first {
            Some(sent) => sandbox.shopify.redeliver(&sent.webhook_id).await,
            None => None,
        };
        progress.say(format_args!(
            "shopify: re-delivered the first order's webhook; the gateway answered {}, and dropped it as a duplicate",
            status_text(redelivery_status)
        ));
        let forged_status = sandbox.send_forged(&shopify_url).await;
        progress.say(format_args!(
            "shopify: a forged orders/create (signed with the wrong secret) was answered {}",
            status_text(forged_status)
        ));

        let live = |p: Provider| self.is_live(p);
        let events: Vec<&str> = EVENTS
            .iter()
            .zip([Provider::Stripe, Provider::Resend, Provider::Ups])
            .filter(|(_, p)| !live(*p))
            .map(|(e, _)| *e)
            .collect();
        let complete = progress
            .wait_complete(n, &events, self.options.timeout)
            .await;
        let elapsed = progress.elapsed() - started;
        // The providers' other reports (Stripe sends several per invoice) drain shortly after.
        for _ in 0..100 {
            if self.queue.stats().await?.depth == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        let snapshot = self.snapshot().await?;
        let snapshot_file = self.options.out.join("monitor-snapshot.json");
        std::fs::write(&snapshot_file, serde_json::to_vec_pretty(&snapshot)?)?;
        let dead_letters = self.queue.dead_letters(None, 1_000).await?;
        progress.say("");
        progress.say(snapshot.status_table());
        progress.say(format_args!(
            "{complete} of {n} orders done in {:.2} s ({:.1} orders/s); {} dead letters",
            elapsed.as_secs_f64(),
            complete as f64 / elapsed.as_secs_f64().max(1e-9),
            dead_letters.len()
        ));
        progress.say(format_args!(
            "monitor snapshot: {}",
            snapshot_file.display()
        ));
        progress.say(format_args!("queue file: {}", self.options.db.display()));
        Ok(Summary {
            orders: n,
            complete,
            elapsed,
            redelivery_status,
            forged_status,
            snapshot,
            dead_letters,
            snapshot_file,
        })
    }

    fn is_live(&self, provider: Provider) -> bool {
        self.ctx.live.contains(&provider)
    }

    /// The monitor's picture with the queue's backlog, also saved into the queue's file for
    /// `proign status --db`.
    pub(crate) async fn snapshot(&self) -> Result<MonitorSnapshot, Failure> {
        self.monitor.record_queue(self.queue.stats().await?);
        self.monitor
            .record_backlog(&self.queue.stats_by_kind().await?);
        let snapshot = self.monitor.snapshot();
        save_snapshot(self.queue.pool(), &snapshot).await?;
        Ok(snapshot)
    }

    /// Stops the worker (letting running steps finish) and the gateway.
    pub(crate) async fn shutdown(mut self) {
        if let Some(stop) = self.stop_worker.take() {
            let _ = stop.send(());
        }
        if let Some(worker) = self.worker.take() {
            let _ = worker.await;
        }
        self.server.abort();
    }
}

/// The made-up address of customer `i`.
pub(crate) fn customer_email(i: usize) -> String {
    format!("buyer{i:04}@example.com")
}

fn status_text(status: Option<u16>) -> String {
    status.map_or_else(|| "nothing (unreachable)".to_owned(), |s| s.to_string())
}

/// The Stripe price that bills shipping by the cent: the configured one when Stripe is
/// live, else one made in the simulator now.
async fn shipping_price(
    config: &Config,
    clients: &Clients,
    credentials: &Credentials,
) -> Result<String, Failure> {
    if credentials.is_live(Provider::Stripe) {
        return config
            .mapping
            .shipping_price
            .clone()
            .ok_or_else(|| "`mapping.shipping_price` is needed with a live Stripe".into());
    }
    let none = RequestOptions::new();
    let product = ProductCreate {
        name: "Shipping".into(),
        ..ProductCreate::default()
    };
    let product = clients.stripe.products().create(&product, &none).await?;
    let price = PriceCreate {
        currency: "usd".into(),
        unit_amount: Some(1),
        product: Some(product.id),
        ..PriceCreate::default()
    };
    Ok(clients.stripe.prices().create(&price, &none).await?.id)
}

/// The worker: every step, the new-order and report handlers, and the observer that feeds
/// the monitor and counts each step done.
fn worker(ctx: Arc<Ctx>, orders: usize) -> Worker<SqliteQueue> {
    let (monitor, progress) = (ctx.monitor.clone(), ctx.progress.clone());
    let config = WorkerConfig {
        concurrency: (orders * 2).clamp(8, 64),
        poll_interval: Duration::from_millis(50),
        shutdown_grace: Duration::from_secs(10),
        ..WorkerConfig::default()
    };
    let mut worker = Worker::new(ctx.queue.clone(), |_| Duration::from_secs(1))
        .with_config(config)
        .observe(move |job, outcome, took| {
            monitor.observe_job(job, outcome, took);
            if *outcome == JobOutcome::Done && STEPS.contains(&job.kind()) {
                #[derive(serde::Deserialize)]
                struct Flow {
                    flow: String,
                }
                if let Ok(flow) = serde_json::from_slice::<Flow>(job.payload()) {
                    progress.done(&flow.flow, job.kind());
                }
            }
        });
    for kind in STEPS {
        let ctx = ctx.clone();
        worker = worker.handle(kind, move |job| steps::run(ctx.clone(), job));
    }
    let order_ctx = ctx.clone();
    worker = worker.handle(ORDER_KIND, move |job| {
        inbound::new_order(order_ctx.clone(), job)
    });
    for kind in REPORT_KINDS {
        let ctx = ctx.clone();
        worker = worker.handle(kind, move |job| inbound::report(ctx.clone(), job));
    }
    worker
}
