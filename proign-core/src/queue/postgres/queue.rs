//! [`Queue`] for [`PgQueue`].

use std::time::Duration;

use sqlx::Row as _;
use sqlx::postgres::PgListener;

use super::{PgQueue, raw};
use crate::queue::job::kind_stats;
use crate::queue::{
    DeadLetter, Enqueued, JobId, JobSummary, KindStats, Lease, LeaseToken, MAX_KINDS,
    MAX_LEASE_BATCH, NewJob, Queue, QueueError, QueueStats, RetryOutcome, UnixMillis, after,
    new_token, redact_error,
};

fn lost(lease: &Lease) -> QueueError {
    QueueError::LeaseLost { id: lease.job.id }
}

impl PgQueue {
    /// Acks the jobs `ids` held by `token` in one statement: deletes those without a dedup
    /// key and turns the others into markers kept for the dedup retention. Both parts only
    /// touch rows still held by `token`, so a job is finished once.
    async fn finish(&self, token: LeaseToken, ids: Vec<i64>) -> Result<usize, QueueError> {
        let now = self.now();
        let sql = self.sql(
            "WITH gone AS (DELETE FROM {s}.proign_jobs WHERE lease_token = $1 AND state = 0 \
             AND id = ANY($2) AND (dedup_key IS NULL OR NOT $3) RETURNING id), \
             kept AS (UPDATE {s}.proign_jobs SET state = 2, payload = '', lease_token = NULL, \
             last_error = NULL, dead_at = $4, run_at = $5 WHERE lease_token = $1 AND state = 0 \
             AND id = ANY($2) AND dedup_key IS NOT NULL AND $3 RETURNING id) \
             SELECT (SELECT COUNT(*) FROM gone) + (SELECT COUNT(*) FROM kept)",
        );
        let done: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(token.0)
            .bind(ids)
            .bind(!self.dedup_retention.is_zero())
            .bind(now)
            .bind(after(now, self.dedup_retention))
            .fetch_one(&self.pool)
            .await
            .map_err(QueueError::storage("ack jobs"))?;
        Ok(usize::try_from(done).unwrap_or(usize::MAX))
    }
}

