//! Throughput of every registered strategy on every registered scenario, at
//! read ratios 0.5, 0.9, 0.99 and 1, with one thread and with one thread per
//! core: the grid that answers "which is fastest here?" in criterion's HTML
//! report (`target/criterion/`), where each group (`config/2 threads`)
//! charts every strategy's throughput against the read ratio.
//!
//! Both registries are walked through their visitors, so a strategy or a
//! scenario added to a registry is benched here without editing this file.
//!
//! How a sample is measured (DESIGN.md, "Honest measurement"): criterion
//! asks for `iters` operations; the threads split them evenly, each replaying
//! its own pre-generated ring of operations (no random numbers or allocation
//! for the workload in the measured loop) through its own strategy handle,
//! after waiting together at a barrier. The sample's time is the wall time
//! of that parallel section, from the first thread's start to the last
//! thread's finish; spawning and joining the threads is outside it. One
//! iteration is one operation, so criterion reports operations per second.
//! Strategy, handles and rings live for one benchmark, so the state and the
//! per-thread caches carry over from sample to sample as in a long run, and
//! the final state's invariants are checked once the benchmark is done.
//!
//! `cargo bench -p harness --bench strategies`, or with
//! `HARNESS_BENCH_QUICK=1` the quick mode of [`budget`] (read ratios 0.9 and
//! 1 only, shorter samples).

mod budget;

use std::hint::black_box;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, Throughput};
use criterion::{criterion_group, criterion_main};
use harness::catalog::builtin::{self as scenarios_registry, ScenarioOptions, ScenarioVisitor};
use harness::check::Memoizable;
use harness::runner::thread_seed;
use harness::strategy::registry::{self as strategies, StrategyVisitor};
use harness::strategy::{Strategy, StrategyHandle, StrategyOptions};
use scenarios::{Increments, KeyDist, Mergeable, Op, Scenario, Workload};

/// The size of every scenario's state: `harness run`'s default.
const SIZE: usize = 64;

/// The seed of every thread's operations: `harness run`'s default.
const SEED: u64 = 1;

/// Operations pre-generated per thread, as the runner does.
const RING_LEN: usize = 4093;

/// The read ratios benched; quick mode keeps the two that separate the
/// strategies most (some writes, and none).
fn read_ratios() -> &'static [f64] {
    budget::pick(&[0.5, 0.9, 0.99, 1.0], &[0.9, 1.0])
}

/// One thread, and one per core (once, on a single-core machine).
fn thread_counts() -> Vec<usize> {
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    if cores > 1 { vec![1, cores] } else { vec![1] }
}

fn grid(c: &mut Criterion) {
    for scenario in scenarios_registry::NAMES {
        for threads in thread_counts() {
            let noun = if threads == 1 { "thread" } else { "threads" };
            let mut group = c.benchmark_group(format!("{scenario}/{threads} {noun}"));
            group.throughput(Throughput::Elements(1));
            let row = EveryStrategy {
                group: &mut group,
                threads,
            };
            scenarios_registry::visit(scenario, &ScenarioOptions::default(), row)
                .expect("every registered scenario builds with the default options");
            group.finish();
        }
    }
}

/// Benches every registered strategy on one scenario with `threads` threads.
struct EveryStrategy<'g, 'c> {
    group: &'g mut BenchmarkGroup<'c, WallTime>,
    threads: usize,
}

impl ScenarioVisitor for EveryStrategy<'_, '_> {
    type Output = ();

    fn visit<S: Increments + Mergeable>(self, scenario: S)
    where
        S::State: Memoizable,
    {
        let scenario = Arc::new(scenario);
        for name in strategies::NAMES {
            let cell = OneStrategy {
                group: &mut *self.group,
                scenario: &scenario,
                threads: self.threads,
            };
            strategies::visit(name, cell).expect("every registered name resolves");
        }
    }
}

/// Benches one strategy on one scenario at every read ratio.
struct OneStrategy<'g, 'c, S> {
    group: &'g mut BenchmarkGroup<'c, WallTime>,
    scenario: &'g Arc<S>,
    threads: usize,
}

