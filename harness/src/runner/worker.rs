//! One worker thread's measured loop.
//!
//! The thread's ring of operations is stored as runs of consecutive reads
//! and of consecutive writes, so replaying a run is a plain loop over the
//! scenario's reads (or writes) with no per-operation dispatch on the kind:
//! at read ratio 1 the loop is the one a person would write by hand
//! (`harness calibrate` compares the two). The loop times only the first
//! operation of each block (see [`Sampling`]) and looks at the shared phase
//! flag once per block; reads and writes are counted per run, not one by one.

use std::hint::black_box;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use scenarios::{Op, OpKind, Scenario};

use super::{LatencyRecorder, Sampling};
use crate::strategy::{Counters, StrategyHandle};

#[repr(u8)]
pub(super) enum Phase {
    Warmup = 0,
    Measure = 1,
    Stop = 2,
}

pub(super) struct Job<S: Scenario, H> {
    pub scenario: Arc<S>,
    /// `None` only while [`read_all`] holds it.
    pub handle: Option<H>,
    pub ops: Vec<Op<S>>,
    /// Operations to measure; `None` runs until the phase says stop.
    pub quota: Option<u64>,
    pub sampling: Sampling,
    pub phase: Arc<AtomicU8>,
    /// Write-locked by the runner until every worker is ready.
    pub starting_line: Arc<RwLock<()>>,
}

pub(super) struct WorkerReport {
    pub reads: u64,
    pub writes: u64,
    /// When this worker's measured loop ended; `None` if it never ran.
    pub stopped: Option<Instant>,
    pub latency: LatencyRecorder,
    pub counters: Counters,
}

impl WorkerReport {
    fn empty() -> Self {
        Self {
            reads: 0,
            writes: 0,
            stopped: None,
            latency: LatencyRecorder::default(),
            counters: Counters::default(),
        }
    }
}

/// Consecutive operations of one kind.
enum Run<S: Scenario> {
    Reads(Vec<S::Read>),
    Writes(Vec<S::Write>),
}

impl<S: Scenario> Run<S> {
    fn len(&self) -> usize {
        match self {
            Run::Reads(reads) => reads.len(),
            Run::Writes(writes) => writes.len(),
        }
    }
}

/// Up to a block's worth of operations of one kind, borrowed from a run.
enum Slice<'a, S: Scenario> {
    Reads(&'a [S::Read]),
    Writes(&'a [S::Write]),
}

/// A thread's operations, in order, as runs; replayed round and round.
struct Ring<S: Scenario> {
    runs: Vec<Run<S>>,
    run: usize,
    at: usize,
}

impl<S: Scenario> Ring<S> {
    /// Groups `ops` (at least one) into runs of one kind.
    fn new(ops: Vec<Op<S>>) -> Self {
        let mut runs: Vec<Run<S>> = Vec::new();
        for op in ops {
            match (op, runs.last_mut()) {
                (Op::Read(read), Some(Run::Reads(reads))) => reads.push(read),
                (Op::Write(write), Some(Run::Writes(writes))) => writes.push(write),
                (Op::Read(read), _) => runs.push(Run::Reads(vec![read])),
                (Op::Write(write), _) => runs.push(Run::Writes(vec![write])),
            }
        }
        assert!(!runs.is_empty(), "a ring holds at least one operation");
        Self {
            runs,
            run: 0,
            at: 0,
        }
    }

    /// The next operations of the current run, at most `max` (≥ 1).
    fn take(&mut self, max: u64) -> Slice<'_, S> {
        let (run, start) = (self.run, self.at);
        let len = self.runs[run].len();
        let end = (start as u64 + max).min(len as u64) as usize;
        if end == len {
            self.run = (run + 1) % self.runs.len();
            self.at = 0;
        } else {
            self.at = end;
        }
        match &self.runs[run] {
            Run::Reads(reads) => Slice::Reads(&reads[start..end]),
            Run::Writes(writes) => Slice::Writes(&writes[start..end]),
        }
    }
}

/// Block lengths as the sampling adapts them to the time blocks take.
struct Blocks {
    sampling: Sampling,
    len: u64,
    began: Option<Instant>,
}

impl Blocks {
    fn new(sampling: Sampling) -> Self {
        Self {
            sampling,
            len: sampling.first_block(),
            began: None,
        }
    }

    /// Notes that a block begins at `now`; returns its length.
    fn begin(&mut self, now: Instant) -> u64 {
        if let Some(last) = self.began {
            let last_ns = now.duration_since(last).as_nanos() as u64;
            self.len = self.sampling.next_block(self.len, last_ns);
        }
        self.began = Some(now);
        self.len
    }
}

#[derive(Default)]
struct Tally {
    reads: u64,
    writes: u64,
    latency: LatencyRecorder,
}

impl<S: Scenario, H: StrategyHandle<S>> Job<S, H> {
    /// Waits for the starting line to open, replays operations through warm-up, then
    /// measures until the quota is done or the phase says stop.
    pub fn run(mut self) -> WorkerReport {
        drop(self.starting_line.read());
        if self.phase() == Phase::Stop as u8 {
            return WorkerReport::empty();
        }
        let mut ring = Ring::new(std::mem::take(&mut self.ops));
        let mut blocks = Blocks::new(self.sampling);
        let mut warmup = Tally::default();
        while self.phase() == Phase::Warmup as u8 {
            self.block(&mut ring, &mut blocks, u64::MAX, &mut warmup);
        }

        let counters_before = self.handle().counters();
        let mut tally = Tally::default();
        match self.quota {
            Some(quota) => {
                let mut left = quota;
                while left > 0 {
                    left -= self.block(&mut ring, &mut blocks, left, &mut tally);
                }
            }
            // At least one block, even if the deadline passed while this
            // worker finished its warm-up (slow writes): a window with no
            // operation in it would read as 0 ops/s.
            None => loop {
                self.block(&mut ring, &mut blocks, u64::MAX, &mut tally);
                if self.phase() == Phase::Stop as u8 {
                    break;
                }
            },
        }
        WorkerReport {
            reads: tally.reads,
            writes: tally.writes,
            stopped: Some(Instant::now()),
            latency: tally.latency,
            counters: self.handle().counters().since(&counters_before),
        }
    }

