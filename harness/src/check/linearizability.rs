//! Is a concurrent history linearizable with respect to a sequential model?
//!
//! The search is Wing & Gong's, made practical by Lowe's just-in-time
//! linearization (as in Porcupine): walk the call and return events in time
//! order; at a call, try to linearize that operation now (apply it to the
//! model, compare outputs) and restart from the earliest remaining event; at
//! a return whose operation is not yet linearized, backtrack. A cache of
//! (set of operations linearized, model state) pairs already explored cuts
//! the search: the state must be hashed, not only the set, or histories with
//! many clients blow up.
//!
//! Uncertain operations: one that never returned has its return at +∞ and
//! may stay unlinearized forever; one that returned without an observed
//! output may be linearized as applied (any output accepted) or as having
//! had no effect.
//!
//! The history is first split into independent parts by the keys operations
//! touch (see `partition`); parts are checked in parallel and the first
//! failure stops the rest. A time budget bounds the whole check: past it the
//! verdict is `Unknown`, never a guess.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::history::{Model, Operation};
use super::partition::parts;
use super::shrink::shrink;

/// The outcome of a check.
#[derive(Clone, Debug)]
pub enum Verdict<M: Model> {
    Linearizable,
    NotLinearizable(Counterexample<M>),
    /// The budget ran out (or the check was cancelled) before a verdict.
    Unknown(String),
}

/// A history that cannot be linearized, made as small as the shrinker could.
#[derive(Clone, Debug)]
pub struct Counterexample<M: Model> {
    /// The minimal failing sub-history.
    pub ops: Vec<Operation<M::Input, M::Output>>,
    /// The longest linearizable prefix found: indices into `ops`, in order.
    pub prefix: Vec<usize>,
    /// Whether each operation of `prefix` was applied (false: it was taken
    /// to have had no effect, which only uncertain operations may).
    pub applied: Vec<bool>,
    /// The model state after `prefix`.
    pub state: M::State,
    /// The operation whose return came before it could be placed.
    pub stuck: usize,
}

/// Checks `history` against `model` within `budget`, using up to `threads` threads.
pub fn check<M: Model>(
    model: &M,
    history: &[Operation<M::Input, M::Output>],
    budget: Duration,
    threads: usize,
) -> Verdict<M> {
    let deadline = super::deadline_after(budget);
    let parts = parts(model, history);
    let stop = AtomicBool::new(false);
    let next = AtomicUsize::new(0);
    let verdicts: Vec<Verdict<M>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.clamp(1, parts.len().max(1)))
            .map(|_| {
                scope.spawn(|| {
                    let mut found = Vec::new();
                    while let Some(part) = parts.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let ops: Vec<_> = part.iter().map(|&i| history[i].clone()).collect();
                        let verdict = search(model, &ops, deadline, &stop);
                        if matches!(verdict, Verdict::NotLinearizable(_)) {
                            stop.store(true, Ordering::Relaxed);
                        }
                        found.push(verdict);
                    }
                    found
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().expect("a checker thread panicked"))
            .collect()
    });
    let mut unknown = None;
    for verdict in verdicts {
        match verdict {
            Verdict::NotLinearizable(found) => {
                let shrink_deadline = super::deadline_after(budget / 2);
                return Verdict::NotLinearizable(shrink(model, found, shrink_deadline));
            }
            Verdict::Unknown(reason) => unknown = Some(reason),
            Verdict::Linearizable => {}
        }
    }
    unknown.map_or(Verdict::Linearizable, Verdict::Unknown)
}

/// Checks one part (all of `ops`) by just-in-time linearization.
pub(super) fn search<M: Model>(
    model: &M,
    ops: &[Operation<M::Input, M::Output>],
    deadline: Instant,
    stop: &AtomicBool,
) -> Verdict<M> {
    Search::new(model, ops).run(deadline, stop)
}

/// One call or return in time order.
#[derive(Clone, Copy, Debug)]
struct Event {
    op: usize,
    call: bool,
}

/// A linearization decision, to undo when backtracking.
struct Frame<S> {
    /// Position of the call event that was lifted.
    at: usize,
    before: S,
    /// 0: applied; 1: taken to have had no effect.
    choice: u8,
}

struct Search<'a, M: Model> {
    model: &'a M,
    ops: &'a [Operation<M::Input, M::Output>],
    events: Vec<Event>,
    /// Events still in play (not lifted), as a doubly linked list over `events`.
    next: Vec<usize>,
    prev: Vec<usize>,
    /// Position of each operation's return event, if it has one.
    return_at: Vec<Option<usize>>,
    linearized: Vec<u64>,
    must_place: usize,
    placed_certain: usize,
    best: Option<Deepest<M::State>>,
}

/// The deepest point the search reached: the operations linearized (and
/// whether each was applied), the state there, and the operation stuck.
struct Deepest<S> {
    prefix: Vec<(usize, bool)>,
    state: S,
    stuck: usize,
}

