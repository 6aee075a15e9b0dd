//! `cas-merge`: optimistic concurrency with a 3-way merge.
//!
//! Calculation: take the current version as `previous` and apply the
//! operation to a copy, giving `next`. Commit: if the shared version is still
//! `previous` (pointer equality), swap `next` in: a fast-forward. Otherwise
//! another writer published `current` meanwhile: diff `previous → current`
//! and `previous → next`; if they touch disjoint leaves, apply this write's
//! changes onto `current` and try the swap again (a merge); if they overlap
//! it is a conflict, and the write either recomputes from the newer version
//! (`--on-conflict retry`, the default) or gives up (`abort`: the caller is
//! told, and nothing is applied).
//!
//! With `--validate reads` (the default) a conflict is also any change by
//! the other writer to a leaf this operation read, which makes the merge
//! serializable. `--validate writes` checks only written leaves, as the
//! algorithm is first described: two lends of the last two free items of a
//! book change different leaves, both commit, and the book ends with no
//! free item. That variant is kept on purpose for the checkers to catch.
//!
//! With persistent representations (`--repr imbl`), copying is O(1) and the
//! diff skips shared subtrees, so a merge costs the size of the changes, not
//! of the state. Choose it for large states with many writers touching
//! different parts (per-tenant tables, per-player balances).
//!
//! The calculation and the merge are shared with the `unsynced-merge`
//! mutant, which commits them with a plain store to show what the
//! compare-and-swap is for.

use scenarios::merge::conflicts;
use scenarios::{Mergeable, Validate};

use super::snapshot::{Published, SnapshotReader, publish_first};
use super::{Counters, OnConflict, Strategy, StrategyHandle, StrategyOptions, WritePath, Written};
use crate::sync::Arc;

/// The `cas-merge` strategy: optimistic writes that merge with a concurrent
/// writer's disjoint changes instead of recomputing.
pub struct CasMerge<S: Mergeable> {
    shared: Arc<Shared<S>>,
}

struct Shared<S: Mergeable> {
    scenario: Arc<S>,
    current: Published<S::State>,
    on_conflict: OnConflict,
    validate: Validate,
}

/// What happened to writes through one handle.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    fast_forwards: u64,
    merges: u64,
    conflicts: u64,
    aborts: u64,
    retries: u64,
}

/// A thread's handle on [`CasMerge`].
pub struct CasMergeHandle<S: Mergeable> {
    shared: Arc<Shared<S>>,
    reader: SnapshotReader<S::State>,
    tally: Tally,
}

impl<S: Mergeable> Strategy<S> for CasMerge<S> {
    type Handle = CasMergeHandle<S>;
    const WRITE_PATH: WritePath = WritePath::CopyOnWrite;

    fn new(scenario: Arc<S>, initial: S::State, options: &StrategyOptions) -> Self {
        Self {
            shared: Arc::new(Shared {
                scenario,
                current: publish_first(initial),
                on_conflict: options.on_conflict,
                validate: options.validate,
            }),
        }
    }

    fn handle(&self) -> CasMergeHandle<S> {
        CasMergeHandle {
            shared: Arc::clone(&self.shared),
            reader: SnapshotReader::new(&self.shared.current),
            tally: Tally::default(),
        }
    }
}

/// How one attempt to commit ended.
enum Attempt<T> {
    Committed(T),
    Conflict,
}

impl<S: Mergeable> CasMergeHandle<S> {
    /// Computes `op` on the current version and commits it, merging over
    /// versions published meanwhile until it commits or conflicts.
    fn attempt(&mut self, op: &S::Write) -> Attempt<S::WriteOutput> {
        let Shared {
            scenario,
            current,
            validate,
            ..
        } = &*self.shared;
        let calculated = calculate(&**scenario, current, op);
        let seen = current.compare_and_swap(&calculated.previous, Arc::clone(&calculated.next));
        if Arc::ptr_eq(&seen, &calculated.previous) {
            self.tally.fast_forwards += 1;
            return Attempt::Committed(calculated.output);
        }
        let mine = MyChanges::of(&**scenario, &calculated, op);
        let mut seen = Arc::clone(&*seen);
        loop {
            let Some(merged) = merge_onto(&**scenario, &seen, &calculated, &mine, *validate) else {
                self.tally.conflicts += 1;
                return Attempt::Conflict;
            };
            let now = current.compare_and_swap(&seen, Arc::new(merged));
            if Arc::ptr_eq(&now, &seen) {
                self.tally.merges += 1;
                return Attempt::Committed(calculated.output);
            }
            seen = Arc::clone(&*now);
        }
    }
}

