//! PostgreSQL restarted in the middle of the queue's work.
//!
//! Restarting the server disrupts everyone else using it, so these tests run only when
//! `PROIGN_TEST_PG_RESTART=1`, one at a time, against `PROIGN_TEST_PG_RESTART_URL` (else
//! `PROIGN_TEST_DATABASE_URL`). Give them a cluster of their own: CI creates one on port
//! 5433 (see `.ci/run`) so the server other tests use never goes down. They drive the server
//! with `pg_ctlcluster` (as root): the cluster `PROIGN_TEST_PG_CLUSTER` (default `main`) of
//! version `PROIGN_TEST_PG_VERSION` (default the first one installed under
//! `/etc/postgresql`), which must be the one the URL names. A guard starts the server again
//! when a test ends, even by a panic.
//!
//! What they show:
//!
//! - the conformance checks that ran while the server was down may fail, but every round of
//!   checks that starts once it is back passes in full, on the same connection pool;
//! - a worker processing jobs across a stop and start acknowledges every job exactly once,
//!   never sees an acknowledged job again, loses no job it has not acknowledged, and goes on
//!   by itself afterwards;
//! - an idle worker's `LISTEN` connection comes back after a restart, so `NOTIFY` wakes it.

use std::collections::HashMap;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use proign_core::clock::FixedClock;
use proign_core::queue::conformance::{CHECKS, run_check};
use proign_core::queue::postgres::PgQueue;
use proign_core::queue::{Enqueued, NewJob, Queue};
use proign_core::worker::{JobError, JobOutcome, Worker, WorkerConfig};
use sqlx::postgres::{PgPool, PgPoolOptions};
use tokio::sync::MutexGuard;

const URL_VAR: &str = "PROIGN_TEST_PG_RESTART_URL";
const SHARED_URL_VAR: &str = "PROIGN_TEST_DATABASE_URL";
const SWITCH: &str = "PROIGN_TEST_PG_RESTART";

/// Only one test restarts the server at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The cluster under test. Dropping it starts the server if it is down.
struct Server {
    version: String,
    cluster: String,
}

impl Server {
    fn from_env() -> Self {
        let version = std::env::var("PROIGN_TEST_PG_VERSION").unwrap_or_else(|_| {
            let mut versions: Vec<String> = std::fs::read_dir("/etc/postgresql")
                .expect("PostgreSQL's clusters are under /etc/postgresql")
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect();
            versions.sort();
            versions.into_iter().next().expect("an installed version")
        });
        let cluster = std::env::var("PROIGN_TEST_PG_CLUSTER").unwrap_or_else(|_| "main".into());
        Self { version, cluster }
    }

