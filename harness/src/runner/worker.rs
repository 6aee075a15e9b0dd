//! One worker thread's measured loop.
//!
//! The loop walks the thread's ring of operations in contiguous slices,
//! timing only the first operation of each block of `sample_mask + 1`, and
//! looks at the shared phase flag once per block. Reads and writes are not
//! counted one by one: a prefix count of reads over the ring gives the
//! number of reads in any slice.

use std::hint::black_box;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use scenarios::{Op, Scenario};

use super::LatencyRecorder;
use crate::strategy::{Counters, StrategyHandle};

#[repr(u8)]
pub(super) enum Phase {
    Warmup = 0,
    Measure = 1,
    Stop = 2,
}

pub(super) struct Job<S: Scenario, H> {
    pub scenario: Arc<S>,
    pub handle: H,
    pub ops: Vec<Op<S>>,
    /// Operations to measure; `None` runs until the phase says stop.
    pub quota: Option<u64>,
    pub sample_mask: u64,
    pub phase: Arc<AtomicU8>,
    /// Write-locked by the runner until every worker is ready.
    pub gate: Arc<RwLock<()>>,
}

pub(super) struct WorkerReport {
    pub reads: u64,
    pub writes: u64,
    pub window: Duration,
    pub latency: LatencyRecorder,
    pub counters: Counters,
}

impl WorkerReport {
    fn empty() -> Self {
        Self {
            reads: 0,
            writes: 0,
            window: Duration::ZERO,
            latency: LatencyRecorder::default(),
            counters: Counters::default(),
        }
    }

    pub fn ops_per_sec(&self) -> f64 {
        let secs = self.window.as_secs_f64();
        if secs > 0.0 {
            (self.reads + self.writes) as f64 / secs
        } else {
            0.0
        }
    }
}

/// A ring of operations with a prefix count of its reads.
struct Ring<S: Scenario> {
    ops: Vec<Op<S>>,
    /// `reads_before[i]` = reads among `ops[..i]`.
    reads_before: Vec<u64>,
    next: usize,
}

impl<S: Scenario> Ring<S> {
    fn new(ops: Vec<Op<S>>) -> Self {
        let mut reads_before = Vec::with_capacity(ops.len() + 1);
        let mut reads = 0;
        reads_before.push(0);
        for op in &ops {
            reads += u64::from(matches!(op, Op::Read(_)));
            reads_before.push(reads);
        }
        Self {
            ops,
            reads_before,
            next: 0,
        }
    }

    /// The next `count` operations (fewer at the end of the ring) and how many read.
    fn take(&mut self, count: u64) -> (&[Op<S>], u64) {
        let start = self.next;
        let end = (start as u64 + count).min(self.ops.len() as u64) as usize;
        self.next = if end == self.ops.len() { 0 } else { end };
        let reads = self.reads_before[end] - self.reads_before[start];
        (&self.ops[start..end], reads)
    }
}

#[derive(Default)]
struct Tally {
    reads: u64,
    writes: u64,
    latency: LatencyRecorder,
}

impl<S: Scenario, H: StrategyHandle<S>> Job<S, H> {
    pub fn run(mut self) -> WorkerReport {
        drop(self.gate.read());
        if self.phase() == Phase::Stop as u8 {
            return WorkerReport::empty();
        }
        let mut ring = Ring::new(std::mem::take(&mut self.ops));
        let block = self.sample_mask + 1;
        while self.phase() == Phase::Warmup as u8 {
            self.untimed(&mut ring, block, &mut Tally::default());
        }

        let counters_before = self.handle.counters();
        let mut tally = Tally::default();
        let started = Instant::now();
        match self.quota {
            Some(quota) => {
                let mut left = quota;
                while left > 0 {
                    let count = left.min(block);
                    self.sampled_block(&mut ring, count, &mut tally);
                    left -= count;
                }
            }
            None => {
                while self.phase() != Phase::Stop as u8 {
                    self.sampled_block(&mut ring, block, &mut tally);
                }
            }
        }
        let window = started.elapsed();
        WorkerReport {
            reads: tally.reads,
            writes: tally.writes,
            window,
            latency: tally.latency,
            counters: self.handle.counters().since(&counters_before),
        }
    }

    fn phase(&self) -> u8 {
        self.phase.load(Ordering::Acquire)
    }

    /// Runs `count` (≥ 1) operations, timing the first.
    fn sampled_block(&mut self, ring: &mut Ring<S>, count: u64, tally: &mut Tally) {
        let (timed, reads) = ring.take(1);
        let op = &timed[0];
        let began = Instant::now();
        execute(&*self.scenario, &mut self.handle, op);
        let nanos = began.elapsed().as_nanos() as u64;
        tally.latency.record(op.kind(), nanos);
        tally.reads += reads;
        tally.writes += 1 - reads;
        self.untimed(ring, count - 1, tally);
        #[cfg(feature = "gate-proof")]
        crate::gate::proof::after_block();
    }

    /// Runs `count` operations without timing any.
    fn untimed(&mut self, ring: &mut Ring<S>, count: u64, tally: &mut Tally) {
        let mut left = count;
        while left > 0 {
            let (ops, reads) = ring.take(left);
            for op in ops {
                execute(&*self.scenario, &mut self.handle, op);
            }
            let done = ops.len() as u64;
            tally.reads += reads;
            tally.writes += done - reads;
            left -= done;
        }
    }
}

#[inline]
fn execute<S: Scenario, H: StrategyHandle<S>>(scenario: &S, handle: &mut H, op: &Op<S>) {
    match op {
        Op::Read(read) => {
            black_box(handle.read(|state| scenario.read(state, read)));
        }
        Op::Write(write) => {
            black_box(handle.try_write(write)).ok();
        }
    }
}