impl<S: Mergeable> StrategyHandle<S> for CasMergeHandle<S> {
    fn read<R>(&mut self, f: impl FnOnce(&S::State) -> R) -> R {
        self.reader.read(f)
    }

    /// Retries conflicts until the write commits, whatever `--on-conflict` says.
    fn write(&mut self, op: &S::Write) -> S::WriteOutput {
        loop {
            if let Attempt::Committed(output) = self.attempt(op) {
                return output;
            }
            self.tally.retries += 1;
        }
    }

    fn submit(&mut self, op: &S::Write) -> Written<S::WriteOutput> {
        match self.shared.on_conflict {
            OnConflict::Retry => Written::Applied(self.write(op)),
            OnConflict::Abort => match self.attempt(op) {
                Attempt::Committed(output) => Written::Applied(output),
                Attempt::Conflict => {
                    self.tally.aborts += 1;
                    Written::Aborted
                }
            },
        }
    }

    fn counters(&self) -> Counters {
        let Tally {
            fast_forwards,
            merges,
            conflicts,
            aborts,
            retries,
        } = self.tally;
        let mut counters = Counters::default();
        for (name, n) in [
            ("fast-forwards", fast_forwards),
            ("merges", merges),
            ("conflicts", conflicts),
            ("aborts", aborts),
            ("retries", retries),
        ] {
            counters.add(name, n);
        }
        counters
    }
}

/// A write computed on a snapshot, not yet committed.
pub(crate) struct Calculated<S: Mergeable> {
    /// The version the write started from: the merge's common ancestor.
    previous: Arc<S::State>,
    /// `previous` with the write applied.
    next: Arc<S::State>,
    pub(crate) output: S::WriteOutput,
}

/// Calculation: applies `op` to a copy of the current version.
pub(crate) fn calculate<S: Mergeable>(
    scenario: &S,
    current: &Published<S::State>,
    op: &S::Write,
) -> Calculated<S> {
    let previous = current.load_full();
    let mut next = S::State::clone(&previous);
    let output = scenario.write(&mut next, op);
    Calculated {
        previous,
        next: Arc::new(next),
        output,
    }
}

/// What a calculated write changed and read, for merging it elsewhere.
pub(crate) struct MyChanges<S: Mergeable> {
    changes: Vec<S::Change>,
    read_set: Vec<S::Leaf>,
}

impl<S: Mergeable> MyChanges<S> {
    pub(crate) fn of(scenario: &S, calculated: &Calculated<S>, op: &S::Write) -> Self {
        Self {
            changes: scenario.diff(&calculated.previous, &calculated.next),
            read_set: scenario.read_set(&calculated.previous, op),
        }
    }
}

/// `seen`, the version found when committing, with this write's changes
/// applied, or `None` if they conflict with what changed between the
/// write's `previous` and `seen`.
pub(crate) fn merge_onto<S: Mergeable>(
    scenario: &S,
    seen: &S::State,
    calculated: &Calculated<S>,
    mine: &MyChanges<S>,
    validate: Validate,
) -> Option<S::State> {
    let theirs = scenario.diff(&calculated.previous, seen);
    if conflicts(scenario, &theirs, &mine.changes, &mine.read_set, validate) {
        return None;
    }
    let mut merged = S::State::clone(seen);
    scenario.apply_changes(&mut merged, &mine.changes);
    Some(merged)
}
