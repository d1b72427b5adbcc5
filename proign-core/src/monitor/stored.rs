//! The latest snapshot kept in the queue's SQLite file (feature `sqlite`), so another
//! process — `proign status --db PATH` — can show the sync status of a running or finished
//! service.

use sqlx::SqlitePool;

use super::MonitorSnapshot;
use crate::queue::QueueError;

const CREATE: &str = "CREATE TABLE IF NOT EXISTS proign_monitor_snapshot (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    taken_at INTEGER NOT NULL,
    snapshot TEXT    NOT NULL
)";

/// Replaces the stored snapshot with `snapshot` (it holds no secrets: error texts are
/// redacted before the monitor keeps them).
pub async fn save_snapshot(
    pool: &SqlitePool,
    snapshot: &MonitorSnapshot,
) -> Result<(), QueueError> {
    let json = serde_json::to_string(snapshot).map_err(|_| QueueError::Corrupt {
        what: "monitor snapshot",
    })?;
    sqlx::query(CREATE)
        .execute(pool)
        .await
        .map_err(QueueError::storage("create the snapshot table"))?;
    sqlx::query(
        "INSERT INTO proign_monitor_snapshot (id, taken_at, snapshot) VALUES (1, ?1, ?2) \
         ON CONFLICT (id) DO UPDATE SET taken_at = excluded.taken_at, snapshot = excluded.snapshot",
    )
    .bind(snapshot.taken_at)
    .bind(json)
    .execute(pool)
    .await
    .map_err(QueueError::storage("save the monitor snapshot"))?;
    Ok(())
}

/// The stored snapshot, if one was saved.
pub async fn load_snapshot(pool: &SqlitePool) -> Result<Option<MonitorSnapshot>, QueueError> {
    sqlx::query(CREATE)
        .execute(pool)
        .await
        .map_err(QueueError::storage("create the snapshot table"))?;
    select_snapshot(pool).await
}

/// The stored snapshot, if one was saved, read without creating or changing anything: for a
/// read-only connection, or a tool that inspects another process's queue file. Unlike
/// [`load_snapshot`], a file without the snapshot table gives `Ok(None)`.
pub async fn read_snapshot(pool: &SqlitePool) -> Result<Option<MonitorSnapshot>, QueueError> {
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_master \
         WHERE type = 'table' AND name = 'proign_monitor_snapshot'",
    )
    .fetch_one(pool)
    .await
    .map_err(QueueError::storage("look for the snapshot table"))?;
    if tables == 0 {
        return Ok(None);
    }
    select_snapshot(pool).await
}

/// Reads and decodes the stored snapshot from a table known to exist.
async fn select_snapshot(pool: &SqlitePool) -> Result<Option<MonitorSnapshot>, QueueError> {
    let json: Option<String> =
        sqlx::query_scalar("SELECT snapshot FROM proign_monitor_snapshot WHERE id = 1")
            .fetch_optional(pool)
            .await
            .map_err(QueueError::storage("read the monitor snapshot"))?;
    json.map(|text| {
        serde_json::from_str(&text).map_err(|_| QueueError::Corrupt {
            what: "monitor snapshot",
        })
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::Provider;
    use crate::monitor::{CallOutcome, Monitor};
    use crate::queue::sqlite::SqliteQueue;

    #[tokio::test]
    async fn the_latest_snapshot_is_read_back_as_saved() {
        let dir = tempfile::tempdir().unwrap();
        let queue = SqliteQueue::open(dir.path().join("q.db")).await.unwrap();
        assert_eq!(super::load_snapshot(queue.pool()).await.unwrap(), None);

        let monitor = Monitor::new();
        monitor.record_call(
            Provider::Stripe,
            "pay",
            CallOutcome::Failure("HTTP 500"),
            Duration::ZERO,
        );
        super::save_snapshot(queue.pool(), &monitor.snapshot())
            .await
            .unwrap();
        monitor.record_call(
            Provider::Stripe,
            "pay",
            CallOutcome::Success,
            Duration::ZERO,
        );
        let latest = monitor.snapshot();
        super::save_snapshot(queue.pool(), &latest).await.unwrap();

        let read = super::load_snapshot(queue.pool()).await.unwrap();
        assert_eq!(read, Some(latest));
    }

    #[tokio::test]
    async fn reading_creates_nothing_and_finds_what_was_saved() {
        let dir = tempfile::tempdir().unwrap();
        let queue = SqliteQueue::open(dir.path().join("q.db")).await.unwrap();
        assert_eq!(super::read_snapshot(queue.pool()).await.unwrap(), None);
        let tables: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master WHERE name = 'proign_monitor_snapshot'",
        )
        .fetch_one(queue.pool())
        .await
        .unwrap();
        assert_eq!(tables, 0, "reading must not create the snapshot table");

        let snapshot = Monitor::new().snapshot();
        super::save_snapshot(queue.pool(), &snapshot).await.unwrap();
        assert_eq!(
            super::read_snapshot(queue.pool()).await.unwrap(),
            Some(snapshot)
        );
    }
}
