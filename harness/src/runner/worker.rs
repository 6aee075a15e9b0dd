//! One worker thread's measured loop.

use std::hint::black_box;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use scenarios::{Op, Scenario};

use super::LatencyRecorder;
use crate::strategy::{Counters, StrategyHandle};

/// Operations between two looks at the shared phase flag.
const CHECK_EVERY: u64 = 16;

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

/// The worker's position in its ring and what it has counted.
struct Cursor {
    next: usize,
    reads: u64,
    writes: u64,
    latency: LatencyRecorder,
}

impl<S: Scenario, H: StrategyHandle<S>> Job<S, H> {
    pub fn run(mut self) -> WorkerReport {
        drop(self.gate.read());
        let mut cursor = Cursor {
            next: 0,
            reads: 0,
            writes: 0,
            latency: LatencyRecorder::default(),
        };
        if self.phase() == Phase::Stop as u8 {
            return WorkerReport::empty();
        }
        while self.phase() == Phase::Warmup as u8 {
            self.batch(&mut cursor, CHECK_EVERY, false);
        }
        cursor = Cursor {
            latency: LatencyRecorder::default(),
            reads: 0,
            writes: 0,
            ..cursor
        };
        let counters_before = self.handle.counters();
        let started = Instant::now();
        match self.quota {
            Some(quota) => self.batch(&mut cursor, quota, true),
            None => {
                while self.phase() != Phase::Stop as u8 {
                    self.batch(&mut cursor, CHECK_EVERY, true);
                }
            }
        }
        let window = started.elapsed();
        WorkerReport {
            reads: cursor.reads,
            writes: cursor.writes,
            window,
            latency: cursor.latency,
            counters: self.handle.counters().since(&counters_before),
        }
    }

    fn phase(&self) -> u8 {
        self.phase.load(Ordering::Acquire)
    }

    /// Runs `count` operations from the ring, timing sampled ones when `measure`.
    fn batch(&mut self, cursor: &mut Cursor, count: u64, measure: bool) {
        for _ in 0..count {
            let op = &self.ops[cursor.next];
            cursor.next = if cursor.next + 1 == self.ops.len() {
                0
            } else {
                cursor.next + 1
            };
            let done = cursor.reads + cursor.writes;
            if measure && done & self.sample_mask == 0 {
                let began = Instant::now();
                execute(&*self.scenario, &mut self.handle, op);
                let nanos = began.elapsed().as_nanos() as u64;
                cursor.latency.record(op.kind(), nanos);
            } else {
                execute(&*self.scenario, &mut self.handle, op);
            }
            match op {
                Op::Read(_) => cursor.reads += 1,
                Op::Write(_) => cursor.writes += 1,
            }
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
            black_box(handle.write(write));
        }
    }
}
