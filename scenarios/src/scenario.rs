//! The contract every scenario fulfils.

use std::fmt::{self, Debug};

use crate::workload::{GenContext, OpStream, Workload};

/// A pure sequential model of some shared state.
///
/// Writes take `&mut State` so that a lock-based strategy can mutate in place,
/// while a snapshot strategy clones the state first and applies the write to
/// its private copy. Both must produce the same outputs: that is what the
/// conformance suite checks.
///
/// Ten items are required: the five types, [`initial_state`](Self::initial_state),
/// [`read`](Self::read), [`write`](Self::write) and the two generators. The
/// rest have defaults that a scenario overrides to let the checkers find
/// more ([`check_invariants`](Self::check_invariants),
/// [`check_read`](Self::check_read), [`keys`](Self::keys)). Opt-in traits
/// unlock more: [`Increments`] the lost-update check, [`Mergeable`](crate::Mergeable)
/// the `cas-merge` strategy; the checkers also need `State: Eq + Hash`.
pub trait Scenario: Clone + Send + Sync + 'static {
    /// The whole shared state. `Clone` is what a snapshot strategy pays to publish.
    type State: Clone + Debug + Send + Sync + 'static;
    /// A read-only operation.
    type Read: Clone + Debug + PartialEq + Send + Sync + 'static;
    /// A state-changing operation.
    type Write: Clone + Debug + PartialEq + Send + Sync + 'static;
    /// What a read returns.
    type ReadOutput: Clone + Debug + PartialEq + Send + Sync + 'static;
    /// What a write returns.
    type WriteOutput: Clone + Debug + PartialEq + Send + Sync + 'static;

    /// The name used on the command line and in reports; by default the
    /// type's own name, without its path and type parameters.
    fn name(&self) -> &'static str {
        let full = std::any::type_name::<Self>();
        let base = full.split('<').next().unwrap_or(full);
        base.rsplit("::").next().unwrap_or(base)
    }

    /// The state every run starts from; `size` is the scenario's own unit
    /// (flags, routes, players, books).
    fn initial_state(&self, size: usize) -> Self::State;

    /// Answers a read from one consistent state.
    fn read(&self, state: &Self::State, op: &Self::Read) -> Self::ReadOutput;

    /// Applies a write in place and returns its output.
    fn write(&self, state: &mut Self::State, op: &Self::Write) -> Self::WriteOutput;

    /// Checks the properties every reachable state has; by default none.
    fn check_invariants(&self, state: &Self::State) -> Result<(), InvariantViolation> {
        let _ = state;
        Ok(())
    }

    /// Checks what every read of a state that holds the invariants shows,
    /// from the read and its output alone: an error says no such state
    /// gives `output`, so the reader saw a state that never existed (a torn
    /// read). Checkers run it on every recorded read, in linear time, before
    /// any search. Scenarios whose outputs carry nothing to cross-check
    /// keep the default, which accepts every output.
    fn check_read(
        &self,
        read: &Self::Read,
        output: &Self::ReadOutput,
    ) -> Result<(), InvariantViolation> {
        let _ = (read, output);
        Ok(())
    }

    /// A one-line description of a final state for reports (e.g. the
    /// credits of the classic lost-update experiment).
    fn summary(&self, state: &Self::State) -> Option<String> {
        let _ = state;
        None
    }

    /// Draws one read; `ctx` supplies randomness and keys from the workload's distribution.
    fn generate_read(&self, ctx: &mut GenContext) -> Self::Read;

    /// Draws one write.
    fn generate_write(&self, ctx: &mut GenContext) -> Self::Write;

    /// The independent parts of the state `op` touches, so a checker can
    /// check a history part by part (P-compositionality): operations with no
    /// key in common must commute, and neither's output may depend on the
    /// other. Empty, the default, means the whole state: it joins every part.
    fn keys(&self, op: &Op<Self>) -> Vec<String>
    where
        Self: Sized,
    {
        let _ = op;
        Vec::new()
    }

    /// Applies any operation to the model.
    fn apply(&self, state: &mut Self::State, op: &Op<Self>) -> Output<Self>
    where
        Self: Sized,
    {
        match op {
            Op::Read(read) => Output::Read(self.read(state, read)),
            Op::Write(write) => Output::Write(self.write(state, write)),
        }
    }

    /// An endless, reproducible stream of operations for `workload` on a state of `size`.
    fn generate(&self, size: usize, workload: &Workload, seed: u64) -> OpStream<'_, Self>
    where
        Self: Sized,
    {
        OpStream::new(self, size, workload, seed)
    }
}

/// A scenario with a write that counts, used to detect lost updates: after `n`
/// acknowledged increments on the initial state, [`Increments::count`] is `n`.
pub trait Increments: Scenario {
    /// The `n`-th increment on a state of `size`; any `n` must count exactly once.
    fn increment(&self, size: usize, n: u64) -> Self::Write;

    /// How many increments (and other writes) the state has absorbed.
    fn count(&self, state: &Self::State) -> u64;
}

/// Whether an operation reads or writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OpKind {
    /// A read-only operation ([`Scenario::Read`]).
    Read,
    /// A state-changing operation ([`Scenario::Write`]).
    Write,
}

/// One operation of scenario `S`.
pub enum Op<S: Scenario> {
    /// A read, answered from one state without changing it.
    Read(S::Read),
    /// A write, applied in place.
    Write(S::Write),
}

impl<S: Scenario> Op<S> {
    /// Whether this operation reads or writes.
    pub fn kind(&self) -> OpKind {
        match self {
            Op::Read(_) => OpKind::Read,
            Op::Write(_) => OpKind::Write,
        }
    }
}

impl<S: Scenario> Clone for Op<S> {
    fn clone(&self) -> Self {
        match self {
            Op::Read(read) => Op::Read(read.clone()),
            Op::Write(write) => Op::Write(write.clone()),
        }
    }
}

impl<S: Scenario> PartialEq for Op<S> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Op::Read(a), Op::Read(b)) => a == b,
            (Op::Write(a), Op::Write(b)) => a == b,
            _ => false,
        }
    }
}

impl<S: Scenario> Debug for Op<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Read(read) => f.debug_tuple("Read").field(read).finish(),
            Op::Write(write) => f.debug_tuple("Write").field(write).finish(),
        }
    }
}

/// The output of one operation of scenario `S`.
pub enum Output<S: Scenario> {
    /// What a read returned.
    Read(S::ReadOutput),
    /// What a write returned.
    Write(S::WriteOutput),
}

impl<S: Scenario> Clone for Output<S> {
    fn clone(&self) -> Self {
        match self {
            Output::Read(read) => Output::Read(read.clone()),
            Output::Write(write) => Output::Write(write.clone()),
        }
    }
}

impl<S: Scenario> PartialEq for Output<S> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Output::Read(a), Output::Read(b)) => a == b,
            (Output::Write(a), Output::Write(b)) => a == b,
            _ => false,
        }
    }
}

impl<S: Scenario> Debug for Output<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Output::Read(read) => f.debug_tuple("Read").field(read).finish(),
            Output::Write(write) => f.debug_tuple("Write").field(write).finish(),
        }
    }
}

/// A state that breaks one of its scenario's invariants.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invariant violated: {0}")]
pub struct InvariantViolation(pub String);
