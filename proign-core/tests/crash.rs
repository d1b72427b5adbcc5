//! Field case B24: a worker killed with SIGKILL in the middle of a job loses nothing.
//!
//! Each test runs twice over: as the parent, it prepares a queue and starts this same test
//! binary again as a child process (selected with `--exact` and told its role through
//! `PROIGN_CRASH_ROLE`). The child works the queue and gets stuck inside a payment job; the
//! parent kills it with SIGKILL and then works the queue itself, checking that the job runs
//! exactly once more, after its lease, with the same idempotency key, and that a job failing
//! with 503 on every attempt ends in the dead-letter store.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use proign_core::queue::postgres::PgQueue;
use proign_core::queue::sqlite::SqliteQueue;
use proign_core::queue::{Enqueued, NewJob, Queue};
use proign_core::worker::{JobError, Worker, WorkerConfig};

const ROLE: &str = "PROIGN_CRASH_ROLE";
const TARGET: &str = "PROIGN_CRASH_TARGET";
const LOG: &str = "PROIGN_CRASH_LOG";
const URL_VAR: &str = "PROIGN_TEST_DATABASE_URL";
const KEY: &str = "prgn-7f3c2a9e-1b4d-4e8a-9c61-0d2e5f7a8b90";
const PAYMENT: &str = "stripe.create_payment_intent";
const FAILING: &str = "ups.rate";
// Long enough that lease extension keeps up even on a loaded machine.
const VISIBILITY: Duration = Duration::from_secs(5);

fn config() -> WorkerConfig {
    WorkerConfig {
        concurrency: 4,
        visibility: VISIBILITY,
        poll_interval: Duration::from_millis(50),
        shutdown_grace: Duration::from_secs(1),
    }
}

fn append(log: &Path, line: &str) {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    // One write per line: with O_APPEND it lands whole even when two handlers log at once.
    file.write_all(format!("{line}\n").as_bytes()).unwrap();
}

