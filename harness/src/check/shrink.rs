//! Makes a counterexample small: removes chunks of operations (halving the
//! chunk size, as delta debugging does) while the rest still fails *on the
//! same operation*, until no single operation can go or the deadline
//! passes. Two rules keep the failure the one the user saw: the same
//! operation must stay stuck, and if the history's fault is the order of its
//! operations in time (it could be linearized were every operation
//! concurrent), every smaller candidate must keep that property. Otherwise
//! dropping a write would turn a stale read into a read of a value never
//! written: smaller, and explaining nothing.

use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use super::history::{Model, Operation};
use super::linearizability::{Counterexample, Verdict, search};

pub(super) fn shrink<M: Model>(
    model: &M,
    found: Counterexample<M>,
    deadline: Instant,
) -> Counterexample<M> {
    let never = AtomicBool::new(false);
    let target = found.ops[found.stuck].clone();
    let first = deadline.min(Instant::now() + FIRST);
    let ordering_fault = explainable(model, &found.ops, first, &never);
    let mut best = found;
    let mut chunk = (best.ops.len() / 2).max(1);
    loop {
        let mut removed = false;
        let mut start = 0;
        while start < best.ops.len() {
            if Instant::now() > deadline {
                return best;
            }
            let end = (start + chunk).min(best.ops.len());
            let mut candidate = best.ops.clone();
            candidate.drain(start..end);
            match search(model, &candidate, deadline, &never) {
                Verdict::NotLinearizable(smaller)
                    if smaller.ops[smaller.stuck] == target
                        && (!ordering_fault
                            || explainable(model, &candidate, quick(deadline), &never)) =>
                {
                    best = smaller;
                    removed = true;
                }
                _ => start = end,
            }
        }
        if chunk == 1 && !removed {
            return best;
        }
        if !removed {
            chunk = (chunk / 2).max(1);
        }
    }
}

/// False only if the operations are shown not linearizable even with every
/// one of them concurrent (some output is impossible in any order) before
/// `until`; a search that runs out of time gives them the benefit of the
/// doubt, so large histories still shrink.
fn explainable<M: Model>(
    model: &M,
    ops: &[Operation<M::Input, M::Output>],
    until: Instant,
    never: &AtomicBool,
) -> bool {
    !matches!(
        search(model, &all_concurrent(ops), until, never),
        Verdict::NotLinearizable(_)
    )
}

fn quick(deadline: Instant) -> Instant {
    deadline.min(Instant::now() + QUICK)
}

/// Time allowed to decide whether the original failure is an ordering fault.
const FIRST: Duration = Duration::from_millis(200);
/// Time allowed for one candidate's all-concurrent check while shrinking.
const QUICK: Duration = Duration::from_millis(20);

/// The same operations with every real-time order between them removed.
fn all_concurrent<I: Clone, O: Clone>(ops: &[Operation<I, O>]) -> Vec<Operation<I, O>> {
    ops.iter()
        .map(|op| Operation {
            call: 0,
            ret: op.ret.map(|_| 1),
            ..op.clone()
        })
        .collect()
}
