//! The `proign` command, for people debugging deliveries: verify a captured webhook, or sign
//! a body to send one.
//!
//! `proign webhook verify` exits 0 when the delivery is genuine, 1 when it is rejected and 2
//! on usage errors. Secrets are read only from environment variables or files, never from
//! the command line.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod webhook;

#[derive(Debug, Parser)]
#[command(name = "proign", version, about = "Verify and sign provider webhooks.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Verify captured webhooks or sign fixtures.
    #[command(subcommand)]
    Webhook(WebhookCommand),
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
    /// Read a secret from this environment variable (repeatable, for rotations).
    #[arg(long = "secret-env", value_name = "VAR")]
    env: Vec<String>,
    /// Read a secret from this file (repeatable, for rotations).
    #[arg(long = "secret-file", value_name = "PATH")]
    file: Vec<std::path::PathBuf>,
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
    #[arg(long, value_name = "UNIX_SECONDS")]
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
    /// The delivery id (Resend message id, Shopify webhook id).
    #[arg(long)]
    id: Option<String>,
    /// The signing time (Unix seconds; default now).
    #[arg(long, value_name = "UNIX_SECONDS")]
    timestamp: Option<i64>,
    /// The Shopify topic to send.
    #[arg(long, default_value = "orders/create")]
    topic: String,
    /// The Shopify shop domain to send.
    #[arg(long, default_value = "example.myshopify.com")]
    shop: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Webhook(WebhookCommand::Verify(args)) => webhook::verify(&args),
        Command::Webhook(WebhookCommand::Sign(args)) => webhook::sign(&args),
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
