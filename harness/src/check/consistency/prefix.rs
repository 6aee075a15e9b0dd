//! Prefix consistency: the writes alone are linearizable, every read gives
//! what the spec gives after some prefix of that write order, and each
//! client's reads see prefixes that never shrink.
//!
//! The search builds the write order one write at a time, a write being a
//! candidate while no unplaced write returned before its call (real time
//! among writes). After each write, every client takes as many of its next
//! reads as the new state explains: taking a read at the earliest prefix
//! that explains it is never worse, since it only bounds that client's
//! later reads from below. It succeeds when every write is placed and every
//! read taken. The memo holds (writes placed and reads taken, state).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use super::sequential::by_client;
use super::{Searched, dead_end, placed};
use crate::check::fingerprint::{Memo, fingerprint, zobrist_key};
use crate::check::history::{Operation, Spec};

struct Frame<S> {
    /// Rank of the write placed, in call order.
    rank: usize,
    choice: u8,
    before: S,
    before_fingerprint: u128,
    /// Clients whose next read was taken after this write, one entry per read.
    took: Vec<usize>,
}

pub(super) struct Prefix<'a, M: Spec> {
    spec: &'a M,
    ops: &'a [Operation<M::Input, M::Output>],
    /// The writes, by call.
    writes: Vec<usize>,
    unplaced: BTreeSet<usize>,
    /// Return times of unplaced writes that returned, with multiplicity.
    unplaced_returns: BTreeMap<u64, usize>,
    /// Each client's reads with an observed output, in call order.
    reads: Vec<Vec<usize>>,
    next_read: Vec<usize>,
    /// Per client, the number of writes applied when each of its taken reads was taken.
    taken_at: Vec<Vec<usize>>,
    state: M::State,
    state_fingerprint: u128,
    zobrist: Vec<u128>,
    taken: u128,
    memo: Memo,
    stack: Vec<Frame<M::State>>,
    applied: usize,
    resume: (usize, u8),
    steps: u64,
    /// Reads taken and the read left, at the dead end with every write
    /// placed that took the most reads.
    deepest_read: Option<(usize, usize)>,
    /// Depth and the earliest unplaced write, at the deepest other dead end.
    deepest_write: Option<(usize, usize)>,
}

/// What a successful search found: the write order and, per client, each
/// read with the earliest prefix that explains it.
pub(super) struct Explanation {
    /// The writes applied, in order (writes taken as no effect are absent).
    pub order: Vec<usize>,
    /// Per client, `(read, prefix length)` in call order.
    pub reads: Vec<Vec<(usize, usize)>>,
}

impl<'a, M: Spec> Prefix<'a, M> {
    /// A search of `ops` against `spec`, from the spec's initial state.
    pub fn new(spec: &'a M, ops: &'a [Operation<M::Input, M::Output>]) -> Self {
        let mut writes: Vec<usize> = (0..ops.len())
            .filter(|&i| !spec.is_read(&ops[i].input))
            .collect();
        writes.sort_by_key(|&i| (ops[i].call, i));
        let mut unplaced_returns = BTreeMap::new();
        for ret in writes.iter().filter_map(|&i| ops[i].ret) {
            *unplaced_returns.entry(ret).or_insert(0) += 1;
        }
        let reads: Vec<Vec<usize>> = by_client(ops)
            .into_iter()
            .map(|client| {
                client
                    .into_iter()
                    .filter(|&i| spec.is_read(&ops[i].input) && ops[i].output.is_some())
                    .collect()
            })
            .collect();
        let state = spec.init();
        let mut search = Self {
            spec,
            ops,
            unplaced: (0..writes.len()).collect(),
            writes,
            unplaced_returns,
            next_read: vec![0; reads.len()],
            taken_at: vec![Vec::new(); reads.len()],
            reads,
            state_fingerprint: fingerprint(&state),
            state,
            zobrist: (0..ops.len() as u64).map(zobrist_key).collect(),
            taken: 0,
            memo: Memo::default(),
            stack: Vec::new(),
            applied: 0,
            resume: (0, 0),
            steps: 0,
            deepest_read: None,
            deepest_write: None,
        };
        search.take_reads();
        search
    }

    /// Search steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The operation a dead end could not place: a read left over once
    /// every write was placed if there was one (the most telling), else a
    /// write no order could place.
    pub fn stuck(&self) -> Option<usize> {
        self.deepest_read.or(self.deepest_write).map(|(_, op)| op)
    }

    /// Runs up to `steps` more steps, or until `deadline`.
    pub fn advance(&mut self, steps: u64, deadline: Instant) -> Searched {
        for _ in 0..steps {
            if self.unplaced.is_empty() && self.pending_read().is_none() {
                return Searched::Held;
            }
            self.steps += 1;
            if dead_end(self.steps, deadline) {
                return Searched::Undecided;
            }
            if !self.step() {
                return Searched::Violated;
            }
        }
        Searched::Undecided
    }

