//! Linear-time checks run before the linearizability search: they name the
//! anomaly in the user's terms (lost updates) and cost nothing next to it.

use scenarios::{Increments, Op};

use super::record::Recording;

/// Acknowledged writes the final state does not count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LostUpdates {
    pub acknowledged: u64,
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

/// Compares the writes the run acknowledged with the count the final state
/// keeps ([`Increments::count`], which counts every applied write).
pub fn lost_updates<S: Increments>(scenario: &S, recording: &Recording<S>) -> Option<LostUpdates> {
    let acknowledged = recording
        .history
        .iter()
        .filter(|op| matches!(op.input, Op::Write(_)) && op.output.is_some())
        .count() as u64;
    let counted = scenario.count(&recording.last);
    (counted < acknowledged).then_some(LostUpdates {
        acknowledged,
        counted,
    })
}
