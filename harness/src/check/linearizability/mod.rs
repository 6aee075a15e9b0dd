//! Is a concurrent history linearizable with respect to a sequential spec?
//!
//! The search is Wing & Gong's, made practical by Lowe's just-in-time
//! linearization (as in Porcupine): walk the call and return events in time
//! order; at a call, try to linearize that operation now (apply it to the
//! spec, compare outputs) and restart from the earliest remaining event; at
//! a return whose operation is not yet linearized, backtrack. A memo of
//! (set of operations linearized, spec state) pairs already explored cuts
//! the search: the state must be part of it, not only the set, or histories
//! with many clients blow up. See the `search` module for what a step
//! costs.
//!
//! Uncertain operations: one that never returned has its return at +∞ and
//! may stay unlinearized forever; one that returned without an observed
//! output may be linearized as applied (any output accepted) or as having
//! had no effect.
//!
//! The history is first split into independent parts by the keys operations
//! touch (see `partition`). Parts advance in turn, a slice of steps each per
//! round (slices doubling), smallest part first, on up to `threads` threads:
//! a hard part never keeps an easy failing one waiting, and the first round
//! in which a part fails ends the check. Which part fails first, and so the
//! counterexample, depends on step counts only, never on thread timing. A
//! time budget bounds the whole check: past it the verdict is `Unknown`,
//! never a guess.

mod search;

use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(crate) use search::{Deepest, Progress, Search};

use super::history::{Operation, Spec};
use super::partition::parts;
use super::shrink::{ShrinkLimits, Shrinking, shrink};

/// The outcome of a check.
#[derive(Clone, Debug)]
pub enum Verdict<M: Spec> {
    /// Some order of the operations respects real time and explains every output.
    Linearizable,
    /// No order does; a shrunk counterexample.
    NotLinearizable(Counterexample<M>),
    /// The budget ran out before a verdict.
    Unknown(String),
}

/// A history that cannot be linearized, made as small as the shrinker could.
#[derive(Clone, Debug)]
pub struct Counterexample<M: Spec> {
    /// The minimal failing sub-history, from one independent part.
    pub ops: Vec<Operation<M::Input, M::Output>>,
    /// The longest linearizable prefix found: indices into `ops`, in order.
    pub prefix: Vec<usize>,
    /// Whether each operation of `prefix` was applied (false: it was taken
    /// to have had no effect, which only uncertain operations may).
    pub applied: Vec<bool>,
    /// The spec state after `prefix`.
    pub state: M::State,
    /// The operation whose return came before it could be placed.
    pub stuck: usize,
    /// Whether shrinking finished (the counterexample is 1-minimal) or stopped early.
    pub shrinking: Shrinking,
}

/// Steps each live part gets in the first round; each round doubles it, up to the cap.
const FIRST_SLICE: u64 = 256;
const LARGEST_SLICE: u64 = 1 << 16;

