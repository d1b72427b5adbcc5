//! The `proign` command, for people debugging deliveries and operating the queue: verify a
//! captured webhook, sign a body to send one, and inspect, redrive or purge the durable queue
//! (`proign queue stats|list|dead|redrive|purge --db PATH`), and print the sync-status table
//! a service last saved into its queue file (`proign status --db PATH`).
//!
//! `proign webhook verify` exits 0 when the delivery is genuine, 1 when it is rejected and 2
//! on usage errors. Secrets are read only from environment variables or files, never from
//! the command line.

use std::io::Write;
use std::process::ExitCode;

use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

mod queue;
mod status;
mod webhook;

#[derive(Debug, Parser)]
#[command(
    name = "proign",
    version,
    about = "Verify and sign provider webhooks; inspect and repair the queue; show sync status."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Verify captured webhooks or sign fixtures.
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Inspect and repair a durable queue (a SQLite file or a PostgreSQL schema).
    #[command(subcommand)]
    Queue(queue::QueueCommand),
    /// The sync-status table a service last saved into its SQLite queue file.
    Status(status::StatusArgs),
}

#[derive(Debug, Subcommand)]
enum WebhookCommand {
    /// Check that a captured delivery is genuine.
    Verify(VerifyArgs),
    /// Print the headers (or, for shopify-oauth, the query) that make a body genuine.
    Sign(SignArgs),
}

/// The provider whose scheme to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ProviderArg {
    /// `Stripe-Signature`.
    Stripe,
    /// `X-Shopify-Hmac-Sha256` webhooks.
    Shopify,
    /// Shopify's OAuth callback and app-load query `hmac`.
    ShopifyOauth,
    /// Resend (Standard Webhooks, `svix-*` headers).
    Resend,
}

#[derive(Debug, Args)]
struct SecretArgs {
    /// Read a secret from this environment variable (verify: repeatable, for rotations, in
    /// order; sign: exactly one secret).
    #[arg(long = "secret-env", value_name = "VAR")]
    env: Vec<String>,
    /// Read a secret from this file (verify: repeatable, for rotations, in order; sign:
    /// exactly one secret).
    #[arg(long = "secret-file", value_name = "PATH")]
    file: Vec<std::path::PathBuf>,
    /// Where each secret comes from, in the order given on the command line.
    #[arg(skip)]
    order: Vec<SecretSource>,
}

/// One `--secret-env` or `--secret-file`, in command-line order.
#[derive(Debug, Clone)]
enum SecretSource {
    Env(String),
    File(std::path::PathBuf),
}

impl SecretArgs {
    /// Restores the command-line order of the secret flags, which decides the index a
    /// rotation reports.
    fn order_from(&mut self, matches: &ArgMatches) {
        let mut sources: Vec<(usize, SecretSource)> = Vec::new();
        if let Some(indices) = matches.indices_of("env") {
            sources.extend(indices.zip(self.env.iter().cloned().map(SecretSource::Env)));
        }
        if let Some(indices) = matches.indices_of("file") {
            sources.extend(indices.zip(self.file.iter().cloned().map(SecretSource::File)));
        }
        sources.sort_by_key(|(index, _)| *index);
        self.order = sources.into_iter().map(|(_, source)| source).collect();
    }
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// Whose scheme the delivery uses.
    #[arg(long, value_enum)]
    provider: ProviderArg,
    #[command(flatten)]
    secrets: SecretArgs,
    /// A request header, as `Name: value` (repeatable).
    #[arg(long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// Read the raw body from this file.
    #[arg(long, value_name = "PATH", conflicts_with = "body_stdin")]
    body_file: Option<std::path::PathBuf>,
    /// Read the raw body from standard input.
    #[arg(long)]
    body_stdin: bool,
    /// The raw query string, for shopify-oauth.
    #[arg(long)]
    query: Option<String>,
    /// Verify as if the time were this (Unix seconds).
    #[arg(long, value_name = "UNIX_SECONDS", allow_negative_numbers = true)]
    now: Option<i64>,
    /// The timestamp window in seconds (default: the provider's).
    #[arg(long, value_name = "SECONDS")]
    tolerance: Option<u64>,
    /// Print one JSON object instead of a sentence.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct SignArgs {
    /// Whose scheme to sign with.
    #[arg(long, value_enum)]
    provider: ProviderArg,
    #[command(flatten)]
    secrets: SecretArgs,
    /// The body to sign.
    #[arg(long, value_name = "PATH")]
    body_file: Option<std::path::PathBuf>,
    /// The query to sign, for shopify-oauth.
    #[arg(long)]
    query: Option<String>,
    /// The delivery id (Resend message id, Shopify webhook id); default: one derived from
    /// the timestamp and the body, so another body gets another id.
    #[arg(long)]
    id: Option<String>,
    /// The signing time (Unix seconds; default now).
    #[arg(long, value_name = "UNIX_SECONDS", allow_negative_numbers = true)]
    timestamp: Option<i64>,
    /// The Shopify topic to send.
    #[arg(long, default_value = "orders/create")]
    topic: String,
    /// The Shopify shop domain to send.
    #[arg(long, default_value = "example.myshopify.com")]
    shop: String,
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => err.exit(),
    };
    let leaf = matches
        .subcommand()
        .and_then(|(_, webhook)| webhook.subcommand())
        .map(|(_, leaf)| leaf);
    let result = match cli.command {
        Command::Webhook(WebhookCommand::Verify(mut args)) => {
            if let Some(leaf) = leaf {
                args.secrets.order_from(leaf);
            }
            webhook::verify(&args)
        }
        Command::Webhook(WebhookCommand::Sign(mut args)) => {
            if let Some(leaf) = leaf {
                args.secrets.order_from(leaf);
            }
            webhook::sign(&args)
        }
        Command::Queue(command) => queue::run(&command),
        Command::Status(args) => status::run(&args),
    };
    match result {
        Ok(outcome) => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(outcome.output.as_bytes());
            ExitCode::from(outcome.code)
        }
        Err(usage) => {
            let _ = writeln!(std::io::stderr(), "proign: {usage}");
            ExitCode::from(2)
        }
    }
}