    fn handle(&mut self) -> &mut H {
        self.handle.as_mut().expect(HANDLE_BACK)
    }

    fn phase(&self) -> u8 {
        self.phase.load(Ordering::Acquire)
    }

    /// Runs one block of at most `max` (≥ 1) operations, timing the first;
    /// returns how many ran.
    fn block(
        &mut self,
        ring: &mut Ring<S>,
        blocks: &mut Blocks,
        max: u64,
        tally: &mut Tally,
    ) -> u64 {
        let began = Instant::now();
        let count = blocks.begin(began).min(max);
        let (kind, _) = self.replay(ring.take(1), tally);
        tally
            .latency
            .record(kind, began.elapsed().as_nanos() as u64);
        let mut left = count - 1;
        while left > 0 {
            let (_, done) = self.replay(ring.take(left), tally);
            left -= done;
        }
        #[cfg(feature = "gate-proof")]
        crate::gate::proof::after_block();
        count
    }

    /// Runs a slice of operations; returns their kind and number.
    #[inline]
    fn replay(&mut self, slice: Slice<'_, S>, tally: &mut Tally) -> (OpKind, u64) {
        let scenario = &*self.scenario;
        match slice {
            Slice::Reads(reads) if reads.len() >= LONG_RUN => {
                let handle = self.handle.take().expect(HANDLE_BACK);
                self.handle = Some(read_all(scenario, handle, reads));
                tally.reads += reads.len() as u64;
                (OpKind::Read, reads.len() as u64)
            }
            Slice::Reads(reads) => {
                let handle = self.handle.as_mut().expect(HANDLE_BACK);
                for read in reads {
                    black_box(handle.read(|state| scenario.read(state, read)));
                }
                tally.reads += reads.len() as u64;
                (OpKind::Read, reads.len() as u64)
            }
            Slice::Writes(writes) => {
                let handle = self.handle.as_mut().expect(HANDLE_BACK);
                for write in writes {
                    black_box(handle.submit(write));
                }
                tally.writes += writes.len() as u64;
                (OpKind::Write, writes.len() as u64)
            }
        }
    }
}

const HANDLE_BACK: &str = "the handle is back after every run of reads";

/// Reads in a row from which [`read_all`] replays them. Shorter runs stay
/// in the block loop: with every run moved out, `cas-merge` on config at
/// read ratio 0.9 (runs of ~10 reads) lost 10% (medians of 8 runs).
const LONG_RUN: usize = 64;

/// Replays a long slice of reads: the loop that sets the harness's speed
/// limit (a read can take 1.5 ns). Compiled on its own, with the handle
/// moved in rather than borrowed, it keeps the slice's end in a register,
/// as `calibrate`'s hand loop does; borrowed, or inlined into the block
/// loop, it read the end from the stack on every read and ran 8% slower
/// than the hand loop (`harness calibrate`, fastest rounds of 100).
#[inline(never)]
fn read_all<S: Scenario, H: StrategyHandle<S>>(
    scenario: &S,
    mut handle: H,
    reads: &[S::Read],
) -> H {
    for read in reads {
        black_box(handle.read(|state| scenario.read(state, read)));
    }
    handle
}

#[cfg(test)]
mod tests {
    use scenarios::config::{ConfigRead, ConfigScenario, ConfigWrite, FlagId};

    use super::*;

    fn op(i: u32) -> Op<ConfigScenario> {
        if i % 3 == 0 {
            Op::Write(ConfigWrite::Flip(FlagId(i)))
        } else {
            Op::Read(ConfigRead::Request(FlagId(i)))
        }
    }

    fn flatten(slice: Slice<'_, ConfigScenario>) -> Vec<Op<ConfigScenario>> {
        match slice {
            Slice::Reads(reads) => reads.iter().cloned().map(Op::Read).collect(),
            Slice::Writes(writes) => writes.iter().cloned().map(Op::Write).collect(),
        }
    }

    #[test]
    fn the_ring_replays_the_operations_in_order_round_and_round() {
        let ops: Vec<_> = (0..10).map(op).collect();
        let mut ring = Ring::new(ops.clone());
        let mut replayed = Vec::new();
        for max in [1, 4, 2, 7, 1, 9, 3, 5] {
            let slice = flatten(ring.take(max));
            assert!(!slice.is_empty() && slice.len() as u64 <= max);
            replayed.extend(slice);
        }
        let expected: Vec<_> = ops.iter().cycle().take(replayed.len()).cloned().collect();
        assert_eq!(replayed, expected);
    }

    #[test]
    fn consecutive_operations_of_one_kind_form_one_run() {
        let ring = Ring::new((1..=6).map(op).collect());
        let lengths: Vec<_> = ring.runs.iter().map(Run::len).collect();
        assert_eq!(lengths, [2, 1, 2, 1]);
    }
}