    /// After [`Searched::Held`]: the order found and where each read was taken.
    pub fn explanation(&self) -> Explanation {
        let order = self
            .stack
            .iter()
            .filter(|frame| frame.choice == 0)
            .map(|frame| self.writes[frame.rank])
            .collect();
        let reads = self
            .reads
            .iter()
            .zip(&self.taken_at)
            .map(|(reads, at)| reads.iter().copied().zip(at.iter().copied()).collect())
            .collect();
        Explanation { order, reads }
    }

    /// The earliest-called read some client has yet to take.
    fn pending_read(&self) -> Option<usize> {
        (0..self.reads.len())
            .filter_map(|c| self.reads[c].get(self.next_read[c]).copied())
            .min_by_key(|&read| (self.ops[read].call, read))
    }

    fn step(&mut self) -> bool {
        // A write may go next while no unplaced write returned before its call.
        let bound = self
            .unplaced_returns
            .keys()
            .next()
            .copied()
            .unwrap_or(u64::MAX);
        let (from_rank, from_choice) = std::mem::take(&mut self.resume);
        let candidates: Vec<usize> = self
            .unplaced
            .range(from_rank..)
            .copied()
            .take_while(|&rank| self.ops[self.writes[rank]].call <= bound)
            .collect();
        for rank in candidates {
            let first = if rank == from_rank { from_choice } else { 0 };
            for choice in first..2 {
                if self.try_place(rank, choice) {
                    return true;
                }
            }
        }
        self.note_dead_end();
        self.backtrack()
    }

    fn note_dead_end(&mut self) {
        let taken: usize = self.taken_at.iter().map(Vec::len).sum();
        let deeper =
            |deepest: Option<(usize, usize)>, depth| deepest.is_none_or(|(d, _)| depth > d);
        if self.unplaced.is_empty() {
            if let Some(read) = self.pending_read()
                && deeper(self.deepest_read, taken)
            {
                self.deepest_read = Some((taken, read));
            }
        } else if let Some(&rank) = self.unplaced.first() {
            let depth = self.stack.len() + taken;
            if deeper(self.deepest_write, depth) {
                self.deepest_write = Some((depth, self.writes[rank]));
            }
        }
    }

    fn try_place(&mut self, rank: usize, choice: u8) -> bool {
        let op = self.writes[rank];
        let operation = &self.ops[op];
        let Some(next) = placed(self.spec, &self.state, operation, choice) else {
            return false;
        };
        let next_fingerprint = fingerprint(&next);
        let taken = self.taken ^ self.zobrist[op];
        if !self.memo.insert((taken, next_fingerprint)) {
            return false;
        }
        let before = std::mem::replace(&mut self.state, next);
        let before_fingerprint = std::mem::replace(&mut self.state_fingerprint, next_fingerprint);
        self.taken = taken;
        self.unplaced.remove(&rank);
        if let Some(ret) = operation.ret {
            self.forget_return(ret);
        }
        if choice == 0 {
            self.applied += 1;
        }
        let took = self.take_reads();
        self.stack.push(Frame {
            rank,
            choice,
            before,
            before_fingerprint,
            took,
        });
        true
    }

    /// Every client takes the next reads the current state explains.
    fn take_reads(&mut self) -> Vec<usize> {
        let mut took = Vec::new();
        for client in 0..self.reads.len() {
            while let Some(&read) = self.reads[client].get(self.next_read[client]) {
                let (_, output) = self.spec.step(&self.state, &self.ops[read].input);
                if self.ops[read].output.as_ref() != Some(&output) {
                    break;
                }
                self.next_read[client] += 1;
                self.taken_at[client].push(self.applied);
                self.taken ^= self.zobrist[read];
                took.push(client);
            }
        }
        took
    }

    fn forget_return(&mut self, ret: u64) {
        let count = self
            .unplaced_returns
            .get_mut(&ret)
            .expect("an unplaced return");
        *count -= 1;
        if *count == 0 {
            self.unplaced_returns.remove(&ret);
        }
    }

    fn backtrack(&mut self) -> bool {
        let Some(frame) = self.stack.pop() else {
            return false;
        };
        for &client in frame.took.iter().rev() {
            self.next_read[client] -= 1;
            self.taken_at[client].pop();
            self.taken ^= self.zobrist[self.reads[client][self.next_read[client]]];
        }
        let op = self.writes[frame.rank];
        self.taken ^= self.zobrist[op];
        self.unplaced.insert(frame.rank);
        if let Some(ret) = self.ops[op].ret {
            *self.unplaced_returns.entry(ret).or_insert(0) += 1;
        }
        if frame.choice == 0 {
            self.applied -= 1;
        }
        self.state = frame.before;
        self.state_fingerprint = frame.before_fingerprint;
        self.resume = (frame.rank, frame.choice + 1);
        true
    }
}
