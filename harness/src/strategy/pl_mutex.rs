//! `pl-mutex`: the whole state behind one `parking_lot::Mutex`.
//!
//! Same shape as `mutex`, with parking_lot's lock: one byte of state, an
//! inline fast path, adaptive spinning before parking, eventual fairness, and
//! no poisoning (a panicking writer can leave a half-applied write visible).
//! Usually a little faster than `std::sync::Mutex` under light contention.
//! Choose it where you would choose `mutex` and want its fairness.

use scenarios::Scenario;

use super::{InPlace, InPlaceLock};
use crate::sync::pl::Mutex;

/// The `pl-mutex` strategy: the state behind one `parking_lot::Mutex`.
pub type PlMutexStrategy<S> = InPlace<S, Mutex<<S as Scenario>::State>>;

impl<T: Send + 'static> InPlaceLock<T> for Mutex<T> {
    fn new(value: T) -> Self {
        Mutex::new(value)
    }

    fn read<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.lock())
    }

    fn write<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut self.lock())
    }
}
