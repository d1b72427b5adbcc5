//! The sync-status table: one line per integration, for a terminal.

use std::fmt;

use super::MonitorSnapshot;
use crate::queue::UnixMillis;

const HEADINGS: [&str; 8] = [
    "integration",
    "state",
    "calls",
    "retries",
    "rejected",
    "duplicates",
    "dead letters",
    "last success",
];

/// A [`MonitorSnapshot`] as a plain-text table (see [`MonitorSnapshot::status_table`]).
#[derive(Debug, Clone, Copy)]
pub struct StatusTable<'a>(&'a MonitorSnapshot);

impl MonitorSnapshot {
    /// The sync-status table: per integration its state, outbound calls, retried attempts,
    /// rejected and duplicate deliveries, dead letters, and how long ago it last succeeded
    /// (as of the snapshot). Its `Display` prints the table, then the queue's backlog when
    /// known.
    ///
    /// ```
    /// use std::time::Duration;
    /// use proign_core::Provider;
    /// use proign_core::monitor::{CallOutcome, Monitor};
    ///
    /// let monitor = Monitor::new();
    /// monitor.record_call(Provider::Ups, "ship", CallOutcome::Success, Duration::from_millis(40));
    /// monitor.record_retry(Provider::Ups, "ship");
    /// let table = monitor.snapshot().status_table().to_string();
    /// assert!(table.starts_with("integration"));
    /// assert!(table.lines().any(|l| l.starts_with("ups") && l.contains("connected")));
    /// ```
    pub fn status_table(&self) -> StatusTable<'_> {
        StatusTable(self)
    }
}

/// How long ago `at` was, as of `now`, in a few characters.
fn ago(at: Option<UnixMillis>, now: UnixMillis) -> String {
    let Some(at) = at else {
        return "never".to_owned();
    };
    let ms = now.saturating_sub(at).max(0);
    match ms {
        0..1_000 => format!("{:.1}s ago", ms as f64 / 1_000.0),
        1_000..60_000 => format!("{}s ago", ms / 1_000),
        60_000..3_600_000 => format!("{}m ago", ms / 60_000),
        _ => format!("{}h ago", ms / 3_600_000),
    }
}

impl fmt::Display for StatusTable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let snapshot = self.0;
        let rows: Vec<[String; 8]> = snapshot
            .integrations
            .iter()
            .map(|i| {
                let dead = i.backlog.map_or(i.counters.dead_lettered, |b| {
                    b.dead.max(i.counters.dead_lettered)
                });
                [
                    i.provider.clone(),
                    i.state.as_str().to_owned(),
                    i.counters.calls.to_string(),
                    i.counters.retried.to_string(),
                    i.counters.rejected.to_string(),
                    i.counters.duplicates.to_string(),
                    dead.to_string(),
                    ago(i.last_success_at, snapshot.taken_at),
                ]
            })
            .collect();
        let mut widths = HEADINGS.map(str::len);
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |f: &mut fmt::Formatter<'_>, cells: &[&str]| -> fmt::Result {
            for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
                // Names and states to the left, numbers to the right, the age to the left.
                let numeric = (2..=6).contains(&i);
                let sep = if i == 0 { "" } else { "  " };
                if numeric {
                    write!(f, "{sep}{cell:>width$}")?;
                } else if i == cells.len() - 1 {
                    write!(f, "{sep}{cell}")?;
                } else {
                    write!(f, "{sep}{cell:<width$}")?;
                }
            }
            writeln!(f)
        };
        line(f, &HEADINGS)?;
        for row in &rows {
            let cells: Vec<&str> = row.iter().map(String::as_str).collect();
            line(f, &cells)?;
        }
        if let Some(queue) = snapshot.queue {
            writeln!(
                f,
                "queue: {} waiting or running, {} dead letters",
                queue.depth, queue.dead
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::Provider;
    use crate::clock::FixedClock;
    use crate::monitor::{CallOutcome, DeliveryOutcome, Monitor};
    use crate::queue::QueueStats;

    #[test]
    fn the_table_lines_up_every_integration() {
        let clock = FixedClock::at_unix(1_767_225_600);
        let monitor = Monitor::with_clock(clock.clone());
        monitor.register(Provider::TaxJar);
        monitor.record_call(
            Provider::Ups,
            "ship",
            CallOutcome::Failure("HTTP 503"),
            Duration::ZERO,
        );
        monitor.record_retry(Provider::Ups, "ship");
        monitor.record_call(Provider::Ups, "ship", CallOutcome::Success, Duration::ZERO);
        monitor.record_delivery(
            Provider::Shopify,
            "orders/create",
            DeliveryOutcome::Verified,
        );
        monitor.record_delivery(
            Provider::Shopify,
            "orders/create",
            DeliveryOutcome::Duplicate,
        );
        monitor.record_delivery(
            Provider::Shopify,
            "orders/create",
            DeliveryOutcome::Rejected("bad_signature"),
        );
        monitor.record_queue(QueueStats {
            depth: 2,
            leased: 1,
            dead: 0,
            oldest_enqueued_at: None,
        });
        clock.advance(Duration::from_secs(90));
        // UPS succeeded in the end, but a failure among its recent calls keeps it degraded.
        let table = monitor.snapshot().status_table().to_string();
        let expected = "\
integration  state     calls  retries  rejected  duplicates  dead letters  last success
shopify      degraded      0        0         1           1             0  1m ago
ups          degraded      2        1         0           0             0  1m ago
taxjar       unknown       0        0         0           0             0  never
queue: 2 waiting or running, 0 dead letters
";
        assert_eq!(table, expected);
    }
}
