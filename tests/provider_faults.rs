//! Every provider client against a server that misbehaves (`proign_testkit::sim::faults`):
//! connections cut before or during the answer, silence, JSON cut short, a proxy's HTML page,
//! and `200` with an error body. Each call must come back, within its configured time, with a
//! typed error of the kind the fault deserves, after retrying exactly when a retry can help.
//!
//! The clients get a 300 ms timeout and two attempts with a 10 ms pause; the tokio timeout
//! around each call is only a guard against a hang, far above what any call needs.

use std::time::Duration;

use proign_core::auth::Credential;
use proign_core::http::{ErrorKind, TimeoutPhase};
use proign_core::retry::{Jitter, RetryPolicy};
use proign_core::secret::Secret;
use proign_testkit::sim::faults::{Fault, FaultServer};

const TIMEOUT: Duration = Duration::from_millis(300);
const ATTEMPTS: u32 = 2;
const HANG_GUARD: Duration = Duration::from_secs(30);

fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(ATTEMPTS)
        .with_base_delay(Duration::from_millis(10))
        .with_jitter(Jitter::None)
}

/// What a failed call came back with, in the terms the assertions use.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    Timeout(TimeoutPhase),
    Disconnected,
    /// The core could not read the body as the provider's format (with the status).
    Undecodable(Option<u16>),
    /// The provider crate could not decode a successful answer into its type.
    Decode,
    /// The provider crate recognised an error answer (its own typed variant).
    Refused,
    Other(String),
}

fn core(e: &proign_core::http::Error) -> Seen {
    match e.kind() {
        ErrorKind::Timeout { phase, .. } => Seen::Timeout(*phase),
        ErrorKind::Disconnected { .. } => Seen::Disconnected,
        ErrorKind::Undecodable { .. } => Seen::Undecodable(e.status()),
        ErrorKind::InvalidTokenResponse { .. } => Seen::Decode,
        other => Seen::Other(format!("{other:?} (status {:?})", e.status())),
    }
}

/// What `fault` must give; `ok_body` is the provider's error-in-a-200 answer, whose reading is
/// the provider crate's own.
fn expected(fault: &Fault, ok_body: &Seen) -> (Seen, usize) {
    let attempts = ATTEMPTS as usize;
    match fault {
        Fault::Drop | Fault::DropMidBody => (Seen::Disconnected, attempts),
        Fault::Stall => (Seen::Timeout(TimeoutPhase::Response), attempts),
        Fault::StallMidBody => (Seen::Timeout(TimeoutPhase::Body), attempts),
        Fault::HtmlError => (Seen::Undecodable(Some(502)), attempts),
        Fault::TruncatedJson => (Seen::Decode, 1),
        Fault::NotHttp => (Seen::Disconnected, attempts),
        _ => (ok_body.clone(), 1),
    }
}

fn name(fault: &Fault) -> &'static str {
    match fault {
        Fault::Drop => "drop",
        Fault::DropMidBody => "drop mid-body",
        Fault::Stall => "stall",
        Fault::StallMidBody => "stall mid-body",
        Fault::TruncatedJson => "truncated JSON",
        Fault::NotHttp => "not HTTP",
        Fault::HtmlError => "HTML 502",
        _ => "200 with an error body",
    }
}

/// Runs `call` against a server with each fault and checks what comes back (and lists it on
/// stderr, for RELIABILITY.md).
#[allow(clippy::print_stderr)]
async fn each_fault<F, Fut>(
    provider: &str,
    ok_body: &str,
    ok_seen: Seen,
    healthy: &[(&str, &str)],
    call: F,
) where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Option<Seen>>,
{
    for fault in Fault::all(ok_body) {
        let server = FaultServer::start_with(fault.clone(), healthy.iter().copied()).await;
        let started = std::time::Instant::now();
        let outcome = tokio::time::timeout(HANG_GUARD, call(server.url()))
            .await
            .unwrap_or_else(|_| panic!("{provider} hung on {fault:?}"));
        let seen = outcome.unwrap_or_else(|| panic!("{provider} succeeded on {fault:?}"));
        let (want, attempts) = expected(&fault, &ok_seen);
        eprintln!(
            "{provider} | {} | {seen:?} | {} attempt(s) | {} ms",
            name(&fault),
            server.faulted(),
            started.elapsed().as_millis()
        );
        assert_eq!(seen, want, "{provider} on {fault:?}");
        assert_eq!(
            server.faulted(),
            attempts,
            "{provider} attempts on {fault:?}"
        );
    }
}

/// Decoding fault in a truncated JSON answer: the provider's decode error, or the core's when
/// the crate decodes through it.
fn decode_or(seen: Seen) -> Seen {
    match seen {
        Seen::Undecodable(Some(200)) => Seen::Decode,
        other => other,
    }
}

#[tokio::test]
async fn stripe() {
    use proign_stripe::{Client, Error, RequestOptions};
    let call = |url: String| async move {
        let client = Client::builder(Credential::new(
            Secret::new("sk_test_madeUpFaults").unwrap(),
        ))
        .base_url(url)
        .timeout(TIMEOUT)
        .retry(policy())
        .build()
        .unwrap();
        let result = client
            .customers()
            .retrieve("cus_PrgnFault01", &RequestOptions::new())
            .await;
        result.err().map(|e| match &e {
            Error::Http(e) => decode_or(core(e)),
            Error::Api { .. } => Seen::Refused,
            Error::Decode { .. } => Seen::Decode,
            other => Seen::Other(other.to_string()),
        })
    };
    let ok_body = r#"{"error":{"type":"api_error","message":"An unknown error occurred"}}"#;
    each_fault("stripe", ok_body, Seen::Decode, &[], call).await;
}

