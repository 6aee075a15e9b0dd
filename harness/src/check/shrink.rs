//! Makes a counterexample small and the same on every run. The operation
//! the search got stuck on (its deepest failure) is the *target*; shrinking
//! looks for a smaller history that keeps it and in which
//!
//! 1. everything but the target is linearizable (every other output is
//!    explained: the failure is the target's alone),
//! 2. the target's output is one the spec gives on some state along that
//!    linearization, if it was along the linearization of the part's other
//!    operations (so dropping a write never turns a stale read into a read
//!    of a value nobody wrote; a value never written is exempt), and
//! 3. the whole is still not linearizable.
//!
//! First the target alone is tried, then the shortest prefix in call order
//! (by bisection), then delta debugging (remove chunks, halving the chunk
//! size) until no single operation can go. So a counterexample marked
//! [`Shrinking::Minimal`] is 1-minimal: removing the target leaves it
//! linearizable, and removing any other operation leaves it linearizable or
//! leaves the target's output explained by no state the rest passes through.
//!
//! Every search is bounded by a step count, never by a clock, so the result
//! depends on the input alone; the wall-clock deadline only stops shrinking
//! early, and the result says so.

use std::time::Instant;

use super::history::{Operation, Spec};
use super::linearizability::{Counterexample, Decision, Search, decide, explain};

type Op<M> = Operation<<M as Spec>::Input, <M as Spec>::Output>;

/// Whether shrinking finished.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shrinking {
    /// 1-minimal (see the module docs).
    Minimal,
    /// Stopped before that: the reason (budget spent, or a removal that no
    /// bounded search could decide).
    StoppedEarly(String),
}

/// How much search shrinking may spend.
pub(crate) struct ShrinkLimits {
    /// Steps for one candidate's search: one that does not finish within
    /// them is not taken.
    per_search: u64,
    /// Steps for all of shrinking.
    total: u64,
    deadline: Instant,
}

/// Fewest steps a candidate's search gets, however quickly the failure was found.
const LEAST_PER_SEARCH: u64 = 100_000;
/// Steps for all of shrinking; at 50-100 ns a step, a tenth to a fifth of a second.
const TOTAL_STEPS: u64 = 2_000_000;

impl ShrinkLimits {
    /// Limits for a failure whose search took `steps`.
    pub(crate) fn after(steps: u64, deadline: Instant) -> Self {
        let per_search = steps.saturating_mul(2).max(LEAST_PER_SEARCH);
        Self {
            per_search,
            total: TOTAL_STEPS.max(per_search.saturating_mul(4)),
            deadline,
        }
    }
}

/// Shrinks `ops`, one independent part that is not linearizable.
pub(super) fn shrink<M: Spec>(
    spec: &M,
    ops: Vec<Op<M>>,
    limits: &ShrinkLimits,
) -> Counterexample<M> {
    let mut shrinker = Shrinker {
        spec,
        limits,
        spent: 0,
        stopped: None,
        undecided: false,
        target: None,
        exempt: false,
    };
    let (ops, shrinking) = shrinker.run(ops);
    explain(spec, ops, shrinker.target.as_ref(), shrinking)
}

struct Shrinker<'a, M: Spec> {
    spec: &'a M,
    limits: &'a ShrinkLimits,
    spent: u64,
    stopped: Option<String>,
    /// Some search in the last pass did not finish.
    undecided: bool,
    target: Option<Op<M>>,
    /// The target's output is explained by no state of the part (rule 2 waived).
    exempt: bool,
}

impl<'a, M: Spec> Shrinker<'a, M> {
    fn run(&mut self, ops: Vec<Op<M>>) -> (Vec<Op<M>>, Shrinking) {
        let (decision, search) = self.decide(&ops);
        let stuck = search.and_then(|search| search.deepest_stuck());
        let (Some(Decision::NotLinearizable), Some(stuck)) = (decision, stuck) else {
            return (ops, self.outcome());
        };
        let target = ops[stuck].clone();
        let rest: Vec<Op<M>> = ops.iter().filter(|op| **op != target).cloned().collect();
        self.exempt = self.explains(&rest, &target) == Some(false);
        self.target = Some(target.clone());
        if self.accepts(std::slice::from_ref(&target)) == Some(true) {
            return (vec![target], self.outcome());
        }
        let prefix = self.earliest_failure(ops);
        let best = self.remove_chunks(prefix);
        (best, self.outcome())
    }

