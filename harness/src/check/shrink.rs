//! Makes a counterexample small: removes chunks of operations (halving the
//! chunk size, as delta debugging does) while the rest still fails, until no
//! single operation can go or the deadline passes.
//!
//! Two rules keep the failure the one the user saw. The operation that could
//! not be placed is never removed. And every remaining output must still be
//! *producible*: some subset of the other remaining operations, each taking
//! effect or not within its call and return, leads to it. Without that rule
//! dropping a write would turn a stale read into a read of a value never
//! written: smaller, and explaining nothing. An output that was not
//! producible in the original history either (a torn value, say) is exempt.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use super::history::{Model, Operation};
use super::linearizability::{Counterexample, Verdict, search};

type Op<M> = Operation<<M as Model>::Input, <M as Model>::Output>;

pub(super) fn shrink<M: Model>(
    model: &M,
    found: Counterexample<M>,
    deadline: Instant,
) -> Counterexample<M> {
    let mut origin = Origin {
        model,
        ops: found.ops.clone(),
        producible: HashMap::new(),
    };
    let mut best = earliest_failure(&mut origin, found, deadline);
    let target = best.ops[best.stuck].clone();
    let never = AtomicBool::new(false);
    let mut chunk = (best.ops.len() / 2).max(1);
    loop {
        let mut removed = false;
        let mut start = 0;
        while start < best.ops.len() {
            if Instant::now() > deadline {
                return best;
            }
            let end = (start + chunk).min(best.ops.len());
            let candidate = without(&best.ops, start..end, &target);
            if candidate.len() == best.ops.len() {
                start = end;
                continue;
            }
            let since = earliest_call(&best.ops[start..end]);
            match search(model, &candidate, deadline, &never) {
                Verdict::NotLinearizable(smaller)
                    if keeps_outputs_producible(&mut origin, &candidate, since, deadline) =>
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

/// The shortest prefix in call order that still fails (found by bisection):
/// a race usually shows soon after it happens, and whatever was called
/// later is noise.
fn earliest_failure<M: Model>(
    origin: &mut Origin<'_, M>,
    found: Counterexample<M>,
    deadline: Instant,
) -> Counterexample<M> {
    let never = AtomicBool::new(false);
    let mut by_call = found.ops.clone();
    by_call.sort_by_key(|op| op.call);
    let (mut passes, mut fails) = (0, by_call.len());
    let mut best = found;
    while fails - passes > 1 && Instant::now() < deadline {
        let middle = (passes + fails) / 2;
        let prefix = &by_call[..middle];
        let since = by_call[middle].call;
        match search(origin.model, prefix, deadline, &never) {
            Verdict::NotLinearizable(smaller)
                if keeps_outputs_producible(origin, prefix, since, deadline) =>
            {
                best = smaller;
                fails = middle;
            }
            _ => passes = middle,
        }
    }
    best
}

fn earliest_call<I, O>(ops: &[Operation<I, O>]) -> u64 {
    ops.iter().map(|op| op.call).min().unwrap_or(u64::MAX)
}

/// `ops` without those in `range`, except `keep`.
fn without<I: PartialEq + Clone, O: PartialEq + Clone>(
    ops: &[Operation<I, O>],
    range: std::ops::Range<usize>,
    keep: &Operation<I, O>,
) -> Vec<Operation<I, O>> {
    ops.iter()
        .enumerate()
        .filter(|(i, op)| !range.contains(i) || *op == keep)
        .map(|(_, op)| op.clone())
        .collect()
}

/// The history the shrinking started from, and which of its outputs were
/// producible there (decided when first asked).
struct Origin<'a, M: Model> {
    model: &'a M,
    ops: Vec<Op<M>>,
    producible: HashMap<usize, bool>,
}

impl<M: Model> Origin<'_, M> {
    fn was_producible(&mut self, op: &Op<M>, deadline: Instant) -> bool {
        let Some(index) = self.ops.iter().position(|o| o == op) else {
            return true;
        };
        if let Some(&known) = self.producible.get(&index) {
            return known;
        }
        let known = producible(self.model, &self.ops, index, deadline);
        self.producible.insert(index, known);
        known
    }
}

/// Whether every output of `candidate` that may have depended on an
/// operation called at `since` or later is still producible (or never was).
fn keeps_outputs_producible<M: Model>(
    origin: &mut Origin<'_, M>,
    candidate: &[Op<M>],
    since: u64,
    deadline: Instant,
) -> bool {
    (0..candidate.len()).all(|index| {
        candidate[index].output.is_none()
            || candidate[index].ret.is_some_and(|ret| ret < since)
            || producible(origin.model, candidate, index, deadline)
            || !origin.was_producible(&candidate[index], deadline)
    })
}

/// Whether `ops[index]`'s output can come out of some subset of the other
/// operations that began before it returned, each taking effect or not
/// within its call and return. A search that runs out of its share of time
/// gives the benefit of the doubt.
fn producible<M: Model>(model: &M, ops: &[Op<M>], index: usize, deadline: Instant) -> bool {
    let target = &ops[index];
    let until = target.ret.unwrap_or(u64::MAX);
    let witnesses: Vec<Op<M>> = ops
        .iter()
        .enumerate()
        .filter(|&(i, op)| i == index || op.call < until)
        .map(|(i, op)| Operation {
            output: if i == index { op.output.clone() } else { None },
            ..op.clone()
        })
        .collect();
    let until = deadline.min(Instant::now() + PER_OUTPUT);
    !matches!(
        search(model, &witnesses, until, &AtomicBool::new(false)),
        Verdict::NotLinearizable(_)
    )
}

/// Time allowed to decide whether one output is producible.
const PER_OUTPUT: Duration = Duration::from_millis(10);
