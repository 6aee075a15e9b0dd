//! `cas-retry`: optimistic concurrency written out by hand.
//!
//! A write takes the current snapshot, computes the next version from it,
//! and compare-and-swaps; if another writer published first, it backs off
//! (spin, then yield) and recomputes from the newer version. Reads go
//! through the handle's cached snapshot, as in `arc-swap`. Unlike
//! `arc-swap`'s `rcu` this exposes every step of the protocol (it is the
//! base the 3-way-merge strategy extends) and backs off under contention.
//! Cost per write: one clone of the state per attempt, so with many writers
//! on a large state the retries (counted) dominate. Choose it when writes
//! rarely collide and must never block readers.

use scenarios::Scenario;

use super::optimistic::{Commit, Optimistic};
use super::snapshot::Published;
use crate::sync::{Arc, Backoff};

/// The `cas-retry` strategy: snapshot, compute, compare-and-swap, with
/// back-off and recomputation on a conflict.
pub type CasRetry<S> = Optimistic<S, CasLoop>;

/// Snapshot, compute, compare-and-swap; back off and recompute on conflict.
pub struct CasLoop;

impl Commit for CasLoop {
    fn commit<S: Scenario>(
        scenario: &S,
        current: &Published<S::State>,
        op: &S::Write,
        retries: &mut u64,
    ) -> S::WriteOutput {
        let backoff = Backoff::new();
        loop {
            let snapshot = current.load_full();
            let mut next = S::State::clone(&snapshot);
            let output = scenario.write(&mut next, op);
            let previous = current.compare_and_swap(&snapshot, Arc::new(next));
            if Arc::ptr_eq(&previous, &snapshot) {
                return output;
            }
            *retries += 1;
            backoff.snooze();
        }
    }
}
