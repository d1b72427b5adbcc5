//! The worker's loop and the life of one attempt.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use super::{Backoff, Handler, JobError, JobOutcome, Observer, Worker};
use crate::queue::{Lease, Queue, QueueError, RetryOutcome};

struct Shared<Q> {
    queue: Arc<Q>,
    backoff: Arc<dyn Backoff>,
    observer: Option<Observer>,
    visibility: Duration,
}

pub(super) async fn run<Q: Queue>(worker: Worker<Q>, shutdown: impl Future<Output = ()> + Send) {
    let config = worker.config;
    let handlers = Arc::new(worker.handlers);
    let shared = Arc::new(Shared {
        queue: worker.queue,
        backoff: worker.backoff,
        observer: worker.observer,
        visibility: config.visibility,
    });
    let permits = Arc::new(Semaphore::new(config.concurrency));
    let (release_tx, release_rx) = watch::channel(false);
    let mut tasks = JoinSet::new();
    tokio::pin!(shutdown);

    loop {
        while tasks.try_join_next().is_some() {}
        let free = permits.available_permits();
        if free == 0 {
            tokio::select! {
                () = &mut shutdown => break,
                _ = tasks.join_next() => continue,
            }
        }
        // A storage error is treated like an empty queue: wait, then ask again.
        let leases = shared
            .queue
            .lease(free, config.visibility)
            .await
            .unwrap_or_default();
        if leases.is_empty() {
            tokio::select! {
                () = &mut shutdown => break,
                () = shared.queue.wait_for_jobs(config.poll_interval) => continue,
            }
        }
        for lease in leases {
            let Ok(permit) = permits.clone().try_acquire_owned() else {
                // Cannot happen (we leased no more than the free permits); give it back.
                let _ = shared.queue.release(&lease).await;
                continue;
            };
            let handler = handlers.get(lease.job().kind()).cloned();
            let (shared, release) = (shared.clone(), release_rx.clone());
            tasks.spawn(async move {
                attempt(&shared, handler, lease, release).await;
                drop(permit);
            });
        }
    }

    let drained = tokio::time::timeout(config.shutdown_grace, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        let _ = release_tx.send(true);
        while tasks.join_next().await.is_some() {}
    }
}

async fn attempt<Q: Queue>(
    shared: &Shared<Q>,
    handler: Option<Handler>,
    mut lease: Lease,
    mut release: watch::Receiver<bool>,
) {
    let started = Instant::now();
    let Some(handler) = handler else {
        let error = format!("no handler registered for job kind {}", lease.job().kind());
        let outcome = settle(shared, &lease, Err(JobError::permanent(error))).await;
        return report(shared, &lease, &outcome, started);
    };
    let mut running = tokio::spawn(handler(lease.job().clone()));
    let every = shared.visibility / 3;
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    let result = loop {
        tokio::select! {
            joined = &mut running => break joined,
            _ = ticker.tick() => match shared.queue.extend(&lease, shared.visibility).await {
                Ok(until) => lease.set_expires_at(until),
                Err(QueueError::LeaseLost { .. }) => {
                    running.abort();
                    return report(shared, &lease, &JobOutcome::LeaseLost, started);
                }
                // A passing storage hiccup: try again at the next tick.
                Err(_) => {}
            },
            changed = release.changed() => if changed.is_ok() && *release.borrow() {
                running.abort();
                let outcome = match shared.queue.release(&lease).await {
                    Ok(()) => JobOutcome::Released,
                    Err(QueueError::LeaseLost { .. }) => JobOutcome::LeaseLost,
                    Err(_) => JobOutcome::QueueFailed,
                };
                return report(shared, &lease, &outcome, started);
            },
        }
    };
    let result = match result {
        Ok(result) => result,
        Err(joined) if joined.is_panic() => Err(JobError::retry("the handler panicked")),
        Err(_) => Err(JobError::retry("the handler was cancelled")),
    };
    let outcome = settle(shared, &lease, result).await;
    report(shared, &lease, &outcome, started);
}

/// The first pause before saving a result again after a storage error; it doubles up to
/// [`SAVE_PAUSE_MAX`].
const SAVE_PAUSE: Duration = Duration::from_millis(50);
const SAVE_PAUSE_MAX: Duration = Duration::from_secs(1);

/// Saves the attempt's result. A storage error (the database restarting, a dropped
/// connection) is retried with a growing pause for up to one visibility period, so a passing
/// outage does not make a finished job run again; the lease token keeps a late save from
/// touching a job another worker has taken since.
async fn settle<Q: Queue>(
    shared: &Shared<Q>,
    lease: &Lease,
    result: Result<(), JobError>,
) -> JobOutcome {
    let delay = match &result {
        Err(error) if !error.permanent => error
            .retry_after
            .unwrap_or_else(|| shared.backoff.delay(lease.job().attempt())),
        _ => Duration::ZERO,
    };
    let give_up = Instant::now() + shared.visibility;
    let mut pause = SAVE_PAUSE;
    loop {
        match save(shared, lease, &result, delay).await {
            Ok(outcome) => return outcome,
            Err(QueueError::LeaseLost { .. }) => return JobOutcome::LeaseLost,
            Err(QueueError::Storage { .. }) if Instant::now() + pause < give_up => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(SAVE_PAUSE_MAX);
            }
            Err(_) => return JobOutcome::QueueFailed,
        }
    }
}

async fn save<Q: Queue>(
    shared: &Shared<Q>,
    lease: &Lease,
    result: &Result<(), JobError>,
    delay: Duration,
) -> Result<JobOutcome, QueueError> {
    match result {
        Ok(()) => shared.queue.ack(lease).await.map(|()| JobOutcome::Done),
        Err(error) if error.permanent => shared
            .queue
            .dead_letter(lease, &error.message)
            .await
            .map(|()| JobOutcome::DeadLettered),
        Err(error) => shared
            .queue
            .retry(lease, delay, &error.message)
            .await
            .map(|outcome| match outcome {
                RetryOutcome::Scheduled { at } => JobOutcome::Retrying { at },
                _ => JobOutcome::DeadLettered,
            }),
    }
}

fn report<Q>(shared: &Shared<Q>, lease: &Lease, outcome: &JobOutcome, started: Instant) {
    if let Some(observer) = &shared.observer {
        observer(lease.job(), outcome, started.elapsed());
    }
}
