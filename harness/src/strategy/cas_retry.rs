//! `cas-retry`: optimistic concurrency written out by hand.
//!
//! A write takes the current snapshot, computes the next version from it,
//! and compare-and-swaps; if another writer published first, it backs off
//! (spin, then yield) and recomputes from the newer version. Reads go
//! through the handle's cached snapshot, as in `arc-swap`. Unlike `arc-swap`'s `rcu` this exposes every step of the
//! protocol (it is the base the 3-way-merge strategy extends) and backs off
//! under contention. Cost per write: one clone of the state per attempt, so
//! with many writers on a large state the retries (counted) dominate. Choose
//! it when writes rarely collide and must never block readers.

use scenarios::Scenario;

use super::snapshot::{Published, SnapshotReader, publish_first};
use super::{Counters, Strategy, StrategyHandle, StrategyOptions};
use crate::sync::{Arc, Backoff};

pub struct CasRetry<S: Scenario> {
    shared: Arc<Shared<S>>,
}

struct Shared<S: Scenario> {
    scenario: Arc<S>,
    current: Published<S::State>,
}

pub struct CasRetryHandle<S: Scenario> {
    shared: Arc<Shared<S>>,
    reader: SnapshotReader<S::State>,
    retries: u64,
}

impl<S: Scenario> Strategy<S> for CasRetry<S> {
    type Handle = CasRetryHandle<S>;

    fn new(scenario: Arc<S>, initial: S::State, _: &StrategyOptions) -> Self {
        let current = publish_first(initial);
        Self {
            shared: Arc::new(Shared { scenario, current }),
        }
    }

    fn handle(&self) -> CasRetryHandle<S> {
        CasRetryHandle {
            shared: Arc::clone(&self.shared),
            reader: SnapshotReader::new(&self.shared.current),
            retries: 0,
        }
    }
}

impl<S: Scenario> StrategyHandle<S> for CasRetryHandle<S> {
    fn read<R>(&mut self, f: impl FnOnce(&S::State) -> R) -> R {
        self.reader.read(f)
    }

    fn write(&mut self, op: &S::Write) -> S::WriteOutput {
        let Shared { scenario, current } = &*self.shared;
        let backoff = Backoff::new();
        loop {
            let snapshot = current.load_full();
            let mut next = S::State::clone(&snapshot);
            let output = scenario.write(&mut next, op);
            let previous = current.compare_and_swap(&snapshot, Arc::new(next));
            if Arc::ptr_eq(&previous, &snapshot) {
                return output;
            }
            self.retries += 1;
            backoff.snooze();
        }
    }

    fn counters(&self) -> Counters {
        let mut counters = Counters::named(&["retries"]);
        counters.add("retries", self.retries);
        counters
    }
}
