//! The `order_flow` example's flow, end to end, with its end state checked: every step done
//! once, the re-delivery dropped, the forged delivery refused, the retries in the monitor, no
//! dead letters, and each retried step sending the same idempotency key every time.

#[allow(dead_code)]
#[path = "../examples/order_flow/flow/mod.rs"]
mod flow;
#[path = "support/order_flow.rs"]
mod support;

use std::collections::BTreeSet;

use flow::progress::{EVENTS, STEPS};
use proign::core::monitor::IntegrationSnapshot;

fn integration<'a>(snapshot: &'a flow::Summary, name: &str) -> &'a IntegrationSnapshot {
    snapshot
        .snapshot
        .integrations
        .iter()
        .find(|i| i.provider == name)
        .unwrap_or_else(|| panic!("{name} is in the monitor"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_order_flows_through_every_integration() {
    let dir = tempfile::tempdir().unwrap();
    let output = support::Capture::default();
    let (flow, summary) = support::run(&dir, 1, output.clone()).await;
    let text = output.text();

    assert_eq!(summary.complete, 1, "output:\n{text}");
    assert!(
        summary.dead_letters.is_empty(),
        "{:?}",
        summary.dead_letters
    );
    assert_eq!(summary.redelivery_status, Some(200));
    assert_eq!(summary.forged_status, Some(401));

    // Every step ran to completion exactly once, and each report arrived once.
    let order = flow.progress.flows();
    assert_eq!(order.len(), 1);
    let done = flow.progress.done_counts();
    for step in STEPS {
        let count = done.get(&(order[0].clone(), step.to_owned())).copied();
        assert_eq!(count, Some(1), "{step} done once");
    }
    assert_eq!(done.len(), STEPS.len());
    let events = flow.progress.event_counts();
    for event in EVENTS {
        assert_eq!(
            events.get(&(order[0].clone(), event.to_owned())),
            Some(&1),
            "{event}"
        );
    }

    // The monitor saw the duplicate, the forgery and the retries.
    let shopify = integration(&summary, "shopify");
    assert_eq!(shopify.counters.duplicates, 1);
    assert_eq!(shopify.counters.rejected, 1);
    assert_eq!(shopify.rejected_by_reason.get("bad_signature"), Some(&1));
    assert_eq!(integration(&summary, "ups").counters.retried, 2);
    assert_eq!(integration(&summary, "resend").counters.retried, 1);
    assert!(
        summary
            .snapshot
            .integrations
            .iter()
            .all(|i| i.counters.dead_lettered == 0)
    );
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&summary.snapshot_file).unwrap()).unwrap();
    assert_eq!(saved["integrations"].as_array().map(Vec::len), Some(6));

    // UPS saw three label calls for the order, all with the step's key as their reference;
    // one label was bought.
    let shipments: Vec<serde_json::Value> = flow
        .sandbox
        .ups
        .requests()
        .iter()
        .filter(|r| r.path.contains("/shipments/"))
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(shipments.len(), 3);
    let references: BTreeSet<String> = shipments
        .iter()
        .map(|s| s["ShipmentRequest"]["Shipment"]["ReferenceNumber"].to_string())
        .collect();
    assert_eq!(references.len(), 1, "{references:?}");
    assert!(!references.iter().next().unwrap().contains("null"));
    let labels = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("label-")
        })
        .count();
    assert_eq!(labels, 1);

    // Resend was called twice (429, then accepted) with one idempotency key; one email sent.
    let sends: Vec<_> = flow
        .sandbox
        .resend
        .requests()
        .into_iter()
        .filter(|r| r.path == "/emails")
        .collect();
    assert_eq!(sends.len(), 2, "{sends:?}");
    assert!(sends[0].idempotency_key.is_some());
    assert_eq!(sends[0].idempotency_key, sends[1].idempotency_key);
    assert_eq!(flow.sandbox.resend.emails().len(), 1);

    // Stripe: one invoice paid, one fulfillment at Shopify.
    let paid = flow
        .sandbox
        .stripe
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/pay"))
        .count();
    assert_eq!(paid, 1);
    let fulfilments = flow
        .sandbox
        .shopify
        .requests()
        .iter()
        .filter(|r| String::from_utf8_lossy(&r.body).contains("ProignFulfillmentCreate"))
        .count();
    assert_eq!(fulfilments, 1);

    // The output shows each retry and its delay.
    assert_eq!(text.matches("ship: attempt").count(), 2, "{text}");
    assert!(
        text.contains("retry in 1.000 s (as the provider asked)"),
        "{text}"
    );
    assert!(text.contains("answered 401"));
    flow.shutdown().await;
}

/// A `--out` or `--db` that cannot be used stops the flow with a sentence naming the path,
/// not a bare operating-system error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unusable_paths_are_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a directory nor a queue").unwrap();
    let options = |db: std::path::PathBuf, out: std::path::PathBuf| flow::Options {
        config: support::config(),
        db,
        out,
        orders: 1,
        live: false,
        verbose: false,
        timeout: std::time::Duration::from_secs(30),
    };
    let start = |options| async move {
        match flow::Flow::start(options, Box::new(std::io::sink())).await {
            Ok(flow) => {
                flow.shutdown().await;
                panic!("the flow started")
            }
            Err(err) => err.to_string(),
        }
    };

    let message = start(options(dir.path().join("queue.db"), file.clone())).await;
    assert!(
        message.starts_with("cannot create the output directory") && message.contains("a-file"),
        "{message}"
    );

    let message = start(options(file.clone(), dir.path().join("out"))).await;
    assert!(
        message.starts_with("cannot use") && message.contains("a-file"),
        "{message}"
    );
    assert!(message.contains("file is not a database"), "{message}");

    let message = start(options(dir.path().to_path_buf(), dir.path().join("out"))).await;
    assert!(message.contains("as the queue file"), "{message}");
}

/// A second run on the same queue file, as `cargo run --example order_flow` twice does,
/// finishes too: the queue keeps the first run's dedup keys for days, so each simulator run
/// must send new event ids and tracking numbers rather than copies of the last run's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_on_the_same_queue_file_finishes() {
    let dir = tempfile::tempdir().unwrap();
    for run in 1..=2 {
        let (flow, summary) = support::run(&dir, 1, support::Capture::default()).await;
        assert_eq!(summary.complete, 1, "run {run}");
        assert!(summary.dead_letters.is_empty(), "run {run}");
        flow.shutdown().await;
    }
}
