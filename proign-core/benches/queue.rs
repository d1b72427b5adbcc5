//! Jobs per second through the durable queue (enqueue + lease + ack, batches of 32), for each
//! backend with 1 and 4 workers, next to a bare-SQL baseline doing the same inserts and
//! deletes on the same database in the same run.
//!
//! `cargo bench -p proign-core --features sqlite,postgres --bench queue`; the PostgreSQL
//! half runs when `PROIGN_TEST_DATABASE_URL` is set.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use proign_core::queue::postgres::PgQueue;
use proign_core::queue::sqlite::SqliteQueue;
use proign_core::queue::{MemoryQueue, NewJob, Queue};
use sqlx::{PgPool, SqlitePool};

const BATCH: usize = 32;
const PAYLOAD: &[u8] = br#"{"order":820982911946154508,"topic":"orders/updated","total":"199.00"}"#;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Runs `round` `iters` times on each of `workers` tasks; returns the wall time.
async fn timed<F, Fut>(workers: usize, iters: u64, round: F) -> Duration
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let start = Instant::now();
    let tasks: Vec<_> = (0..workers)
        .map(|_| {
            let round = round.clone();
            tokio::spawn(async move {
                for _ in 0..iters {
                    round().await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    start.elapsed()
}

async fn queue_round<Q: Queue>(queue: Arc<Q>) {
    let jobs = (0..BATCH).map(|_| NewJob::new("bench", PAYLOAD)).collect();
    queue.enqueue_batch(jobs).await.unwrap();
    let mut leased = 0;
    while leased < BATCH {
        let leases = queue
            .lease(BATCH - leased, Duration::from_secs(60))
            .await
            .unwrap();
        leased += leases.len();
        queue.ack_batch(&leases).await.unwrap();
        if leases.is_empty() {
            tokio::task::yield_now().await;
        }
    }
}

async fn sqlite_bare_round(pool: SqlitePool) {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
    let mut ids = Vec::with_capacity(BATCH);
    for _ in 0..BATCH {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO bare_jobs (kind, payload, idempotency_key, max_attempts, run_at, \
             enqueued_at) VALUES ('bench', ?1, 'prgn-bare', 5, 0, 0) RETURNING id",
        )
        .bind(PAYLOAD)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        ids.push(id.to_string());
    }
    tx.commit().await.unwrap();
    sqlx::query("DELETE FROM bare_jobs WHERE id IN (SELECT value FROM json_each(?1))")
        .bind(format!("[{}]", ids.join(",")))
        .execute(&pool)
        .await
        .unwrap();
}

async fn pg_bare_round(pool: PgPool, table: Arc<str>) {
    let mut tx = pool.begin().await.unwrap();
    let mut ids = Vec::with_capacity(BATCH);
    let insert = format!(
        "INSERT INTO {table} (kind, payload, idempotency_key, max_attempts, run_at, enqueued_at) \
         VALUES ('bench', $1, 'prgn-bare', 5, 0, 0) RETURNING id"
    );
    for _ in 0..BATCH {
        let id: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(insert.clone()))
            .bind(PAYLOAD)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        ids.push(id);
    }
    tx.commit().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM {table} WHERE id = ANY($1)"
    )))
    .bind(ids)
    .execute(&pool)
    .await
    .unwrap();
}

fn configure<'c>(
    c: &'c mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'c, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group
}

fn memory(c: &mut Criterion) {
    let rt = runtime();
    let mut group = configure(c, "memory");
    for workers in [1, 4] {
        group.throughput(Throughput::Elements((BATCH * workers) as u64));
        let queue = Arc::new(MemoryQueue::new());
        group.bench_function(BenchmarkId::new("queue", workers), |b| {
            b.to_async(&rt).iter_custom(|iters| {
                let queue = queue.clone();
                timed(workers, iters, move || queue_round(queue.clone()))
            });
        });
    }
}

fn sqlite(c: &mut Criterion) {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let queue = Arc::new(
        rt.block_on(SqliteQueue::open(dir.path().join("bench.db")))
            .unwrap(),
    );
    let pool = queue.pool().clone();
    // The baseline's table is the queue's own: its columns, keys and indexes, from the
    // migration the queue ran, so both pay the same for storing a row.
    let migration: Vec<&str> = proign_core::queue::sqlite::MIGRATION
        .lines()
        .filter(|line| !line.trim_start().starts_with("--"))
        .collect();
    let bare_table: String = migration
        .join("\n")
        .split(';')
        .filter(|statement| statement.contains("proign_jobs ("))
        .map(|statement| statement.replace("proign_jobs", "bare_jobs") + ";")
        .collect();
    rt.block_on(sqlx::raw_sql(sqlx::AssertSqlSafe(bare_table)).execute(&pool))
        .unwrap();
    let mut group = configure(c, "sqlite");
    for workers in [1, 4] {
        group.throughput(Throughput::Elements((BATCH * workers) as u64));
        group.bench_function(BenchmarkId::new("queue", workers), |b| {
            b.to_async(&rt).iter_custom(|iters| {
                let queue = queue.clone();
                timed(workers, iters, move || queue_round(queue.clone()))
            });
        });
        group.bench_function(BenchmarkId::new("bare_sql", workers), |b| {
            b.to_async(&rt).iter_custom(|iters| {
                let pool = pool.clone();
                timed(workers, iters, move || sqlite_bare_round(pool.clone()))
            });
        });
    }
}

