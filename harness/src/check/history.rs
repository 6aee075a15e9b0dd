//! A concurrent history: operations with their call and return times.

use std::fmt::Debug;

/// One operation as a client saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation<I, O> {
    /// The client that made the call; a client runs one operation at a time.
    pub client: u64,
    /// When the call was made; only the order of times matters.
    pub call: u64,
    /// When it returned; `None` if no response was seen (it may or may not
    /// have taken effect, at any time after its call).
    pub ret: Option<u64>,
    /// The operation called.
    pub input: I,
    /// What it returned; `None` if the result was not observed (any output
    /// is accepted, and it may or may not have taken effect).
    pub output: Option<O>,
}

impl<I, O> Operation<I, O> {
    /// True if the operation may not have taken effect at all.
    pub fn uncertain(&self) -> bool {
        self.ret.is_none() || self.output.is_none()
    }
}

/// A sequential specification the checker can step through.
pub trait Spec: Clone + Debug + Sync {
    /// A state of the specification.
    type State: Clone + Eq + std::hash::Hash + Debug + Send + Sync;
    /// An operation's input.
    type Input: Clone + Debug + PartialEq + Send + Sync;
    /// An operation's output.
    type Output: Clone + Debug + PartialEq + Send + Sync;
    /// What independent parts of the state an input touches; an empty list
    /// means the whole state (it joins every part).
    type Key: Clone + Eq + std::hash::Hash + Debug + Send + Sync;

    /// The initial state.
    fn init(&self) -> Self::State;

    /// Applies `input`, returning the next state and the output it gives.
    fn step(&self, state: &Self::State, input: &Self::Input) -> (Self::State, Self::Output);

    /// The parts of the state `input` touches, so independent parts are
    /// checked apart; empty for the whole state.
    fn keys(&self, input: &Self::Input) -> Vec<Self::Key>;

    /// Whether `input` only reads: it never changes the state. The `prefix`
    /// contract treats reads and writes differently; a spec that says no
    /// read exists (the default) is held to linearizability under it.
    fn is_read(&self, _input: &Self::Input) -> bool {
        false
    }

    /// An input as JSON, for counterexamples; its `Debug` text by default.
    fn input_json(&self, input: &Self::Input) -> serde_json::Value {
        serde_json::Value::String(format!("{input:?}"))
    }

    /// An output as JSON, for counterexamples; its `Debug` text by default.
    fn output_json(&self, output: &Self::Output) -> serde_json::Value {
        serde_json::Value::String(format!("{output:?}"))
    }
}
