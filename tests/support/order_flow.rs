//! Runs the `order_flow` example's flow in a test: a temporary queue file and output folder,
//! short retry delays through configuration, and every line of output captured.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use proign::core::config::Config;

use crate::flow::{Flow, Options, Summary};

/// A writer whose bytes the test can read back.
#[derive(Clone, Default)]
pub(crate) struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The example's configuration with retry delays of a few milliseconds.
pub(crate) fn config() -> Config {
    let text = include_str!("../../examples/proign.toml");
    let fast = [
        ("PROIGN_RETRY__DEFAULT__BASE_DELAY_MS", "10"),
        ("PROIGN_RETRY__UPS__BASE_DELAY_MS", "10"),
        ("PROIGN_RETRY__DEFAULT__JITTER", "none"),
    ];
    Config::from_toml(text, fast).expect("the example's configuration loads")
}

/// Runs `orders` orders through the flow; the flow stays up for the test to inspect.
pub(crate) async fn run(
    dir: &tempfile::TempDir,
    orders: usize,
    output: Capture,
) -> (Flow, Summary) {
    let options = Options {
        config: config(),
        db: dir.path().join("queue.db"),
        out: dir.path().join("out"),
        orders,
        live: false,
        verbose: true,
        timeout: Duration::from_secs(30),
    };
    let flow = Flow::start(options, Box::new(output))
        .await
        .expect("the flow starts");
    let summary = flow.drive().await.expect("the flow runs");
    (flow, summary)
}
