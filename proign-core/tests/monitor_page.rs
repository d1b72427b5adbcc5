//! The HTML monitor page, rendered by a real browser: headless Chromium (Debian's `chromium`
//! package, or the binary named by `PROIGN_CHROMIUM`) loads the page from a loopback server,
//! saves a screenshot and the DOM, and the test checks that every integration's state shows.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use proign_core::Provider;
use proign_core::monitor::http::MonitorRoutes;
use proign_core::monitor::{CallOutcome, DeliveryOutcome, Monitor};
use proign_core::queue::{MemoryQueue, NewJob, Queue};
use proign_core::secret::Secret;

async fn scene() -> (Arc<Monitor>, Arc<MemoryQueue>) {
    let monitor = Arc::new(Monitor::new());
    monitor.register(Provider::TaxJar);
    monitor.record_delivery(
        Provider::Resend,
        "email.delivered",
        DeliveryOutcome::Verified,
    );
    monitor.record_call(
        Provider::Stripe,
        "create_payment_intent",
        CallOutcome::Success,
        Duration::from_millis(210),
    );
    monitor.record_delivery(
        Provider::Stripe,
        "charge.refunded",
        DeliveryOutcome::Verified,
    );
    monitor.record_delivery(
        Provider::Shopify,
        "orders/updated",
        DeliveryOutcome::Verified,
    );
    monitor.record_delivery(
        Provider::Shopify,
        "orders/updated",
        DeliveryOutcome::Rejected("bad_signature"),
    );
    for _ in 0..3 {
        monitor.record_call(
            Provider::Ups,
            "rate",
            CallOutcome::Failure("HTTP 503 Service Unavailable"),
            Duration::from_secs(2),
        );
    }
    monitor.record_token_expiry(
        Provider::Ups,
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600),
    );

    let queue = Arc::new(MemoryQueue::new());
    let job = NewJob::new("stripe.create_payment_intent", &b"{}"[..])
        .with_idempotency_key("prgn-7f3c2a9e-1b4d-4e8a-9c61-0d2e5f7a8b90")
        .with_max_attempts(1);
    queue.enqueue(job).await.unwrap();
    let lease = queue
        .lease(1, Duration::from_secs(30))
        .await
        .unwrap()
        .remove(0);
    queue
        .retry(&lease, Duration::ZERO, "HTTP 503 Service Unavailable")
        .await
        .unwrap();
    queue
        .enqueue(NewJob::new("ups.track", &b"1Z999AA10123456784"[..]))
        .await
        .unwrap();
    (monitor, queue)
}

/// The browser, or `None` (with a note) on a developer machine without one. Under CI
/// (`CI` set) a missing browser fails the test: CI installs it.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PROIGN_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if path.exists() {
        return Some(path);
    }
    let message = format!(
        "{} not found: install Debian's `chromium` package (or set PROIGN_CHROMIUM)",
        path.display()
    );
    assert!(std::env::var_os("CI").is_none(), "{message}");
    {
        let _ = writeln!(std::io::stderr(), "skipped: {message}");
    }
    None
}

fn row<'a>(dom: &'a str, provider: &str) -> &'a str {
    let start = dom
        .find(&format!("data-provider=\"{provider}\""))
        .unwrap_or_else(|| panic!("no row for {provider}"));
    let end = dom[start..].find("</tr>").expect("row end") + start;
    &dom[start..end]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headless_chromium_shows_every_integrations_state() {
    let Some(browser) = chromium() else {
        return;
    };
    let (monitor, queue) = scene().await;
    let app = axum::Router::new().nest(
        "/ops",
        MonitorRoutes::new(monitor, queue)
            .with_redrive_token(Secret::new("operator-token-made-up-1").unwrap())
            .with_base_path("/ops")
            .unwrap()
            .into_router(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/ops", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let profile = tempfile::tempdir().unwrap();
    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("monitor-page.png");
    let _ = std::fs::remove_file(&shot);
    // A clean environment: the test runner's variables (library paths among them) are not the
    // browser's business.
    let run = tokio::process::Command::new(browser)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", profile.path())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1500,900",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--dump-dom")
        .arg(&url)
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(90), run)
        .await
        .expect("chromium finished within 90 s")
        .expect("chromium started");
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        dom.contains("<h1>Integrations</h1>"),
        "page not rendered: {dom} {stderr} {:?}",
        output.status
    );
    for (provider, state) in [
        ("stripe", "degraded"),
        ("resend", "connected"),
        ("shopify", "degraded"),
        ("ups", "failing"),
        ("taxjar", "unknown"),
    ] {
        let row = row(&dom, provider);
        assert!(
            row.contains(&format!(">{state}<")),
            "{provider} should show {state}: {row}"
        );
    }
    assert!(row(&dom, "ups").contains("HTTP 503 Service Unavailable"));
    assert!(row(&dom, "ups").contains("1 waiting"), "UPS backlog shown");
    let stripe = row(&dom, "stripe");
    assert!(stripe.contains("dead letters waiting: 1"), "{stripe}");
    assert!(
        dom.contains("prgn-7f3c2a9e-1b4d-4e8a-9c61-0d2e5f7a8b90"),
        "dead letter listed"
    );
    assert!(dom.contains("action=\"/ops/dead-letters/1/redrive\""));
    assert!(dom.contains("1 waiting"));
    assert!(!dom.contains("operator-token-made-up-1"));

    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "screenshot looks empty"
    );
}
