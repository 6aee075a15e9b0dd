//! A scenario as the checker's specification: the same pure scenario
//! every strategy runs is what its recorded histories are checked against.

use std::fmt;
use std::sync::Arc;

use scenarios::{Op, Output, Scenario};

use super::Memoizable;
use super::history::Spec;

/// Scenario `S` from its initial state of `size`.
#[derive(Clone)]
pub struct ScenarioSpec<S> {
    /// The pure model the histories are checked against.
    pub scenario: S,
    /// The size its initial state is built with, in the scenario's unit.
    pub size: usize,
}

impl<S: Scenario> fmt::Debug for ScenarioSpec<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ScenarioSpec({}, size {})",
            self.scenario.name(),
            self.size
        )
    }
}

impl<S: Scenario> Spec for ScenarioSpec<S>
where
    S::State: Memoizable,
{
    /// Shared: a read steps without copying the state, and the search's
    /// stack shares one state across the reads between two writes.
    type State = Arc<S::State>;
    type Input = Op<S>;
    type Output = Output<S>;
    /// The scenario's own [`Scenario::keys`]: each part is checked against
    /// the whole spec, which is sound because operations on different keys
    /// neither see nor change what the others' outputs depend on (counters
    /// such as a version change, but no output of a keyed operation shows them).
    type Key = String;

    fn init(&self) -> Arc<S::State> {
        Arc::new(self.scenario.initial_state(self.size))
    }

    fn step(&self, state: &Arc<S::State>, input: &Op<S>) -> (Arc<S::State>, Output<S>) {
        match input {
            Op::Read(read) => (
                Arc::clone(state),
                Output::Read(self.scenario.read(state, read)),
            ),
            Op::Write(write) => {
                let mut next = S::State::clone(state);
                let output = Output::Write(self.scenario.write(&mut next, write));
                (Arc::new(next), output)
            }
        }
    }

    fn keys(&self, op: &Op<S>) -> Vec<String> {
        self.scenario.keys(op)
    }

    fn is_read(&self, op: &Op<S>) -> bool {
        matches!(op, Op::Read(_))
    }
}

#[cfg(test)]
mod tests {
    use scenarios::ledger::{LedgerRead, LedgerScenario, LedgerVariant, LedgerWrite, player};

    use super::*;
    use crate::check::history::Operation;
    use crate::check::partition::parts;

    fn at(
        time: u64,
        input: Op<LedgerScenario>,
    ) -> Operation<Op<LedgerScenario>, Output<LedgerScenario>> {
        Operation {
            client: time,
            call: time,
            ret: Some(time + 1),
            input,
            output: None,
        }
    }

    fn credit(index: usize) -> Op<LedgerScenario> {
        Op::Write(LedgerWrite::Credit {
            player: player(index),
            amount: 1,
        })
    }

    #[test]
    fn ledger_histories_split_by_player_and_a_transfer_joins_two() {
        let spec = ScenarioSpec {
            scenario: LedgerScenario::new(LedgerVariant::Mixed),
            size: 4,
        };
        let transfer = Op::Write(LedgerWrite::Transfer {
            from: player(1),
            to: player(2),
            amount: 1,
        });
        let mut history = vec![
            at(0, credit(0)),
            at(2, credit(1)),
            at(4, transfer),
            at(6, Op::Read(LedgerRead::Find(vec![player(3)]))),
            at(8, credit(2)),
        ];
        assert_eq!(
            parts(&spec, &history),
            vec![vec![0], vec![1, 2, 4], vec![3]]
        );
        history.push(at(10, Op::Read(LedgerRead::Total)));
        assert_eq!(
            parts(&spec, &history).len(),
            1,
            "a total reads every player"
        );
    }
}
