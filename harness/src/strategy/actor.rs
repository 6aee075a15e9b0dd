//! `actor`: one writer thread owns the state and applies writes from a
//! mailbox strictly in arrival order; readers load the latest published
//! snapshot and never wait for it.
//!
//! This is the "pure core, thin service" pattern: the model is the core, the
//! mailbox is the service. Writes are serialized without any lock the
//! callers share; a write call sends its operation and waits for the writer's
//! acknowledgement carrying the model's output, so it costs a round trip
//! between threads (microseconds when the writer must be woken). The writer
//! drains what is queued (up to [`MAX_BATCH`] writes), applies them in order
//! to its private copy, publishes one snapshot (one clone of the state), then
//! acknowledges them all, so a burst costs one publish (`publishes` counts
//! them). Choose it when writes must be strictly ordered, may be slow, and
//! must never make readers wait.

use scenarios::Scenario;

use super::snapshot::{Published, SnapshotReader, publish_first};
use super::{Counters, Strategy, StrategyHandle, StrategyOptions};
use crate::sync::channel::{self, Receiver, Sender};
use crate::sync::thread::{self, JoinHandle};
use crate::sync::{Arc, AtomicU64, Ordering};

/// Most writes the writer applies before it publishes and acknowledges.
pub const MAX_BATCH: usize = 64;

/// The `actor` strategy: a writer thread owns the state and applies writes
/// from its mailbox; readers load its published snapshots.
pub struct Actor<S: Scenario> {
    shared: Arc<Shared<S>>,
    mailbox: Sender<Message<S>>,
    writer: Option<JoinHandle<()>>,
}

struct Shared<S: Scenario> {
    current: Published<S::State>,
    publishes: AtomicU64,
}

enum Message<S: Scenario> {
    Write(S::Write, Sender<S::WriteOutput>),
    /// A write nobody waits for (`actor-post`).
    Post(S::Write),
    /// Acknowledged once everything sent before it is applied and published.
    Flush(Sender<()>),
    Stop,
}

/// A thread's handle on [`Actor`]: reads the published snapshot, sends writes
/// to the writer thread.
pub struct ActorHandle<S: Scenario> {
    reader: SnapshotReader<S::State>,
    mailbox: Sender<Message<S>>,
}

impl<S: Scenario> Strategy<S> for Actor<S> {
    type Handle = ActorHandle<S>;

    fn new(scenario: Arc<S>, initial: S::State, _: &StrategyOptions) -> Self {
        Self::with_mailbox(scenario, initial, None)
    }

    fn handle(&self) -> ActorHandle<S> {
        ActorHandle {
            reader: SnapshotReader::new(&self.shared.current),
            mailbox: self.mailbox.clone(),
        }
    }

    fn counters(&self) -> Counters {
        let mut counters = Counters::named(&["publishes"]);
        counters.add("publishes", self.shared.publishes.load(Ordering::Relaxed));
        counters
    }
}

impl<S: Scenario> Drop for Actor<S> {
    fn drop(&mut self) {
        let _ = self.mailbox.send(Message::Stop);
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// The writer's loop: drain a batch, apply it in order, publish once, acknowledge.
fn run_writer<S: Scenario>(
    scenario: &S,
    shared: &Shared<S>,
    mut state: S::State,
    inbox: &Receiver<Message<S>>,
) {
    let mut acks = Vec::with_capacity(MAX_BATCH);
    let mut flushes = Vec::new();
    while let Ok(first) = inbox.recv() {
        let (mut stop, mut applied) = (false, false);
        for message in std::iter::once(first).chain(inbox.try_iter().take(MAX_BATCH - 1)) {
            match message {
                Message::Write(op, reply) => {
                    acks.push((reply, scenario.write(&mut state, &op)));
                    applied = true;
                }
                Message::Post(op) => {
                    scenario.write(&mut state, &op);
                    applied = true;
                }
                Message::Flush(reply) => flushes.push(reply),
                Message::Stop => stop = true,
            }
        }
        if applied {
            shared.current.store(Arc::new(state.clone()));
            shared.publishes.fetch_add(1, Ordering::Relaxed);
        }
        for (reply, output) in acks.drain(..) {
            let _ = reply.send(output);
        }
        for reply in flushes.drain(..) {
            let _ = reply.send(());
        }
        if stop {
            return;
        }
    }
}

impl<S: Scenario> ActorHandle<S> {
    /// Sends `op` to the writer without waiting for it to be applied.
    pub(super) fn post(&mut self, op: &S::Write) {
        self.send(Message::Post(op.clone()));
    }

    fn send(&self, message: Message<S>) {
        self.mailbox
            .send(message)
            .expect("the actor has stopped: its strategy was dropped");
    }
}

impl<S: Scenario> Actor<S> {
    /// Starts the writer thread; `capacity` bounds the mailbox (a send then
    /// waits for room), `None` leaves it unbounded.
    pub(super) fn with_mailbox(
        scenario: Arc<S>,
        initial: S::State,
        capacity: Option<usize>,
    ) -> Self {
        let shared = Arc::new(Shared {
            current: publish_first(initial.clone()),
            publishes: AtomicU64::new(0),
        });
        let (mailbox, inbox) = capacity.map_or_else(channel::unbounded, channel::bounded);
        let writer_shared = Arc::clone(&shared);
        let writer = thread::Builder::new()
            .name("actor-writer".into())
            .spawn(move || run_writer(&*scenario, &writer_shared, initial, &inbox))
            .expect("spawn the actor's writer thread");
        Self {
            shared,
            mailbox,
            writer: Some(writer),
        }
    }

    /// Waits until the writer has applied and published everything sent so far.
    pub(super) fn drain(&self) {
        let (reply, done) = channel::bounded(1);
        if self.mailbox.send(Message::Flush(reply)).is_ok() {
            let _ = done.recv();
        }
    }
}

impl<S: Scenario> StrategyHandle<S> for ActorHandle<S> {
    fn read<R>(&mut self, f: impl FnOnce(&S::State) -> R) -> R {
        self.reader.read(f)
    }

    fn write(&mut self, op: &S::Write) -> S::WriteOutput {
        let (reply, ack) = channel::bounded(1);
        self.send(Message::Write(op.clone(), reply));
        ack.recv()
            .expect("the actor's writer thread stopped before acknowledging")
    }
}
