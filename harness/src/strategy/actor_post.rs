//! `actor-post`: the actor whose write posts the operation to the mailbox
//! and returns at once, as the player-service design's `UpdatePlayers`
//! does. The writer thread, readers and batching are [`Actor`]'s.
//!
//! A write costs one channel send, never a round trip, and a writer never
//! waits for a slow update; the price is that the caller never sees the
//! model's output and that a read, even the writer's own next one, may not
//! see the write yet. Writes are still applied one at a time in mailbox
//! order and readers see published snapshots, which only grow: the
//! contract it keeps is `prefix`, not `linearizable`. The mailbox holds at
//! most [`MAILBOX`] writes: when writers outrun the writer thread, a post
//! waits for room rather than letting the queue (and the staleness of
//! reads) grow without bound. `flush` waits until the mailbox is drained.
//! Choose it when updates must not wait for each other and readers may lag.

use scenarios::Scenario;

use super::actor::ActorHandle;
use super::{Actor, Consistency, Counters, Strategy, StrategyHandle, StrategyOptions, Written};
use crate::sync::Arc;

/// Most writes waiting in the mailbox.
pub const MAILBOX: usize = 1024;

/// The `actor-post` strategy: [`Actor`] with writes posted to the mailbox
/// without waiting for them to be applied.
pub struct ActorPost<S: Scenario>(Actor<S>);

/// A thread's handle on [`ActorPost`]: reads the published snapshot, posts
/// writes.
pub struct ActorPostHandle<S: Scenario>(ActorHandle<S>);

impl<S: Scenario> Strategy<S> for ActorPost<S> {
    type Handle = ActorPostHandle<S>;

    fn new(scenario: Arc<S>, initial: S::State, _: &StrategyOptions) -> Self {
        Self(Actor::with_mailbox(scenario, initial, Some(MAILBOX)))
    }

    fn handle(&self) -> ActorPostHandle<S> {
        ActorPostHandle(self.0.handle())
    }

    fn counters(&self) -> Counters {
        self.0.counters()
    }

    fn flush(&self) {
        self.0.drain();
    }

    fn promise(_: &StrategyOptions) -> Consistency {
        Consistency::Prefix
    }
}

impl<S: Scenario> StrategyHandle<S> for ActorPostHandle<S> {
    fn read<R>(&mut self, f: impl FnOnce(&S::State) -> R) -> R {
        self.0.read(f)
    }

    /// Waits for the writer, as `actor` does: for callers that need the output.
    fn write(&mut self, op: &S::Write) -> S::WriteOutput {
        self.0.write(op)
    }

    fn submit(&mut self, op: &S::Write) -> Written<S::WriteOutput> {
        self.0.post(op);
        Written::Posted
    }
}
