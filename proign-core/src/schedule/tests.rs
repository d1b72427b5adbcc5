use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::clock::FixedClock;
use crate::queue::MemoryQueue;

const JAN_1: i64 = 1_767_225_600;

#[test]
fn cron_and_interval_times() {
    let cron = Schedule::cron("a", "30 2 * * *", "k", Vec::new()).unwrap();
    let start = JAN_1 * 1000;
    assert_eq!(
        cron.next_after(start),
        Some(start + (2 * 3600 + 30 * 60) * 1000)
    );
    let every = Schedule::interval("b", Duration::from_secs(90), "k", Vec::new()).unwrap();
    assert_eq!(every.next_after(start), Some(start + 90_000));
    assert!(matches!(
        Schedule::cron("c", "not cron", "k", Vec::new()),
        Err(ScheduleError::Cron(_))
    ));
    assert!(matches!(
        Schedule::interval("d", Duration::ZERO, "k", Vec::new()),
        Err(ScheduleError::Interval)
    ));
}

#[tokio::test]
async fn several_instances_run_each_occurrence_once() {
    let clock = FixedClock::at_unix(JAN_1);
    let queue = Arc::new(MemoryQueue::with_clock(clock.clone()));
    let instances: Vec<_> = (0..3)
        .map(|_| {
            Arc::new(
                Scheduler::new(queue.clone())
                    .with_clock(clock.clone())
                    .with_schedule(
                        Schedule::interval(
                            "ups-poll",
                            Duration::from_secs(60),
                            "ups.poll",
                            Vec::new(),
                        )
                        .unwrap(),
                    ),
            )
        })
        .collect();
    for s in &instances {
        s.register().await.unwrap();
    }
    let mut total = 0;
    for _ in 0..5 {
        clock.advance_secs(60);
        let ticks = instances.iter().map(|s| {
            let s = s.clone();
            tokio::spawn(async move { s.tick().await.unwrap() })
        });
        for t in ticks.collect::<Vec<_>>() {
            total += t.await.unwrap();
        }
    }
    assert_eq!(total, 5);
    assert_eq!(queue.stats().await.unwrap().depth, 5);
}

#[tokio::test]
async fn a_long_outage_runs_once_then_resumes_the_rhythm() {
    let clock = FixedClock::at_unix(JAN_1);
    let queue = Arc::new(MemoryQueue::with_clock(clock.clone()));
    let scheduler = Scheduler::new(queue.clone())
        .with_clock(clock.clone())
        .with_schedule(Schedule::interval("p", Duration::from_secs(60), "k", Vec::new()).unwrap());
    scheduler.register().await.unwrap();
    clock.advance_secs(3600);
    assert_eq!(scheduler.tick().await.unwrap(), 1);
    assert_eq!(scheduler.tick().await.unwrap(), 0);
    clock.advance_secs(60);
    assert_eq!(scheduler.tick().await.unwrap(), 1);
}
