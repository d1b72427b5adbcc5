//! [`Queue`] for [`SqliteQueue`].

use std::time::Duration;

use sqlx::Row as _;

use super::{COLUMNS, SqliteQueue, raw};
use crate::queue::job::kind_stats;
use crate::queue::{
    DeadLetter, Enqueued, JobId, JobSummary, KindStats, Lease, LeaseToken, MAX_KINDS,
    MAX_LEASE_BATCH, NewJob, Queue, QueueError, QueueStats, RetryOutcome, UnixMillis, after,
    new_token, redact_error,
};

fn ids_json(leases: &[&Lease]) -> String {
    let ids: Vec<String> = leases.iter().map(|l| l.job.id.0.to_string()).collect();
    format!("[{}]", ids.join(","))
}

pub(super) async fn insert(
    conn: &mut sqlx::SqliteConnection,
    job: NewJob,
    now: UnixMillis,
) -> Result<Enqueued, QueueError> {
    let idempotency_key = job.validate()?;
    if let Some(key) = &job.dedup_key {
        // A finished job's marker whose retention has passed no longer blocks its key.
        sqlx::query("DELETE FROM proign_jobs WHERE dedup_key = ?1 AND state = 2 AND run_at <= ?2")
            .bind(key)
            .bind(now)
            .execute(&mut *conn)
            .await
            .map_err(QueueError::storage("expire a finished job's dedup key"))?;
    }
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO proign_jobs (kind, payload, dedup_key, idempotency_key, max_attempts, \
         run_at, enqueued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
    )
    .bind(&job.kind)
    .bind(job.payload.as_ref())
    .bind(&job.dedup_key)
    .bind(&idempotency_key)
    .bind(i64::from(job.max_attempts))
    .bind(after(now, job.delay))
    .bind(now)
    .fetch_optional(&mut *conn)
    .await
    .map_err(QueueError::storage("insert a job"))?;
    if let Some(id) = id {
        return Ok(Enqueued::New {
            id: JobId(id),
            idempotency_key,
        });
    }
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM proign_jobs WHERE dedup_key = ?1 AND state < 2")
            .bind(&job.dedup_key)
            .fetch_optional(&mut *conn)
            .await
            .map_err(QueueError::storage("look up a duplicate"))?;
    Ok(Enqueued::Duplicate {
        existing: existing.map(JobId),
    })
}

impl SqliteQueue {
    /// Acks the jobs `ids` (one id, or a JSON array of ids) held by `token`: deletes those
    /// without a dedup key and turns the others into markers kept for the dedup retention.
    /// Each statement only touches rows still held by `token`, so a job is finished once.
    async fn finish(&self, token: LeaseToken, ids: &str) -> Result<usize, QueueError> {
        let now = self.now();
        let keep = !self.dedup_retention.is_zero();
        let deleted = sqlx::query(
            "DELETE FROM proign_jobs WHERE lease_token = ?1 AND state = 0 \
             AND id IN (SELECT value FROM json_each(?2)) AND (dedup_key IS NULL OR ?3 = 0)",
        )
        .bind(token.0)
        .bind(ids)
        .bind(keep)
        .execute(&self.pool)
        .await
        .map_err(QueueError::storage("ack jobs"))?
        .rows_affected();
        let kept = if keep {
            sqlx::query(
                "UPDATE proign_jobs SET state = 2, payload = x'', lease_token = NULL, \
                 last_error = NULL, dead_at = ?3, run_at = ?4 WHERE lease_token = ?1 \
                 AND state = 0 AND id IN (SELECT value FROM json_each(?2))",
            )
            .bind(token.0)
            .bind(ids)
            .bind(now)
            .bind(after(now, self.dedup_retention))
            .execute(&self.pool)
            .await
            .map_err(QueueError::storage("ack jobs"))?
            .rows_affected()
        } else {
            0
        };
        Ok(usize::try_from(deleted + kept).unwrap_or(usize::MAX))
    }
}

