//! Sequential consistency: one total order of every operation that keeps
//! each client's own order (not real time across clients) and gives every
//! observed output.
//!
//! The search walks the clients' positions. At each point it tries the
//! next operation of each client, the earliest call first (so a history
//! that is nearly linearizable is explained nearly without backtracking),
//! applied or, if it is uncertain, as having had no effect. A memo of
//! (operations taken, state) pairs cuts it, as in the linearizability
//! search; the operations taken are a prefix of each client's, so the pair
//! names the point exactly.

use std::time::Instant;

use super::{Searched, dead_end, placed};
use crate::check::fingerprint::{Memo, fingerprint, zobrist_key};
use crate::check::history::{Operation, Spec};

struct Frame<S> {
    client: usize,
    choice: u8,
    before: S,
    before_fingerprint: u128,
}

pub(super) struct Sequential<'a, M: Spec> {
    spec: &'a M,
    ops: &'a [Operation<M::Input, M::Output>],
    /// Each client's operations, in call order.
    clients: Vec<Vec<usize>>,
    position: Vec<usize>,
    state: M::State,
    state_fingerprint: u128,
    zobrist: Vec<u128>,
    taken: u128,
    memo: Memo,
    stack: Vec<Frame<M::State>>,
    /// Where to go on at the current point: a rank among its candidates and a choice.
    resume: (usize, u8),
    steps: u64,
    /// Depth and the operation that could not be placed, at the deepest dead end.
    deepest: Option<(usize, usize)>,
}

impl<'a, M: Spec> Sequential<'a, M> {
    /// A search of `ops` against `spec`, from the spec's initial state.
    pub fn new(spec: &'a M, ops: &'a [Operation<M::Input, M::Output>]) -> Self {
        let state = spec.init();
        let clients = by_client(ops);
        Self {
            spec,
            ops,
            position: vec![0; clients.len()],
            clients,
            state_fingerprint: fingerprint(&state),
            state,
            zobrist: (0..ops.len() as u64).map(zobrist_key).collect(),
            taken: 0,
            memo: Memo::default(),
            stack: Vec::new(),
            resume: (0, 0),
            steps: 0,
            deepest: None,
        }
    }

    /// Search steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The operation the deepest dead end could not place.
    pub fn stuck(&self) -> Option<usize> {
        self.deepest.map(|(_, op)| op)
    }

    /// Runs up to `steps` more steps, or until `deadline`.
    pub fn advance(&mut self, steps: u64, deadline: Instant) -> Searched {
        for _ in 0..steps {
            if self.stack.len() == self.ops.len() {
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

    /// Clients with operations left, by their next operation's call.
    fn candidates(&self) -> Vec<usize> {
        let mut waiting: Vec<usize> = (0..self.clients.len())
            .filter(|&c| self.position[c] < self.clients[c].len())
            .collect();
        waiting.sort_by_key(|&c| (self.ops[self.clients[c][self.position[c]]].call, c));
        waiting
    }

    fn step(&mut self) -> bool {
        let candidates = self.candidates();
        let (from_rank, from_choice) = std::mem::take(&mut self.resume);
        for (rank, &client) in candidates.iter().enumerate().skip(from_rank) {
            let op = self.clients[client][self.position[client]];
            let first = if rank == from_rank { from_choice } else { 0 };
            for choice in first..2 {
                if self.try_take(client, op, choice) {
                    return true;
                }
            }
        }
        self.backtrack(
            candidates
                .first()
                .map(|&c| self.clients[c][self.position[c]]),
        )
    }

    fn try_take(&mut self, client: usize, op: usize, choice: u8) -> bool {
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
        self.stack.push(Frame {
            client,
            choice,
            before,
            before_fingerprint,
        });
        self.taken = taken;
        self.position[client] += 1;
        true
    }

    fn backtrack(&mut self, stuck: Option<usize>) -> bool {
        if let Some(stuck) = stuck
            && self
                .deepest
                .is_none_or(|(depth, _)| self.stack.len() > depth)
        {
            self.deepest = Some((self.stack.len(), stuck));
        }
        let Some(frame) = self.stack.pop() else {
            return false;
        };
        self.position[frame.client] -= 1;
        let op = self.clients[frame.client][self.position[frame.client]];
        self.taken ^= self.zobrist[op];
        self.state = frame.before;
        self.state_fingerprint = frame.before_fingerprint;
        let rank = self
            .candidates()
            .iter()
            .position(|&c| c == frame.client)
            .expect("the client popped has an operation left");
        self.resume = (rank, frame.choice + 1);
        true
    }
}

/// Operation indices per client (clients numbered densely), each in call order.
pub(super) fn by_client<I, O>(ops: &[Operation<I, O>]) -> Vec<Vec<usize>> {
    let mut ids: Vec<u64> = ops.iter().map(|op| op.client).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut clients = vec![Vec::new(); ids.len()];
    for (index, op) in ops.iter().enumerate() {
        let client = ids.binary_search(&op.client).expect("listed");
        clients[client].push(index);
    }
    for list in &mut clients {
        list.sort_by_key(|&index| (ops[index].call, index));
    }
    clients
}
