//! An order through every integration, on loopback, with no account and no network.
//!
//! ```text
//! cargo run --example order_flow                 # runs, then keeps the monitor page up until Ctrl-C
//! cargo run --example order_flow -- --exit       # runs and exits
//! cargo run --example order_flow -- --orders 200 --exit
//! ```
//!
//! It starts every provider simulator (`proign_testkit::sandbox::Sandbox`), the shop's own
//! axum gateway (a verified route per provider that stores each delivery in a SQLite queue
//! before answering 200, and the monitor page), and a worker. The Shopify simulator delivers
//! `orders/create` for a two-item order, then delivers it again (dropped as a duplicate);
//! the worker runs each step as its own queued job: Turnstile → TaxJar → UPS address,
//! rates, label, Track Alert → Shopify `fulfillmentCreate` → Resend email → Stripe invoice
//! items and invoice, paid. Stripe `invoice.paid`, Resend `email.delivered` and the UPS
//! "delivered" alert come back as signed webhooks and become events; a forged delivery is
//! refused with 401. UPS fails twice with 503 and Resend answers one 429 on the way.
//!
//! Options: `--config PATH` (default `examples/proign.toml`), `--db PATH` (default
//! `<out>/queue.db`), `--out DIR` (default `target/order_flow` in the current directory),
//! `--orders N` (default 1), `--live` (real sandboxes for the providers whose credentials are
//! in the environment), `--exit`. `RUST_LOG` turns on proign's logs (on standard error).

// The tests share this module and read a few of its accessors that the example does not.
#[allow(dead_code)]
#[path = "order_flow/flow/mod.rs"]
mod flow;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use proign::core::config::Config;

use flow::{Failure, Flow, Options};

struct Args {
    config: PathBuf,
    db: Option<PathBuf>,
    out: PathBuf,
    orders: usize,
    live: bool,
    exit: bool,
}

const USAGE: &str =
    "usage: order_flow [--config PATH] [--db PATH] [--out DIR] [--orders N] [--live] [--exit]";

/// The options, or `None` when `--help` asked for the usage.
fn args() -> Result<Option<Args>, Failure> {
    let mut args = Args {
        config: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/proign.toml")),
        db: None,
        out: PathBuf::from("target/order_flow"),
        orders: 1,
        live: false,
        exit: false,
    };
    let mut given = std::env::args().skip(1);
    while let Some(arg) = given.next() {
        let mut value = || {
            given
                .next()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--config" => args.config = value()?.into(),
            "--db" => args.db = Some(value()?.into()),
            "--out" => args.out = value()?.into(),
            "--orders" => {
                args.orders = value()?
                    .parse()
                    .ok()
                    .filter(|n| (1..=10_000).contains(n))
                    .ok_or("--orders takes a number from 1 to 10000")?;
            }
            "--live" => args.live = true,
            "--exit" => args.exit = true,
            "--help" | "-h" => return Ok(None),
            other => return Err(format!("unknown option {other}\n{USAGE}").into()),
        }
    }
    Ok(Some(args))
}

/// Prints an error and its causes as sentences (not `Debug`), and exits 1.
fn main() -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            let _ = writeln!(
                std::io::stderr(),
                "order_flow: cannot start the runtime: {err}"
            );
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "order_flow: {}", describe(err.as_ref()));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes, each cause once (drivers often repeat their inner error).
fn describe(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let line = cause.to_string();
        if !text.ends_with(&line) {
            text = format!("{text}: {line}");
        }
        source = cause.source();
    }
    text
}

async fn run() -> Result<(), Failure> {
    tracing_subscriber::fmt()
        // Colours only on a terminal, so a redirected log stays plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let Some(args) = args()? else {
        writeln!(std::io::stdout(), "{USAGE}")?;
        return Ok(());
    };
    let config = Config::load(&args.config)?;
    let db = args.db.clone().unwrap_or_else(|| args.out.join("queue.db"));
    let options = Options {
        config,
        db,
        out: args.out.clone(),
        orders: args.orders,
        live: args.live,
        verbose: args.orders <= 5,
        timeout: Duration::from_secs(60) + Duration::from_millis(200) * args.orders as u32,
    };
    let flow = Flow::start(options, Box::new(std::io::stdout())).await?;
    let summary = flow.drive().await?;
    let ok = summary.complete == summary.orders && summary.dead_letters.is_empty();
    if !args.exit {
        flow.progress.say(format_args!(
            "monitor page: {} (JSON at {}/status.json); Ctrl-C to stop",
            flow.monitor_url(),
            flow.monitor_url()
        ));
        tokio::signal::ctrl_c().await?;
    }
    flow.shutdown().await;
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{} of {} orders finished, {} dead letters",
            summary.complete,
            summary.orders,
            summary.dead_letters.len()
        )
        .into())
    }
}
