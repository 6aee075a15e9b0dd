//! `stale-read` (mutant): a reader that sometimes answers from an older
//! snapshot it kept, as a cache that is refreshed on one path and not on
//! another would. Every sixteenth read keeps a copy of the state it saw;
//! eight reads later, one read answers from that copy instead of the
//! current snapshot, after its client has already seen newer states.
//!
//! Writes are `arc-swap`'s, so nothing is lost and every state a read
//! shows existed: the lost-update and inconsistent-read checks pass. Only
//! the contracts catch it, `prefix` included: a client's reads go back in
//! time, which monotonic reads forbid.

use scenarios::Scenario;

use crate::strategy::{ArcSwapRcu, Strategy, StrategyHandle, StrategyOptions};
use crate::sync::Arc;

/// Reads between keeping a copy and answering from it.
const LAG: u64 = 8;
/// Reads between two copies.
const EVERY: u64 = 16;

/// The `stale-read` mutant: `arc-swap`, except that some reads answer from an
/// older snapshot kept earlier.
pub struct StaleRead<S: Scenario>(ArcSwapRcu<S>);

/// A thread's handle on [`StaleRead`], with the copy it may answer from.
pub struct StaleReadHandle<S: Scenario> {
    inner: <ArcSwapRcu<S> as Strategy<S>>::Handle,
    kept: Option<S::State>,
    reads: u64,
}

impl<S: Scenario> Strategy<S> for StaleRead<S> {
    type Handle = StaleReadHandle<S>;

    fn new(scenario: Arc<S>, initial: S::State, options: &StrategyOptions) -> Self {
        Self(ArcSwapRcu::new(scenario, initial, options))
    }

    fn handle(&self) -> StaleReadHandle<S> {
        StaleReadHandle {
            inner: self.0.handle(),
            kept: None,
            reads: 0,
        }
    }
}

impl<S: Scenario> StrategyHandle<S> for StaleReadHandle<S> {
    fn read<R>(&mut self, f: impl FnOnce(&S::State) -> R) -> R {
        self.reads += 1;
        match (self.reads % EVERY, &self.kept) {
            (0, _) => {
                let kept = &mut self.kept;
                self.inner.read(|state| {
                    *kept = Some(state.clone());
                    f(state)
                })
            }
            (LAG, Some(old)) => f(old),
            _ => self.inner.read(f),
        }
    }

    fn write(&mut self, op: &S::Write) -> S::WriteOutput {
        self.inner.write(op)
    }
}
