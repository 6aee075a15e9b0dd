//! parking_lot's lock API (no poisoning: `lock()` returns the guard) over
//! the model checker's locks.

use std::sync::PoisonError;

use super::primitives;

/// parking_lot's `Mutex`: `lock` returns the guard, ignoring poisoning.
pub struct Mutex<T> {
    inner: primitives::Mutex<T>,
}

impl<T> Mutex<T> {
    /// A lock holding `value`.
    pub fn new(value: T) -> Self {
        Self {
            inner: primitives::Mutex::new(value),
        }
    }

    /// Waits for the lock; a poisoned lock is taken as it is.
    pub fn lock(&self) -> primitives::MutexGuard<'_, T> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// parking_lot's `RwLock`: `read` and `write` return the guard, ignoring
/// poisoning.
pub struct RwLock<T> {
    inner: primitives::RwLock<T>,
}

impl<T> RwLock<T> {
    /// A lock holding `value`.
    pub fn new(value: T) -> Self {
        Self {
            inner: primitives::RwLock::new(value),
        }
    }

    /// Waits for shared access; a poisoned lock is taken as it is.
    pub fn read(&self) -> primitives::RwLockReadGuard<'_, T> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for exclusive access; a poisoned lock is taken as it is.
    pub fn write(&self) -> primitives::RwLockWriteGuard<'_, T> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }
}