/// Checks `history` against `spec` within `budget`, using up to `threads` threads.
pub fn check<M: Spec>(
    spec: &M,
    history: &[Operation<M::Input, M::Output>],
    budget: Duration,
    threads: usize,
) -> Verdict<M> {
    let deadline = super::deadline_after(budget);
    let mut parts = parts(spec, history);
    parts.sort_by_key(|part| (part.len(), part[0]));
    let part_ops: Vec<Vec<_>> = parts
        .iter()
        .map(|part| part.iter().map(|&i| history[i].clone()).collect())
        .collect();
    let mut live: Vec<(usize, Search<'_, M>)> = part_ops
        .iter()
        .enumerate()
        .map(|(index, ops)| (index, Search::new(spec, ops, false)))
        .collect();
    let mut slice = FIRST_SLICE;
    while !live.is_empty() {
        let progress = advance_all(&mut live, slice, deadline, threads);
        if let Some(failing) = progress
            .iter()
            .position(|&p| p == Progress::NotLinearizable)
        {
            let part = live[failing].0;
            let steps = live[failing].1.steps();
            drop(live);
            // Shrinking gets half the budget, counted from when it starts.
            let limits = ShrinkLimits::after(steps, super::deadline_after(budget / 2));
            return Verdict::NotLinearizable(shrink(spec, part_ops[part].clone(), &limits));
        }
        if progress.contains(&Progress::OutOfTime) {
            let undecided = progress
                .iter()
                .filter(|&&p| p != Progress::Linearizable)
                .count();
            return Verdict::Unknown(format!(
                "time budget exhausted: {undecided} of {} independent parts undecided",
                part_ops.len()
            ));
        }
        let mut progress = progress.into_iter();
        live.retain(|_| progress.next() == Some(Progress::Running));
        slice = (slice * 2).min(LARGEST_SLICE);
    }
    Verdict::Linearizable
}

/// Advances every live search by `slice` steps, on up to `threads` threads;
/// the progress of each, in order.
fn advance_all<M: Spec>(
    live: &mut [(usize, Search<'_, M>)],
    slice: u64,
    deadline: Instant,
    threads: usize,
) -> Vec<Progress> {
    let workers = threads.clamp(1, live.len().max(1));
    if workers == 1 {
        return live
            .iter_mut()
            .map(|(_, search)| search.advance(slice, deadline))
            .collect();
    }
    let queue = Mutex::new(live.iter_mut().enumerate());
    let mut done: Vec<(usize, Progress)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let next = queue.lock().expect("no worker panics holding it").next();
                        let Some((index, (_, search))) = next else {
                            return done;
                        };
                        done.push((index, search.advance(slice, deadline)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().expect("a checker thread panicked"))
            .collect()
    });
    done.sort_by_key(|&(index, _)| index);
    done.into_iter().map(|(_, progress)| progress).collect()
}

/// What a search bounded by a step count decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    Linearizable,
    NotLinearizable,
    /// The steps (or the time) ran out first.
    Undecided,
}

/// Checks all of `ops` as one part, in at most `max_steps` steps; the
/// search itself, for what it found (a linearization, the operation stuck).
pub(crate) fn decide<'a, M: Spec>(
    spec: &'a M,
    ops: &'a [Operation<M::Input, M::Output>],
    max_steps: u64,
    deadline: Instant,
) -> (Decision, Search<'a, M>) {
    let mut search = Search::new(spec, ops, false);
    let decision = match search.advance(max_steps, deadline) {
        Progress::Linearizable => Decision::Linearizable,
        Progress::NotLinearizable => Decision::NotLinearizable,
        Progress::Running | Progress::OutOfTime => Decision::Undecided,
    };
    (decision, search)
}

/// The counterexample `ops` make, which must not be linearizable: the
/// longest linearizable prefix, the state after it and the operation stuck
/// (`target` if it is one of `ops`).
pub(crate) fn explain<M: Spec>(
    spec: &M,
    ops: Vec<Operation<M::Input, M::Output>>,
    target: Option<&Operation<M::Input, M::Output>>,
    shrinking: Shrinking,
) -> Counterexample<M> {
    let far = super::deadline_after(Duration::MAX);
    let mut search = Search::new(spec, &ops, true);
    let progress = search.advance(u64::MAX, far);
    assert_eq!(
        progress,
        Progress::NotLinearizable,
        "explain needs a failing history"
    );
    let Deepest {
        prefix,
        state,
        stuck,
    } = search
        .into_deepest()
        .expect("a failure follows a stuck return");
    let stuck = target
        .and_then(|target| ops.iter().position(|op| op == target))
        .unwrap_or(stuck);
    Counterexample {
        prefix: prefix.iter().map(|&(op, _)| op).collect(),
        applied: prefix.iter().map(|&(_, applied)| applied).collect(),
        ops,
        state,
        stuck,
        shrinking,
    }
}
