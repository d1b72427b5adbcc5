//! `proign webhook verify` and `proign webhook sign`.

use std::io::Read;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use proign_core::clock::{self, FixedClock, SharedClock};
use proign_core::secret::Secret;
use proign_core::webhook::standard::{HeaderBrand, StandardSigner};
use proign_core::webhook::{Delivery, Reason, Tolerance, VerifyError, WebhookVerifier};
use proign_resend::webhook::ResendVerifier;
use proign_shopify::query::{QueryVerifier, sign_query};
use proign_shopify::webhook::ShopifyVerifier;
use proign_stripe::webhook::StripeVerifier;
use serde_json::json;

use crate::{ProviderArg, SecretArgs, SignArgs, VerifyArgs};

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

fn missing_secret(detail: impl ToString) -> Rejection {
    Rejection {
        reason: Reason::MissingSecret,
        detail: detail.to_string(),
    }
}

fn load_secrets(args: &SecretArgs) -> Result<Vec<Secret>, Rejection> {
    let from_env = args.env.iter().map(|var| Secret::from_env(var));
    let from_file = args.file.iter().map(Secret::from_file);
    let secrets = from_env
        .chain(from_file)
        .collect::<Result<Vec<_>, _>>()
        .map_err(missing_secret)?;
    if secrets.is_empty() {
        return Err(missing_secret(
            "no secret given: use --secret-env VAR or --secret-file PATH",
        ));
    }
    Ok(secrets)
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

fn read_body(file: Option<&std::path::Path>, stdin: bool) -> Result<Bytes, Usage> {
    if let Some(path) = file {
        return std::fs::read(path)
            .map(Bytes::from)
            .map_err(|err| format!("cannot read {}: {err}", path.display()));
    }
    if stdin {
        let mut body = Vec::new();
        std::io::stdin()
            .read_to_end(&mut body)
            .map_err(|err| format!("cannot read standard input: {err}"))?;
        return Ok(Bytes::from(body));
    }
    Ok(Bytes::new())
}

/// Runs `proign webhook verify`.
pub(crate) fn verify(args: &VerifyArgs) -> Result<Outcome, Usage> {
    let headers = parse_headers(&args.headers)?;
    let body = read_body(args.body_file.as_deref(), args.body_stdin)?;
    let clock: SharedClock = match args.now {
        Some(now) => FixedClock::at_unix(now),
        None => clock::system(),
    };
    let default_window = match args.provider {
        ProviderArg::ShopifyOauth => 90,
        _ => 300,
    };
    let tolerance = Tolerance::from_secs(args.tolerance.unwrap_or(default_window))
        .map_err(|err| format!("--tolerance: {err}"))?;
    if args.provider == ProviderArg::ShopifyOauth && args.query.is_none() {
        return Err("--provider shopify-oauth needs --query".to_owned());
    }

    let result = load_secrets(&args.secrets)
        .and_then(|secrets| run(args, &secrets, &headers, body, clock, tolerance));
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
                id: query.shop().map(str::to_owned),
                timestamp: Some(query.timestamp()),
                matched_secret: 0,
            })
        }
    }
}

struct Verified {
    id: Option<String>,
    timestamp: Option<i64>,
    matched_secret: usize,
}

fn report(provider: ProviderArg, json: bool, result: Result<Verified, Rejection>) -> Outcome {
    let (output, code) = match (result, json) {
        (Ok(ok), true) => (
            json!({
                "ok": true,
                "provider": provider.name(),
                "id": ok.id,
                "timestamp": ok.timestamp,
                "matched_secret": ok.matched_secret,
            })
            .to_string(),
            0,
        ),
        (Ok(ok), false) => (
            format!(
                "genuine {} delivery (secret #{} matched{})",
                provider.name(),
                ok.matched_secret,
                ok.id.map(|id| format!(", id {id}")).unwrap_or_default()
            ),
            0,
        ),
        (Err(rejected), true) => (
            json!({
                "ok": false,
                "provider": provider.name(),
                "reason": rejected.reason.as_str(),
                "detail": rejected.detail,
            })
            .to_string(),
            1,
        ),
        (Err(rejected), false) => (
            format!("rejected: {}: {}", rejected.reason, rejected.detail),
            1,
        ),
    };
    Outcome {
        output: output + "\n",
        code,
    }
}

/// Runs `proign webhook sign`.
pub(crate) fn sign(args: &SignArgs) -> Result<Outcome, Usage> {
    let secrets = load_secrets(&args.secrets).map_err(|rejected| rejected.detail)?;
    let [secret] = secrets.as_slice() else {
        return Err("sign takes exactly one secret".to_owned());
    };
    let timestamp = args
        .timestamp
        .unwrap_or_else(|| clock::system().unix_seconds());
    if args.provider == ProviderArg::ShopifyOauth {
        let query = args
            .query
            .as_deref()
            .ok_or("--provider shopify-oauth needs --query")?;
        let signed = sign_query(secret, query).map_err(|err| err.to_string())?;
        return Ok(Outcome {
            output: format!("{signed}\n"),
            code: 0,
        });
    }
    let path = args.body_file.as_deref().ok_or("sign needs --body-file")?;
    let body = read_body(Some(path), false)?;
    let id = args
        .id
        .clone()
        .unwrap_or_else(|| format!("msg_proign_{timestamp}"));
    let lines: Vec<(String, String)> = match args.provider {
        ProviderArg::Stripe => vec![(
            "Stripe-Signature".into(),
            proign_stripe::webhook::sign(secret, timestamp, &body),
        )],
        ProviderArg::Shopify => vec![
            ("X-Shopify-Topic".into(), args.topic.clone()),
            ("X-Shopify-Shop-Domain".into(), args.shop.clone()),
            ("X-Shopify-API-Version".into(), "2026-01".into()),
            ("X-Shopify-Webhook-Id".into(), id),
            (
                "X-Shopify-Hmac-Sha256".into(),
                proign_shopify::webhook::sign(secret, &body),
            ),
        ],
        ProviderArg::Resend => {
            let signer = StandardSigner::new(secret)
                .map_err(|err| err.to_string())?
                .with_brand(HeaderBrand::Svix);
            signer
                .headers(&id, timestamp, &body)
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_owned(),
                        value.to_str().unwrap_or_default().to_owned(),
                    )
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
