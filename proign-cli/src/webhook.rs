//! `proign webhook verify` and `proign webhook sign`.

use std::io::Read;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use proign_core::clock::{self, FixedClock, SharedClock};
use proign_core::secret::{Secret, SecretError};
use proign_core::webhook::standard::{HeaderBrand, StandardSigner};
use proign_core::webhook::{
    DEFAULT_BODY_LIMIT, Delivery, Reason, Tolerance, VerifyError, WebhookVerifier,
    parse_unix_seconds,
};
use proign_resend::webhook::ResendVerifier;
use proign_shopify::query::{QueryVerifier, sign_query};
use proign_shopify::webhook::ShopifyVerifier;
use proign_stripe::webhook::StripeVerifier;
use serde::Serialize;

use crate::{ProviderArg, SecretArgs, SecretSource, SignArgs, VerifyArgs};

/// What to print and the exit code.
pub(crate) struct Outcome {
    pub(crate) output: String,
    pub(crate) code: u8,
}

/// A usage error: printed to standard error, exit code 2.
pub(crate) type Usage = String;

impl ProviderArg {
    fn name(self) -> &'static str {
        match self {
            Self::Stripe => "stripe",
            Self::Shopify => "shopify",
            Self::ShopifyOauth => "shopify-oauth",
            Self::Resend => "resend",
        }
    }
}

/// A rejection before any delivery could be checked, or by the verifier.
struct Rejection {
    reason: Reason,
    detail: String,
}

impl From<VerifyError> for Rejection {
    fn from(err: VerifyError) -> Self {
        Self {
            reason: err.reason(),
            detail: err.to_string(),
        }
    }
}

/// An error and its causes, joined: `cannot read secret file x: No such file or directory`.
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let line = cause.to_string();
        // Wrapped errors often end with their cause's message already; say it once.
        if !text.ends_with(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        source = cause.source();
    }
    text
}

/// A secret that cannot be loaded or used is reported as `missing_secret`: the delivery could
/// not be checked against the secret the operator meant to configure.
fn missing_secret(err: impl std::error::Error) -> Rejection {
    Rejection {
        reason: Reason::MissingSecret,
        detail: chain(&err),
    }
}

