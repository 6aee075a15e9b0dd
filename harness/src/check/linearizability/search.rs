//! One part's search, resumable: it runs a given number of steps at a time,
//! so that the scheduler can advance every part in turn.
//!
//! Cheap per step and small per memo entry: the set of operations
//! linearized is fingerprinted incrementally (a 128-bit Zobrist hash, one
//! XOR per lift), the spec state by a 128-bit hash, and the memo keeps the
//! pair, 32 bytes, instead of a copy of the set and the state. A collision
//! (two different pairs with the same fingerprints) would prune a branch
//! unexplored; at 2^-128 per pair it is far less likely than a hardware
//! fault over any history that fits in memory (model checkers such as TLC
//! accept 64-bit fingerprints for the same reason).
//!
//! Backtracking needs the state before each lift, but a stack of full
//! states is a copy of the state per operation linearized. Only the most
//! recent frames keep theirs; deeper ones keep one in [`CHECKPOINT_EVERY`],
//! and a pop to a frame without its state replays from the checkpoint below.

use std::time::Instant;

use crate::check::fingerprint::{Memo, fingerprint, zobrist_key};
use crate::check::history::{Operation, Spec};

/// Frames this close to the top keep the state before them.
const RECENT_FRAMES: usize = 512;
/// Below those, one frame in this many keeps it.
const CHECKPOINT_EVERY: usize = 32;
/// How often (in steps) the deadline is looked at.
const CLOCK_EVERY: u64 = 1024;

/// Where a search stands after a slice of steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Progress {
    Running,
    Linearizable,
    NotLinearizable,
    OutOfTime,
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
    /// 0: applied; 1: taken to have had no effect.
    choice: u8,
    before: Option<S>,
    before_fingerprint: u128,
}

/// The deepest point a tracking search reached: the operations linearized
/// (and whether each was applied), the state there, and the operation stuck.
pub(crate) struct Deepest<S> {
    pub prefix: Vec<(usize, bool)>,
    pub state: S,
    pub stuck: usize,
}

pub(crate) struct Search<'a, M: Spec> {
    spec: &'a M,
    ops: &'a [Operation<M::Input, M::Output>],
    events: Vec<Event>,
    /// Events still in play (not lifted), as a doubly linked list over `events`.
    next: Vec<usize>,
    prev: Vec<usize>,
    /// Position of each operation's return event, if it has one.
    return_at: Vec<Option<usize>>,
    zobrist: Vec<u128>,
    linearized: u128,
    state: M::State,
    state_fingerprint: u128,
    memo: Memo,
    stack: Vec<Frame<M::State>>,
    at: usize,
    first_choice: u8,
    must_place: usize,
    placed_certain: usize,
    steps: u64,
    deepest: Option<Deepest<M::State>>,
    track_deepest: bool,
    /// Depth and stuck operation of the deepest backtrack, tracked always (cheap).
    deepest_stuck: Option<(usize, usize)>,
}

impl<'a, M: Spec> Search<'a, M> {
    /// A search of all of `ops`; `track_deepest` records the deepest point
    /// reached (for a counterexample), which costs a copy of the path each
    /// time it gets deeper.
    pub fn new(
        spec: &'a M,
        ops: &'a [Operation<M::Input, M::Output>],
        track_deepest: bool,
    ) -> Self {
        let events = events_in_time_order(ops);
        let n = events.len();
        let mut return_at = vec![None; ops.len()];
        for (position, event) in events.iter().enumerate() {
            if !event.call {
                return_at[event.op] = Some(position);
            }
        }
        let state = spec.init();
        // Positions 0..n are events; n is the list's head/tail sentinel.
        Self {
            spec,
            ops,
            next: (0..=n).map(|i| if i == n { 0 } else { i + 1 }).collect(),
            prev: (0..=n).map(|i| if i == 0 { n } else { i - 1 }).collect(),
            at: 0,
            events,
            return_at,
            zobrist: (0..ops.len() as u64).map(zobrist_key).collect(),
            linearized: 0,
            state_fingerprint: fingerprint(&state),
            state,
            memo: Memo::default(),
            stack: Vec::new(),
            first_choice: 0,
            must_place: ops.iter().filter(|op| op.ret.is_some()).count(),
            placed_certain: 0,
            steps: 0,
            deepest: None,
            track_deepest,
            deepest_stuck: None,
        }
    }

    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Runs up to `steps` more steps, or until `deadline`.
    pub fn advance(&mut self, steps: u64, deadline: Instant) -> Progress {
        for _ in 0..steps {
            if self.placed_certain == self.must_place || self.at == self.sentinel() {
                // Only operations without a return can remain: they never took effect.
                return Progress::Linearizable;
            }
            self.steps += 1;
            if self.steps % CLOCK_EVERY == 0 && Instant::now() > deadline {
                return Progress::OutOfTime;
            }
            if !self.step() {
                return Progress::NotLinearizable;
            }
        }
        Progress::Running
    }

