//! The shape shared by the four lock strategies: one copy of the state,
//! mutated in place under a lock. Only the lock differs, so each lock
//! strategy's file is its [`InPlaceLock`] adapter and a type alias.

use scenarios::Scenario;

use super::{Strategy, StrategyHandle, StrategyOptions};
use crate::sync::Arc;

/// A lock that guards a value for shared reads and exclusive writes.
pub trait InPlaceLock<T>: Send + Sync + 'static {
    /// A lock guarding `value`.
    fn new(value: T) -> Self;
    /// Runs `f` on the value under the lock, shared with other reads where the
    /// lock allows it.
    fn read<R>(&self, f: impl FnOnce(&T) -> R) -> R;
    /// Runs `f` on the value under the lock, exclusively.
    fn write<R>(&self, f: impl FnOnce(&mut T) -> R) -> R;
}

/// The state of `S` behind lock `L`, written in place.
pub struct InPlace<S: Scenario, L> {
    shared: Arc<Shared<S, L>>,
}

struct Shared<S, L> {
    scenario: Arc<S>,
    lock: L,
}

impl<S: Scenario, L: InPlaceLock<S::State>> Strategy<S> for InPlace<S, L> {
    type Handle = Self;

    fn new(scenario: Arc<S>, initial: S::State, _: &StrategyOptions) -> Self {
        let lock = L::new(initial);
        Self {
            shared: Arc::new(Shared { scenario, lock }),
        }
    }

    fn handle(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<S: Scenario, L: InPlaceLock<S::State>> StrategyHandle<S> for InPlace<S, L> {
    fn read<R>(&mut self, f: impl FnOnce(&S::State) -> R) -> R {
        self.shared.lock.read(f)
    }

    fn write(&mut self, op: &S::Write) -> S::WriteOutput {
        let scenario = &self.shared.scenario;
        self.shared.lock.write(|state| scenario.write(state, op))
    }
}
