//! How state is shared: one trait pair, generic over any scenario.
//!
//! A [`Strategy`] owns the shared state of one scenario and hands each thread
//! its own [`StrategyHandle`] (a per-thread cache, a mailbox sender, a
//! left-right read handle), as bustle's `Collection::pin()` does. Strategies
//! know nothing about the scenario beyond the [`Scenario`] trait: a read is a
//! closure over a consistent `&State`, a write is the model's own `write`
//! applied in place (locks) or to a private copy that is then published
//! (snapshots).
//!
//! Every strategy lives in its own file and takes its primitives from
//! [`crate::sync`]; [`registry`] maps command-line names to types.

mod actor;
mod actor_post;
mod arc_swap;
mod cas_merge;
mod cas_retry;
mod counters;
mod in_place;
mod left_right;
pub mod mutants;
mod mutex;
mod optimistic;
mod pl_mutex;
mod pl_rwlock;
pub mod registry;
mod rwlock;
mod snapshot;
mod staging;

use std::sync::Arc;

use scenarios::{Op, Output, Scenario};
use serde::{Deserialize, Serialize};

pub use crate::check::consistency::Consistency;

pub use self::actor::Actor;
pub use self::actor_post::ActorPost;
pub use self::arc_swap::ArcSwapRcu;
pub use self::cas_merge::CasMerge;
pub use self::cas_retry::CasRetry;
pub use self::counters::Counters;
pub use self::in_place::{InPlace, InPlaceLock};
pub use self::left_right::LeftRight;
pub use self::mutex::MutexStrategy;
pub use self::optimistic::{Commit, Optimistic};
pub use self::pl_mutex::PlMutexStrategy;
pub use self::pl_rwlock::PlRwLockStrategy;
pub use self::rwlock::RwLockStrategy;
pub use self::staging::Staging;

/// Shared state of scenario `S`, and the way threads reach it.
pub trait Strategy<S: Scenario>: Send + Sync + Sized + 'static {
    /// What one thread uses to read and write; never shared between threads.
    type Handle: StrategyHandle<S>;

    /// How a write reaches the state (with the default options). The
    /// regression gate's reference workload writes the same way, so a
    /// figure keeps what sharing adds and not the cost of copying.
    const WRITE_PATH: WritePath = WritePath::InPlace;

    /// Shares `initial`, applying writes with `scenario`.
    fn new(scenario: Arc<S>, initial: S::State, options: &StrategyOptions) -> Self;

    /// A handle for one more thread.
    fn handle(&self) -> Self::Handle;

    /// Counters kept by the strategy itself (not by its handles), e.g. an
    /// actor's publishes.
    fn counters(&self) -> Counters {
        Counters::default()
    }

    /// Makes every acknowledged write visible to readers. Only strategies
    /// that batch publication (`staging --publish-every N`) or post writes
    /// (`actor-post`) have work to do.
    fn flush(&self) {}

    /// The contract its histories keep with `options`
    /// ([`Consistency`]): what `verify` holds it to by default.
    fn promise(_options: &StrategyOptions) -> Consistency {
        Consistency::Linearizable
    }
}

/// One thread's access to a [`Strategy`].
pub trait StrategyHandle<S: Scenario>: Send + 'static {
    /// Runs `f` on one consistent state, no matter what writers are doing.
    fn read<R>(&mut self, f: impl FnOnce(&S::State) -> R) -> R;

    /// Applies `op` atomically and returns the model's output for it.
    fn write(&mut self, op: &S::Write) -> S::WriteOutput;

    /// The write as the strategy makes it: applied at once, as
    /// [`write`](Self::write) does, unless the strategy gives up on a
    /// conflict (`cas-merge --on-conflict abort`) or posts it to be applied
    /// later (`actor-post`). Runs and recorded histories write this way.
    fn submit(&mut self, op: &S::Write) -> Written<S::WriteOutput> {
        Written::Applied(self.write(op))
    }

    /// Counters kept by this handle (retries, publishes); the runner adds up
    /// every handle's.
    fn counters(&self) -> Counters {
        Counters::default()
    }

    /// Applies any operation, reads through `scenario`'s model.
    fn apply(&mut self, scenario: &S, op: &Op<S>) -> Output<S> {
        match op {
            Op::Read(read) => Output::Read(self.read(|state| scenario.read(state, read))),
            Op::Write(write) => Output::Write(self.write(write)),
        }
    }
}

/// How a strategy applies a write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WritePath {
    /// To the shared state itself (locks, left-right, the actor).
    #[default]
    InPlace,
    /// To a private copy of the whole state, which is then published in its
    /// place (the snapshot strategies: one copy per write, or per publish).
    CopyOnWrite,
}

/// What a write call could tell its caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written<O> {
    /// Applied before the call returned, with the model's output.
    Applied(O),
    /// Given up on a conflict: nothing was applied.
    Aborted,
    /// Queued, to be applied after the call returned; its output is never
    /// seen, and nothing says when readers will see it.
    Posted,
}

impl<O> Written<O> {
    /// Whether the write was accepted: applied, or posted to be.
    pub fn accepted(&self) -> bool {
        !matches!(self, Written::Aborted)
    }

    /// The model's output, if the caller saw it.
    pub fn output(self) -> Option<O> {
        match self {
            Written::Applied(output) => Some(output),
            Written::Aborted | Written::Posted => None,
        }
    }
}

/// Knobs that some strategies read; the others ignore them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrategyOptions {
    /// `staging`: publish a snapshot after this many writes (1 = every write).
    pub publish_every: usize,
    /// `cas-merge`: what a write does when its changes conflict.
    pub on_conflict: OnConflict,
    /// `cas-merge`: which leaves a merge checks for overlap.
    pub validate: scenarios::Validate,
}

impl Default for StrategyOptions {
    fn default() -> Self {
        Self {
            publish_every: 1,
            on_conflict: OnConflict::Retry,
            validate: scenarios::Validate::Reads,
        }
    }
}

/// What an optimistic write does when it conflicts with another.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnConflict {
    /// Recompute from the newer version until it commits.
    #[default]
    Retry,
    /// Give up: the write is reported as aborted and applies nothing.
    Abort,
}