fn load_secrets(args: &SecretArgs) -> Result<Vec<Secret>, Rejection> {
    let secrets = args
        .order
        .iter()
        .enumerate()
        .map(|(index, source)| {
            let loaded = match source {
                SecretSource::Env(var) => Secret::from_env(var),
                SecretSource::File(path) => Secret::from_file(path),
            };
            loaded.map_err(|err| Rejection {
                reason: Reason::MissingSecret,
                detail: unusable_secret(index + 1, source, &err),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if secrets.is_empty() {
        return Err(Rejection {
            reason: Reason::MissingSecret,
            detail: "no secret given: use --secret-env VAR or --secret-file PATH".to_owned(),
        });
    }
    Ok(secrets)
}

/// Why the secret at `position` (counted from 1 along the command line) cannot be used,
/// without repeating what was typed unless it is plainly a variable name: a secret pasted
/// where a variable name or a file path belongs must not be printed back.
fn unusable_secret(position: usize, source: &SecretSource, err: &SecretError) -> String {
    let what = match source {
        SecretSource::Env(var) if looks_like_a_variable_name(var) => {
            format!("secret #{position}: environment variable {var}")
        }
        SecretSource::Env(_) => format!(
            "secret #{position}: the variable named by --secret-env (its name is not shown: it \
             does not look like a variable name; pass the name of a variable holding the \
             secret, not the secret)"
        ),
        SecretSource::File(_) => format!("secret #{position}: the file named by --secret-file"),
    };
    format!("{what} {}", err.problem())
}

/// Upper-case letters, digits and `_`, not starting with a digit: how variables are named,
/// and unlike the secrets proign handles (which carry lower-case letters or start with a
/// digit).
fn looks_like_a_variable_name(text: &str) -> bool {
    let mut bytes = text.bytes();
    matches!(bytes.next(), Some(b'A'..=b'Z' | b'_'))
        && bytes.all(|b| matches!(b, b'A'..=b'Z' | b'0'..=b'9' | b'_'))
        && text.len() <= 64
}

fn parse_headers(lines: &[String]) -> Result<HeaderMap, Usage> {
    let mut headers = HeaderMap::new();
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("--header {line:?} is not of the form 'Name: value'"))?;
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| format!("--header {line:?} has an invalid name"))?;
        let value = HeaderValue::from_str(value.trim())
            .map_err(|_| format!("--header {line:?} has an invalid value"))?;
        headers.append(name, value);
    }
    Ok(headers)
}

/// A body read without ever holding more than the limit plus one byte.
enum Body {
    Read(Bytes),
    TooLarge,
}

fn read_limited(reader: impl Read, limit: usize) -> std::io::Result<Body> {
    let mut body = Vec::new();
    reader.take(limit as u64 + 1).read_to_end(&mut body)?;
    Ok(if body.len() > limit {
        Body::TooLarge
    } else {
        Body::Read(Bytes::from(body))
    })
}

fn read_body(file: Option<&std::path::Path>, stdin: bool) -> Result<Body, Usage> {
    let limit = DEFAULT_BODY_LIMIT;
    if let Some(path) = file {
        let opened = std::fs::File::open(path)
            .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
        return read_limited(opened, limit)
            .map_err(|err| format!("cannot read {}: {err}", path.display()));
    }
    if stdin {
        return read_limited(std::io::stdin().lock(), limit)
            .map_err(|err| format!("cannot read standard input: {err}"));
    }
    Err("give the body with --body-file PATH or --body-stdin".to_owned())
}

/// Refuses `--query` with any provider but shopify-oauth, rather than ignoring it.
fn query_only_for_oauth(provider: ProviderArg, query: Option<&str>) -> Result<(), Usage> {
    if provider != ProviderArg::ShopifyOauth && query.is_some() {
        return Err("--query is only for --provider shopify-oauth".to_owned());
    }
    Ok(())
}

/// Runs `proign webhook verify`.
pub(crate) fn verify(args: &VerifyArgs) -> Result<Outcome, Usage> {
    query_only_for_oauth(args.provider, args.query.as_deref())?;
    let oauth = args.provider == ProviderArg::ShopifyOauth;
    if oauth && (args.body_file.is_some() || args.body_stdin) {
        return Err("--provider shopify-oauth verifies --query; it reads no body".to_owned());
    }
    let headers = parse_headers(&args.headers)?;
    let body = if args.provider == ProviderArg::ShopifyOauth {
        Body::Read(Bytes::new())
    } else {
        read_body(args.body_file.as_deref(), args.body_stdin)?
    };
    let clock: SharedClock = match args.now {
        Some(now) => FixedClock::at_unix(now),
        None => clock::system(),
    };
    let default_window = match args.provider {
        ProviderArg::ShopifyOauth => 90,
        _ => 300,
    };
    let tolerance = Tolerance::from_secs(args.tolerance.unwrap_or(default_window))
        .map_err(|_| "--tolerance must be at least 1 second".to_owned())?;
    if args.provider == ProviderArg::ShopifyOauth && args.query.is_none() {
        return Err("--provider shopify-oauth needs --query".to_owned());
    }

    let result = match body {
        Body::TooLarge => Err(Rejection {
            reason: Reason::BodyTooLarge,
            detail: format!("the body exceeds the limit of {DEFAULT_BODY_LIMIT} bytes"),
        }),
        Body::Read(body) => load_secrets(&args.secrets)
            .and_then(|secrets| run(args, &secrets, &headers, body, clock, tolerance)),
    };
    Ok(report(args.provider, args.json, result))
}

fn run(
    args: &VerifyArgs,
    secrets: &[Secret],
    headers: &HeaderMap,
    body: Bytes,
    clock: SharedClock,
    tolerance: Tolerance,
) -> Result<Verified, Rejection> {
    let delivery = |delivery: &Delivery| Verified {
        id: delivery.id().map(str::to_owned),
        shop: None,
        timestamp: delivery.timestamp(),
        matched_secret: delivery.matched_secret(),
    };
    match args.provider {
        ProviderArg::Stripe => {
            let verifier = StripeVerifier::new(secrets)
                .map_err(missing_secret)?
                .with_clock(clock)
                .with_tolerance(tolerance);
            Ok(delivery(&verifier.verify(headers, body)?))
        }
        ProviderArg::Resend => {
            let verifier = ResendVerifier::new(secrets)
                .map_err(missing_secret)?
                .with_clock(clock)
                .with_tolerance(tolerance);
            Ok(delivery(&verifier.verify(headers, body)?))
        }
        ProviderArg::Shopify => {
            let verifier = ShopifyVerifier::new(secrets).map_err(missing_secret)?;
            Ok(delivery(verifier.verify(headers, body)?.delivery()))
        }
        ProviderArg::ShopifyOauth => {
            let verifier = QueryVerifier::new(secrets)
                .map_err(missing_secret)?
                .with_clock(clock)
                .with_tolerance(tolerance);
            let query = verifier.verify_hmac(args.query.as_deref().unwrap_or_default())?;
            Ok(Verified {
                id: None,
                shop: query.shop().map(str::to_owned),
                timestamp: Some(query.timestamp()),
                matched_secret: 0,
            })
        }
    }
}

struct Verified {
    id: Option<String>,
    shop: Option<String>,
    timestamp: Option<i64>,
    matched_secret: usize,
}

/// The `--json` report, fields in the documented order.
#[derive(Serialize)]
struct Report<'a> {
    ok: bool,
    provider: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shop: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    matched_secret: Option<usize>,
}

