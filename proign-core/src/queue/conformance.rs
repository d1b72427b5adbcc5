//! The behaviour every queue backend must show, run by each backend's tests through
//! `queue_conformance!`, and by out-of-crate fault tests (feature `conformance`) through
//! [`run_check`]. Not a stable API.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::stores::{Checkpoint, CheckpointStore, DedupStore, ScheduleStore};
use super::{Enqueued, JobId, NewJob, Queue, QueueError, RetryOutcome};
use crate::clock::FixedClock;

const VIS: Duration = Duration::from_secs(30);

/// Generates one `#[tokio::test]` per conformance check. `$factory` is an async expression
/// giving `Option<(queue, Arc<FixedClock>, guard)>`, where the guard keeps the backend's
/// resources (a temp dir, a schema) alive for the check; `None` means the backend is not available here
/// (the factory has already said why), and the check returns.
#[cfg(test)]
macro_rules! queue_conformance {
    ($factory:expr) => {
        $crate::queue::conformance::queue_conformance!(@each $factory;
            enqueue_lease_ack, unacked_job_returns_with_next_attempt, retry_waits_for_its_time,
            last_attempt_dead_letters_atomically, dedup_reports_duplicates, stale_lease_is_fenced,
            workers_never_share_a_job, redrive_resets_attempts_keeps_key,
            release_and_extend, dedup_claims_have_one_winner, checkpoints_and_schedules,
            backlog_by_kind, jobs_lists_live_jobs);
    };
    (@each $factory:expr; $($check:ident),*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $check() {
                if let Some((queue, clock, _guard)) = $factory.await {
                    $crate::queue::conformance::$check(std::sync::Arc::new(queue), clock).await;
                }
            }
        )*
    };
}

#[cfg(test)]
pub(crate) use queue_conformance;

/// The names of the checks [`run_check`] knows.
pub const CHECKS: [&str; 13] = [
    "enqueue_lease_ack",
    "unacked_job_returns_with_next_attempt",
    "retry_waits_for_its_time",
    "last_attempt_dead_letters_atomically",
    "dedup_reports_duplicates",
    "stale_lease_is_fenced",
    "workers_never_share_a_job",
    "redrive_resets_attempts_keeps_key",
    "release_and_extend",
    "dedup_claims_have_one_winner",
    "checkpoints_and_schedules",
    "backlog_by_kind",
    "jobs_lists_live_jobs",
];

/// Runs the check called `name` (one of [`CHECKS`]) on a fresh queue whose clock is `clock`.
/// A check that fails panics, like a test.
pub async fn run_check<Q>(name: &str, q: Arc<Q>, clock: Clock)
where
    Q: Queue + DedupStore + CheckpointStore + ScheduleStore,
{
    match name {
        "enqueue_lease_ack" => enqueue_lease_ack(q, clock).await,
        "unacked_job_returns_with_next_attempt" => {
            unacked_job_returns_with_next_attempt(q, clock).await;
        }
        "retry_waits_for_its_time" => retry_waits_for_its_time(q, clock).await,
        "last_attempt_dead_letters_atomically" => {
            last_attempt_dead_letters_atomically(q, clock).await;
        }
        "dedup_reports_duplicates" => dedup_reports_duplicates(q, clock).await,
        "stale_lease_is_fenced" => stale_lease_is_fenced(q, clock).await,
        "workers_never_share_a_job" => workers_never_share_a_job(q, clock).await,
        "redrive_resets_attempts_keeps_key" => redrive_resets_attempts_keeps_key(q, clock).await,
        "release_and_extend" => release_and_extend(q, clock).await,
        "dedup_claims_have_one_winner" => dedup_claims_have_one_winner(q, clock).await,
        "checkpoints_and_schedules" => checkpoints_and_schedules(q, clock).await,
        "backlog_by_kind" => backlog_by_kind(q, clock).await,
        "jobs_lists_live_jobs" => jobs_lists_live_jobs(q, clock).await,
        other => panic!("no conformance check called {other}"),
    }
}

/// The fixed clock every check moves.
pub type Clock = Arc<FixedClock>;

async fn one<Q: Queue>(q: &Q) -> super::Lease {
    let mut leases = q.lease(10, VIS).await.unwrap();
    assert_eq!(leases.len(), 1, "expected exactly one due job");
    leases.remove(0)
}

fn new_id(e: Enqueued) -> (JobId, String) {
    match e {
        Enqueued::New {
            id,
            idempotency_key,
        } => (id, idempotency_key),
        other => panic!("expected a new job, got {other:?}"),
    }
}

