//! `torn-read` (mutant): readers see writes half applied. It models the
//! common "one lock per entry" design, where a write locks and updates one
//! entry at a time and a reader that sums the entries one by one has no
//! snapshot: on the ledger, a read during a transfer sees one side of it
//! and not the other, so the total, which no transfer may change, changes.
//!
//! Writers are serialized (a writer lock), so no update is lost and every
//! write's output is right. A writer computes the next state on a copy,
//! diffs it against the current one into leaf changes
//! ([`Mergeable::diff`]) and applies them one at a time, each under its own
//! acquisition of the state lock, yielding between changes to widen the
//! window. A reader takes the state lock once and sees whatever is there.
//! The final state is always right, so the lost-update check passes; the
//! linearizability search must catch it, with a read whose output no
//! sequential order of the writes produces.

use std::slice;

use scenarios::Mergeable;

use crate::strategy::{Strategy, StrategyHandle, StrategyOptions};
use crate::sync::{Arc, Mutex, thread};

/// The `torn-read` mutant: a write applied one leaf change at a time, so a
/// read may see it half applied.
pub struct TornRead<S: Mergeable> {
    shared: Arc<Shared<S>>,
}

struct Shared<S: Mergeable> {
    scenario: Arc<S>,
    state: Mutex<S::State>,
    /// Held for a whole write, so that writes never interleave.
    writer: Mutex<()>,
}

impl<S: Mergeable> Strategy<S> for TornRead<S> {
    type Handle = Self;

    fn new(scenario: Arc<S>, initial: S::State, _: &StrategyOptions) -> Self {
        let shared = Shared {
            scenario,
            state: Mutex::new(initial),
            writer: Mutex::new(()),
        };
        Self {
            shared: Arc::new(shared),
        }
    }

    fn handle(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<S: Mergeable> StrategyHandle<S> for TornRead<S> {
    fn read<R>(&mut self, f: impl FnOnce(&S::State) -> R) -> R {
        f(&self.shared.state.lock().expect("not poisoned"))
    }

    fn write(&mut self, op: &S::Write) -> S::WriteOutput {
        let shared = &*self.shared;
        let _writer = shared.writer.lock().expect("not poisoned");
        let previous = S::State::clone(&shared.state.lock().expect("not poisoned"));
        let mut next = S::State::clone(&previous);
        let output = shared.scenario.write(&mut next, op);
        for change in shared.scenario.diff(&previous, &next) {
            self.apply_one(&change);
            thread::yield_now();
        }
        output
    }
}

impl<S: Mergeable> TornRead<S> {
    /// Applies one leaf change under its own short lock acquisition.
    fn apply_one(&self, change: &S::Change) {
        let Shared {
            scenario, state, ..
        } = &*self.shared;
        let mut state = state.lock().expect("not poisoned");
        scenario.apply_changes(&mut state, slice::from_ref(change));
    }
}
