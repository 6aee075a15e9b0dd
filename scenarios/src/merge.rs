//! Three-way merge: what an optimistic writer needs from a scenario to merge
//! its change into a version that moved on underneath it.
//!
//! A writer computed `next` from `previous`, but the shared version is now
//! `current`. The writer diffs `previous → current` (theirs) and
//! `previous → next` (mine). If the two touch disjoint leaves, applying mine
//! onto `current` gives the state both writes produce in either order.
//!
//! Two refinements make this usable on real states:
//! * counters kept in step by every write (a version, a total) change on
//!   every write and would make every pair conflict; their changes are
//!   deltas that [`commute`](Mergeable::commutes), so they merge by adding;
//! * checking only the leaves both writes *change* is not enough: a write
//!   whose outcome depends on a leaf it did not change (lending the last
//!   free item depends on the other items being lent) can merge into a state
//!   that breaks an invariant. [`Validate::Reads`] also checks the leaves the
//!   operation *read* ([`Mergeable::read_set`]).

use std::collections::HashSet;
use std::fmt::Debug;
use std::hash::Hash;

use crate::scenario::Scenario;

/// A scenario whose states can be diffed leaf by leaf and merged.
pub trait Mergeable: Scenario {
    /// The identity of one leaf of the state: a map entry, a field, a counter.
    type Leaf: Clone + Debug + Eq + Hash + Send + Sync + 'static;
    /// A change to one leaf.
    type Change: Clone + Debug + PartialEq + Send + Sync + 'static;

    /// The changes that turn `from` into `to`, skipping what both share.
    fn diff(&self, from: &Self::State, to: &Self::State) -> Vec<Self::Change>;

    /// The leaf a change touches.
    fn leaf(&self, change: &Self::Change) -> Self::Leaf;

    /// True for a counter's delta, which merges with any other delta to the
    /// same leaf by adding.
    fn commutes(&self, change: &Self::Change) -> bool;

    /// Applies changes diffed against an ancestor of `state`.
    fn apply_changes(&self, state: &mut Self::State, changes: &[Self::Change]);

    /// The leaves whose values decide the outcome and output of `op` on `state`.
    fn read_set(&self, state: &Self::State, op: &Self::Write) -> Vec<Self::Leaf>;
}

/// Which leaves a merge checks for overlap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Validate {
    /// Only the leaves both writes change: the algorithm as first described.
    /// It can merge writes whose combination breaks an invariant.
    Writes,
    /// Also the leaves the operation read: serializable.
    #[default]
    Reads,
}

/// True when `mine` cannot be applied onto a version that also has `theirs`.
pub fn conflicts<S: Mergeable>(
    scenario: &S,
    theirs: &[S::Change],
    mine: &[S::Change],
    read_set: &[S::Leaf],
    validate: Validate,
) -> bool {
    let changed = |changes: &[S::Change], with_counters: bool| -> HashSet<S::Leaf> {
        changes
            .iter()
            .filter(|change| with_counters || !scenario.commutes(change))
            .map(|change| scenario.leaf(change))
            .collect()
    };
    let mine = changed(mine, false);
    match validate {
        Validate::Writes => !changed(theirs, false).is_disjoint(&mine),
        Validate::Reads => {
            let theirs = changed(theirs, true);
            !theirs.is_disjoint(&mine) || read_set.iter().any(|leaf| theirs.contains(leaf))
        }
    }
}