pub async fn enqueue_lease_ack<Q: Queue>(q: Arc<Q>, _clock: Clock) {
    let (id, key) = new_id(q.enqueue(NewJob::new("k", &b"hello"[..])).await.unwrap());
    assert!(key.starts_with("prgn-") && key.len() == 41);
    let lease = one(q.as_ref()).await;
    assert_eq!(lease.job().id(), id);
    assert_eq!(lease.job().payload().as_ref(), b"hello");
    assert_eq!(lease.job().attempt(), 1);
    assert_eq!(lease.job().idempotency_key(), key);
    assert!(q.lease(10, VIS).await.unwrap().is_empty());
    assert_eq!(q.stats().await.unwrap().leased, 1);
    q.ack(&lease).await.unwrap();
    let stats = q.stats().await.unwrap();
    assert_eq!(
        (stats.depth, stats.dead, stats.oldest_enqueued_at),
        (0, 0, None)
    );
}

pub async fn unacked_job_returns_with_next_attempt<Q: Queue>(q: Arc<Q>, clock: Clock) {
    let job = NewJob::new("k", &b"x"[..]).with_idempotency_key("prgn-supplied-1");
    q.enqueue(job).await.unwrap();
    let first = one(q.as_ref()).await;
    clock.advance(VIS - Duration::from_millis(1));
    assert!(
        q.lease(10, VIS).await.unwrap().is_empty(),
        "visible before its lease ran out"
    );
    clock.advance(Duration::from_millis(2));
    let second = one(q.as_ref()).await;
    assert_eq!(second.job().id(), first.job().id());
    assert_eq!(second.job().attempt(), 2);
    assert_eq!(second.job().idempotency_key(), "prgn-supplied-1");
    assert_ne!(second.token(), first.token());
}

pub async fn retry_waits_for_its_time<Q: Queue>(q: Arc<Q>, clock: Clock) {
    q.enqueue(NewJob::new("k", &b"x"[..]).with_delay(Duration::from_secs(5)))
        .await
        .unwrap();
    assert!(
        q.lease(10, VIS).await.unwrap().is_empty(),
        "delayed job leased early"
    );
    clock.advance_secs(5);
    let lease = one(q.as_ref()).await;
    let outcome = q
        .retry(&lease, Duration::from_secs(90), "HTTP 503")
        .await
        .unwrap();
    assert!(matches!(outcome, RetryOutcome::Scheduled { .. }));
    clock.advance_secs(89);
    assert!(
        q.lease(10, VIS).await.unwrap().is_empty(),
        "retry visible before its time"
    );
    clock.advance_secs(1);
    let again = one(q.as_ref()).await;
    assert_eq!(again.job().attempt(), 2);
    assert_eq!(again.job().last_error(), Some("HTTP 503"));
}

pub async fn last_attempt_dead_letters_atomically<Q: Queue>(q: Arc<Q>, clock: Clock) {
    let job = NewJob::new("stripe.create_payment_intent", &b"{}"[..]).with_max_attempts(2);
    let (id, key) = new_id(q.enqueue(job).await.unwrap());
    let lease = one(q.as_ref()).await;
    q.retry(&lease, Duration::ZERO, "503").await.unwrap();
    let lease = one(q.as_ref()).await;
    let secret_error = format!("503 Bearer sk_live_secret {}", "x".repeat(3000));
    let outcome = q
        .retry(&lease, Duration::ZERO, &secret_error)
        .await
        .unwrap();
    assert_eq!(outcome, RetryOutcome::DeadLettered);
    clock.advance_secs(3600);
    assert!(
        q.lease(10, VIS).await.unwrap().is_empty(),
        "dead letter still leasable"
    );
    let stats = q.stats().await.unwrap();
    assert_eq!((stats.depth, stats.dead), (0, 1), "in neither or both");
    let dead = q.dead_letter_by_id(id).await.unwrap().expect("dead letter");
    assert_eq!((dead.attempts, dead.max_attempts), (2, 2));
    assert_eq!(dead.idempotency_key, key);
    let error = dead.last_error.unwrap();
    assert!(
        error.starts_with("503 Bearer [redacted]") && error.len() <= 1024,
        "{error}"
    );
    assert!(dead.dead_at >= dead.enqueued_at);
    assert_eq!(q.dead_letters(None, 10).await.unwrap().len(), 1);
    assert!(matches!(
        q.ack(&lease).await,
        Err(QueueError::LeaseLost { .. })
    ));

    // A crash during the final attempt: the lease runs out and the job is dead-lettered.
    let (id2, _) = new_id(
        q.enqueue(NewJob::new("k", &b"y"[..]).with_max_attempts(1))
            .await
            .unwrap(),
    );
    let _lost = one(q.as_ref()).await;
    clock.advance(VIS * 2);
    assert!(q.lease(10, VIS).await.unwrap().is_empty());
    assert_eq!(
        q.dead_letter_by_id(id2).await.unwrap().map(|d| d.attempts),
        Some(1)
    );
    assert!(q.purge_dead_letter(id2).await.unwrap());
    assert!(!q.purge_dead_letter(id2).await.unwrap());
}

