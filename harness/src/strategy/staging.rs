//! `staging`: writers mutate a mutex-guarded staging copy in place; a publish
//! turns it into an immutable snapshot that readers load without locking.
//!
//! Reads go through the handle's cached snapshot and never wait. Writes serialize on the
//! staging mutex and apply in place (no clone per write); each publish clones
//! the staging copy once (O(size) with std collections). With
//! `--publish-every N` a publish happens every N writes, amortizing the
//! clone: readers then see a state up to N-1 writes old, so reads are no
//! longer linearizable. `flush` publishes what is pending. Choose it when
//! writes arrive in bursts (a batch of route changes) and readers may lag
//! slightly.

use scenarios::Scenario;

use super::snapshot::{Published, SnapshotReader, publish_first};
use super::{Consistency, Counters, Strategy, StrategyHandle, StrategyOptions, WritePath};
use crate::sync::{Arc, Mutex};

/// The `staging` strategy: writes in place on a mutex-guarded copy, published
/// as a snapshot every `--publish-every` writes.
pub struct Staging<S: Scenario> {
    shared: Arc<Shared<S>>,
}

struct Shared<S: Scenario> {
    scenario: Arc<S>,
    staging: Mutex<Pending<S::State>>,
    published: Published<S::State>,
    publish_every: usize,
}

struct Pending<T> {
    state: T,
    unpublished: usize,
}

/// A thread's handle on [`Staging`]: reads the published snapshot, writes to
/// the staging copy.
pub struct StagingHandle<S: Scenario> {
    shared: Arc<Shared<S>>,
    reader: SnapshotReader<S::State>,
    publishes: u64,
}

impl<S: Scenario> Shared<S> {
    fn staging(&self) -> crate::sync::MutexGuard<'_, Pending<S::State>> {
        self.staging
            .lock()
            .expect("staging copy poisoned by a panicking writer")
    }

    fn publish(&self, pending: &mut Pending<S::State>) {
        self.published.store(Arc::new(pending.state.clone()));
        pending.unpublished = 0;
    }
}

impl<S: Scenario> Strategy<S> for Staging<S> {
    type Handle = StagingHandle<S>;
    const WRITE_PATH: WritePath = WritePath::CopyOnWrite;

    fn new(scenario: Arc<S>, initial: S::State, options: &StrategyOptions) -> Self {
        let published = publish_first(initial.clone());
        let staging = Mutex::new(Pending {
            state: initial,
            unpublished: 0,
        });
        Self {
            shared: Arc::new(Shared {
                scenario,
                staging,
                published,
                publish_every: options.publish_every.max(1),
            }),
        }
    }

    fn handle(&self) -> StagingHandle<S> {
        StagingHandle {
            shared: Arc::clone(&self.shared),
            reader: SnapshotReader::new(&self.shared.published),
            publishes: 0,
        }
    }

    /// Batched publication makes reads lag behind writes: `prefix`.
    fn promise(options: &StrategyOptions) -> Consistency {
        if options.publish_every > 1 {
            Consistency::Prefix
        } else {
            Consistency::Linearizable
        }
    }

    fn flush(&self) {
        let mut pending = self.shared.staging();
        if pending.unpublished > 0 {
            self.shared.publish(&mut pending);
        }
    }
}

impl<S: Scenario> StrategyHandle<S> for StagingHandle<S> {
    fn read<R>(&mut self, f: impl FnOnce(&S::State) -> R) -> R {
        self.reader.read(f)
    }

    fn write(&mut self, op: &S::Write) -> S::WriteOutput {
        let mut pending = self.shared.staging();
        let output = self.shared.scenario.write(&mut pending.state, op);
        pending.unpublished += 1;
        if pending.unpublished >= self.shared.publish_every {
            self.shared.publish(&mut pending);
            self.publishes += 1;
        }
        output
    }

    fn counters(&self) -> Counters {
        let mut counters = Counters::named(&["publishes"]);
        counters.add("publishes", self.publishes);
        counters
    }
}
