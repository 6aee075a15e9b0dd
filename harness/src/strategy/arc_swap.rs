//! `arc-swap`: readers use an immutable snapshot; writers clone, apply and
//! publish with `ArcSwap::rcu`.
//!
//! A read goes through the handle's cached `Arc` (see `snapshot`): one
//! relaxed load while nothing was published, so reads scale with cores and
//! never wait for writers. A write clones the whole state (O(size) for std
//! collections, O(log size) for persistent ones), applies the model's write
//! to the copy, and compare-and-swaps it in; `rcu` repeats the closure when
//! another writer won, so no update is lost (counted as `retries`). Choose
//! it for read-mostly state such as configuration and routing tables, where
//! writes are rare or the state is cheap to copy.

use scenarios::Scenario;

use super::optimistic::{Commit, Optimistic};
use super::snapshot::Published;

/// The `arc-swap` strategy: clone, apply and publish with `ArcSwap::rcu`.
pub type ArcSwapRcu<S> = Optimistic<S, Rcu>;

/// Commit with arc-swap's own read-copy-update loop.
pub struct Rcu;

impl Commit for Rcu {
    fn commit<S: Scenario>(
        scenario: &S,
        current: &Published<S::State>,
        op: &S::Write,
        retries: &mut u64,
    ) -> S::WriteOutput {
        let mut attempts = 0;
        let mut output = None;
        current.rcu(|state| {
            attempts += 1;
            let mut next = S::State::clone(state);
            output = Some(scenario.write(&mut next, op));
            next
        });
        *retries += attempts - 1;
        output.expect("rcu runs its closure at least once")
    }
}
