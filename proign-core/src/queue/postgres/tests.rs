use std::io::Write as _;
use std::sync::Arc;

use sqlx::postgres::PgPoolOptions;

use super::*;
use crate::clock::FixedClock;
use crate::queue::Queue;

/// The variable naming the test server.
pub(crate) const URL_VAR: &str = "PROIGN_TEST_DATABASE_URL";

/// Drops its schema when the test ends.
pub(crate) struct SchemaGuard {
    pool: PgPool,
    schema: String,
}

impl Drop for SchemaGuard {
    fn drop(&mut self) {
        let (pool, sql) = (
            self.pool.clone(),
            format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema),
        );
        // Best effort: a leftover schema only costs disk in the test database.
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            tokio::task::block_in_place(|| {
                let _ = handle.block_on(sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&pool));
            });
        }
    }
}

/// A queue in a fresh schema of the test server, or `None` (said on stderr) without one.
pub(crate) async fn fresh() -> Option<(PgQueue, Arc<FixedClock>, SchemaGuard)> {
    let Ok(url) = std::env::var(URL_VAR) else {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: PostgreSQL test not run because {URL_VAR} is not set"
        );
        return None;
    };
    let pool = PgPoolOptions::new()
        .max_connections(6)
        .connect(&url)
        .await
        .expect("connect to the test database");
    let schema = format!("proign_t_{:016x}", fastrand::u64(..));
    let clock = FixedClock::at_unix(1_767_225_600);
    let queue = PgQueue::new(pool.clone(), &schema)
        .unwrap()
        .with_clock(clock.clone());
    queue.migrate().await.expect("migrate");
    Some((queue, clock, SchemaGuard { pool, schema }))
}

crate::queue::conformance::queue_conformance!(fresh());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_commits_and_rolls_back_with_the_host_transaction() {
    let Some((queue, _clock, _guard)) = fresh().await else {
        return;
    };
    let mut tx = queue.pool().begin().await.unwrap();
    queue
        .enqueue_in(&mut tx, NewJob::new("k", &b"rolled back"[..]))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(queue.stats().await.unwrap().depth, 0);

    let mut tx = queue.pool().begin().await.unwrap();
    queue
        .enqueue_in(&mut tx, NewJob::new("k", &b"committed"[..]))
        .await
        .unwrap();
    assert_eq!(
        queue.stats().await.unwrap().depth,
        0,
        "visible before commit"
    );
    tx.commit().await.unwrap();
    assert_eq!(queue.stats().await.unwrap().depth, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_wakes_an_idle_worker() {
    let Some((queue, _clock, _guard)) = fresh().await else {
        return;
    };
    let waiter = queue.clone();
    // Subscribe first so the notification cannot be missed.
    queue
        .wait_for_jobs(std::time::Duration::from_millis(10))
        .await;
    let started = std::time::Instant::now();
    let wait = tokio::spawn(async move {
        waiter
            .wait_for_jobs(std::time::Duration::from_secs(20))
            .await
    });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    queue.enqueue(NewJob::new("k", &b"wake"[..])).await.unwrap();
    wait.await.unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "not woken by NOTIFY"
    );
}

#[tokio::test]
async fn schema_names_are_checked() {
    let pool = PgPoolOptions::new()
        .connect_lazy("postgres://localhost/none")
        .unwrap();
    assert!(PgQueue::new(pool.clone(), "proign; DROP TABLE x").is_err());
    assert!(PgQueue::new(pool.clone(), "1abc").is_err());
    assert!(PgQueue::new(pool, "proign_shop").is_ok());
}

/// The `postgres` feature builds sqlx with TLS (rustls, the system's trusted roots), so a
/// host's `sslmode` is honoured: `require` gives an encrypted session the queue works over,
/// and `verify-full` refuses a server certificate that no trusted authority signed (the
/// test server's is self-signed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_works_over_tls_and_certificates_are_checked_when_asked() {
    use sqlx::postgres::{PgConnectOptions, PgSslMode};

    let Ok(url) = std::env::var(URL_VAR) else {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: PostgreSQL TLS test not run because {URL_VAR} is not set"
        );
        return;
    };
    let options: PgConnectOptions = url.parse().expect("a PostgreSQL URL");
    let plain = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options.clone().ssl_mode(PgSslMode::Disable))
        .await
        .expect("connect to the test database without TLS");
    let ssl: String = sqlx::query_scalar("SHOW ssl")
        .fetch_one(&plain)
        .await
        .unwrap();
    if ssl != "on" {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: PostgreSQL TLS test not run because the test server has ssl = {ssl}"
        );
        return;
    }

    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options.clone().ssl_mode(PgSslMode::Require))
        .await
        .expect("connect with sslmode=require");
    let encrypted: bool =
        sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(encrypted, "sslmode=require gave a session without TLS");

    let schema = format!("proign_t_{:016x}", fastrand::u64(..));
    let queue = PgQueue::new(pool.clone(), &schema).unwrap();
    let _guard = SchemaGuard {
        pool: pool.clone(),
        schema,
    };
    queue.migrate().await.unwrap();
    queue
        .enqueue(NewJob::new("tls.check", &b"{\"over\":\"tls\"}"[..]))
        .await
        .unwrap();
    let leases = queue
        .lease(8, std::time::Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(leases.len(), 1);
    assert_eq!(&leases[0].job().payload()[..], b"{\"over\":\"tls\"}");
    queue.ack(&leases[0]).await.unwrap();
    assert_eq!(queue.stats().await.unwrap().depth, 0);

    let refused = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_secs(10))
        .connect_with(options.ssl_mode(PgSslMode::VerifyFull))
        .await;
    // rustls reports the refused certificate as invalid data on the connection.
    match refused {
        Err(sqlx::Error::Tls(_)) => {}
        Err(sqlx::Error::Io(error))
            if error.kind() == std::io::ErrorKind::InvalidData
                && error.to_string().contains("certificate") => {}
        other => panic!("verify-full accepted or failed otherwise: {other:?}"),
    }
}