    fn ctl(&self, action: &str) -> bool {
        Command::new("pg_ctlcluster")
            .args([
                "--skip-systemctl-redirect",
                &self.version,
                &self.cluster,
                action,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// `pg_ctlcluster restart`: a fast shutdown (open sessions are cut) and a start.
    async fn restart(&self) {
        let (version, cluster) = (self.version.clone(), self.cluster.clone());
        let ok = tokio::task::spawn_blocking(move || Self { version, cluster }.ctl("restart"))
            .await
            .unwrap();
        assert!(ok, "pg_ctlcluster restart failed");
    }

    /// Stops the server, leaves it down for `pause`, and starts it again.
    async fn stop_for(&self, pause: Duration) {
        let (version, cluster) = (self.version.clone(), self.cluster.clone());
        let server = Self { version, cluster };
        let stopped = tokio::task::spawn_blocking(move || (server.ctl("stop"), server))
            .await
            .unwrap();
        assert!(stopped.0, "pg_ctlcluster stop failed");
        tokio::time::sleep(pause).await;
        let started = tokio::task::spawn_blocking(move || stopped.1.ctl("start"))
            .await
            .unwrap();
        assert!(started, "pg_ctlcluster start failed");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // `status` succeeds only while the server runs.
        if !self.ctl("status") {
            let _ = self.ctl("start");
        }
    }
}

/// The pool, the server guard and the lock, or `None` (said on stderr) when not enabled.
async fn setup() -> Option<(PgPool, Server, MutexGuard<'static, ()>)> {
    let Ok(url) = std::env::var(URL_VAR).or_else(|_| std::env::var(SHARED_URL_VAR)) else {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: PostgreSQL restart test not run because neither {URL_VAR} nor \
             {SHARED_URL_VAR} is set"
        );
        return None;
    };
    if std::env::var(SWITCH).as_deref() != Ok("1") {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: PostgreSQL restart test not run because {SWITCH} is not 1"
        );
        return None;
    }
    let serial = SERIAL.lock().await;
    let server = Server::from_env();
    let pool = PgPoolOptions::new()
        .max_connections(12)
        .acquire_timeout(Duration::from_secs(20))
        .connect(&url)
        .await
        .expect("connect to the test database");
    Some((pool, server, serial))
}

/// A queue in a fresh schema.
async fn fresh(pool: &PgPool) -> Result<PgQueue, proign_core::queue::QueueError> {
    let queue = PgQueue::new(
        pool.clone(),
        &format!("proign_r_{:016x}", fastrand::u64(..)),
    )?;
    queue.migrate().await?;
    Ok(queue)
}

async fn drop_schema(pool: &PgPool, schema: &str) {
    let sql = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
    // Best effort: a leftover schema only costs disk in the test database.
    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(pool).await;
}

/// Waits until the server answers a query through `pool` (hang guard: two minutes).
async fn until_back(pool: &PgPool) {
    let back = async {
        while sqlx::query("SELECT 1").execute(pool).await.is_err() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(120), back)
        .await
        .expect("the server came back");
}

/// One run of one conformance check.
struct Run {
    round: usize,
    check: &'static str,
    started: Instant,
    ended: Instant,
    failure: Option<String>,
}

fn panic_message(error: tokio::task::JoinError) -> String {
    match error.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic without a message".into()),
        Err(error) => error.to_string(),
    }
}

/// Runs every conformance check, round after round, each on a fresh schema, until `rounds`
/// reaches `stop_after`.
async fn conformance_rounds(
    pool: PgPool,
    runs: Arc<Mutex<Vec<Run>>>,
    stop_after: Arc<AtomicUsize>,
) {
    let mut round = 0;
    while round < stop_after.load(Ordering::SeqCst) {
        for check in CHECKS {
            let started = Instant::now();
            let failure = match fresh(&pool).await {
                Err(e) => Some(format!("schema set-up: {e:?}")),
                Ok(queue) => {
                    let schema = queue.schema().to_owned();
                    let clock = FixedClock::at_unix(1_767_225_600);
                    let queue = queue.with_clock(clock.clone());
                    let outcome =
                        tokio::spawn(async move { run_check(check, Arc::new(queue), clock).await })
                            .await;
                    drop_schema(&pool, &schema).await;
                    outcome.err().map(panic_message)
                }
            };
            let ended = Instant::now();
            let run = Run {
                round,
                check,
                started,
                ended,
                failure,
            };
            runs.lock().unwrap().push(run);
        }
        round += 1;
    }
}

fn rounds_done(runs: &Mutex<Vec<Run>>) -> usize {
    runs.lock().unwrap().len() / CHECKS.len()
}

