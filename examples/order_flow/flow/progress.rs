//! What the flow prints while it runs, and what it has seen done, per order.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Display;
use std::io::Write;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Where the flow writes its lines: standard output in the example, a buffer in tests.
pub(crate) type Output = Box<dyn Write + Send>;

/// Every queued step of one order, in the order they run.
pub(crate) const STEPS: [&str; 10] = [
    "turnstile.verify_token",
    "taxjar.tax_for_order",
    "ups.validate_address",
    "ups.rate",
    "ups.ship",
    "ups.track_alert",
    "shopify.fulfill",
    "resend.send_email",
    "stripe.invoice_items",
    "stripe.invoice",
];

/// The events an order ends with when the providers report back.
pub(crate) const EVENTS: [&str; 3] = ["invoice.paid", "email.delivered", "delivered"];

#[derive(Default)]
struct Seen {
    names: HashMap<String, String>,
    done: BTreeMap<(String, String), u32>,
    events: BTreeMap<(String, String), u32>,
    links: HashMap<String, String>,
}

/// Progress lines and per-order bookkeeping, shared by every task of the flow.
pub(crate) struct Progress {
    started: Instant,
    out: Mutex<Output>,
    verbose: bool,
    seen: Mutex<Seen>,
    changed: tokio::sync::Notify,
}

impl Progress {
    /// Writes to `out`; with `verbose` off only retries, rejections and summaries are printed.
    pub(crate) fn new(out: Output, verbose: bool) -> Self {
        Self {
            started: Instant::now(),
            out: Mutex::new(out),
            verbose,
            seen: Mutex::default(),
            changed: tokio::sync::Notify::new(),
        }
    }

    /// Time since the flow started.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// One line, always printed.
    pub(crate) fn say(&self, text: impl Display) {
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        // A closed standard output is not worth failing the flow for.
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }

    /// A progress line about `flow`'s order from `provider`; `always` prints it even when
    /// not verbose (retries, rejections).
    pub(crate) fn step(&self, flow: &str, provider: &str, text: impl Display, always: bool) {
        if !(self.verbose || always) {
            return;
        }
        let order = self.name_of(flow).unwrap_or_else(|| "-".to_owned());
        let at = self.elapsed().as_secs_f64();
        self.say(format_args!("[{at:7.3}s] {order:<7} {provider:<9} {text}"));
    }

    /// Remembers the order name (`#1001`) of `flow`.
    pub(crate) fn order(&self, flow: &str, name: &str) {
        self.seen().names.insert(flow.to_owned(), name.to_owned());
    }

    fn name_of(&self, flow: &str) -> Option<String> {
        self.seen().names.get(flow).cloned()
    }

    /// Counts a step of `flow` done (acknowledged by the queue).
    pub(crate) fn done(&self, flow: &str, kind: &str) {
        *self
            .seen()
            .done
            .entry((flow.to_owned(), kind.to_owned()))
            .or_default() += 1;
        self.changed.notify_waiters();
    }

    /// Ties a provider's id (email id, tracking number) to `flow`.
    pub(crate) fn link(&self, key: &str, flow: &str) {
        self.seen().links.insert(key.to_owned(), flow.to_owned());
    }

    /// The flow a provider's id belongs to.
    pub(crate) fn flow_of(&self, key: &str) -> Option<String> {
        self.seen().links.get(key).cloned()
    }

    /// Counts an event of `flow`.
    pub(crate) fn event(&self, flow: &str, event_type: &str) {
        *self
            .seen()
            .events
            .entry((flow.to_owned(), event_type.to_owned()))
            .or_default() += 1;
        self.changed.notify_waiters();
    }

    /// Orders whose every step is done and whose events (all of `events`) arrived.
    pub(crate) fn complete(&self, events: &[&str]) -> usize {
        let seen = self.seen();
        seen.names
            .keys()
            .filter(|flow| {
                STEPS
                    .iter()
                    .all(|s| seen.done.contains_key(&((*flow).clone(), (*s).to_owned())))
                    && events.iter().all(|e| {
                        seen.events
                            .contains_key(&((*flow).clone(), (*e).to_owned()))
                    })
            })
            .count()
    }

    /// Waits until `complete(events)` reaches `orders`, or `timeout` passes; returns the count.
    pub(crate) async fn wait_complete(
        &self,
        orders: usize,
        events: &[&str],
        timeout: Duration,
    ) -> usize {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let changed = self.changed.notified();
            let complete = self.complete(events);
            if complete >= orders || tokio::time::Instant::now() >= deadline {
                return complete;
            }
            let tick = Duration::from_millis(200);
            let _ = tokio::time::timeout(tick, changed).await;
        }
    }

    /// How many times each (flow, step) was done.
    pub(crate) fn done_counts(&self) -> BTreeMap<(String, String), u32> {
        self.seen().done.clone()
    }

    /// How many times each (flow, event type) arrived.
    pub(crate) fn event_counts(&self) -> BTreeMap<(String, String), u32> {
        self.seen().events.clone()
    }

    /// The flows (one per order) seen so far.
    pub(crate) fn flows(&self) -> Vec<String> {
        self.seen().names.keys().cloned().collect()
    }

    fn seen(&self) -> MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }
}
