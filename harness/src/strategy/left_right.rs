//! `left-right`: two copies of the state; readers use one while the single
//! writer updates the other, then the roles swap.
//!
//! Built on the `left-right` crate. Reads are wait-free: entering a read
//! bumps the reader's own epoch counter (no shared cache line), and readers
//! never wait for the writer. Each write is logged, applied to the writer's
//! copy, published (the copies swap, which waits for readers still in the
//! old copy), and later replayed on the other copy: every write is applied
//! twice, and memory is doubled, but no write ever clones the state. One
//! write handle exists, so writers serialize on a mutex around it. Choose it
//! for read-heavy state that is too large to clone on every write.

use left_right::{Absorb, ReadHandle, ReadHandleFactory, WriteHandle};
use scenarios::Scenario;

use super::{Counters, Strategy, StrategyHandle, StrategyOptions};
use crate::sync::pl::Mutex;
use crate::sync::{Arc, AtomicU64, Ordering};

/// The `left-right` strategy: two copies of the state, read one while the
/// single writer updates the other.
pub struct LeftRight<S: Scenario> {
    writer: Arc<Writer<S>>,
    readers: ReadHandleFactory<Replica<S>>,
}

struct Writer<S: Scenario> {
    handle: Mutex<WriteHandle<Replica<S>, S::Write>>,
    publishes: AtomicU64,
}

/// One of the two copies. `last_output` carries a write's output from the
/// copy that applied it first back to the writer.
struct Replica<S: Scenario> {
    scenario: Arc<S>,
    state: S::State,
    last_output: Option<S::WriteOutput>,
}

impl<S: Scenario> Clone for Replica<S> {
    fn clone(&self) -> Self {
        Self {
            scenario: Arc::clone(&self.scenario),
            state: self.state.clone(),
            last_output: self.last_output.clone(),
        }
    }
}

impl<S: Scenario> Absorb<S::Write> for Replica<S> {
    fn absorb_first(&mut self, op: &mut S::Write, _: &Self) {
        self.last_output = Some(self.scenario.write(&mut self.state, op));
    }

    fn absorb_second(&mut self, op: S::Write, _: &Self) {
        self.scenario.write(&mut self.state, &op);
    }

    fn sync_with(&mut self, first: &Self) {
        self.state = first.state.clone();
    }
}

/// A thread's handle on [`LeftRight`]: its own read handle, and the shared
/// writer.
pub struct LeftRightHandle<S: Scenario> {
    writer: Arc<Writer<S>>,
    reader: ReadHandle<Replica<S>>,
}

impl<S: Scenario> Strategy<S> for LeftRight<S> {
    type Handle = LeftRightHandle<S>;

    fn new(scenario: Arc<S>, initial: S::State, _: &StrategyOptions) -> Self {
        let replica = Replica {
            scenario,
            state: initial,
            last_output: None,
        };
        let (mut handle, reader) = left_right::new_from_empty(replica);
        handle.publish();
        Self {
            writer: Arc::new(Writer {
                handle: Mutex::new(handle),
                publishes: AtomicU64::new(0),
            }),
            readers: reader.factory(),
        }
    }

    fn handle(&self) -> LeftRightHandle<S> {
        LeftRightHandle {
            writer: Arc::clone(&self.writer),
            reader: self.readers.handle(),
        }
    }

    fn counters(&self) -> Counters {
        let mut counters = Counters::named(&["publishes"]);
        counters.add("publishes", self.writer.publishes.load(Ordering::Relaxed));
        counters
    }
}

impl<S: Scenario> StrategyHandle<S> for LeftRightHandle<S> {
    fn read<R>(&mut self, f: impl FnOnce(&S::State) -> R) -> R {
        let replica = self
            .reader
            .enter()
            .expect("left-right write handle dropped while readers remain");
        f(&replica.state)
    }

    fn write(&mut self, op: &S::Write) -> S::WriteOutput {
        let mut handle = self.writer.handle.lock();
        handle.append(op.clone()).publish();
        self.writer.publishes.fetch_add(1, Ordering::Relaxed);
        handle
            .enter()
            .and_then(|replica| replica.last_output.clone())
            .expect("the copy just published has applied the write")
    }
}
