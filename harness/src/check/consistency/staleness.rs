//! How stale reads were under `prefix`: for each read, the writes that had
//! returned before it was called but are missing from the prefix it saw.
//!
//! The search takes each read at the earliest prefix that explains it,
//! which would overstate staleness; here each read is moved as late as the
//! states along the write order and its client's later reads allow (the
//! latest prefix at or before the next read's that still gives its output).

use serde::Serialize;

use super::prefix::Explanation;
use crate::check::history::{Operation, Spec};

/// The staleness of every read with an observed output.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Staleness {
    /// Writes missed, per read, ascending.
    sorted: Vec<u64>,
}

/// Max and p99 of a [`Staleness`], as reports show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct StalenessSummary {
    /// Reads with an observed output.
    pub reads: usize,
    /// The most writes one read missed; 0 without reads.
    pub max: u64,
    /// The nearest-rank 99th percentile of writes missed; 0 without reads.
    pub p99: u64,
}

impl Staleness {
    /// Every read of a linearizable history: none missed a write.
    pub fn none<M: Spec>(spec: &M, history: &[Operation<M::Input, M::Output>]) -> Self {
        let reads = history
            .iter()
            .filter(|op| spec.is_read(&op.input) && op.output.is_some())
            .count();
        Self {
            sorted: vec![0; reads],
        }
    }

    /// The reads of both.
    pub fn merge(&mut self, other: &Staleness) {
        self.sorted.extend_from_slice(&other.sorted);
        self.sorted.sort_unstable();
    }

    /// Max and p99 over every read.
    pub fn summary(&self) -> StalenessSummary {
        StalenessSummary {
            reads: self.sorted.len(),
            max: self.sorted.last().copied().unwrap_or(0),
            p99: self.percentile(99),
        }
    }

    /// The nearest-rank percentile; 0 without reads.
    fn percentile(&self, percent: usize) -> u64 {
        if self.sorted.is_empty() {
            return 0;
        }
        let rank = (percent * self.sorted.len()).div_ceil(100).max(1);
        self.sorted[rank - 1]
    }
}

impl std::fmt::Display for StalenessSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "max {} · p99 {}", self.max, self.p99)
    }
}

/// The staleness of each read of `explanation`, a prefix explanation of `history`.
pub(super) fn measure<M: Spec>(
    spec: &M,
    history: &[Operation<M::Input, M::Output>],
    explanation: &Explanation,
) -> Staleness {
    let mut states = vec![spec.init()];
    for &write in &explanation.order {
        let next = spec.step(
            states.last().expect("starts with one"),
            &history[write].input,
        );
        states.push(next.0);
    }
    let gives = |k: usize, read: &Operation<M::Input, M::Output>| {
        read.output.as_ref() == Some(&spec.step(&states[k], &read.input).1)
    };
    let mut sorted = Vec::new();
    for reads in &explanation.reads {
        let mut latest = explanation.order.len();
        for &(read, earliest) in reads.iter().rev() {
            let op = &history[read];
            latest = (earliest..=latest)
                .rev()
                .find(|&k| gives(k, op))
                .unwrap_or(earliest);
            sorted.push(missed(history, &explanation.order[latest..], op.call));
        }
    }
    sorted.sort_unstable();
    Staleness { sorted }
}

/// Writes among `after` (the rest of the order) that returned before `call`.
/// Past the first write called at or after `call`, none can have: it would
/// have returned before that write was called, so come before it.
fn missed<I, O>(history: &[Operation<I, O>], after: &[usize], call: u64) -> u64 {
    after
        .iter()
        .map(|&write| &history[write])
        .take_while(|write| write.call < call)
        .filter(|write| write.ret.is_some_and(|ret| ret < call))
        .count() as u64
}