#[tokio::test]
async fn shopify() {
    use proign_shopify::Error;
    use proign_shopify::admin::AdminClient;
    let call = |url: String| async move {
        let shop = "prgn-faults.myshopify.com".parse().unwrap();
        let client = AdminClient::builder(shop, Secret::new("shpat_madeUpFaults").unwrap())
            .base_url(url)
            .timeout(TIMEOUT)
            .retry(policy())
            .build()
            .unwrap();
        client.shop_info().await.err().map(|e| match &e {
            Error::Http(e) => decode_or(core(e)),
            Error::GraphQl { .. } | Error::UserErrors { .. } => Seen::Refused,
            Error::Decode { .. } | Error::MissingData { .. } => Seen::Decode,
            other => Seen::Other(other.to_string()),
        })
    };
    let ok_body =
        r#"{"errors":[{"message":"Internal error. Looks like something went wrong on our end."}]}"#;
    each_fault("shopify", ok_body, Seen::Refused, &[], call).await;
}

/// A UPS call whose answer (or, with no healthy paths, whose OAuth token answer) meets the
/// fault.
async fn ups_track(url: String) -> Option<Seen> {
    use proign_ups::{Error, UpsClient, UpsConfig};
    let secret = Credential::new(Secret::new("prgn-client-secret").unwrap());
    let config = UpsConfig::new("prgn-client-id", secret)
        .base_url(url)
        .timeout(TIMEOUT)
        .retry(policy())
        .token_retry(policy());
    let client = UpsClient::new(config).unwrap();
    let result = client.track("1Z999AA10123456784").await;
    result.err().map(|e| match &e {
        Error::Api(e) => decode_or(core(e)),
        Error::Incomplete { .. } => Seen::Decode,
        other => Seen::Other(other.to_string()),
    })
}

#[tokio::test]
async fn ups() {
    let token = r#"{"token_type":"Bearer","issued_at":"1767225600000","client_id":"prgn-client-id","access_token":"prgn-access-token-A","expires_in":"14399","status":"approved"}"#;
    let ok_body = r#"{"response":{"errors":[{"code":"9999","message":"Internal error"}]}}"#;
    let healthy = [(proign_ups::TOKEN_PATH, token)];
    each_fault("ups", ok_body, Seen::Decode, &healthy, ups_track).await;
}

#[tokio::test]
async fn ups_oauth_token() {
    let ok_body = r#"{"response":{"errors":[{"code":"250002","message":"Invalid Authentication Information."}]}}"#;
    each_fault("ups token", ok_body, Seen::Decode, &[], ups_track).await;
}

#[tokio::test]
async fn taxjar() {
    use proign_taxjar::{Error, TaxJarClient, TaxJarConfig};
    let call = |url: String| async move {
        let key = Credential::new(Secret::new("prgn_taxjar_madeUpFaults").unwrap());
        let config = TaxJarConfig::new(key)
            .base_url(url)
            .timeout(TIMEOUT)
            .retry(policy());
        let client = TaxJarClient::new(config).unwrap();
        client.nexus_regions().await.err().map(|e| match &e {
            Error::Api(e) => decode_or(core(e)),
            Error::Validation { .. } => Seen::Refused,
            other => Seen::Other(other.to_string()),
        })
    };
    let ok_body =
        r#"{"error":"Internal Server Error","detail":"Something went wrong","status":500}"#;
    each_fault("taxjar", ok_body, Seen::Decode, &[], call).await;
}

#[tokio::test]
async fn resend() {
    use proign_resend::{Error, ResendClient, ResendConfig};
    let call = |url: String| async move {
        let key = Credential::new(Secret::new("re_madeUpFaults_0000000000").unwrap());
        let config = ResendConfig::new(key)
            .base_url(url)
            .timeout(TIMEOUT)
            .retry(policy());
        let client = ResendClient::new(config).unwrap();
        client
            .get("4ef9a417-02e9-4d39-ad75-9611e0fcc33c")
            .await
            .err()
            .map(|e| match &e {
                Error::Http(e) => decode_or(core(e)),
                Error::Api { .. } => Seen::Refused,
                other => Seen::Other(other.to_string()),
            })
    };
    let ok_body = r#"{"statusCode":500,"name":"application_error","message":"An unexpected error occurred."}"#;
    each_fault("resend", ok_body, Seen::Decode, &[], call).await;
}

#[tokio::test]
async fn turnstile() {
    use proign_turnstile::{Error, TurnstileClient, TurnstileConfig, Verify};
    let call = |url: String| async move {
        let config = TurnstileConfig::new(Secret::new("0x4AAAAAAAmadeUpFaults").unwrap())
            .base_url(url)
            .timeout(TIMEOUT)
            .retry(policy());
        let client = TurnstileClient::new(config).unwrap();
        client
            .verify(&Verify::new("prgn-token"))
            .await
            .err()
            .map(|e| match &e {
                Error::Http(e) => decode_or(core(e)),
                Error::Rejected { .. }
                | Error::TokenConsumed { .. }
                | Error::Configuration { .. } => Seen::Refused,
                other => Seen::Other(other.to_string()),
            })
    };
    let ok_body = r#"{"success":false,"error-codes":["bad-request"],"messages":[]}"#;
    each_fault("turnstile", ok_body, Seen::Refused, &[], call).await;
}
