//! Drives one strategy with many threads and measures it.
//!
//! Measurement rules (DESIGN.md, "Honest measurement"):
//! * each thread replays its own pre-generated ring of operations, so the
//!   measured loop contains no random number generation or allocation for
//!   the workload;
//! * throughput is counted, never timed per operation, over one wall-clock
//!   window common to every worker: from the moment the coordinator releases
//!   them into measurement until the last of them has stopped. A sum of
//!   per-thread rates, each over the worker's own window, is inflated when
//!   threads outnumber cores (their windows do not coincide: measured 1.8x
//!   at 64 threads and 13x at 256 on 2 cores), so it is never reported;
//! * latency is sampled: one operation per ~20 µs of work by default, see
//!   [`Sampling`];
//! * a warm-up phase runs the same loop before anything is counted.
//!
//! A panic in a worker, in the strategy's constructor or in the model is
//! caught and returned as that strategy's [`RunFailure`]; other strategies
//! in the same invocation still run.

mod latency;
mod sampling;
mod worker;

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use scenarios::{Op, Scenario, Workload};
use serde::{Deserialize, Serialize};

pub use self::latency::{Latency, LatencyRecorder, LatencySummary};
pub use self::sampling::{MAX_BLOCK, Sampling, TARGET_BLOCK_NS};
use self::worker::{Phase, WorkerReport};
use crate::strategy::{Counters, Strategy, StrategyHandle, StrategyOptions};

/// Operations pre-generated per thread; prime, so sampling the first of
/// every power-of-two block walks through all of them. Public so `calibrate`'s hand loops
/// replay exactly the operations a run replays.
pub const RING_LEN: usize = 4093;

/// What to run and for how long.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// Worker threads, at least 1.
    pub threads: usize,
    /// Size of the scenario's initial state.
    pub size: usize,
    /// The read ratio and key distribution of the operations generated.
    pub workload: Workload,
    /// When measurement ends.
    pub stop: StopAfter,
    /// Unmeasured time before measurement; zero for none.
    pub warmup: Duration,
    /// Seed of the operations; each thread's is derived with [`thread_seed`].
    pub seed: u64,
    /// Which operations' latency is timed.
    pub sampling: Sampling,
    /// The strategy's own options.
    pub options: StrategyOptions,
}

/// When measurement ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopAfter {
    /// After this long.
    Elapsed(Duration),
    /// After this many operations in total, split evenly over the threads.
    Ops(u64),
}

/// What one strategy did in one run.
#[derive(Clone, Debug)]
pub struct Measurement {
    /// The measured window common to every worker: from their release into
    /// measurement until the last one stopped.
    pub elapsed: Duration,
    /// Reads measured, over all workers.
    pub reads: u64,
    /// Writes measured, over all workers.
    pub writes: u64,
    /// All workers' operations divided by [`elapsed`](Self::elapsed).
    pub ops_per_sec: f64,
    /// Each worker's operations divided by the same window, in worker order.
    pub per_thread_ops_per_sec: Vec<f64>,
    /// Percentiles of the timed operations.
    pub latency: Latency,
    /// Operations whose latency was timed.
    pub timed: u64,
    /// The strategy's and its handles' event counts over the measured window.
    pub counters: Counters,
    /// The scenario's description of the state the run ended in.
    pub final_state: Option<String>,
}

/// A strategy that could not finish its run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RunFailure(pub String);

/// Runs strategy `T` on `scenario` as `config` says.
pub fn run<S: Scenario, T: Strategy<S>>(
    scenario: &Arc<S>,
    config: &RunConfig,
) -> Result<Measurement, RunFailure> {
    assert!(config.threads > 0, "a run needs at least one thread");
    config.sampling.check().map_err(RunFailure)?;
    let strategy = catch_unwind(AssertUnwindSafe(|| {
        let initial = scenario.initial_state(config.size);
        T::new(Arc::clone(scenario), initial, &config.options)
    }))
    .map_err(|panic| RunFailure(format!("setup panicked: {}", panic_message(&*panic))))?;

    let first_phase = if config.warmup.is_zero() {
        Phase::Measure
    } else {
        Phase::Warmup
    };
    let phase = Arc::new(AtomicU8::new(first_phase as u8));
    let starting_line = Arc::new(RwLock::new(()));
    let closed = starting_line.write().expect("a new lock is not poisoned");
    let workers: Vec<_> = (0..config.threads)
        .map(|index| {
            let ops = ring(&**scenario, config, index);
            let quota = quota(config, index);
            let job = worker::Job {
                scenario: Arc::clone(scenario),
                handle: Some(strategy.handle()),
                ops,
                quota,
                sampling: config.sampling,
                phase: Arc::clone(&phase),
                starting_line: Arc::clone(&starting_line),
            };
            thread::Builder::new()
                .name(format!("worker-{index}"))
                .spawn(move || job.run())
                .map_err(|err| RunFailure(format!("cannot start worker {index}: {err}")))
        })
        .collect();

    let spawned = workers.iter().all(Result::is_ok);
    if !spawned {
        phase.store(Phase::Stop as u8, Ordering::Release);
    }
    let opened = Instant::now();
    drop(closed);
    let (strategy_before, released) = if spawned {
        drive_phases(&phase, config, &strategy, opened)
    } else {
        (Counters::default(), opened)
    };
    let reports = join(workers);
    let strategy_after = strategy.counters();
    let mut measurement = summarize(&reports?, released);
    measurement
        .counters
        .merge(&strategy_after.since(&strategy_before));
    measurement.final_state = Some(check_final_state(&**scenario, &strategy)?).flatten();
    Ok(measurement)
}

