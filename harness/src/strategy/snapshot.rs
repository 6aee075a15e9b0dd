//! How every snapshot strategy's readers see the published state: through a
//! per-thread cache of the current `Arc` (arc-swap's `Cache`).
//!
//! A read compares the cached pointer with the published one (one relaxed
//! atomic load, no shared write) and reloads only after a publish, so reads
//! neither wait nor contend. The price: an idle handle keeps the snapshot it
//! last saw alive until its next read.

use crate::sync::{Arc, ArcSwap, Cache};

/// The published snapshot of a `T`, shared by a strategy and its handles.
pub type Published<T> = Arc<ArcSwap<T>>;

/// Publishes `initial` as the first snapshot.
pub fn publish_first<T>(initial: T) -> Published<T> {
    Arc::new(ArcSwap::from_pointee(initial))
}

/// One thread's reader of a [`Published`] snapshot.
pub struct SnapshotReader<T> {
    cache: Cache<Published<T>, Arc<T>>,
}

impl<T> SnapshotReader<T> {
    /// A reader of `published`, caching its current snapshot.
    pub fn new(published: &Published<T>) -> Self {
        Self {
            cache: Cache::new(Arc::clone(published)),
        }
    }

    /// Runs `f` on the latest published snapshot.
    pub fn read<R>(&mut self, f: impl FnOnce(&T) -> R) -> R {
        f(self.cache.load())
    }
}