    /// The operation stuck at the deepest point a failed search reached.
    pub fn deepest_stuck(&self) -> Option<usize> {
        self.deepest_stuck.map(|(_, stuck)| stuck)
    }

    /// The operations linearized so far, in order, and whether each was
    /// applied: after `Linearizable`, a linearization of the whole part.
    pub fn linearization(&self) -> Vec<(usize, bool)> {
        self.stack
            .iter()
            .map(|frame| (self.events[frame.at].op, frame.choice == 0))
            .collect()
    }

    /// The deepest point reached; only a tracking search that failed has one.
    pub fn into_deepest(self) -> Option<Deepest<M::State>> {
        self.deepest
    }

    fn sentinel(&self) -> usize {
        self.events.len()
    }

    /// One step: try to lift the call at hand, or backtrack at a return.
    /// False when there is nothing left to backtrack to.
    fn step(&mut self) -> bool {
        let event = self.events[self.at];
        if event.call {
            self.try_lift(event.op);
            true
        } else {
            self.backtrack(event.op)
        }
    }

    fn try_lift(&mut self, op: usize) {
        let first = std::mem::take(&mut self.first_choice);
        let linearized = self.linearized ^ self.zobrist[op];
        for choice in first..2 {
            let Some((next, fingerprint)) = self.try_place(op, choice) else {
                continue;
            };
            if self.memo.insert((linearized, fingerprint)) {
                // Taken as having had no effect: the state is copied only now.
                let next = next.unwrap_or_else(|| self.state.clone());
                self.push(choice, next, fingerprint);
                return;
            }
        }
        self.at = self.next[self.at];
    }

    /// The state after linearizing `op` with `choice` (`None`: unchanged)
    /// and its fingerprint, if its output allows it.
    fn try_place(&self, op: usize, choice: u8) -> Option<(Option<M::State>, u128)> {
        let operation = &self.ops[op];
        match choice {
            0 => {
                let (next, output) = self.spec.step(&self.state, &operation.input);
                match &operation.output {
                    Some(observed) if *observed != output => None,
                    _ => {
                        let fingerprint = fingerprint(&next);
                        Some((Some(next), fingerprint))
                    }
                }
            }
            1 if operation.uncertain() => Some((None, self.state_fingerprint)),
            _ => None,
        }
    }

    fn push(&mut self, choice: u8, next: M::State, fingerprint: u128) {
        let before = std::mem::replace(&mut self.state, next);
        let before_fingerprint = std::mem::replace(&mut self.state_fingerprint, fingerprint);
        self.stack.push(Frame {
            at: self.at,
            choice,
            before: Some(before),
            before_fingerprint,
        });
        let depth = self.stack.len() - 1;
        if let Some(old) = depth.checked_sub(RECENT_FRAMES)
            && old % CHECKPOINT_EVERY != 0
        {
            self.stack[old].before = None;
        }
        self.lift(self.at);
        self.at = self.next[self.sentinel()];
    }