pub async fn dedup_reports_duplicates<Q: Queue>(q: Arc<Q>, clock: Clock) {
    let job = NewJob::new("k", &b"x"[..]).with_dedup_key("shopify:order:1");
    let (id, _) = new_id(q.enqueue(job.clone()).await.unwrap());
    let dup = q.enqueue(job.clone()).await.unwrap();
    assert_eq!(dup, Enqueued::Duplicate { existing: Some(id) });
    assert_eq!(q.stats().await.unwrap().depth, 1);
    let lease = one(q.as_ref()).await;
    q.ack(&lease).await.unwrap();

    // Field case B05: a copy arriving after the job finished is still a duplicate, for the
    // whole retention window, and the finished job neither runs again nor counts anywhere.
    assert_eq!(
        q.enqueue(job.clone()).await.unwrap(),
        Enqueued::Duplicate { existing: None }
    );
    clock.advance_secs(super::DEFAULT_DEDUP_RETENTION.as_secs() as i64 - 1);
    assert_eq!(
        q.enqueue(job.clone()).await.unwrap(),
        Enqueued::Duplicate { existing: None }
    );
    assert!(q.lease(10, VIS).await.unwrap().is_empty());
    let stats = q.stats().await.unwrap();
    assert_eq!((stats.depth, stats.dead), (0, 0));
    assert!(q.stats_by_kind().await.unwrap().is_empty());
    assert!(q.dead_letters(None, 10).await.unwrap().is_empty());
    clock.advance_secs(1);
    let (again, _) = new_id(q.enqueue(job).await.unwrap());
    assert!(again > id, "ids are never reused");

    // Acked in a batch: the same.
    let batch = vec![
        NewJob::new("k", &b"a"[..]).with_dedup_key("b1"),
        NewJob::new("k", &b"b"[..]).with_dedup_key("b1"),
    ];
    let out = q.enqueue_batch(batch).await.unwrap();
    assert!(matches!(out[0], Enqueued::New { .. }));
    assert!(matches!(out[1], Enqueued::Duplicate { .. }));
    let leases = q.lease(10, VIS).await.unwrap();
    assert_eq!(q.ack_batch(&leases).await.unwrap(), 2);
    let copy = NewJob::new("k", &b"a"[..]).with_dedup_key("b1");
    assert_eq!(
        q.enqueue(copy).await.unwrap(),
        Enqueued::Duplicate { existing: None }
    );
    // Jobs without a key leave nothing behind.
    q.enqueue(NewJob::new("k", &b"c"[..])).await.unwrap();
    let lease = one(q.as_ref()).await;
    q.ack(&lease).await.unwrap();
    assert_eq!(q.stats().await.unwrap().depth, 0);
}

pub async fn stale_lease_is_fenced<Q: Queue>(q: Arc<Q>, clock: Clock) {
    q.enqueue(NewJob::new("k", &b"x"[..])).await.unwrap();
    let stale = one(q.as_ref()).await;
    clock.advance(VIS + Duration::from_secs(1));
    let live = one(q.as_ref()).await;
    fn lost<T>(r: Result<T, QueueError>) -> bool {
        matches!(r, Err(QueueError::LeaseLost { .. }))
    }
    assert!(lost(q.ack(&stale).await));
    assert!(lost(q.retry(&stale, Duration::ZERO, "late").await));
    assert!(lost(q.dead_letter(&stale, "late").await));
    assert!(lost(q.extend(&stale, VIS).await));
    assert!(lost(q.release(&stale).await));
    assert_eq!(q.ack_batch(std::slice::from_ref(&stale)).await.unwrap(), 0);
    q.ack(&live).await.unwrap();
}