impl<'a, M: Model> Search<'a, M> {
    fn new(model: &'a M, ops: &'a [Operation<M::Input, M::Output>]) -> Self {
        let mut events: Vec<(u64, u8, Event)> = Vec::with_capacity(ops.len() * 2);
        for (op, operation) in ops.iter().enumerate() {
            events.push((operation.call, 0, Event { op, call: true }));
            if let Some(ret) = operation.ret {
                events.push((ret, 1, Event { op, call: false }));
            }
        }
        events.sort_by_key(|&(time, order, event)| (time, order, event.op));
        let events: Vec<Event> = events.into_iter().map(|(_, _, event)| event).collect();
        let n = events.len();
        let mut return_at = vec![None; ops.len()];
        for (position, event) in events.iter().enumerate() {
            if !event.call {
                return_at[event.op] = Some(position);
            }
        }
        // Positions 0..n are events; n is the list's head/tail sentinel.
        let next = (0..=n).map(|i| if i == n { 0 } else { i + 1 }).collect();
        let prev = (0..=n).map(|i| if i == 0 { n } else { i - 1 }).collect();
        Self {
            model,
            ops,
            events,
            next,
            prev,
            return_at,
            linearized: vec![0; ops.len().div_ceil(64)],
            must_place: ops.iter().filter(|op| op.ret.is_some()).count(),
            placed_certain: 0,
            best: None,
        }
    }

    fn sentinel(&self) -> usize {
        self.events.len()
    }

    fn unlink(&mut self, at: usize) {
        let (p, n) = (self.prev[at], self.next[at]);
        self.next[p] = n;
        self.prev[n] = p;
    }

    fn relink(&mut self, at: usize) {
        let (p, n) = (self.prev[at], self.next[at]);
        self.next[p] = at;
        self.prev[n] = at;
    }

    fn lift(&mut self, at: usize) {
        let op = self.events[at].op;
        self.unlink(at);
        if let Some(ret) = self.return_at[op] {
            self.unlink(ret);
        }
        self.linearized[op / 64] |= 1 << (op % 64);
        if self.ops[op].ret.is_some() {
            self.placed_certain += 1;
        }
    }

    fn unlift(&mut self, at: usize) {
        let op = self.events[at].op;
        if let Some(ret) = self.return_at[op] {
            self.relink(ret);
        }
        self.relink(at);
        self.linearized[op / 64] &= !(1 << (op % 64));
        if self.ops[op].ret.is_some() {
            self.placed_certain -= 1;
        }
    }

    /// The state after linearizing `op` with `choice`, if its output allows it.
    fn try_place(&self, state: &M::State, op: usize, choice: u8) -> Option<M::State> {
        let operation = &self.ops[op];
        match choice {
            0 => {
                let (next, output) = self.model.step(state, &operation.input);
                match &operation.output {
                    Some(observed) if *observed != output => None,
                    _ => Some(next),
                }
            }
            1 if operation.uncertain() => Some(state.clone()),
            _ => None,
        }
    }

    fn run(mut self, deadline: Instant, stop: &AtomicBool) -> Verdict<M> {
        let mut state = self.model.init();
        let mut stack: Vec<Frame<M::State>> = Vec::new();
        let mut seen: HashSet<(Vec<u64>, M::State)> = HashSet::new();
        let mut at = self.next[self.sentinel()];
        let mut first_choice = 0u8;
        let mut steps = 0u64;
        loop {
            if self.placed_certain == self.must_place {
                return Verdict::Linearizable;
            }
            steps += 1;
            if steps % 1024 == 0 {
                if stop.load(Ordering::Relaxed) {
                    return Verdict::Unknown("cancelled: another part failed".into());
                }
                if Instant::now() > deadline {
                    return Verdict::Unknown("time budget exhausted".into());
                }
            }
            if at == self.sentinel() {
                // Only operations without a return remain ahead: they never took effect.
                return Verdict::Linearizable;
            }
            let event = self.events[at];
            if event.call {
                let placed = (first_choice..2).find_map(|choice| {
                    let next = self.try_place(&state, event.op, choice)?;
                    let mut set = self.linearized.clone();
                    set[event.op / 64] |= 1 << (event.op % 64);
                    seen.insert((set, next.clone())).then_some((choice, next))
                });
                first_choice = 0;
                match placed {
                    Some((choice, next)) => {
                        let before = std::mem::replace(&mut state, next);
                        stack.push(Frame { at, before, choice });
                        self.lift(at);
                        at = self.next[self.sentinel()];
                    }
                    None => at = self.next[at],
                }
            } else {
                self.remember_best(&stack, &state, event.op);
                let Some(frame) = stack.pop() else {
                    return self.failure();
                };
                self.unlift(frame.at);
                state = frame.before;
                at = frame.at;
                first_choice = frame.choice + 1;
            }
        }
    }

    fn remember_best(&mut self, stack: &[Frame<M::State>], state: &M::State, stuck: usize) {
        if self
            .best
            .as_ref()
            .is_some_and(|best| best.prefix.len() >= stack.len())
        {
            return;
        }
        let prefix = stack
            .iter()
            .map(|frame| (self.events[frame.at].op, frame.choice == 0))
            .collect();
        self.best = Some(Deepest {
            prefix,
            state: state.clone(),
            stuck,
        });
    }

    fn failure(self) -> Verdict<M> {
        let Deepest {
            prefix,
            state,
            stuck,
        } = self.best.expect("a failure follows a stuck return");
        Verdict::NotLinearizable(Counterexample {
            ops: self.ops.to_vec(),
            prefix: prefix.iter().map(|&(op, _)| op).collect(),
            applied: prefix.iter().map(|&(_, applied)| applied).collect(),
            state,
            stuck,
        })
    }
}
