//! The one place strategies get their synchronization primitives from.
//!
//! Every strategy imports `Arc`, locks, atomics, threads, `ArcSwap` and
//! channels from here and never from `std`, `parking_lot`, `arc_swap` or
//! `crossbeam_channel` directly. That keeps each strategy's code identical
//! under the real primitives and under a model checker (tokio's `src/loom/`
//! pattern):
//!
//! - normal builds use the real crates;
//! - `RUSTFLAGS="--cfg loom"` swaps in loom's locks, atomics and threads,
//!   and `--cfg shuttle` shuttle's; the crates with no model-checker support
//!   (arc-swap, crossbeam-channel, crossbeam's `Backoff`, parking_lot) are
//!   replaced by the [`shim`]s, built on those same primitives. left-right
//!   switches to loom by itself under `cfg(loom)`.
//!
//! `Arc` stays `std::sync::Arc` everywhere: it is part of the public
//! strategy API, and its reference counts are not what we model-check.
//!
//! The names below mirror the real crates' APIs, so a backend is a list of
//! re-exports and the call sites never change.

pub mod shim;

pub use std::sync::atomic::Ordering;
pub use std::sync::{Arc, PoisonError};

#[cfg(not(any(loom, shuttle)))]
pub use real::*;

#[cfg(any(loom, shuttle))]
pub use model::*;

/// The real primitives, used by every normal build.
#[cfg(not(any(loom, shuttle)))]
mod real {
    pub use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
    pub use std::sync::{Mutex, MutexGuard, RwLock};
    pub use std::thread;

    pub use arc_swap::{ArcSwap, Cache};
    pub use crossbeam_channel as channel;
    pub use crossbeam_utils::Backoff;

    /// parking_lot's locks: no poisoning, smaller, and fair under contention.
    pub mod pl {
        pub use parking_lot::{Mutex, RwLock};
    }
}

/// A model checker's primitives and the shims built on them.
#[cfg(any(loom, shuttle))]
mod model {
    pub use super::shim::primitives::atomic::{AtomicBool, AtomicU64, AtomicUsize};
    pub use super::shim::primitives::thread;
    pub use super::shim::primitives::{Mutex, MutexGuard, RwLock};

    pub use super::shim::arc_swap::{ArcSwap, Cache};
    pub use super::shim::backoff::Backoff;
    pub use super::shim::channel;

    /// parking_lot's lock API over the model checker's locks.
    pub mod pl {
        pub use super::super::shim::parking_lot::{Mutex, RwLock};
    }
}
