use std::sync::Arc;

use super::*;
use crate::clock::FixedClock;
use crate::queue::{NewJob, Queue};

async fn fresh() -> Option<(SqliteQueue, Arc<FixedClock>, tempfile::TempDir)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = FixedClock::at_unix(1_767_225_600);
    let queue = SqliteQueue::open(dir.path().join("queue.db"))
        .await
        .expect("open")
        .with_clock(clock.clone());
    Some((queue, clock, dir))
}

crate::queue::conformance::queue_conformance!(fresh());

#[tokio::test]
async fn jobs_survive_reopening_the_file() {
    let (queue, _clock, dir) = fresh().await.unwrap();
    queue.enqueue(NewJob::new("k", &b"kept"[..])).await.unwrap();
    queue.pool().close().await;
    let again = SqliteQueue::open(dir.path().join("queue.db"))
        .await
        .unwrap();
    let leases = again.lease(5, Duration::from_secs(5)).await.unwrap();
    assert_eq!(leases.len(), 1);
    assert_eq!(leases[0].job().payload().as_ref(), b"kept");
}

#[tokio::test]
async fn an_unwritable_path_is_an_error_not_a_panic() {
    let err = SqliteQueue::open("/proc/proign-no-such-dir/q.db")
        .await
        .unwrap_err();
    assert!(matches!(err, QueueError::Storage { .. }), "{err:?}");
}

#[tokio::test]
async fn a_job_commits_and_rolls_back_with_the_host_transaction() {
    let (queue, _clock, _dir) = fresh().await.unwrap();
    sqlx::raw_sql("CREATE TABLE orders (id INTEGER PRIMARY KEY, state TEXT)")
        .execute(queue.pool())
        .await
        .unwrap();
    for commit in [false, true] {
        let mut tx = queue.pool().begin_with("BEGIN IMMEDIATE").await.unwrap();
        sqlx::query("INSERT INTO orders (state) VALUES ('paid')")
            .execute(&mut *tx)
            .await
            .unwrap();
        queue
            .enqueue_in(&mut tx, NewJob::new("stripe.capture", &b"{}"[..]))
            .await
            .unwrap();
        if commit {
            tx.commit().await.unwrap();
        } else {
            tx.rollback().await.unwrap();
        }
    }
    let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(queue.pool())
        .await
        .unwrap();
    assert_eq!((orders, queue.stats().await.unwrap().depth), (1, 1));
}