fn report(provider: ProviderArg, json: bool, result: Result<Verified, Rejection>) -> Outcome {
    let name = provider.name();
    let (output, code) = match (&result, json) {
        (Ok(ok), true) => (
            serde_json::to_string(&Report {
                ok: true,
                provider: name,
                reason: None,
                detail: None,
                id: ok.id.as_deref(),
                shop: ok.shop.as_deref(),
                timestamp: ok.timestamp,
                matched_secret: Some(ok.matched_secret),
            }),
            0,
        ),
        (Err(rejected), true) => (
            serde_json::to_string(&Report {
                ok: false,
                provider: name,
                reason: Some(rejected.reason.as_str()),
                detail: Some(&rejected.detail),
                id: None,
                shop: None,
                timestamp: None,
                matched_secret: None,
            }),
            1,
        ),
        (Ok(ok), false) => {
            let about = ok.id.as_deref().or(ok.shop.as_deref());
            let about = about.map(|id| format!(", {id}")).unwrap_or_default();
            (
                Ok(format!(
                    "genuine {name} delivery (secret #{} matched{about})",
                    ok.matched_secret
                )),
                0,
            )
        }
        (Err(rejected), false) => (
            Ok(format!(
                "rejected: {}: {}",
                rejected.reason, rejected.detail
            )),
            1,
        ),
    };
    Outcome {
        output: output.unwrap_or_default() + "\n",
        code,
    }
}

