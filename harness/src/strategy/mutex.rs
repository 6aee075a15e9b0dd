//! `mutex`: the whole state behind one `std::sync::Mutex`.
//!
//! Reads and writes both take the lock, so a read waits for a write and for
//! every other read. Cost: one uncontended lock/unlock (two atomic RMWs,
//! ~20 ns) per operation, but under contention every thread serializes on one
//! cache line and the futex. Choose it when operations are short, writes are
//! frequent and simplicity matters more than read scaling.

use scenarios::Scenario;

use super::{InPlace, InPlaceLock};
use crate::sync::Mutex;

/// The `mutex` strategy: the state behind one `std::sync::Mutex`.
pub type MutexStrategy<S> = InPlace<S, Mutex<<S as Scenario>::State>>;

impl<T: Send + 'static> InPlaceLock<T> for Mutex<T> {
    fn new(value: T) -> Self {
        Mutex::new(value)
    }

    fn read<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.lock().expect("state poisoned by a panicking thread"))
    }

    fn write<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut self.lock().expect("state poisoned by a panicking thread"))
    }
}
