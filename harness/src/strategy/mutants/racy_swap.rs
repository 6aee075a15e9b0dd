//! `racy-swap` (mutant): the naive wrapper around a pure core. A write reads
//! the shared reference, computes the next state from it and stores the
//! result back, with nothing serializing writers: two concurrent writes both
//! start from the same state and the later store erases the earlier write.
//! It loses updates; the history checker must say so.

use scenarios::Scenario;

use crate::strategy::{Strategy, StrategyHandle, StrategyOptions};
use crate::sync::{Arc, ArcSwap};

/// The `racy-swap` mutant: load, compute and store with nothing serializing
/// writers, so concurrent writes are lost.
pub struct RacySwap<S: Scenario> {
    scenario: Arc<S>,
    current: Arc<ArcSwap<S::State>>,
}

impl<S: Scenario> Strategy<S> for RacySwap<S> {
    type Handle = Self;

    fn new(scenario: Arc<S>, initial: S::State, _: &StrategyOptions) -> Self {
        let current = Arc::new(ArcSwap::from_pointee(initial));
        Self { scenario, current }
    }

    fn handle(&self) -> Self {
        Self {
            scenario: Arc::clone(&self.scenario),
            current: Arc::clone(&self.current),
        }
    }
}

impl<S: Scenario> StrategyHandle<S> for RacySwap<S> {
    fn read<R>(&mut self, f: impl FnOnce(&S::State) -> R) -> R {
        f(&self.current.load())
    }

    fn write(&mut self, op: &S::Write) -> S::WriteOutput {
        let mut next = S::State::clone(&self.current.load());
        let output = self.scenario.write(&mut next, op);
        self.current.store(Arc::new(next));
        output
    }
}
