//! A scenario's pure model as the checker's specification: the same model
//! every strategy runs is what its recorded histories are checked against.

use std::fmt;

use scenarios::{Op, Output, Scenario};

use super::history::Model;

/// Scenario `S` from its initial state of `size`.
#[derive(Clone)]
pub struct ScenarioModel<S> {
    pub scenario: S,
    pub size: usize,
}

impl<S: Scenario> fmt::Debug for ScenarioModel<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ScenarioModel({}, size {})",
            self.scenario.name(),
            self.size
        )
    }
}

impl<S: Scenario> Model for ScenarioModel<S> {
    type State = S::State;
    type Input = Op<S>;
    type Output = Output<S>;
    /// The scenario's own [`Scenario::keys`]: each part is checked against
    /// the whole model, which is sound because operations on different keys
    /// neither see nor change what the others' outputs depend on (counters
    /// such as a version change, but no output of a keyed operation shows them).
    type Key = String;

    fn init(&self) -> S::State {
        self.scenario.initial_state(self.size)
    }

    fn step(&self, state: &S::State, input: &Op<S>) -> (S::State, Output<S>) {
        let mut next = state.clone();
        let output = self.scenario.apply(&mut next, input);
        (next, output)
    }

    fn keys(&self, op: &Op<S>) -> Vec<String> {
        self.scenario.keys(op)
    }
}
