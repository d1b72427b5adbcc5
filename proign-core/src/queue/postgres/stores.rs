//! Dedup claims, schedules and checkpoints in PostgreSQL.

use std::time::Duration;

use sqlx::Row as _;

use super::PgQueue;
use crate::queue::stores::{Checkpoint, CheckpointStore, DedupStore, ScheduleStore, validate_key};
use crate::queue::{QueueError, UnixMillis, after};

impl DedupStore for PgQueue {
    async fn claim(&self, scope: &str, key: &str, retain: Duration) -> Result<bool, QueueError> {
        validate_key(scope, key)?;
        let now = self.now();
        let sql = self.sql(
            "INSERT INTO {s}.proign_dedup AS d (scope, key, claimed_at, expires_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (scope, key) DO UPDATE SET \
             claimed_at = excluded.claimed_at, expires_at = excluded.expires_at \
             WHERE d.expires_at <= excluded.claimed_at",
        );
        let won = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope)
            .bind(key)
            .bind(now)
            .bind(after(now, retain))
            .execute(&self.pool)
            .await
            .map_err(QueueError::storage("claim a dedup key"))?;
        Ok(won.rows_affected() == 1)
    }

    async fn forget(&self, scope: &str, key: &str) -> Result<bool, QueueError> {
        let sql = self.sql("DELETE FROM {s}.proign_dedup WHERE scope = $1 AND key = $2");
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope)
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(QueueError::storage("forget a dedup key"))?;
        Ok(done.rows_affected() == 1)
    }

    async fn purge_expired(&self) -> Result<u64, QueueError> {
        let sql = self.sql("DELETE FROM {s}.proign_dedup WHERE expires_at <= $1");
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(self.now())
            .execute(&self.pool)
            .await
            .map_err(QueueError::storage("purge dedup keys"))?;
        Ok(done.rows_affected())
    }
}

impl CheckpointStore for PgQueue {
    async fn load(&self, integration: &str) -> Result<Option<Checkpoint>, QueueError> {
        let sql = self.sql(
            "SELECT last_event_id, last_updated_at, cursor, saved_at FROM {s}.proign_checkpoints \
             WHERE integration = $1",
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(integration)
            .fetch_optional(&self.pool)
            .await
            .map_err(QueueError::storage("load a checkpoint"))?;
        row.map(|r| -> Result<Checkpoint, sqlx::Error> {
            Ok(Checkpoint {
                last_event_id: r.try_get(0)?,
                last_updated_at: r.try_get(1)?,
                cursor: r.try_get(2)?,
                saved_at: r.try_get(3)?,
            })
        })
        .transpose()
        .map_err(QueueError::storage("read a checkpoint"))
    }

    async fn save(&self, integration: &str, checkpoint: &Checkpoint) -> Result<(), QueueError> {
        let sql = self.sql(
            "INSERT INTO {s}.proign_checkpoints (integration, last_event_id, last_updated_at, \
             cursor, saved_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (integration) DO UPDATE \
             SET last_event_id = excluded.last_event_id, \
             last_updated_at = excluded.last_updated_at, cursor = excluded.cursor, \
             saved_at = excluded.saved_at",
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(integration)
            .bind(&checkpoint.last_event_id)
            .bind(checkpoint.last_updated_at)
            .bind(&checkpoint.cursor)
            .bind(self.now())
            .execute(&self.pool)
            .await
            .map_err(QueueError::storage("save a checkpoint"))?;
        Ok(())
    }
}

impl ScheduleStore for PgQueue {
    async fn register(&self, name: &str, first_run_at: UnixMillis) -> Result<(), QueueError> {
        let sql = self.sql(
            "INSERT INTO {s}.proign_schedules (name, next_run_at) VALUES ($1, $2) \
             ON CONFLICT (name) DO NOTHING",
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(name)
            .bind(first_run_at)
            .execute(&self.pool)
            .await
            .map_err(QueueError::storage("register a schedule"))?;
        Ok(())
    }

    async fn due(&self, now: UnixMillis) -> Result<Vec<(String, UnixMillis)>, QueueError> {
        let sql = self.sql(
            "SELECT name, next_run_at FROM {s}.proign_schedules WHERE next_run_at <= $1 \
             ORDER BY next_run_at LIMIT 100",
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .fetch_all(&self.pool)
            .await
            .map_err(QueueError::storage("read due schedules"))?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(QueueError::storage("read a schedule"))
    }

    async fn advance(
        &self,
        name: &str,
        expected: UnixMillis,
        next: UnixMillis,
    ) -> Result<bool, QueueError> {
        let sql = self.sql(
            "UPDATE {s}.proign_schedules SET next_run_at = $1 WHERE name = $2 \
             AND next_run_at = $3",
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(next)
            .bind(name)
            .bind(expected)
            .execute(&self.pool)
            .await
            .map_err(QueueError::storage("advance a schedule"))?;
        Ok(done.rows_affected() == 1)
    }
}
