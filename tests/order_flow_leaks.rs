//! Runs the whole order flow with tracing at `trace` level and every output captured — the
//! progress lines, the logs, the `Debug` of every client and of the configuration, the
//! monitor snapshot, the dead-letter records — and checks that none of the run's secrets,
//! tokens or customer email addresses appears in any of it.

#[allow(dead_code)]
#[path = "../examples/order_flow/flow/mod.rs"]
mod flow;
#[path = "support/order_flow.rs"]
mod support;

use proign::core::config::CREDENTIAL_KEYS;
use tracing_subscriber::fmt::format::FmtSpan;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_token_or_customer_address_reaches_any_output() {
    let logs = support::Capture::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");

    let dir = tempfile::tempdir().unwrap();
    let output = support::Capture::default();
    let orders = 3;
    let (flow, summary) = support::run(&dir, orders, output.clone()).await;
    assert_eq!(summary.complete, orders, "{}", output.text());

    let mut everything = output.text();
    everything.push_str(&logs.text());
    everything.push_str(&flow.debug_dump());
    everything.push_str(&format!("{summary:#?}"));
    everything.push_str(&serde_json::to_string(&summary.snapshot).unwrap());
    everything.push_str(&std::fs::read_to_string(&summary.snapshot_file).unwrap());
    for dead in &summary.dead_letters {
        everything.push_str(&serde_json::to_string(dead).unwrap());
    }
    flow.shutdown().await;

    // The capture works: it holds the progress lines, trace-level spans of provider calls,
    // and the clients' Debug output.
    assert!(everything.contains("invoice.paid"));
    assert!(
        everything.contains("proign.call"),
        "the trace logs were captured"
    );
    assert!(everything.contains("TRACE") || everything.contains("DEBUG"));
    assert!(everything.contains("ResendClient"));

    let sandbox = proign_testkit::sandbox::Sandbox::start().await;
    let mut secrets: Vec<String> = Vec::new();
    for (provider, keys) in CREDENTIAL_KEYS {
        for key in *keys {
            if let Some(secret) = sandbox.credential(*provider, key) {
                secrets.push(secret.expose().to_owned());
            }
        }
    }
    assert!(secrets.len() >= 8, "{} secrets checked", secrets.len());
    for secret in &secrets {
        assert!(
            !everything.contains(secret.as_str()),
            "a configured secret leaked"
        );
    }
    // Access tokens are issued during the run: none may show, whatever its value.
    for prefix in ["shpat_", "Bearer ", "sk_test_", "whsec_", "re_prgn"] {
        assert!(
            !everything.contains(prefix),
            "something like a token ({prefix}…) leaked"
        );
    }
    for i in 1..=orders {
        let email = flow::customer_email(i);
        assert!(
            !everything.contains(&email),
            "customer {i}'s address leaked"
        );
    }
}
