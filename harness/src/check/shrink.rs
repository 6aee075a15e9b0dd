//! Makes a counterexample small: removes chunks of operations (halving the
//! chunk size, as delta debugging does) while the rest still fails *on the
//! same operation*, until no single operation can go or the deadline
//! passes. Two rules keep the failure the one the user saw: the same
//! operation must stay stuck, and if the history's only fault is the order
//! of its operations in time (it would be linearizable were every operation
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
    let ordering_fault = linearizable(model, &all_concurrent(&found.ops), deadline, &never);

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
                            || linearizable(
                                model,
                                &all_concurrent(&candidate),
                                deadline,
                                &never,
                            )) =>
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

/// True only if shown linearizable quickly: with every operation concurrent
/// the search can be exponential, so it gets [`QUICK`] at most.
fn linearizable<M: Model>(
    model: &M,
    ops: &[Operation<M::Input, M::Output>],
    deadline: Instant,
    never: &AtomicBool,
) -> bool {
    let quick = deadline.min(Instant::now() + QUICK);
    matches!(search(model, ops, quick, never), Verdict::Linearizable)
}

/// Time allowed for one all-concurrent check while shrinking.
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