pub async fn workers_never_share_a_job<Q: Queue>(q: Arc<Q>, _clock: Clock) {
    const JOBS: usize = 200;
    let jobs = (0..JOBS)
        .map(|i| NewJob::new("k", i.to_string().into_bytes()))
        .collect();
    q.enqueue_batch(jobs).await.unwrap();
    let done = Arc::new(Mutex::new(HashMap::<JobId, u32>::new()));
    let held = Arc::new(Mutex::new(HashSet::<JobId>::new()));
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (q, done, held) = (q.clone(), done.clone(), held.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let leases = q.lease(7, VIS).await.unwrap();
                if leases.is_empty() {
                    break;
                }
                for lease in &leases {
                    let fresh = held.lock().unwrap().insert(lease.job().id());
                    assert!(fresh, "job {} held by two live leases", lease.job().id());
                }
                tokio::task::yield_now().await;
                for lease in &leases {
                    *done.lock().unwrap().entry(lease.job().id()).or_default() += 1;
                    held.lock().unwrap().remove(&lease.job().id());
                }
                assert_eq!(q.ack_batch(&leases).await.unwrap(), leases.len());
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let done = done.lock().unwrap().clone();
    assert_eq!(done.len(), JOBS, "every job done");
    assert!(done.values().all(|n| *n >= 1));
    assert_eq!(q.stats().await.unwrap().depth, 0);
}

pub async fn redrive_resets_attempts_keeps_key<Q: Queue>(q: Arc<Q>, _clock: Clock) {
    let (id, key) = new_id(
        q.enqueue(NewJob::new("k", &b"x"[..]).with_max_attempts(3))
            .await
            .unwrap(),
    );
    let lease = one(q.as_ref()).await;
    q.dead_letter(&lease, "400 invalid request").await.unwrap();
    assert_eq!(
        q.dead_letter_by_id(id).await.unwrap().map(|d| d.attempts),
        Some(1)
    );
    assert!(q.redrive(id).await.unwrap());
    assert!(!q.redrive(id).await.unwrap(), "redriven twice");
    assert!(q.dead_letter_by_id(id).await.unwrap().is_none());
    let again = one(q.as_ref()).await;
    assert_eq!(again.job().id(), id);
    assert_eq!(again.job().attempt(), 1);
    assert_eq!(again.job().idempotency_key(), key);
    assert!(!q.redrive(JobId(i64::MAX)).await.unwrap());
}

pub async fn release_and_extend<Q: Queue>(q: Arc<Q>, clock: Clock) {
    q.enqueue(NewJob::new("k", &b"x"[..])).await.unwrap();
    let mut lease = one(q.as_ref()).await;
    clock.advance_secs(20);
    let until = q.extend(&lease, VIS).await.unwrap();
    lease.set_expires_at(until);
    clock.advance_secs(20);
    assert!(
        q.lease(10, VIS).await.unwrap().is_empty(),
        "extended lease ran out"
    );
    q.release(&lease).await.unwrap();
    let again = one(q.as_ref()).await;
    assert_eq!(
        again.job().attempt(),
        1,
        "a released attempt is not counted"
    );
    let err = q.enqueue(NewJob::new("", &b""[..])).await.unwrap_err();
    assert!(matches!(err, QueueError::InvalidJob { .. }));
}

pub async fn dedup_claims_have_one_winner<Q: Queue + DedupStore>(q: Arc<Q>, clock: Clock) {
    let retain = Duration::from_secs(3600);
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let mut tasks = Vec::new();
    for _ in 0..2 {
        let (q, barrier) = (q.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            q.claim("shopify:prgn-test", "5d2b6b3e", retain)
                .await
                .unwrap()
        }));
    }
    let mut wins = 0;
    for task in tasks {
        wins += usize::from(task.await.unwrap());
    }
    assert_eq!(wins, 1, "two concurrent identical deliveries both won");
    assert!(
        !q.claim("shopify:prgn-test", "5d2b6b3e", retain)
            .await
            .unwrap()
    );
    assert!(q.claim("shopify:other", "5d2b6b3e", retain).await.unwrap());
    clock.advance(retain);
    assert!(
        q.claim("shopify:prgn-test", "5d2b6b3e", retain)
            .await
            .unwrap(),
        "expired claim"
    );
    clock.advance(retain * 2);
    assert_eq!(q.purge_expired().await.unwrap(), 2);
    assert!(q.claim("s", "k", retain).await.unwrap());
    assert!(q.forget("s", "k").await.unwrap());
    assert!(q.claim("s", "k", retain).await.unwrap());
}