async fn until_rounds(runs: &Mutex<Vec<Run>>, n: usize) {
    while rounds_done(runs) < n {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[allow(clippy::print_stderr)] // what failed during the outage is worth seeing in the log
async fn conformance_checks_pass_again_after_a_restart() {
    let Some((pool, server, _serial)) = setup().await else {
        return;
    };
    let runs = Arc::new(Mutex::new(Vec::new()));
    let stop_after = Arc::new(AtomicUsize::new(usize::MAX));
    let rounds = tokio::spawn(conformance_rounds(
        pool.clone(),
        runs.clone(),
        stop_after.clone(),
    ));

    // One clean round first, then the restart lands in the middle of the second.
    tokio::time::timeout(Duration::from_secs(300), until_rounds(&runs, 1))
        .await
        .expect("a first round of checks finished");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let down = Instant::now();
    server.restart().await;
    until_back(&pool).await;
    let back = Instant::now();
    let in_round = rounds_done(&runs);
    // Two full rounds started after the server was back.
    stop_after.store(in_round + 3, Ordering::SeqCst);
    tokio::time::timeout(Duration::from_secs(600), rounds)
        .await
        .expect("the checks finished")
        .unwrap();

    let runs = runs.lock().unwrap();
    for run in runs.iter().filter(|r| r.failure.is_some()) {
        let overlaps_outage = run.started <= back && run.ended >= down;
        eprintln!(
            "round {} {}: failed ({} the outage): {}",
            run.round,
            run.check,
            if overlaps_outage { "during" } else { "outside" },
            run.failure.as_deref().unwrap_or_default()
        );
        assert!(
            overlaps_outage,
            "{} failed while the server was up",
            run.check
        );
    }
    let after: Vec<&Run> = runs.iter().filter(|r| r.round > in_round).collect();
    assert_eq!(
        after.len(),
        2 * CHECKS.len(),
        "two rounds after the restart"
    );
    assert!(
        after
            .iter()
            .all(|r| r.started > back && r.failure.is_none())
    );
}

/// What the worker test saw of each job, by payload.
#[derive(Default)]
struct Ledger {
    runs: HashMap<String, u32>,
    done: HashMap<String, u32>,
    unsaved: HashMap<String, u32>,
    ran_after_ack: Vec<String>,
    done_after_restart: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_worker_loses_nothing_and_carries_on_across_a_restart() {
    let Some((pool, server, _serial)) = setup().await else {
        return;
    };
    const JOBS: usize = 400;
    let queue = Arc::new(fresh(&pool).await.expect("a fresh schema"));
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let restarted = Arc::new(AtomicBool::new(false));

    // Half the jobs are there before the worker starts; a producer adds the rest while it runs.
    let first: Vec<NewJob> = (0..JOBS / 2).map(job).collect();
    queue.enqueue_batch(first).await.unwrap();
    let producer = tokio::spawn(produce(queue.clone(), JOBS / 2..JOBS, restarted.clone()));

    let (handled, seen, after) = (ledger.clone(), ledger.clone(), restarted.clone());
    let worker = Worker::new(queue.clone(), |_| Duration::from_millis(200))
        .with_config(WorkerConfig {
            concurrency: 4,
            visibility: Duration::from_secs(3),
            poll_interval: Duration::from_millis(200),
            shutdown_grace: Duration::from_secs(2),
        })
        .handle("restart.job", move |job| {
            let payload = String::from_utf8_lossy(job.payload()).into_owned();
            {
                let mut ledger = handled.lock().unwrap();
                if ledger.done.contains_key(&payload) {
                    ledger.ran_after_ack.push(payload.clone());
                }
                *ledger.runs.entry(payload).or_default() += 1;
            }
            async {
                tokio::time::sleep(Duration::from_millis(20)).await;
                Ok::<(), JobError>(())
            }
        })
        .observe(move |job, outcome, _| {
            let payload = String::from_utf8_lossy(job.payload()).into_owned();
            let mut ledger = seen.lock().unwrap();
            match outcome {
                JobOutcome::Done => {
                    *ledger.done.entry(payload).or_default() += 1;
                    if after.load(Ordering::SeqCst) {
                        ledger.done_after_restart += 1;
                    }
                }
                JobOutcome::QueueFailed => *ledger.unsaved.entry(payload).or_default() += 1,
                _ => {}
            }
        });
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(worker.run(async move {
        let _ = stopped.await;
    }));

    let some_done = async {
        while ledger.lock().unwrap().done.len() < JOBS / 4 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(120), some_done)
        .await
        .expect("the worker got going");
    server.stop_for(Duration::from_secs(2)).await;
    restarted.store(true, Ordering::SeqCst);
    until_back(&pool).await;

    let produced = tokio::time::timeout(Duration::from_secs(120), producer)
        .await
        .expect("the producer finished")
        .unwrap();
    let drained = async {
        loop {
            if let Ok(stats) = queue.stats().await
                && stats.depth == 0
                && stats.dead == 0
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(180), drained)
        .await
        .expect("the worker drained the queue by itself after the restart");
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(60), running)
        .await
        .expect("the worker stopped")
        .unwrap();

    assert_eq!(produced, JOBS / 2, "every enqueue was confirmed");
    check(&ledger.lock().unwrap(), JOBS);
    drop_schema(&pool, queue.schema()).await;
}

/// The worker test's verdict on what it saw.
#[allow(clippy::print_stderr)] // the counts are worth seeing in the log
fn check(ledger: &Ledger, jobs: usize) {
    eprintln!(
        "worker across a restart: {jobs} jobs, {} acked, {} with an unconfirmed ack, \
         {} run more than once, {} acked after the restart",
        ledger.done.len(),
        ledger.unsaved.len(),
        ledger.runs.values().filter(|n| **n > 1).count(),
        ledger.done_after_restart
    );
    assert!(
        ledger.ran_after_ack.is_empty(),
        "acknowledged jobs came back: {:?}",
        ledger.ran_after_ack
    );
    assert!(ledger.done.values().all(|n| *n == 1), "a job acked twice");
    for i in 0..jobs {
        let payload = i.to_string();
        assert!(ledger.runs.contains_key(&payload), "job {i} never ran");
        // A job whose ack was never confirmed is gone from the table all the same (the queue
        // is empty), so that ack did commit.
        assert!(
            ledger.done.contains_key(&payload) || ledger.unsaved.contains_key(&payload),
            "job {i} vanished without an ack"
        );
    }
    assert!(
        ledger.done_after_restart > 0,
        "the worker did no work after the restart"
    );
}

fn job(i: usize) -> NewJob {
    NewJob::new("restart.job", i.to_string().into_bytes())
        .with_dedup_key(format!("restart-{i}"))
        .with_max_attempts(50)
}

/// Enqueues `range` one job at a time, retrying each until the queue confirms it (a duplicate
/// answer confirms an earlier attempt that did commit); the last 50 wait for `restarted`, so
/// there is work to do after the restart. Returns how many were confirmed.
async fn produce(
    queue: Arc<PgQueue>,
    range: std::ops::Range<usize>,
    restarted: Arc<AtomicBool>,
) -> usize {
    let mut confirmed = 0;
    let held_back = range.end - 50;
    for i in range {
        while i >= held_back && !restarted.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        loop {
            match queue.enqueue(job(i)).await {
                Ok(Enqueued::New { .. } | Enqueued::Duplicate { .. }) => break,
                Ok(_) | Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        confirmed += 1;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    confirmed
}

/// Whether a backend is listening on `channel`.
async fn listening(pool: &PgPool, channel: &str) -> bool {
    let sql = "SELECT count(*) FROM pg_stat_activity WHERE query ILIKE 'LISTEN%' \
               AND position($1 in query) > 0";
    let n: Result<i64, _> = sqlx::query_scalar(sql).bind(channel).fetch_one(pool).await;
    n.is_ok_and(|n| n > 0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn notify_wakes_an_idle_worker_after_a_restart() {
    let Some((pool, server, _serial)) = setup().await else {
        return;
    };
    let queue = fresh(&pool).await.expect("a fresh schema");
    let channel = format!("{}_proign_jobs", queue.schema());
    queue.wait_for_jobs(Duration::from_millis(10)).await;
    assert!(listening(&pool, &channel).await, "listening before");

    server.restart().await;
    until_back(&pool).await;

    // The first wait may only find the broken connection and return; a later one listens on
    // a fresh connection and must be woken by an enqueue, not by its ten-minute limit.
    let mut woken = false;
    for _ in 0..3 {
        let waiter = queue.clone();
        let mut wait =
            tokio::spawn(async move { waiter.wait_for_jobs(Duration::from_secs(600)).await });
        let subscribed = async {
            while !listening(&pool, &channel).await && !wait.is_finished() {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(60), subscribed)
            .await
            .expect("the wait either listens again or returns");
        if wait.is_finished() {
            continue;
        }
        queue.enqueue(NewJob::new("k", &b"wake"[..])).await.unwrap();
        tokio::time::timeout(Duration::from_secs(60), &mut wait)
            .await
            .expect("NOTIFY woke the idle worker")
            .unwrap();
        woken = true;
        break;
    }
    assert!(woken, "no wait ever listened again after the restart");
    drop_schema(&pool, queue.schema()).await;
}
