//! The one place strategies get their synchronization primitives from.
//!
//! Every strategy imports `Arc`, locks, atomics, threads, `ArcSwap` and
//! channels from here and never from `std`, `parking_lot`, `arc_swap` or
//! `crossbeam_channel` directly. That keeps each strategy's code identical
//! under the real primitives and under a model checker: the verification work
//! adds `loom` and `shuttle` backends beside [`real`] (selected by
//! `cfg(loom)` / `cfg(shuttle)`), with shims for the crates that have no
//! model-checker support, and the call sites do not change. This follows
//! tokio's `src/loom/` facade.
//!
//! The names below mirror the real crates' APIs exactly, so a backend is a
//! list of re-exports or thin wrappers with the same signatures.

pub use real::*;

/// The real primitives, used by every normal build.
mod real {
    pub use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
    pub use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
    pub use std::thread;

    pub use arc_swap::{ArcSwap, Cache};
    pub use crossbeam_channel as channel;
    pub use crossbeam_utils::Backoff;

    /// parking_lot's locks: no poisoning, smaller, and fair under contention.
    pub mod pl {
        pub use parking_lot::{Mutex, RwLock};
    }
}