impl<S: Mergeable> StrategyVisitor<S> for OneStrategy<'_, '_, S> {
    type Output = ();

    fn visit<T: Strategy<S>>(self, name: &'static str) {
        for &ratio in read_ratios() {
            let mut contenders = Contenders::<S, T>::new(self.scenario, self.threads, ratio);
            self.group
                .bench_function(BenchmarkId::new(name, ratio), |b| {
                    b.iter_custom(|iters| contenders.run(iters));
                });
            contenders.check_final_state();
        }
    }
}

/// One strategy shared by several threads, each with its own handle and ring.
struct Contenders<S: Scenario, T: Strategy<S>> {
    scenario: Arc<S>,
    strategy: T,
    workers: Vec<Worker<S, T::Handle>>,
}

impl<S: Scenario, T: Strategy<S>> Contenders<S, T> {
    fn new(scenario: &Arc<S>, threads: usize, read_ratio: f64) -> Self {
        let workload = Workload::new(read_ratio, KeyDist::Uniform).expect("ratios are in 0..=1");
        let initial = scenario.initial_state(SIZE);
        let strategy = T::new(Arc::clone(scenario), initial, &StrategyOptions::default());
        let workers = (0..threads)
            .map(|index| Worker {
                handle: strategy.handle(),
                ops: scenario
                    .generate(SIZE, &workload, thread_seed(SEED, index))
                    .take(RING_LEN)
                    .collect(),
                next: 0,
            })
            .collect();
        Self {
            scenario: Arc::clone(scenario),
            strategy,
            workers,
        }
    }

    /// Runs `iters` operations split over the threads; the wall time of the parallel section.
    fn run(&mut self, iters: u64) -> Duration {
        let threads = self.workers.len();
        let start_line = Barrier::new(threads);
        let scenario = &*self.scenario;
        let windows: Vec<(Instant, Instant)> = thread::scope(|scope| {
            let running: Vec<_> = self
                .workers
                .iter_mut()
                .enumerate()
                .map(|(index, worker)| {
                    let count = share(iters, threads, index);
                    let start_line = &start_line;
                    scope.spawn(move || {
                        start_line.wait();
                        worker.run(scenario, count)
                    })
                })
                .collect();
            running
                .into_iter()
                .map(|thread| thread.join().expect("a benchmark thread panicked"))
                .collect()
        });
        let first_start = windows.iter().map(|&(start, _)| start).min();
        let last_finish = windows.iter().map(|&(_, finish)| finish).max();
        last_finish
            .zip(first_start)
            .map_or(Duration::ZERO, |(finish, start)| finish - start)
    }

    /// Publishes anything pending and panics if the state the benchmark
    /// left is invalid: a fast strategy that breaks the state is no result.
    fn check_final_state(&self) {
        self.strategy.flush();
        let mut handle = self.strategy.handle();
        if let Err(violation) = handle.read(|state| self.scenario.check_invariants(state)) {
            panic!("the final state is invalid: {violation}");
        }
    }
}

/// Thread `index`'s share of `iters` operations; earlier threads take the remainder.
fn share(iters: u64, threads: usize, index: usize) -> u64 {
    let threads = threads as u64;
    iters / threads + u64::from((index as u64) < iters % threads)
}

/// One thread's handle and ring of operations, and where it is in the ring.
struct Worker<S: Scenario, H> {
    handle: H,
    ops: Vec<Op<S>>,
    next: usize,
}

impl<S: Scenario, H: StrategyHandle<S>> Worker<S, H> {
    /// Applies the next `count` operations of the ring; when it started and finished.
    fn run(&mut self, scenario: &S, count: u64) -> (Instant, Instant) {
        let started = Instant::now();
        for _ in 0..count {
            black_box(self.handle.apply(scenario, &self.ops[self.next]));
            self.next += 1;
            if self.next == self.ops.len() {
                self.next = 0;
            }
        }
        (started, Instant::now())
    }
}

criterion_group! {
    name = benches;
    config = budget::criterion(budget::Timing {
        warm_up: Duration::from_millis(200),
        measurement: Duration::from_millis(800),
        samples: 20,
    });
    targets = grid
}
criterion_main!(benches);
