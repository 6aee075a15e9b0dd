//! `arc-swap`: readers load an immutable snapshot; writers clone, apply and
//! publish with `ArcSwap::rcu`.
//!
//! A read is one `ArcSwap::load` (a few ns, no shared counter touched in the
//! common case thanks to arc-swap's per-thread debt slots), so reads scale
//! with cores and never wait for writers. A write clones the whole state
//! (O(size) for std collections, O(log size) for persistent ones), applies the
//! model's write to the copy, and compare-and-swaps it in; `rcu` repeats the
//! closure when another writer won, so no update is lost (counted as
//! `retries`). Choose it for read-mostly state such as configuration and
//! routing tables, where writes are rare or the state is cheap to copy.

use scenarios::Scenario;

use super::{Counters, Strategy, StrategyHandle, StrategyOptions};
use crate::sync::{Arc, ArcSwap};

pub struct ArcSwapRcu<S: Scenario> {
    shared: Arc<Shared<S>>,
}

struct Shared<S: Scenario> {
    scenario: Arc<S>,
    current: ArcSwap<S::State>,
}

pub struct ArcSwapHandle<S: Scenario> {
    shared: Arc<Shared<S>>,
    retries: u64,
}

impl<S: Scenario> Strategy<S> for ArcSwapRcu<S> {
    type Handle = ArcSwapHandle<S>;

    fn new(scenario: Arc<S>, initial: S::State, _: &StrategyOptions) -> Self {
        let current = ArcSwap::from_pointee(initial);
        Self {
            shared: Arc::new(Shared { scenario, current }),
        }
    }

    fn handle(&self) -> ArcSwapHandle<S> {
        ArcSwapHandle {
            shared: Arc::clone(&self.shared),
            retries: 0,
        }
    }
}

impl<S: Scenario> StrategyHandle<S> for ArcSwapHandle<S> {
    fn read<R>(&mut self, f: impl FnOnce(&S::State) -> R) -> R {
        f(&self.shared.current.load())
    }

    fn write(&mut self, op: &S::Write) -> S::WriteOutput {
        let scenario = &self.shared.scenario;
        let mut attempts = 0;
        let mut output = None;
        self.shared.current.rcu(|current| {
            attempts += 1;
            let mut next = S::State::clone(current);
            output = Some(scenario.write(&mut next, op));
            next
        });
        self.retries += attempts - 1;
        output.expect("rcu runs its closure at least once")
    }

    fn counters(&self) -> Counters {
        let mut counters = Counters::named(&["retries"]);
        counters.add("retries", self.retries);
        counters
    }
}
