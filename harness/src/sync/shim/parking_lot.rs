//! parking_lot's lock API (no poisoning: `lock()` returns the guard) over
//! the model checker's locks.

use std::sync::PoisonError;

use super::primitives;

pub struct Mutex<T> {
    inner: primitives::Mutex<T>,
}

impl<T> Mutex<T> {
    pub fn new(value: T) -> Self {
        Self {
            inner: primitives::Mutex::new(value),
        }
    }

    pub fn lock(&self) -> primitives::MutexGuard<'_, T> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub struct RwLock<T> {
    inner: primitives::RwLock<T>,
}

impl<T> RwLock<T> {
    pub fn new(value: T) -> Self {
        Self {
            inner: primitives::RwLock::new(value),
        }
    }

    pub fn read(&self) -> primitives::RwLockReadGuard<'_, T> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn write(&self) -> primitives::RwLockWriteGuard<'_, T> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }
}