fn lines(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The child: works the queue; the payment handler notes its start and never returns.
async fn child<Q: Queue>(queue: Arc<Q>, log: PathBuf) {
    let failing_log = log.clone();
    let worker = Worker::new(queue, |_| Duration::from_millis(100))
        .with_config(config())
        .handle(PAYMENT, move |job| {
            append(
                &log,
                &format!(
                    "child-start {} {} {}",
                    job.id(),
                    job.attempt(),
                    job.idempotency_key()
                ),
            );
            std::future::pending::<Result<(), JobError>>()
        })
        .handle(FAILING, move |job| {
            append(&failing_log, &format!("child-503 {}", job.attempt()));
            async { Err(JobError::retry("HTTP 503 Service Unavailable")) }
        });
    // Killed long before this; the limit only guards against an orphaned child.
    worker
        .run(tokio::time::sleep(Duration::from_secs(60)))
        .await;
}

/// The parent: prepares the jobs, runs and kills the child, then finishes the work.
async fn parent<Q: Queue>(queue: Arc<Q>, test: &str, target: &str, log: &Path) {
    let payment = NewJob::new(PAYMENT, &br#"{"amount":1999,"currency":"usd"}"#[..])
        .with_idempotency_key(KEY)
        .with_max_attempts(4);
    let Enqueued::New { id, .. } = queue.enqueue(payment).await.unwrap() else {
        panic!("dup")
    };
    let failing = NewJob::new(FAILING, &b"{}"[..]).with_max_attempts(2);
    let Enqueued::New { id: failing_id, .. } = queue.enqueue(failing).await.unwrap() else {
        panic!("dup")
    };

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(ROLE, "child")
        .env(TARGET, target)
        .env(LOG, log)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !lines(log).iter().any(|l| l.starts_with("child-start")) {
        assert!(Instant::now() < deadline, "the child never started the job");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let killed_at = Instant::now();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let runs = Arc::new(Mutex::new(Vec::<(u32, String, Duration)>::new()));
    let seen = runs.clone();
    let failing_log = log.to_path_buf();
    let worker = Worker::new(queue.clone(), |_| Duration::from_millis(100))
        .with_config(config())
        .handle(PAYMENT, move |job| {
            seen.lock().unwrap().push((
                job.attempt(),
                job.idempotency_key().to_owned(),
                killed_at.elapsed(),
            ));
            async { Ok(()) }
        })
        .handle(FAILING, move |job| {
            append(&failing_log, &format!("parent-503 {}", job.attempt()));
            async { Err(JobError::retry("HTTP 503 Service Unavailable")) }
        });
    let watched = queue.clone();
    let settled = async move {
        let limit = Instant::now() + Duration::from_secs(30);
        while watched.stats().await.unwrap().depth > 0 && Instant::now() < limit {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Linger past another lease so a second, wrong run would show.
        tokio::time::sleep(VISIBILITY + Duration::from_millis(500)).await;
    };
    worker.run(settled).await;

    let child_starts: Vec<_> = lines(log)
        .into_iter()
        .filter(|l| l.starts_with("child-start"))
        .collect();
    assert_eq!(child_starts, vec![format!("child-start {id} 1 {KEY}")]);
    let runs = runs.lock().unwrap().clone();
    assert_eq!(
        runs.len(),
        1,
        "the job must run exactly once more: {runs:?}"
    );
    assert_eq!((runs[0].0, runs[0].1.as_str()), (2, KEY));
    assert!(
        runs[0].2 < VISIBILITY * 10,
        "rerun took too long: {:?}",
        runs[0].2
    );

    let stats = queue.stats().await.unwrap();
    assert_eq!((stats.depth, stats.dead), (0, 1));
    let dead = queue
        .dead_letter_by_id(failing_id)
        .await
        .unwrap()
        .expect("dead letter");
    assert_eq!(dead.attempts, 2);
    assert_eq!(
        dead.last_error.as_deref(),
        Some("HTTP 503 Service Unavailable")
    );
    assert!(queue.dead_letter_by_id(id).await.unwrap().is_none());
    assert!(queue.redrive(failing_id).await.unwrap());
    let lease = queue.lease(1, VISIBILITY).await.unwrap().remove(0);
    assert_eq!(
        (lease.job().attempt(), lease.job().idempotency_key()),
        (1, dead.idempotency_key.as_str())
    );
}

async fn sqlite_queue(path: &str) -> Arc<SqliteQueue> {
    Arc::new(SqliteQueue::open(path).await.unwrap())
}

async fn pg_queue(target: &str) -> Arc<PgQueue> {
    let (url, schema) = target.rsplit_once('#').unwrap();
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .connect(url)
        .await
        .unwrap();
    let queue = PgQueue::new(pool, schema).unwrap();
    queue.migrate().await.unwrap();
    Arc::new(queue)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_job_loses_nothing_on_sqlite() {
    if std::env::var(ROLE).is_ok() {
        let target = std::env::var(TARGET).unwrap();
        return child(
            sqlite_queue(&target).await,
            std::env::var(LOG).unwrap().into(),
        )
        .await;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("queue.db");
    let target = db.to_str().unwrap();
    let queue = sqlite_queue(target).await;
    parent(
        queue,
        "sigkill_mid_job_loses_nothing_on_sqlite",
        target,
        &dir.path().join("log"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_job_loses_nothing_on_postgres() {
    if std::env::var(ROLE).is_ok() {
        let target = std::env::var(TARGET).unwrap();
        return child(pg_queue(&target).await, std::env::var(LOG).unwrap().into()).await;
    }
    let Ok(url) = std::env::var(URL_VAR) else {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: PostgreSQL crash test not run because {URL_VAR} is not set"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let schema = format!("proign_crash_{:08x}", std::process::id());
    let target = format!("{url}#{schema}");
    let queue = pg_queue(&target).await;
    parent(
        queue.clone(),
        "sigkill_mid_job_loses_nothing_on_postgres",
        &target,
        &dir.path().join("log"),
    )
    .await;
    let drop = format!("DROP SCHEMA {schema} CASCADE");
    sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
        .execute(queue.pool())
        .await
        .unwrap();
}
