//! `proign status --db PATH` reads the snapshot a service saved into its queue file.

use std::process::{Command, Output};
use std::time::Duration;

use proign_core::Provider;
use proign_core::monitor::{CallOutcome, DeliveryOutcome, Monitor, save_snapshot};
use proign_core::queue::sqlite::SqliteQueue;

fn status(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_proign"))
        .arg("status")
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn prints_the_table_a_service_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("queue.db");
    let db = path.to_str().unwrap();
    let queue = SqliteQueue::open(&path).await.unwrap();

    // A queue file without a snapshot yet: said plainly, exit code 1.
    let empty = status(&["--db", db]);
    assert_eq!(empty.status.code(), Some(1), "{empty:?}");
    assert!(text(&empty.stdout).contains("no monitor snapshot"));

    let monitor = Monitor::new();
    let ms = Duration::from_millis(30);
    monitor.record_call(Provider::Ups, "ship", CallOutcome::Success, ms);
    monitor.record_retry(Provider::Ups, "ship");
    monitor.record_call(Provider::Stripe, "create_invoice", CallOutcome::Success, ms);
    monitor.record_delivery(
        Provider::Stripe,
        "invoice.paid",
        DeliveryOutcome::Rejected("bad_signature"),
    );
    monitor.record_dead_letter(Provider::Resend, "send_email", "HTTP 422");
    save_snapshot(queue.pool(), &monitor.snapshot())
        .await
        .unwrap();

    let table = status(&["--db", db]);
    assert!(table.status.success(), "{table:?}");
    let table = text(&table.stdout);
    assert!(table.starts_with("integration"), "{table}");
    let row = |name: &str| {
        table
            .lines()
            .find(|line| line.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} row in\n{table}"))
            .split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    // integration, state, calls, retries, rejected, duplicates, dead letters, ...
    assert_eq!(row("ups")[2..4], ["1", "1"], "{table}");
    assert_eq!(row("stripe")[4], "1", "{table}");
    assert_eq!(row("resend")[6], "1", "{table}");
    assert!(table.contains("as of 20"), "{table}");

    let json: serde_json::Value =
        serde_json::from_slice(&status(&["--db", db, "--json"]).stdout).unwrap();
    assert!(json["taken_at"].as_i64().unwrap() > 0, "{json}");

    let missing = status(&["--db", dir.path().join("nope.db").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("does not exist"));
}

/// Showing the status reads the file read-only: a read-only file works, and neither its
/// bytes nor its modification time change (no snapshot table is created in it).
#[tokio::test(flavor = "multi_thread")]
async fn status_reads_a_read_only_file_without_changing_it() {
    use std::os::unix::fs::PermissionsExt as _;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("queue.db");
    let queue = SqliteQueue::open(&path).await.unwrap();
    queue.pool().close().await;
    drop(queue);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&path).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();

    let output = status(&["--db", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(text(&output.stdout).contains("no monitor snapshot"));

    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified
    );
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .read_only(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_master WHERE name = 'proign_monitor_snapshot'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(tables, 0, "status must not create the snapshot table");
}
