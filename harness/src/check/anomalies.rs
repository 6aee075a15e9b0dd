//! Linear-time checks run before the linearizability search: they name the
//! anomaly in the user's terms (lost updates, inconsistent reads) and cost
//! nothing next to it. The search would reject the same histories, but its
//! counterexample shows *that* no order explains the outputs, not *what*
//! went wrong; these say what.

use scenarios::{Increments, Op, Output, Scenario};

use super::history::Operation;
use super::record::Recording;

/// Acknowledged writes the final state does not count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LostUpdates {
    /// Writes the run acknowledged: applied with an output, or posted.
    pub acknowledged: u64,
    /// Writes the final state counts ([`Increments::count`]).
    pub counted: u64,
}

impl std::fmt::Display for LostUpdates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "lost updates: {} writes acknowledged, the final state counts {}",
            self.acknowledged, self.counted
        )
    }
}

/// Compares the writes the run acknowledged (applied with an output, or
/// posted) with the count the final state keeps ([`Increments::count`],
/// which counts every applied write).
pub fn lost_updates<S: Increments>(scenario: &S, recording: &Recording<S>) -> Option<LostUpdates> {
    let applied = recording
        .history
        .iter()
        .filter(|op| matches!(op.input, Op::Write(_)) && op.output.is_some())
        .count() as u64;
    let acknowledged = applied + recording.posted;
    let counted = scenario.count(&recording.last);
    (counted < acknowledged).then_some(LostUpdates {
        acknowledged,
        counted,
    })
}

/// Reads whose output no state that holds the invariants gives
/// ([`Scenario::check_read`]): the reader saw a state that never existed,
/// such as a ledger total with a transfer half applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InconsistentReads {
    /// How many reads were inconsistent.
    pub inconsistent: usize,
    /// How many reads with an output the history holds.
    pub reads: usize,
    /// The first inconsistent read, as its client saw it.
    pub first: String,
    /// Why the first one is impossible.
    pub reason: String,
}

impl std::fmt::Display for InconsistentReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "inconsistent reads: {} of {} show a state that never existed",
            self.inconsistent, self.reads
        )
    }
}

/// Runs the scenario's [`Scenario::check_read`] on every read in `history`.
pub fn inconsistent_reads<S: Scenario>(
    scenario: &S,
    history: &[Operation<Op<S>, Output<S>>],
) -> Option<InconsistentReads> {
    let mut reads = 0;
    let mut inconsistent = 0;
    let mut first = None;
    for op in history {
        let (Op::Read(read), Some(Output::Read(output))) = (&op.input, &op.output) else {
            continue;
        };
        reads += 1;
        if let Err(violation) = scenario.check_read(read, output) {
            inconsistent += 1;
            first.get_or_insert((op, read, output, violation));
        }
    }
    let (op, read, output, violation) = first?;
    let ret = op.ret.map_or("…".to_owned(), |ret| ret.to_string());
    Some(InconsistentReads {
        inconsistent,
        reads,
        first: format!(
            "client {} [{},{ret}] {read:?} → {output:?}",
            op.client, op.call
        ),
        reason: violation.0,
    })
}