/// Runs `proign webhook sign`. Everything `verify` would refuse is refused here first.
pub(crate) fn sign(args: &SignArgs) -> Result<Outcome, Usage> {
    let secrets = load_secrets(&args.secrets).map_err(|rejected| rejected.detail)?;
    let [secret] = secrets.as_slice() else {
        return Err("sign takes exactly one secret".to_owned());
    };
    let timestamp = args
        .timestamp
        .unwrap_or_else(|| clock::system().unix_seconds());
    if parse_unix_seconds(&timestamp.to_string()).is_none() {
        return Err(
            "--timestamp must be a whole number of seconds from 0 to 18 digits, as verify reads it"
                .to_owned(),
        );
    }
    query_only_for_oauth(args.provider, args.query.as_deref())?;
    if args.provider == ProviderArg::ShopifyOauth {
        return sign_query_args(args, secret, timestamp);
    }
    let path = args.body_file.as_deref().ok_or("sign needs --body-file")?;
    let body = match read_body(Some(path), false)? {
        Body::Read(body) => body,
        Body::TooLarge => {
            return Err(format!(
                "the body exceeds the limit of {DEFAULT_BODY_LIMIT} bytes"
            ));
        }
    };
    if body.is_empty() && args.provider != ProviderArg::Resend {
        return Err(format!(
            "{} rejects empty bodies; nothing to sign",
            args.provider.name()
        ));
    }
    let id = args
        .id
        .clone()
        .unwrap_or_else(|| default_id(timestamp, &body));
    let lines: Vec<(String, String)> = match args.provider {
        ProviderArg::Stripe => {
            StripeVerifier::new([secret]).map_err(|err| chain(&err))?;
            vec![(
                "Stripe-Signature".into(),
                proign_stripe::webhook::sign(secret, timestamp, &body),
            )]
        }
        ProviderArg::Shopify => vec![
            (
                "X-Shopify-Topic".into(),
                header_text("--topic", &args.topic)?,
            ),
            (
                "X-Shopify-Shop-Domain".into(),
                header_text("--shop", &args.shop)?,
            ),
            ("X-Shopify-API-Version".into(), "2026-01".into()),
            ("X-Shopify-Webhook-Id".into(), header_text("--id", &id)?),
            (
                "X-Shopify-Hmac-Sha256".into(),
                proign_shopify::webhook::sign(secret, &body),
            ),
        ],
        ProviderArg::Resend => {
            let signer = StandardSigner::new(secret)
                .map_err(|err| chain(&err))?
                .with_brand(HeaderBrand::Svix);
            let headers = signer
                .headers(&id, timestamp, &body)
                .map_err(|err| format!("--id: {err}"))?;
            headers
                .iter()
                .map(|(name, value)| {
                    let value = value.to_str().unwrap_or_default();
                    (name.as_str().to_owned(), value.to_owned())
                })
                .collect()
        }
        ProviderArg::ShopifyOauth => Vec::new(),
    };
    let output = lines
        .iter()
        .map(|(name, value)| format!("{name}: {value}\n"))
        .collect();
    Ok(Outcome { output, code: 0 })
}

/// The delivery id `sign` uses when none is given: derived from the timestamp and the body,
/// so signing the same body at the same second gives the same id (a resend, which a
/// receiver drops as a duplicate) and any other body a new one.
fn default_id(timestamp: i64, body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(timestamp.to_string())
        .chain_update(b".")
        .chain_update(body)
        .finalize();
    format!("msg_proign_{}", hex::encode(&digest[..12]))
}

/// A value that survives as one header line: printable, no line breaks, no padding.
fn header_text(flag: &str, value: &str) -> Result<String, Usage> {
    let printable = value.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
    if value.is_empty() || !printable || value.trim_ascii() != value {
        return Err(format!(
            "{flag} must be printable ASCII without spaces at either end"
        ));
    }
    Ok(value.to_owned())
}

/// Signs a Shopify OAuth query, adding the timestamp when the query has none.
fn sign_query_args(args: &SignArgs, secret: &Secret, timestamp: i64) -> Result<Outcome, Usage> {
    let query = args
        .query
        .as_deref()
        .ok_or("--provider shopify-oauth needs --query")?;
    let query = query.strip_prefix('?').unwrap_or(query);
    let has_timestamp =
        form_urlencoded::parse(query.as_bytes()).any(|(name, _)| name == "timestamp");
    let query = if has_timestamp {
        query.to_owned()
    } else if query.is_empty() {
        format!("timestamp={timestamp}")
    } else {
        format!("{query}&timestamp={timestamp}")
    };
    let signed = sign_query(secret, &query).map_err(|err| err.to_string())?;
    Ok(Outcome {
        output: format!("{signed}\n"),
        code: 0,
    })
}
