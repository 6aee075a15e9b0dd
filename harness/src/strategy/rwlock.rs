//! `rwlock`: the whole state behind one `std::sync::RwLock`.
//!
//! Readers share the lock, so they do not wait for each other logically, but
//! every read still increments and decrements one shared reader count: the
//! cache line holding it bounces between cores, so read-only throughput does
//! not scale with threads and is several times below `arc-swap`. A writer
//! waits for all readers to leave and blocks new ones. Choose it when reads
//! are long compared to the lock cost, or writes must be in place (a huge
//! state that cannot be cloned).

use scenarios::Scenario;

use super::{InPlace, InPlaceLock};
use crate::sync::RwLock;

/// The `rwlock` strategy: the state behind one `std::sync::RwLock`.
pub type RwLockStrategy<S> = InPlace<S, RwLock<<S as Scenario>::State>>;

impl<T: Send + Sync + 'static> InPlaceLock<T> for RwLock<T> {
    fn new(value: T) -> Self {
        RwLock::new(value)
    }

    fn read<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.read().expect("state poisoned by a panicking thread"))
    }

    fn write<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut self.write().expect("state poisoned by a panicking thread"))
    }
}