    fn outcome(&mut self) -> Shrinking {
        match self.stopped.take() {
            Some(reason) => Shrinking::StoppedEarly(reason),
            None if self.undecided => Shrinking::StoppedEarly(format!(
                "removing some operation could not be decided within {} search steps",
                self.limits.per_search
            )),
            None => Shrinking::Minimal,
        }
    }

    fn is_target(&self, op: &Op<M>) -> bool {
        self.target.as_ref() == Some(op)
    }

    /// The shortest prefix in call order, with the target, that is accepted:
    /// a race usually shows soon after it happens, and whatever was called
    /// later is noise.
    fn earliest_failure(&mut self, mut by_call: Vec<Op<M>>) -> Vec<Op<M>> {
        by_call.sort_by_key(|op| op.call);
        let at = by_call
            .iter()
            .position(|op| self.is_target(op))
            .expect("the target is in the part");
        let (mut passes, mut fails) = (at, by_call.len());
        while fails - passes > 1 && self.stopped.is_none() {
            let middle = (passes + fails) / 2;
            if self.accepts(&by_call[..middle]) == Some(true) {
                fails = middle;
            } else {
                passes = middle;
            }
        }
        by_call.truncate(fails);
        by_call
    }

    /// Delta debugging down to a history from which no single operation can go.
    fn remove_chunks(&mut self, mut best: Vec<Op<M>>) -> Vec<Op<M>> {
        let mut chunk = (best.len() / 2).max(1);
        loop {
            let mut removed = false;
            self.undecided = false;
            let mut start = 0;
            while start < best.len() {
                let end = (start + chunk).min(best.len());
                let candidate: Vec<Op<M>> = best
                    .iter()
                    .enumerate()
                    .filter(|(i, op)| !(start..end).contains(i) || self.is_target(op))
                    .map(|(_, op)| op.clone())
                    .collect();
                if candidate.len() == best.len() {
                    start = end;
                    continue;
                }
                match self.accepts(&candidate) {
                    Some(true) => {
                        best = candidate;
                        removed = true;
                    }
                    _ if self.stopped.is_some() => return best,
                    Some(false) => start = end,
                    None => {
                        self.undecided = true;
                        start = end;
                    }
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

    /// Whether `candidate` (which holds the target) keeps the three rules of
    /// the module docs; `None` if a search did not finish.
    fn accepts(&mut self, candidate: &[Op<M>]) -> Option<bool> {
        let rest: Vec<Op<M>> = candidate
            .iter()
            .filter(|op| !self.is_target(op))
            .cloned()
            .collect();
        let target = self.target.clone().expect("set before any candidate");
        match self.explains(&rest, &target)? {
            false if !self.exempt => return Some(false),
            _ => {}
        }
        match self.decide(candidate).0? {
            Decision::NotLinearizable => Some(true),
            Decision::Linearizable => Some(false),
            Decision::Undecided => None,
        }
    }

    /// Whether `rest` is linearizable and some state along its
    /// linearization gives `target`'s output; `Some(false)` if `rest` is
    /// not linearizable or no state does, `None` if undecided.
    fn explains(&mut self, rest: &[Op<M>], target: &Op<M>) -> Option<bool> {
        let (decision, search) = self.decide(rest);
        match decision? {
            Decision::Linearizable => {}
            Decision::NotLinearizable => return Some(false),
            Decision::Undecided => return None,
        }
        let linearization = search.expect("decided").linearization();
        let Some(observed) = &target.output else {
            return Some(true);
        };
        let gives = |state: &M::State| self.spec.step(state, &target.input).1 == *observed;
        let mut state = self.spec.init();
        if gives(&state) {
            return Some(true);
        }
        for (op, applied) in linearization {
            if applied {
                state = self.spec.step(&state, &rest[op].input).0;
                if gives(&state) {
                    return Some(true);
                }
            }
        }
        Some(false)
    }

    /// A bounded search, counted against the total; no decision once that is spent.
    fn decide<'s>(&mut self, ops: &'s [Op<M>]) -> (Option<Decision>, Option<Search<'s, M>>)
    where
        'a: 's,
    {
        if self.stopped.is_some() {
            return (None, None);
        }
        if Instant::now() > self.limits.deadline {
            self.stopped = Some("the time for shrinking ran out".into());
            return (None, None);
        }
        let left = self.limits.total.saturating_sub(self.spent);
        if left == 0 {
            self.stopped = Some(format!("{} search steps spent", self.limits.total));
            return (None, None);
        }
        let (decision, search) = decide(
            self.spec,
            ops,
            self.limits.per_search.min(left),
            self.limits.deadline,
        );
        self.spent += search.steps();
        (Some(decision), Some(search))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::check::linearizability::{Verdict, check};
    use crate::check::simulate::{Simulation, register_input, simulate};
    use crate::check::specs::{Register, RegisterInput, RegisterOutput};

    fn shrinker<'a>(limits: &'a ShrinkLimits, target: &Op<Register>) -> Shrinker<'a, Register> {
        Shrinker {
            spec: &Register,
            limits,
            spent: 0,
            stopped: None,
            undecided: false,
            target: Some(target.clone()),
            exempt: false,
        }
    }

    /// Simulated histories with one read's value replaced by an older one
    /// (a stale read) or by one nobody writes.
    fn failing_histories() -> impl Iterator<Item = Vec<Op<Register>>> {
        (0..40u64).filter_map(|seed| {
            let simulation = Simulation {
                ops: 60,
                clients: 4,
                crash_chance: 0.03,
                seed,
            };
            let mut history = simulate(&Register, &simulation, register_input(3));
            let reads: Vec<usize> = (0..history.len())
                .filter(|&i| history[i].input == RegisterInput::Read && history[i].output.is_some())
                .collect();
            let read = *reads.get(seed as usize % reads.len().max(1))?;
            let value = if seed % 2 == 0 { Some(99) } else { None };
            history[read].output = Some(RegisterOutput::Read { value });
            Some(history)
        })
    }

    #[test]
    fn removing_any_operation_of_a_minimal_counterexample_leaves_it_linearizable_or_unexplained() {
        let far = crate::check::deadline_after(Duration::from_secs(60));
        let limits = ShrinkLimits::after(0, far);
        let mut checked = 0;
        for history in failing_histories() {
            let Verdict::NotLinearizable(found) =
                check(&Register, &history, Duration::from_secs(60), 1)
            else {
                continue;
            };
            assert_eq!(found.shrinking, Shrinking::Minimal);
            checked += 1;
            let target = &found.ops[found.stuck];
            let mut judge = shrinker(&limits, target);
            for removed in 0..found.ops.len() {
                let mut rest = found.ops.clone();
                rest.remove(removed);
                let linearizable =
                    decide(&Register, &rest, u64::MAX, far).0 == Decision::Linearizable;
                let mut unexplained = || {
                    let others: Vec<_> = rest.iter().filter(|op| *op != target).cloned().collect();
                    judge.explains(&others, target) == Some(false)
                };
                assert!(
                    linearizable || (removed != found.stuck && unexplained()),
                    "without #{removed} it still fails: {:#?}",
                    found.ops
                );
            }
        }
        assert!(checked >= 20, "only {checked} histories failed");
    }

    #[test]
    fn a_stale_read_keeps_the_write_it_read() {
        let op = |client, call, input, output| Operation {
            client,
            call,
            ret: Some(call + 1),
            input,
            output: Some(output),
        };
        let write = |call, value| {
            op(
                0,
                call,
                RegisterInput::Write { value },
                RegisterOutput::Written {},
            )
        };
        let history = vec![
            write(0, 1),
            write(2, 2),
            op(
                1,
                4,
                RegisterInput::Read,
                RegisterOutput::Read { value: Some(1) },
            ),
        ];
        let Verdict::NotLinearizable(found) =
            check(&Register, &history, Duration::from_secs(60), 1)
        else {
            panic!("a stale read");
        };
        assert_eq!(
            found.ops, history,
            "both writes stay: the read's 1 has a writer"
        );
        assert_eq!(found.stuck, 2);
        assert_eq!(found.shrinking, Shrinking::Minimal);
    }
}