/// Publishes what is pending, then checks the final state's invariants and describes it.
fn check_final_state<S: Scenario, T: Strategy<S>>(
    scenario: &S,
    strategy: &T,
) -> Result<Option<String>, RunFailure> {
    catch_unwind(AssertUnwindSafe(|| {
        strategy.flush();
        strategy.handle().read(|state| {
            scenario
                .check_invariants(state)
                .map(|()| scenario.summary(state))
        })
    }))
    .map_err(|panic| RunFailure(format!("final read panicked: {}", panic_message(&*panic))))?
    .map_err(|violation| RunFailure(format!("the final state is invalid: {violation}")))
}

/// Warm-up (unless there is none), then measurement until the deadline (or until every quota is
/// done); returns the strategy's counters as measurement began, and when the workers were
/// released into measurement (`opened`, when they were let go, if there is no warm-up).
fn drive_phases<S: Scenario, T: Strategy<S>>(
    phase: &AtomicU8,
    config: &RunConfig,
    strategy: &T,
    opened: Instant,
) -> (Counters, Instant) {
    let released = if config.warmup.is_zero() {
        opened
    } else {
        thread::sleep(config.warmup);
        Instant::now()
    };
    let before = strategy.counters();
    phase.store(Phase::Measure as u8, Ordering::Release);
    if let StopAfter::Elapsed(duration) = config.stop {
        thread::sleep(duration);
        phase.store(Phase::Stop as u8, Ordering::Release);
    }
    (before, released)
}

/// Thread `index`'s operations: the start of its own seeded stream.
fn ring<S: Scenario>(scenario: &S, config: &RunConfig, index: usize) -> Vec<Op<S>> {
    let len = match config.stop {
        StopAfter::Ops(total) => RING_LEN.min(total.div_ceil(config.threads as u64) as usize),
        StopAfter::Elapsed(_) => RING_LEN,
    };
    scenario
        .generate(
            config.size,
            &config.workload,
            thread_seed(config.seed, index),
        )
        .take(len.max(1))
        .collect()
}

/// A distinct, reproducible seed per thread.
pub fn thread_seed(seed: u64, index: usize) -> u64 {
    seed ^ (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Thread `index`'s share of an operation budget; earlier threads take the remainder.
fn quota(config: &RunConfig, index: usize) -> Option<u64> {
    let StopAfter::Ops(total) = config.stop else {
        return None;
    };
    let threads = config.threads as u64;
    Some(total / threads + u64::from((index as u64) < total % threads))
}

fn join(
    workers: Vec<Result<thread::JoinHandle<WorkerReport>, RunFailure>>,
) -> Result<Vec<WorkerReport>, RunFailure> {
    let mut reports = Vec::new();
    let mut failures = Vec::new();
    for (index, worker) in workers.into_iter().enumerate() {
        match worker.map(|handle| handle.join()) {
            Ok(Ok(report)) => reports.push(report),
            Ok(Err(panic)) => failures.push(format!(
                "worker {index} panicked: {}",
                panic_message(&*panic)
            )),
            Err(RunFailure(message)) => failures.push(message),
        }
    }
    match failures.len() {
        0 => Ok(reports),
        1 => Err(RunFailure(failures.remove(0))),
        n => Err(RunFailure(format!(
            "{} (and {} more failed workers)",
            failures[0],
            n - 1
        ))),
    }
}

/// Every worker's tallies over the window from `released` until the last worker stopped.
fn summarize(reports: &[WorkerReport], released: Instant) -> Measurement {
    let mut latency = LatencyRecorder::default();
    let mut counters = Counters::default();
    for report in reports {
        latency.merge(&report.latency);
        counters.merge(&report.counters);
    }
    let latency = latency.summary();
    let timed = [latency.read, latency.write]
        .iter()
        .flatten()
        .map(|kind| kind.samples)
        .sum();
    let elapsed = reports
        .iter()
        .filter_map(|r| r.stopped)
        .max()
        .map_or(Duration::ZERO, |last| {
            last.saturating_duration_since(released)
        });
    let reads = reports.iter().map(|r| r.reads).sum();
    let writes = reports.iter().map(|r| r.writes).sum();
    Measurement {
        elapsed,
        reads,
        writes,
        ops_per_sec: rate(reads + writes, elapsed),
        per_thread_ops_per_sec: reports
            .iter()
            .map(|r| rate(r.reads + r.writes, elapsed))
            .collect(),
        latency,
        timed,
        counters,
        final_state: None,
    }
}

/// Operations per second over `window`; 0 for an empty window.
fn rate(ops: u64, window: Duration) -> f64 {
    let secs = window.as_secs_f64();
    if secs > 0.0 { ops as f64 / secs } else { 0.0 }
}

/// The text of a panic payload.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_owned()
    }
}
