//! `unsynced-merge` (mutant): `cas-merge`'s 3-way merge committed without
//! the compare-and-swap. A write computes the next version from a snapshot
//! as `cas-merge` does, then loads the current version, merges its changes
//! onto it with the same code (`diff`, the conflict check, `apply_changes`)
//! and publishes the result with a plain store. The merge is right; the
//! commit is not atomic: a writer that stores between this write's load and
//! its store is overwritten, its acknowledged update gone. It shows that the
//! merge alone does not make optimistic writes safe, the check-and-swap
//! does. The verifier's lost-update check must catch it (the final state
//! counts fewer writes than were acknowledged).

use scenarios::{Mergeable, Validate};

use crate::strategy::cas_merge::{Calculated, MyChanges, calculate, merge_onto};
use crate::strategy::snapshot::{Published, SnapshotReader, publish_first};
use crate::strategy::{Strategy, StrategyHandle, StrategyOptions};
use crate::sync::Arc;

/// The `unsynced-merge` mutant: `cas-merge`'s merge committed with a plain
/// store, so a write stored in between is lost.
pub struct UnsyncedMerge<S: Mergeable> {
    shared: Arc<Shared<S>>,
}

struct Shared<S: Mergeable> {
    scenario: Arc<S>,
    current: Published<S::State>,
    validate: Validate,
}

/// A thread's handle on [`UnsyncedMerge`].
pub struct UnsyncedMergeHandle<S: Mergeable> {
    shared: Arc<Shared<S>>,
    reader: SnapshotReader<S::State>,
}

impl<S: Mergeable> Strategy<S> for UnsyncedMerge<S> {
    type Handle = UnsyncedMergeHandle<S>;

    fn new(scenario: Arc<S>, initial: S::State, options: &StrategyOptions) -> Self {
        Self {
            shared: Arc::new(Shared {
                scenario,
                current: publish_first(initial),
                validate: options.validate,
            }),
        }
    }

    fn handle(&self) -> UnsyncedMergeHandle<S> {
        UnsyncedMergeHandle {
            shared: Arc::clone(&self.shared),
            reader: SnapshotReader::new(&self.shared.current),
        }
    }
}

impl<S: Mergeable> StrategyHandle<S> for UnsyncedMergeHandle<S> {
    fn read<R>(&mut self, f: impl FnOnce(&S::State) -> R) -> R {
        self.reader.read(f)
    }

    /// Recomputes on a conflict, as `cas-merge --on-conflict retry` does.
    fn write(&mut self, op: &S::Write) -> S::WriteOutput {
        let Shared {
            scenario,
            current,
            validate,
        } = &*self.shared;
        loop {
            let calculated = calculate(&**scenario, current, op);
            let mine = MyChanges::of(&**scenario, &calculated, op);
            if merge_and_store(&**scenario, current, &calculated, &mine, *validate) {
                return calculated.output;
            }
        }
    }
}

/// The broken commit: load, merge, store, with nothing stopping another
/// writer from storing in between. False on a conflict.
fn merge_and_store<S: Mergeable>(
    scenario: &S,
    current: &Published<S::State>,
    calculated: &Calculated<S>,
    mine: &MyChanges<S>,
    validate: Validate,
) -> bool {
    let seen = current.load_full();
    match merge_onto(scenario, &seen, calculated, mine, validate) {
        Some(merged) => {
            current.store(Arc::new(merged));
            true
        }
        None => false,
    }
}
