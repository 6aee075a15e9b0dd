//! `pl-rwlock`: the whole state behind one `parking_lot::RwLock`.
//!
//! Like `rwlock`, readers share one counter and pay its cache-line traffic;
//! parking_lot's lock is task-fair (a waiting writer stops new readers, so
//! writers do not starve) and does not poison. Choose it over `rwlock` when
//! writers must not starve under a constant stream of readers.

use scenarios::Scenario;

use super::{InPlace, InPlaceLock};
use crate::sync::pl::RwLock;

/// The `pl-rwlock` strategy: the state behind one `parking_lot::RwLock`.
pub type PlRwLockStrategy<S> = InPlace<S, RwLock<<S as Scenario>::State>>;

impl<T: Send + Sync + 'static> InPlaceLock<T> for RwLock<T> {
    fn new(value: T) -> Self {
        RwLock::new(value)
    }

    fn read<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.read())
    }

    fn write<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut self.write())
    }
}
