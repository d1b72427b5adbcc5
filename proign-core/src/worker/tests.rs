use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::*;
use crate::queue::{Lease, MemoryQueue, NewJob, Queue, QueueError};

fn fast() -> WorkerConfig {
    WorkerConfig {
        concurrency: 2,
        visibility: Duration::from_millis(300),
        poll_interval: Duration::from_millis(20),
        shutdown_grace: Duration::from_millis(200),
    }
}

async fn until_empty(queue: Arc<MemoryQueue>) {
    while queue.stats().await.unwrap().depth > 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn no_wait(_: u32) -> Duration {
    Duration::ZERO
}

#[tokio::test]
async fn failures_retry_then_dead_letter_and_panics_count() {
    let queue = Arc::new(MemoryQueue::new());
    queue
        .enqueue(NewJob::new("boom", &b""[..]).with_max_attempts(3))
        .await
        .unwrap();
    queue
        .enqueue(NewJob::new("flaky", &b""[..]).with_max_attempts(3))
        .await
        .unwrap();
    queue
        .enqueue(NewJob::new("unknown", &b""[..]))
        .await
        .unwrap();
    let flaky_runs = Arc::new(AtomicU32::new(0));
    let runs = flaky_runs.clone();
    let outcomes = Arc::new(Mutex::new(Vec::new()));
    let seen = outcomes.clone();
    let worker = Worker::new(queue.clone(), no_wait)
        .with_config(fast())
        .handle("boom", |job| async move {
            assert!(job.kind() != "boom", "handler bug");
            Ok(())
        })
        .handle("flaky", move |job| {
            runs.fetch_add(1, Ordering::SeqCst);
            async move {
                match job.attempt() {
                    1 => Err(JobError::retry("HTTP 503")),
                    _ => Ok(()),
                }
            }
        })
        .observe(move |job, outcome, _| {
            seen.lock()
                .unwrap()
                .push((job.kind().to_owned(), outcome.clone()));
        });
    tokio::time::timeout(
        Duration::from_secs(10),
        worker.run(until_empty(queue.clone())),
    )
    .await
    .unwrap();
    assert_eq!(flaky_runs.load(Ordering::SeqCst), 2);
    let dead = queue.dead_letters(None, 10).await.unwrap();
    let mut kinds: Vec<_> = dead.iter().map(|d| (d.kind.as_str(), d.attempts)).collect();
    kinds.sort();
    assert!(kinds[0].0 == "boom" && kinds[0].1 >= 1, "{kinds:?}");
    assert_eq!(kinds[1], ("unknown", 1));
    let boom_error = dead
        .iter()
        .find(|d| d.kind == "boom")
        .unwrap()
        .last_error
        .clone();
    assert!(boom_error.unwrap().contains("panicked"));
    assert_eq!(dead.iter().find(|d| d.kind == "boom").unwrap().attempts, 3);
    let outcomes = outcomes.lock().unwrap();
    assert!(outcomes.contains(&("flaky".into(), JobOutcome::Done)));
}

#[tokio::test]
async fn a_requested_delay_wins_over_the_backoff() {
    let queue = Arc::new(MemoryQueue::new());
    queue
        .enqueue(NewJob::new("stripe", &b""[..]))
        .await
        .unwrap();
    let worker = Worker::new(queue.clone(), no_wait)
        .with_config(fast())
        .handle("stripe", |_| async {
            Err(JobError::retry_after(
                "429 Too Many Requests",
                Duration::from_secs(90),
            ))
        });
    worker
        .run(tokio::time::sleep(Duration::from_millis(200)))
        .await;
    // Waiting 90 s: still in the queue, not leased, not retried early.
    let stats = queue.stats().await.unwrap();
    assert_eq!((stats.depth, stats.leased, stats.dead), (1, 0, 0));
    assert!(
        queue
            .lease(1, Duration::from_secs(1))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn slow_handlers_keep_their_lease_and_concurrency_is_bounded() {
    let queue = Arc::new(MemoryQueue::new());
    for i in 0..6 {
        queue.enqueue(NewJob::new("slow", vec![i])).await.unwrap();
    }
    let running = Arc::new(AtomicU32::new(0));
    let peak = Arc::new(AtomicU32::new(0));
    let runs = Arc::new(AtomicU32::new(0));
    let (r, p, n) = (running.clone(), peak.clone(), runs.clone());
    let worker = Worker::new(queue.clone(), no_wait)
        .with_config(fast())
        .handle("slow", move |_| {
            let (r, p, n) = (r.clone(), p.clone(), n.clone());
            async move {
                n.fetch_add(1, Ordering::SeqCst);
                let now = r.fetch_add(1, Ordering::SeqCst) + 1;
                p.fetch_max(now, Ordering::SeqCst);
                // Longer than the 300 ms lease: only extension keeps it.
                tokio::time::sleep(Duration::from_millis(500)).await;
                r.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            }
        });
    tokio::time::timeout(
        Duration::from_secs(10),
        worker.run(until_empty(queue.clone())),
    )
    .await
    .unwrap();
    assert_eq!(peak.load(Ordering::SeqCst), 2);
    assert_eq!(
        runs.load(Ordering::SeqCst),
        6,
        "a job ran twice: its lease was not extended"
    );
}

#[tokio::test]
async fn shutdown_releases_what_does_not_finish_in_time() {
    let queue = Arc::new(MemoryQueue::new());
    queue.enqueue(NewJob::new("stuck", &b""[..])).await.unwrap();
    let worker = Worker::new(queue.clone(), no_wait)
        .with_config(fast())
        .handle("stuck", |_| async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        });
    tokio::time::timeout(
        Duration::from_secs(5),
        worker.run(tokio::time::sleep(Duration::from_millis(100))),
    )
    .await
    .expect("shutdown finished");
    let leases = queue.lease(1, Duration::from_secs(1)).await.unwrap();
    assert_eq!(leases.len(), 1, "released job is due again");
    assert_eq!(
        leases[0].job().attempt(),
        1,
        "a released attempt is not counted"
    );
}

/// A memory queue whose first `failures` acks fail with a storage error, as during a database
/// restart.
struct FlakyAcks {
    inner: MemoryQueue,
    failures: AtomicU32,
}

impl Queue for FlakyAcks {
    async fn enqueue(&self, job: NewJob) -> Result<crate::queue::Enqueued, QueueError> {
        self.inner.enqueue(job).await
    }
    async fn lease(&self, max: usize, visibility: Duration) -> Result<Vec<Lease>, QueueError> {
        self.inner.lease(max, visibility).await
    }
    async fn ack(&self, lease: &Lease) -> Result<(), QueueError> {
        let failing = self
            .failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if failing.is_ok() {
            let source = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
            return Err(QueueError::Storage {
                action: "ack a job",
                source: Box::new(source),
            });
        }
        self.inner.ack(lease).await
    }
    async fn retry(
        &self,
        lease: &Lease,
        delay: Duration,
        error: &str,
    ) -> Result<crate::queue::RetryOutcome, QueueError> {
        self.inner.retry(lease, delay, error).await
    }
    async fn dead_letter(&self, lease: &Lease, error: &str) -> Result<(), QueueError> {
        self.inner.dead_letter(lease, error).await
    }
    async fn extend(&self, lease: &Lease, visibility: Duration) -> Result<i64, QueueError> {
        self.inner.extend(lease, visibility).await
    }
    async fn release(&self, lease: &Lease) -> Result<(), QueueError> {
        self.inner.release(lease).await
    }
    async fn jobs(
        &self,
        after: Option<crate::queue::JobId>,
        limit: usize,
    ) -> Result<Vec<crate::queue::JobSummary>, QueueError> {
        self.inner.jobs(after, limit).await
    }
    async fn dead_letters(
        &self,
        after: Option<crate::queue::JobId>,
        limit: usize,
    ) -> Result<Vec<crate::queue::DeadLetter>, QueueError> {
        self.inner.dead_letters(after, limit).await
    }
    async fn dead_letter_by_id(
        &self,
        id: crate::queue::JobId,
    ) -> Result<Option<crate::queue::DeadLetter>, QueueError> {
        self.inner.dead_letter_by_id(id).await
    }
    async fn redrive(&self, id: crate::queue::JobId) -> Result<bool, QueueError> {
        self.inner.redrive(id).await
    }
    async fn purge_dead_letter(&self, id: crate::queue::JobId) -> Result<bool, QueueError> {
        self.inner.purge_dead_letter(id).await
    }
    async fn stats(&self) -> Result<crate::queue::QueueStats, QueueError> {
        self.inner.stats().await
    }
    async fn stats_by_kind(&self) -> Result<Vec<crate::queue::KindStats>, QueueError> {
        self.inner.stats_by_kind().await
    }
}

#[tokio::test]
async fn an_ack_lost_to_a_storage_error_is_saved_again_not_rerun() {
    let queue = Arc::new(FlakyAcks {
        inner: MemoryQueue::new(),
        failures: AtomicU32::new(3),
    });
    queue.enqueue(NewJob::new("k", &b""[..])).await.unwrap();
    let runs = Arc::new(AtomicU32::new(0));
    let outcomes = Arc::new(Mutex::new(Vec::new()));
    let (n, seen) = (runs.clone(), outcomes.clone());
    let config = WorkerConfig {
        visibility: Duration::from_secs(5),
        ..fast()
    };
    let worker = Worker::new(queue.clone(), no_wait)
        .with_config(config)
        .handle("k", move |_| {
            n.fetch_add(1, Ordering::SeqCst);
            async { Ok(()) }
        })
        .observe(move |_, outcome, _| seen.lock().unwrap().push(outcome.clone()));
    let watched = queue.clone();
    let empty = async move {
        while watched.stats().await.unwrap().depth > 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), worker.run(empty))
        .await
        .expect("the worker finished");
    assert_eq!(
        queue.failures.load(Ordering::SeqCst),
        0,
        "three acks failed"
    );
    assert_eq!(runs.load(Ordering::SeqCst), 1, "the job ran again");
    assert_eq!(*outcomes.lock().unwrap(), vec![JobOutcome::Done]);
}