pub async fn checkpoints_and_schedules<Q>(q: Arc<Q>, _clock: Clock)
where
    Q: Queue + CheckpointStore + ScheduleStore,
{
    assert_eq!(q.load("stripe").await.unwrap(), None);
    let cp = Checkpoint {
        last_event_id: Some("evt_1".into()),
        last_updated_at: Some(1_767_225_600_000),
        cursor: Some("page-2".into()),
        saved_at: 0,
    };
    q.save("stripe", &cp).await.unwrap();
    q.save("stripe", &cp).await.unwrap();
    let loaded = q.load("stripe").await.unwrap().unwrap();
    assert_eq!(loaded.last_event_id.as_deref(), Some("evt_1"));
    assert_eq!(loaded.last_updated_at, cp.last_updated_at);
    assert_eq!(loaded.cursor.as_deref(), Some("page-2"));
    assert!(loaded.saved_at > 0);

    q.register("pull", 1_000).await.unwrap();
    q.register("pull", 5_000).await.unwrap();
    assert_eq!(q.due(999).await.unwrap(), vec![]);
    assert_eq!(
        q.due(1_000).await.unwrap(),
        vec![("pull".to_owned(), 1_000)]
    );
    assert!(q.advance("pull", 1_000, 2_000).await.unwrap());
    assert!(
        !q.advance("pull", 1_000, 2_000).await.unwrap(),
        "occurrence claimed twice"
    );
    assert_eq!(q.due(1_500).await.unwrap(), vec![]);
}

pub async fn backlog_by_kind<Q: Queue>(q: Arc<Q>, clock: Clock) {
    q.enqueue(NewJob::new("ups.track", &b"1"[..]))
        .await
        .unwrap();
    clock.advance_secs(1);
    q.enqueue(NewJob::new("ups.track", &b"2"[..]))
        .await
        .unwrap();
    q.enqueue(NewJob::new("stripe.refund", &b"3"[..]).with_max_attempts(1))
        .await
        .unwrap();
    let leases = q.lease(10, VIS).await.unwrap();
    let refund = leases
        .iter()
        .find(|l| l.job().kind() == "stripe.refund")
        .unwrap();
    q.dead_letter(refund, "400").await.unwrap();
    let kinds = q.stats_by_kind().await.unwrap();
    assert_eq!(kinds.len(), 2);
    assert_eq!(
        (kinds[0].kind.as_str(), kinds[0].depth, kinds[0].dead),
        ("stripe.refund", 0, 1)
    );
    assert_eq!(kinds[0].oldest_enqueued_at, None);
    assert_eq!(
        (kinds[1].kind.as_str(), kinds[1].depth, kinds[1].dead),
        ("ups.track", 2, 0)
    );
    assert_eq!(
        kinds[1].oldest_enqueued_at,
        Some(leases[0].job().enqueued_at())
    );
}

pub async fn jobs_lists_live_jobs<Q: Queue>(q: Arc<Q>, _clock: Clock) {
    use super::JobState;
    let (leased, _) = new_id(q.enqueue(NewJob::new("a", &b"one"[..])).await.unwrap());
    let (dead, _) = new_id(
        q.enqueue(NewJob::new("b", &b"two"[..]).with_max_attempts(1))
            .await
            .unwrap(),
    );
    let leases = q.lease(2, VIS).await.unwrap();
    let (hold, kill): (Vec<_>, Vec<_>) = leases.into_iter().partition(|l| l.job().id() == leased);
    q.dead_letter(&kill[0], "gone").await.unwrap();
    let (later, _) = new_id(
        q.enqueue(NewJob::new("c", &b"three!"[..]).with_delay(Duration::from_secs(60)))
            .await
            .unwrap(),
    );
    let (now, _) = new_id(q.enqueue(NewJob::new("d", &b""[..])).await.unwrap());

    let jobs = q.jobs(None, 10).await.unwrap();
    let seen: Vec<_> = jobs.iter().map(|j| (j.id, j.state)).collect();
    assert_eq!(
        seen,
        [
            (leased, JobState::Leased),
            (later, JobState::Scheduled),
            (now, JobState::Waiting)
        ],
        "the dead letter {dead} is not listed"
    );
    assert_eq!((jobs[0].attempts, jobs[0].payload_bytes), (1, 3));
    assert_eq!((jobs[1].kind.as_str(), jobs[1].payload_bytes), ("c", 6));
    let page = q.jobs(Some(leased), 1).await.unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].id, later);
    q.ack(&hold[0]).await.unwrap();
    assert_eq!(q.jobs(None, 10).await.unwrap().len(), 2);
}