/// Brings both PostgreSQL tables to the state of tables in use. A running server's
/// autovacuum analyzes a busy table; one created a moment ago has no statistics, and the
/// planner then reads the queue's due index with a bitmap scan, which (unlike an index scan)
/// never marks the entries of deleted rows dead, so every lease in the run would revisit all
/// the rows deleted before it. Both tables get the same treatment: filled with 1,024 rows,
/// analyzed, emptied.
async fn in_use(queue: &PgQueue, pool: &PgPool, schema: &str, table: &str) {
    for _ in 0..32 {
        let jobs = (0..BATCH).map(|_| NewJob::new("bench", PAYLOAD)).collect();
        queue.enqueue_batch(jobs).await.unwrap();
    }
    let fill = format!(
        "INSERT INTO {table} (kind, payload, idempotency_key, max_attempts, run_at, enqueued_at) \
         SELECT 'bench', $1, 'prgn-bare', 5, 0, 0 FROM generate_series(1, 1024)"
    );
    sqlx::query(sqlx::AssertSqlSafe(fill))
        .bind(PAYLOAD)
        .execute(pool)
        .await
        .unwrap();
    let analyze = format!("ANALYZE {schema}.proign_jobs, {table}");
    sqlx::raw_sql(sqlx::AssertSqlSafe(analyze))
        .execute(pool)
        .await
        .unwrap();
    loop {
        let leases = queue.lease(BATCH, Duration::from_secs(60)).await.unwrap();
        if leases.is_empty() {
            break;
        }
        queue.ack_batch(&leases).await.unwrap();
    }
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
        .execute(pool)
        .await
        .unwrap();
}

#[allow(clippy::print_stderr)] // says why the PostgreSQL half did not run
fn postgres(c: &mut Criterion) {
    let Ok(url) = std::env::var("PROIGN_TEST_DATABASE_URL") else {
        eprintln!("PostgreSQL benchmarks skipped: PROIGN_TEST_DATABASE_URL is not set");
        return;
    };
    let rt = runtime();
    let schema = format!("proign_bench_{}", std::process::id());
    let pool = rt
        .block_on(
            sqlx::postgres::PgPoolOptions::new()
                .max_connections(8)
                .connect(&url),
        )
        .unwrap();
    let queue = Arc::new(PgQueue::new(pool.clone(), &schema).unwrap());
    rt.block_on(queue.migrate()).unwrap();
    let table: Arc<str> = format!("{schema}.bare_jobs").into();
    // The baseline's table is the queue's own: its columns, keys and indexes.
    let create = format!("CREATE TABLE {table} (LIKE {schema}.proign_jobs INCLUDING ALL)");
    rt.block_on(sqlx::raw_sql(sqlx::AssertSqlSafe(create)).execute(&pool))
        .unwrap();
    rt.block_on(in_use(&queue, &pool, &schema, &table));
    let mut group = configure(c, "postgres");
    for workers in [1, 4] {
        group.throughput(Throughput::Elements((BATCH * workers) as u64));
        group.bench_function(BenchmarkId::new("queue", workers), |b| {
            b.to_async(&rt).iter_custom(|iters| {
                let queue = queue.clone();
                timed(workers, iters, move || queue_round(queue.clone()))
            });
        });
        group.bench_function(BenchmarkId::new("bare_sql", workers), |b| {
            b.to_async(&rt).iter_custom(|iters| {
                let (pool, table) = (pool.clone(), table.clone());
                timed(workers, iters, move || {
                    pg_bare_round(pool.clone(), table.clone())
                })
            });
        });
    }
    group.finish();
    let drop = format!("DROP SCHEMA {schema} CASCADE");
    rt.block_on(sqlx::raw_sql(sqlx::AssertSqlSafe(drop)).execute(&pool))
        .unwrap();
}

criterion_group!(benches, memory, sqlite, postgres);
criterion_main!(benches);