impl Queue for PgQueue {
    async fn enqueue(&self, job: NewJob) -> Result<Enqueued, QueueError> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(QueueError::storage("connect"))?;
        self.enqueue_in(&mut conn, job).await
    }

    async fn enqueue_batch(&self, jobs: Vec<NewJob>) -> Result<Vec<Enqueued>, QueueError> {
        let now = self.now();
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(QueueError::storage("begin a batch"))?;
        let mut out = Vec::with_capacity(jobs.len());
        for job in jobs {
            out.push(self.insert(&mut tx, job, now).await?);
        }
        self.notify_on(&mut tx).await?;
        tx.commit()
            .await
            .map_err(QueueError::storage("commit a batch"))?;
        Ok(out)
    }

    async fn lease(&self, max: usize, visibility: Duration) -> Result<Vec<Lease>, QueueError> {
        let now = self.now();
        let token = new_token();
        let sweep = self.sql(
            "UPDATE {s}.proign_jobs SET state = 1, dead_at = $1, lease_token = NULL, \
             last_error = COALESCE(last_error, 'lease expired on the last attempt') \
             WHERE state = 0 AND run_at <= $1 AND attempts >= max_attempts",
        );
        if self.sweep_due(now) {
            sqlx::query(sqlx::AssertSqlSafe(sweep))
                .bind(now)
                .execute(&self.pool)
                .await
                .map_err(QueueError::storage("dead-letter expired final attempts"))?;
            let expired = self.sql("DELETE FROM {s}.proign_jobs WHERE state = 2 AND run_at <= $1");
            sqlx::query(sqlx::AssertSqlSafe(expired))
                .bind(now)
                .execute(&self.pool)
                .await
                .map_err(QueueError::storage("remove expired dedup markers"))?;
        }
        // The picked ids are gathered into an array first, so the update finds each row
        // through the primary key; joined to the pick instead, it was planned as a hash join
        // over a sequential scan of the whole table, dead rows included.
        let sql = self.sql(
            "UPDATE {s}.proign_jobs SET attempts = attempts + 1, run_at = $1, lease_token = $2 \
             WHERE id = ANY(ARRAY(SELECT id FROM {s}.proign_jobs WHERE state = 0 \
             AND run_at <= $3 AND attempts < max_attempts ORDER BY run_at, id LIMIT $4 \
             FOR UPDATE SKIP LOCKED)) RETURNING {cols}",
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(after(now, visibility))
            .bind(token.0)
            .bind(now)
            .bind(i64::try_from(max.min(MAX_LEASE_BATCH)).unwrap_or(1))
            .fetch_all(&self.pool)
            .await
            .map_err(QueueError::storage("lease jobs"))?;
        let mut leases: Vec<Lease> = rows
            .iter()
            .map(|row| {
                raw(row)
                    .map_err(QueueError::storage("read a leased job"))?
                    .into_lease(token)
            })
            .collect::<Result<_, _>>()?;
        leases.sort_by_key(|l| l.job.id);
        Ok(leases)
    }

    async fn ack(&self, lease: &Lease) -> Result<(), QueueError> {
        if self.finish(lease.token, vec![lease.job.id.0]).await? == 0 {
            return Err(lost(lease));
        }
        Ok(())
    }

    async fn ack_batch(&self, leases: &[Lease]) -> Result<usize, QueueError> {
        let mut held = 0;
        let mut tokens: Vec<_> = leases.iter().map(|l| l.token).collect();
        tokens.sort_unstable_by_key(|t| t.0);
        tokens.dedup();
        for token in tokens {
            let ids: Vec<i64> = leases
                .iter()
                .filter(|l| l.token == token)
                .map(|l| l.job.id.0)
                .collect();
            held += self.finish(token, ids).await?;
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
        let sql = self.sql(
            "UPDATE {s}.proign_jobs SET lease_token = NULL, last_error = $1, \
             state = CASE WHEN attempts >= max_attempts THEN 1 ELSE 0 END, \
             dead_at = CASE WHEN attempts >= max_attempts THEN $2 ELSE NULL END, \
             run_at = $3 WHERE id = $4 AND lease_token = $5 AND state = 0 RETURNING state",
        );
        let state: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(redact_error(error))
            .bind(now)
            .bind(at)
            .bind(lease.job.id.0)
            .bind(lease.token.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(QueueError::storage("record a failed attempt"))?;
        match state {
            None => Err(lost(lease)),
            Some(1) => Ok(RetryOutcome::DeadLettered),
            Some(_) => Ok(RetryOutcome::Scheduled { at }),
        }
    }

    async fn dead_letter(&self, lease: &Lease, error: &str) -> Result<(), QueueError> {
        let sql = self.sql(
            "UPDATE {s}.proign_jobs SET lease_token = NULL, last_error = $1, state = 1, \
             dead_at = $2 WHERE id = $3 AND lease_token = $4 AND state = 0",
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(redact_error(error))
            .bind(self.now())
            .bind(lease.job.id.0)
            .bind(lease.token.0)
            .execute(&self.pool)
            .await
            .map_err(QueueError::storage("dead-letter a job"))?;
        if done.rows_affected() == 0 {
            return Err(lost(lease));
        }
        Ok(())
    }

    async fn extend(&self, lease: &Lease, visibility: Duration) -> Result<UnixMillis, QueueError> {
        let until = after(self.now(), visibility);
        let sql = self.sql(
            "UPDATE {s}.proign_jobs SET run_at = $1 WHERE id = $2 AND lease_token = $3 \
             AND state = 0",
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(until)
            .bind(lease.job.id.0)
            .bind(lease.token.0)
            .execute(&self.pool)
            .await
            .map_err(QueueError::storage("extend a lease"))?;
        if done.rows_affected() == 0 {
            return Err(lost(lease));
        }
        Ok(until)
    }

    async fn release(&self, lease: &Lease) -> Result<(), QueueError> {
        let sql = self.sql(
            "UPDATE {s}.proign_jobs SET run_at = $1, lease_token = NULL, \
             attempts = attempts - 1 WHERE id = $2 AND lease_token = $3 AND state = 0",
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(self.now())
            .bind(lease.job.id.0)
            .bind(lease.token.0)
            .execute(&self.pool)
            .await
            .map_err(QueueError::storage("release a lease"))?;
        if done.rows_affected() == 0 {
            return Err(lost(lease));
        }
        Ok(())
    }

    async fn jobs(
        &self,
        after: Option<JobId>,
        limit: usize,
    ) -> Result<Vec<JobSummary>, QueueError> {
        let now = self.now();
        let sql = self.sql(
            "SELECT id, kind, attempts, max_attempts, run_at, enqueued_at, last_error, \
             octet_length(payload)::BIGINT, lease_token IS NOT NULL FROM {s}.proign_jobs \
             WHERE state = 0 AND id > $1 ORDER BY id LIMIT $2",
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
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
        let sql = self.sql(
            "SELECT {cols} FROM {s}.proign_jobs WHERE state = 1 AND id > $1 ORDER BY id LIMIT $2",
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
        let sql = self.sql("SELECT {cols} FROM {s}.proign_jobs WHERE state = 1 AND id = $1");
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
        let sql = self.sql(
            "UPDATE {s}.proign_jobs SET state = 0, attempts = 0, dead_at = NULL, run_at = $1 \
             WHERE id = $2 AND state = 1",
        );
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(QueueError::storage("connect"))?;
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(self.now())
            .bind(id.0)
            .execute(&mut *conn)
            .await
            .map_err(QueueError::storage("redrive a dead letter"))?;
        self.notify_on(&mut conn).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn purge_dead_letter(&self, id: JobId) -> Result<bool, QueueError> {
        let sql = self.sql("DELETE FROM {s}.proign_jobs WHERE id = $1 AND state = 1");
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .execute(&self.pool)
            .await
            .map_err(QueueError::storage("purge a dead letter"))?;
        Ok(done.rows_affected() == 1)
    }

    async fn stats(&self) -> Result<QueueStats, QueueError> {
        let sql = self.sql(
            "SELECT COUNT(*) FILTER (WHERE state = 0), \
             COUNT(*) FILTER (WHERE state = 0 AND lease_token IS NOT NULL AND run_at > $1), \
             COUNT(*) FILTER (WHERE state = 1), MIN(enqueued_at) FILTER (WHERE state = 0) \
             FROM {s}.proign_jobs",
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
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
        let sql = self.sql(
            "SELECT kind, COUNT(*) FILTER (WHERE state = 0), COUNT(*) FILTER (WHERE state = 1), \
             MIN(enqueued_at) FILTER (WHERE state = 0) FROM {s}.proign_jobs WHERE state < 2 \
             GROUP BY kind ORDER BY kind LIMIT $1",
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
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
        let mut slot = self.listener.lock().await;
        if slot.is_none() {
            let mut listener = match PgListener::connect_with(&self.pool).await {
                Ok(listener) => listener,
                Err(_) => return tokio::time::sleep(max).await,
            };
            if listener.listen(&self.channel).await.is_err() {
                return tokio::time::sleep(max).await;
            }
            *slot = Some(listener);
        }
        if let Some(listener) = slot.as_mut()
            && let Ok(Err(_)) = tokio::time::timeout(max, listener.recv()).await
        {
            // The connection broke; a fresh listener is made on the next wait.
            *slot = None;
        }
    }
}
