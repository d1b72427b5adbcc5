//! Dedup claims, schedules and checkpoints in memory.

use std::time::Duration;

use super::MemoryQueue;
use crate::queue::stores::{Checkpoint, CheckpointStore, DedupStore, ScheduleStore, validate_key};
use crate::queue::{QueueError, UnixMillis, after};

impl DedupStore for MemoryQueue {
    async fn claim(&self, scope: &str, key: &str, retain: Duration) -> Result<bool, QueueError> {
        validate_key(scope, key)?;
        let now = self.now();
        let mut state = self.state();
        let slot = (scope.to_owned(), key.to_owned());
        if state.claims.get(&slot).is_some_and(|until| *until > now) {
            return Ok(false);
        }
        if state.claims.len() >= self.capacity {
            state.claims.retain(|_, until| *until > now);
            if state.claims.len() >= self.capacity {
                return Err(QueueError::Full {
                    capacity: self.capacity,
                });
            }
        }
        state.claims.insert(slot, after(now, retain));
        Ok(true)
    }

    async fn forget(&self, scope: &str, key: &str) -> Result<bool, QueueError> {
        let slot = (scope.to_owned(), key.to_owned());
        Ok(self.state().claims.remove(&slot).is_some())
    }

    async fn purge_expired(&self) -> Result<u64, QueueError> {
        let now = self.now();
        let mut state = self.state();
        let before = state.claims.len();
        state.claims.retain(|_, until| *until > now);
        Ok((before - state.claims.len()) as u64)
    }
}

impl CheckpointStore for MemoryQueue {
    async fn load(&self, integration: &str) -> Result<Option<Checkpoint>, QueueError> {
        Ok(self.state().checkpoints.get(integration).cloned())
    }

    async fn save(&self, integration: &str, checkpoint: &Checkpoint) -> Result<(), QueueError> {
        let mut saved = checkpoint.clone();
        saved.saved_at = self.now();
        let mut state = self.state();
        if state.checkpoints.len() >= self.capacity && !state.checkpoints.contains_key(integration)
        {
            return Err(QueueError::Full {
                capacity: self.capacity,
            });
        }
        state.checkpoints.insert(integration.to_owned(), saved);
        Ok(())
    }
}

impl ScheduleStore for MemoryQueue {
    async fn register(&self, name: &str, first_run_at: UnixMillis) -> Result<(), QueueError> {
        let mut state = self.state();
        if state.schedules.len() >= self.capacity {
            return Err(QueueError::Full {
                capacity: self.capacity,
            });
        }
        state
            .schedules
            .entry(name.to_owned())
            .or_insert(first_run_at);
        Ok(())
    }

    async fn due(&self, now: UnixMillis) -> Result<Vec<(String, UnixMillis)>, QueueError> {
        let state = self.state();
        Ok(state
            .schedules
            .iter()
            .filter(|(_, at)| **at <= now)
            .take(100)
            .map(|(name, at)| (name.clone(), *at))
            .collect())
    }

    async fn advance(
        &self,
        name: &str,
        expected: UnixMillis,
        next: UnixMillis,
    ) -> Result<bool, QueueError> {
        let mut state = self.state();
        match state.schedules.get_mut(name) {
            Some(at) if *at == expected => {
                *at = next;
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}