    fn backtrack(&mut self, stuck: usize) -> bool {
        if self
            .deepest_stuck
            .is_none_or(|(depth, _)| self.stack.len() > depth)
        {
            self.deepest_stuck = Some((self.stack.len(), stuck));
            if self.track_deepest {
                self.deepest = Some(Deepest {
                    prefix: self.linearization(),
                    state: self.state.clone(),
                    stuck,
                });
            }
        }
        let Some(frame) = self.stack.pop() else {
            return false;
        };
        self.unlift(frame.at);
        self.state = match frame.before {
            Some(state) => state,
            None => self.replay_to_top(),
        };
        self.state_fingerprint = frame.before_fingerprint;
        self.at = frame.at;
        self.first_choice = frame.choice + 1;
        true
    }

    /// The state after every frame on the stack, replayed from the nearest
    /// checkpoint; the frames replayed get their states back on the way.
    fn replay_to_top(&mut self) -> M::State {
        let from = self
            .stack
            .iter()
            .rposition(|frame| frame.before.is_some())
            .expect("the bottom frame is a checkpoint");
        let mut state = self.stack[from].before.clone().expect("found above");
        for index in from..self.stack.len() {
            let frame = &self.stack[index];
            if frame.choice == 0 {
                let input = &self.ops[self.events[frame.at].op].input;
                state = self.spec.step(&state, input).0;
            }
            if let Some(above) = self.stack.get_mut(index + 1) {
                above.before = Some(state.clone());
            }
        }
        state
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
        self.linearized ^= self.zobrist[op];
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
        self.linearized ^= self.zobrist[op];
        if self.ops[op].ret.is_some() {
            self.placed_certain -= 1;
        }
    }
}

/// Calls and returns in time order; at equal times calls come first (equal
/// times are concurrent), then by operation.
fn events_in_time_order<I, O>(ops: &[Operation<I, O>]) -> Vec<Event> {
    let mut events: Vec<(u64, u8, Event)> = Vec::with_capacity(ops.len() * 2);
    for (op, operation) in ops.iter().enumerate() {
        events.push((operation.call, 0, Event { op, call: true }));
        if let Some(ret) = operation.ret {
            events.push((ret, 1, Event { op, call: false }));
        }
    }
    events.sort_by_key(|&(time, order, event)| (time, order, event.op));
    events.into_iter().map(|(_, _, event)| event).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::specs::register_ops::{read, write};
    use crate::check::specs::{Register, RegisterInput, RegisterOutput};

    fn run(ops: &[Operation<RegisterInput, RegisterOutput>]) -> Progress {
        let far = Instant::now() + std::time::Duration::from_secs(60);
        Search::new(&Register, ops, false).advance(u64::MAX, far)
    }

    #[test]
    fn a_search_resumed_slice_by_slice_reaches_the_verdict_of_one_run() {
        let ops: Vec<_> = (0..40)
            .flat_map(|i| {
                [
                    write(0, 4 * i, 4 * i + 3, i as i64),
                    read(1, 4 * i + 1, 4 * i + 2, None),
                ]
            })
            .collect();
        let far = Instant::now() + std::time::Duration::from_secs(60);
        let mut sliced = Search::new(&Register, &ops, false);
        let mut slices = 0;
        let verdict = loop {
            slices += 1;
            match sliced.advance(3, far) {
                Progress::Running => continue,
                done => break done,
            }
        };
        assert!(slices > 1);
        assert_eq!(verdict, run(&ops));
    }

    #[test]
    fn a_deep_stack_backtracks_through_replayed_states() {
        // A long sequential prefix (deeper than the frames that keep their
        // state), then a read that only the very first write explains: every
        // frame is popped, most of them through a replay.
        let writes = (RECENT_FRAMES * 3) as u64;
        let mut ops: Vec<_> = (0..writes).map(|i| write(0, 2 * i, 2 * i + 1, 7)).collect();
        ops.push(read(1, 0, 2 * writes + 1, Some(8)));
        assert_eq!(run(&ops), Progress::NotLinearizable);
        ops.push(write(2, 0, 2 * writes + 2, 8));
        assert_eq!(run(&ops), Progress::Linearizable);
    }
}
