//! Stand-ins for the crates a model checker cannot see into: arc-swap,
//! crossbeam-channel, crossbeam's `Backoff` and parking_lot. Each mirrors the
//! part of its crate's API the strategies use, built from [`primitives`]
//! (loom's or shuttle's under those cfgs), so every operation on it is a
//! point where the model checker can switch threads.
//!
//! In normal builds the shims are built on `std` and unused by strategies;
//! they exist there so tests can run the same operations on a shim and on
//! the real crate and compare the results.

pub mod arc_swap;
pub mod backoff;
pub mod channel;
pub mod parking_lot;

#[cfg(all(loom, shuttle))]
compile_error!("choose one model checker: --cfg loom or --cfg shuttle, not both");

/// The locks, atomics and threads the shims (and, under a model checker,
/// the strategies) are built on.
pub mod primitives {
    #[cfg(not(any(loom, shuttle)))]
    pub use std::{
        sync::{Condvar, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard, atomic},
        thread,
    };

    #[cfg(loom)]
    pub use loom::{
        sync::{Condvar, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard, atomic},
        thread,
    };

    #[cfg(shuttle)]
    pub use shuttle::{
        sync::{Condvar, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard, atomic},
        thread,
    };
}