impl Queue for SqliteQueue {
    async fn enqueue(&self, job: NewJob) -> Result<Enqueued, QueueError> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(QueueError::storage("connect"))?;
        let out = insert(&mut conn, job, self.now()).await?;
        self.notify.notify_waiters();
        Ok(out)
    }

    async fn enqueue_batch(&self, jobs: Vec<NewJob>) -> Result<Vec<Enqueued>, QueueError> {
        let now = self.now();
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(QueueError::storage("begin a batch"))?;
        let mut out = Vec::with_capacity(jobs.len());
        for job in jobs {
            out.push(insert(&mut tx, job, now).await?);
        }
        tx.commit()
            .await
            .map_err(QueueError::storage("commit a batch"))?;
        self.notify.notify_waiters();
        Ok(out)
    }

    async fn lease(&self, max: usize, visibility: Duration) -> Result<Vec<Lease>, QueueError> {
        let now = self.now();
        let until = after(now, visibility);
        let token = new_token();
        if self.sweep_due(now) {
            sqlx::query(
                "UPDATE proign_jobs SET state = 1, dead_at = ?1, lease_token = NULL, \
                 last_error = COALESCE(last_error, 'lease expired on the last attempt') \
                 WHERE state = 0 AND run_at <= ?1 AND attempts >= max_attempts",
            )
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(QueueError::storage("dead-letter expired final attempts"))?;
            sqlx::query("DELETE FROM proign_jobs WHERE state = 2 AND run_at <= ?1")
                .bind(now)
                .execute(&self.pool)
                .await
                .map_err(QueueError::storage("remove expired dedup markers"))?;
        }
        let sql = format!(
            "UPDATE proign_jobs SET attempts = attempts + 1, run_at = ?1, lease_token = ?2 \
             WHERE id IN (SELECT id FROM proign_jobs WHERE state = 0 AND run_at <= ?3 \
             AND attempts < max_attempts ORDER BY run_at, id LIMIT ?4) RETURNING {COLUMNS}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(until)
            .bind(token.0)
            .bind(now)
            .bind(i64::try_from(max.min(MAX_LEASE_BATCH)).unwrap_or(1))
            .fetch_all(&self.pool)
            .await
            .map_err(QueueError::storage("lease jobs"))?;
        rows.iter()
            .map(|row| {
                raw(row)
                    .map_err(QueueError::storage("read a leased job"))?
                    .into_lease(token)
            })
            .collect()
    }

    async fn ack(&self, lease: &Lease) -> Result<(), QueueError> {
        if self
            .finish(lease.token, &lease.job.id.0.to_string())
            .await?
            == 0
        {
            return Err(QueueError::LeaseLost { id: lease.job.id });
        }
        Ok(())
    }

    async fn ack_batch(&self, leases: &[Lease]) -> Result<usize, QueueError> {
        let mut held = 0;
        let mut tokens: Vec<_> = leases.iter().map(|l| l.token).collect();
        tokens.sort_unstable_by_key(|t| t.0);
        tokens.dedup();
        for token in tokens {
            let group: Vec<&Lease> = leases.iter().filter(|l| l.token == token).collect();
            held += self.finish(token, &ids_json(&group)).await?;
        }
        Ok(held)
    }

    async fn retry(
        &self,
        lease: &Lease,
        delay: Duration,
        error: &str,
    ) -> Result<RetryOutcome, QueueError> {
        let now = self.now();
        let at = after(now, delay);
        let state: Option<i64> = sqlx::query_scalar(
            "UPDATE proign_jobs SET lease_token = NULL, last_error = ?1, \
             state = CASE WHEN attempts >= max_attempts THEN 1 ELSE 0 END, \
             dead_at = CASE WHEN attempts >= max_attempts THEN ?2 ELSE NULL END, \
             run_at = ?3 WHERE id = ?4 AND lease_token = ?5 AND state = 0 RETURNING state",
        )
        .bind(redact_error(error))
        .bind(now)
        .bind(at)
        .bind(lease.job.id.0)
        .bind(lease.token.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(QueueError::storage("record a failed attempt"))?;
        match state {
            None => Err(QueueError::LeaseLost { id: lease.job.id }),
            Some(1) => Ok(RetryOutcome::DeadLettered),
            Some(_) => Ok(RetryOutcome::Scheduled { at }),
        }
    }

    async fn dead_letter(&self, lease: &Lease, error: &str) -> Result<(), QueueError> {
        let done = sqlx::query(
            "UPDATE proign_jobs SET lease_token = NULL, last_error = ?1, state = 1, dead_at = ?2 \
             WHERE id = ?3 AND lease_token = ?4 AND state = 0",
        )
        .bind(redact_error(error))
        .bind(self.now())
        .bind(lease.job.id.0)
        .bind(lease.token.0)
        .execute(&self.pool)
        .await
        .map_err(QueueError::storage("dead-letter a job"))?;
        if done.rows_affected() == 0 {
            return Err(QueueError::LeaseLost { id: lease.job.id });
        }
        Ok(())
    }

    async fn extend(&self, lease: &Lease, visibility: Duration) -> Result<UnixMillis, QueueError> {
        let until = after(self.now(), visibility);
        let done = sqlx::query(
            "UPDATE proign_jobs SET run_at = ?1 WHERE id = ?2 AND lease_token = ?3 AND state = 0",
        )
        .bind(until)
        .bind(lease.job.id.0)
        .bind(lease.token.0)
        .execute(&self.pool)
        .await
        .map_err(QueueError::storage("extend a lease"))?;
        if done.rows_affected() == 0 {
            return Err(QueueError::LeaseLost { id: lease.job.id });
        }
        Ok(until)
    }

    async fn release(&self, lease: &Lease) -> Result<(), QueueError> {
        let done = sqlx::query(
            "UPDATE proign_jobs SET run_at = ?1, lease_token = NULL, attempts = attempts - 1 \
             WHERE id = ?2 AND lease_token = ?3 AND state = 0",
        )
        .bind(self.now())
        .bind(lease.job.id.0)
        .bind(lease.token.0)
        .execute(&self.pool)
        .await
        .map_err(QueueError::storage("release a lease"))?;
        if done.rows_affected() == 0 {
            return Err(QueueError::LeaseLost { id: lease.job.id });
        }
        self.notify.notify_waiters();
        Ok(())
    }

    async fn jobs(
        &self,
        after: Option<JobId>,
        limit: usize,
    ) -> Result<Vec<JobSummary>, QueueError> {
        let now = self.now();
        let rows = sqlx::query(
            "SELECT id, kind, attempts, max_attempts, run_at, enqueued_at, last_error, \
             length(payload), lease_token IS NOT NULL FROM proign_jobs \
             WHERE state = 0 AND id > ?1 ORDER BY id LIMIT ?2",
        )
        .bind(after.map_or(i64::MIN, |id| id.0))
        .bind(i64::try_from(limit.min(1_000)).unwrap_or(1_000))
        .fetch_all(&self.pool)
        .await
        .map_err(QueueError::storage("list jobs"))?;
        rows.iter().map(|r| JobSummary::from_row(r, now)).collect()
    }

    async fn dead_letters(
        &self,
        after: Option<JobId>,
        limit: usize,
    ) -> Result<Vec<DeadLetter>, QueueError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM proign_jobs WHERE state = 1 AND id > ?1 ORDER BY id LIMIT ?2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(after.map_or(i64::MIN, |id| id.0))
            .bind(i64::try_from(limit.min(1_000)).unwrap_or(1_000))
            .fetch_all(&self.pool)
            .await
            .map_err(QueueError::storage("list dead letters"))?;
        rows.iter()
            .map(|r| {
                raw(r)
                    .map_err(QueueError::storage("read a dead letter"))?
                    .into_dead_letter()
            })
            .collect()
    }

    async fn dead_letter_by_id(&self, id: JobId) -> Result<Option<DeadLetter>, QueueError> {
        let sql = format!("SELECT {COLUMNS} FROM proign_jobs WHERE state = 1 AND id = ?1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(QueueError::storage("read a dead letter"))?;
        row.map(|r| {
            raw(&r)
                .map_err(QueueError::storage("read a dead letter"))?
                .into_dead_letter()
        })
        .transpose()
    }

    async fn redrive(&self, id: JobId) -> Result<bool, QueueError> {
        let done = sqlx::query(
            "UPDATE proign_jobs SET state = 0, attempts = 0, dead_at = NULL, run_at = ?1 \
             WHERE id = ?2 AND state = 1",
        )
        .bind(self.now())
        .bind(id.0)
        .execute(&self.pool)
        .await
        .map_err(QueueError::storage("redrive a dead letter"))?;
        self.notify.notify_waiters();
        Ok(done.rows_affected() == 1)
    }

    async fn purge_dead_letter(&self, id: JobId) -> Result<bool, QueueError> {
        let done = sqlx::query("DELETE FROM proign_jobs WHERE id = ?1 AND state = 1")
            .bind(id.0)
            .execute(&self.pool)
            .await
            .map_err(QueueError::storage("purge a dead letter"))?;
        Ok(done.rows_affected() == 1)
    }

    async fn stats(&self) -> Result<QueueStats, QueueError> {
        let row = sqlx::query(
            "SELECT COALESCE(SUM(state = 0), 0), \
             COALESCE(SUM(state = 0 AND lease_token IS NOT NULL AND run_at > ?1), 0), \
             COALESCE(SUM(state = 1), 0), MIN(CASE WHEN state = 0 THEN enqueued_at END) \
             FROM proign_jobs",
        )
        .bind(self.now())
        .fetch_one(&self.pool)
        .await
        .map_err(QueueError::storage("count jobs"))?;
        let read = |i| -> Result<u64, QueueError> {
            let n: i64 = row.try_get(i).map_err(QueueError::storage("read counts"))?;
            u64::try_from(n).map_err(|_| QueueError::Corrupt { what: "job count" })
        };
        Ok(QueueStats {
            depth: read(0)?,
            leased: read(1)?,
            dead: read(2)?,
            oldest_enqueued_at: row.try_get(3).map_err(QueueError::storage("read counts"))?,
        })
    }

    async fn stats_by_kind(&self) -> Result<Vec<KindStats>, QueueError> {
        let rows = sqlx::query(
            "SELECT kind, COALESCE(SUM(state = 0), 0), COALESCE(SUM(state = 1), 0), \
             MIN(CASE WHEN state = 0 THEN enqueued_at END) FROM proign_jobs WHERE state < 2 \
             GROUP BY kind ORDER BY kind LIMIT ?1",
        )
        .bind(i64::try_from(MAX_KINDS).unwrap_or(1_000))
        .fetch_all(&self.pool)
        .await
        .map_err(QueueError::storage("count jobs by kind"))?;
        rows.iter()
            .map(|r| {
                let read = || Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?));
                kind_stats(read().map_err(QueueError::storage("read counts by kind"))?)
            })
            .collect()
    }

    async fn wait_for_jobs(&self, max: Duration) {
        // Wakes early for jobs enqueued through this handle; other processes are polled.
        let _ = tokio::time::timeout(max, self.notify.notified()).await;
    }
}
