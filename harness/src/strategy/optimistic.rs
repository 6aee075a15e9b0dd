//! The shape shared by the optimistic strategies: readers use a cached
//! snapshot, a writer computes the next version from a snapshot and commits
//! it with compare-and-swap. Only the commit loop differs, so each
//! optimistic strategy's file is its [`Commit`] and a type alias.

use std::marker::PhantomData;

use scenarios::Scenario;

use super::snapshot::{Published, SnapshotReader, publish_first};
use super::{Counters, Strategy, StrategyHandle, StrategyOptions, WritePath};
use crate::sync::Arc;

/// How a write computes and installs the next version.
pub trait Commit: Send + Sync + 'static {
    /// Applies `op` to a copy of the current version and publishes the copy,
    /// adding to `retries` each time another writer published first.
    fn commit<S: Scenario>(
        scenario: &S,
        current: &Published<S::State>,
        op: &S::Write,
        retries: &mut u64,
    ) -> S::WriteOutput;
}

/// The state of `S` as published snapshots, written by commit protocol `C`.
pub struct Optimistic<S: Scenario, C> {
    shared: Arc<Shared<S>>,
    commit: PhantomData<fn() -> C>,
}

struct Shared<S: Scenario> {
    scenario: Arc<S>,
    current: Published<S::State>,
}

/// A thread's handle on [`Optimistic`]: reads the published snapshot, and
/// commits writes with `C`.
pub struct OptimisticHandle<S: Scenario, C> {
    shared: Arc<Shared<S>>,
    reader: SnapshotReader<S::State>,
    retries: u64,
    commit: PhantomData<fn() -> C>,
}

impl<S: Scenario, C: Commit> Strategy<S> for Optimistic<S, C> {
    type Handle = OptimisticHandle<S, C>;
    const WRITE_PATH: WritePath = WritePath::CopyOnWrite;

    fn new(scenario: Arc<S>, initial: S::State, _: &StrategyOptions) -> Self {
        let current = publish_first(initial);
        Self {
            shared: Arc::new(Shared { scenario, current }),
            commit: PhantomData,
        }
    }

    fn handle(&self) -> Self::Handle {
        OptimisticHandle {
            shared: Arc::clone(&self.shared),
            reader: SnapshotReader::new(&self.shared.current),
            retries: 0,
            commit: PhantomData,
        }
    }
}

impl<S: Scenario, C: Commit> StrategyHandle<S> for OptimisticHandle<S, C> {
    fn read<R>(&mut self, f: impl FnOnce(&S::State) -> R) -> R {
        self.reader.read(f)
    }

    fn write(&mut self, op: &S::Write) -> S::WriteOutput {
        let Shared { scenario, current } = &*self.shared;
        C::commit(&**scenario, current, op, &mut self.retries)
    }

    fn counters(&self) -> Counters {
        let mut counters = Counters::named(&["retries"]);
        counters.add("retries", self.retries);
        counters
    }
}
