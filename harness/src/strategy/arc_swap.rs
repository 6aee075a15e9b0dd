//! `arc-swap`: readers load an immutable snapshot; writers clone, apply and
//! publish with `ArcSwap::rcu`.
//!
//! A read goes through the handle's cached `Arc` (see `snapshot`): one
//! relaxed load while nothing was published, so reads scale with cores and
//! never wait for writers. A write clones the whole state
//! (O(size) for std collections, O(log size) for persistent ones), applies the
//! model's write to the copy, and compare-and-swaps it in; `rcu` repeats the
//! closure when another writer won, so no update is lost (counted as
//! `retries`). Choose it for read-mostly state such as configuration and
//! routing tables, where writes are rare or the state is cheap to copy.

use scenarios::Scenario;

use super::snapshot::{Published, SnapshotReader, publish_first};
use super::{Counters, Strategy, StrategyHandle, StrategyOptions};
use crate::sync::Arc;

pub struct ArcSwapRcu<S: Scenario> {
    shared: Arc<Shared<S>>,
}

struct Shared<S: Scenario> {
    scenario: Arc<S>,
    current: Published<S::State>,
}

pub struct ArcSwapHandle<S: Scenario> {
    shared: Arc<Shared<S>>,
    reader: SnapshotReader<S::State>,
    retries: u64,
}

impl<S: Scenario> Strategy<S> for ArcSwapRcu<S> {
    type Handle = ArcSwapHandle<S>;

    fn new(scenario: Arc<S>, initial: S::State, _: &StrategyOptions) -> Self {
        let current = publish_first(initial);
        Self {
            shared: Arc::new(Shared { scenario, current }),
        }
    }

    fn handle(&self) -> ArcSwapHandle<S> {
        ArcSwapHandle {
            shared: Arc::clone(&self.shared),
            reader: SnapshotReader::new(&self.shared.current),
            retries: 0,
        }
    }
}

impl<S: Scenario> StrategyHandle<S> for ArcSwapHandle<S> {
    fn read<R>(&mut self, f: impl FnOnce(&S::State) -> R) -> R {
        self.reader.read(f)
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
