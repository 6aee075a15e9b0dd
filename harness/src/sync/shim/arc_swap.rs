//! arc-swap's `ArcSwap` and `Cache` as one lock around an `Arc`: every load,
//! store and compare-and-swap is a single atomic step of the model.

use std::ops::Deref;
use std::sync::Arc;

use super::primitives::Mutex;

/// An `Arc<T>` that can be loaded and replaced atomically.
pub struct ArcSwap<T> {
    current: Mutex<Arc<T>>,
}

/// A loaded value; derefs to the `Arc` like arc-swap's `Guard`.
pub struct Guard<T>(Arc<T>);

impl<T> Deref for Guard<T> {
    type Target = Arc<T>;
    fn deref(&self) -> &Arc<T> {
        &self.0
    }
}

impl<T> ArcSwap<T> {
    /// Holds `value`.
    pub fn new(value: Arc<T>) -> Self {
        Self {
            current: Mutex::new(value),
        }
    }

    /// Holds a new `Arc` of `value`.
    pub fn from_pointee(value: T) -> Self {
        Self::new(Arc::new(value))
    }

    /// The current value, as a [`Guard`].
    pub fn load(&self) -> Guard<T> {
        Guard(self.load_full())
    }

    /// The current value.
    pub fn load_full(&self) -> Arc<T> {
        Arc::clone(&self.slot())
    }

    /// Replaces the current value with `value`.
    pub fn store(&self, value: Arc<T>) {
        *self.slot() = value;
    }

    /// Stores `value` and returns the previous one.
    pub fn swap(&self, value: Arc<T>) -> Arc<T> {
        std::mem::replace(&mut *self.slot(), value)
    }

    /// Stores `new` if the current value is `current` (the same pointer);
    /// returns the value found, which is `current` exactly when it stored.
    pub fn compare_and_swap(&self, current: &Arc<T>, new: Arc<T>) -> Guard<T> {
        let mut slot = self.slot();
        let found = Arc::clone(&slot);
        if Arc::ptr_eq(&found, current) {
            *slot = new;
        }
        Guard(found)
    }

    /// Read-copy-update: calls `f` on the current value and stores its
    /// result unless another store came first, then retries; returns the
    /// value replaced.
    pub fn rcu<R: Into<Arc<T>>>(&self, mut f: impl FnMut(&Arc<T>) -> R) -> Arc<T> {
        let mut current = self.load_full();
        loop {
            let next = f(&current).into();
            let found = self.compare_and_swap(&current, next);
            if Arc::ptr_eq(&found, &current) {
                return current;
            }
            current = Arc::clone(&found);
        }
    }

    fn slot(&self) -> super::primitives::MutexGuard<'_, Arc<T>> {
        self.current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// arc-swap's per-handle `Cache`; this one loads on every call, which is
/// what the real cache's result always equals.
pub struct Cache<A, T> {
    source: A,
    current: T,
}

impl<A: Deref<Target = ArcSwap<U>>, U> Cache<A, Arc<U>> {
    /// A cache over `source`, loaded once now.
    pub fn new(source: A) -> Self {
        let current = source.load_full();
        Self { source, current }
    }

    /// The current value of the source, loaded again on every call.
    pub fn load(&mut self) -> &Arc<U> {
        self.current = self.source.load_full();
        &self.current
    }
}
