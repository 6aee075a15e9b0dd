//! The runner's contract: exact operation budgets, counters, and failures
//! reported per strategy instead of crashing the run.

use std::sync::Arc;
use std::time::Duration;

use harness::runner::{RunConfig, RunFailure, Sampling, StopAfter, run};
use harness::slowed::Slowed;
use harness::strategy::{
    ArcSwapRcu, MutexStrategy, Staging, Strategy, StrategyHandle, StrategyOptions,
};
use scenarios::config::{Config, ConfigScenario, ConfigWrite, ConfigWriteOutput};
use scenarios::{KeyDist, Workload};

fn config(threads: usize, read_ratio: f64, stop: StopAfter) -> RunConfig {
    RunConfig {
        threads,
        size: 16,
        workload: Workload::new(read_ratio, KeyDist::Uniform).unwrap(),
        stop,
        warmup: Duration::from_millis(20),
        seed: 5,
        sampling: Sampling::Every(4),
        options: StrategyOptions::default(),
    }
}

#[test]
fn an_operation_budget_is_met_exactly_and_split_over_threads() {
    let scenario = Arc::new(ConfigScenario::new());
    let m =
        run::<_, MutexStrategy<ConfigScenario>>(&scenario, &config(3, 0.7, StopAfter::Ops(1000)))
            .unwrap();
    assert_eq!(m.reads + m.writes, 1000);
    assert!(m.reads > 500 && m.writes > 150, "{m:?}");
    assert!(m.ops_per_sec > 0.0);
    let read = m.latency.read.expect("reads were sampled");
    assert!(read.samples >= 150 && read.p50_ns <= read.p99_ns && read.p99_ns <= read.max_ns);
}

#[test]
fn long_runs_of_reads_are_counted_exactly_too() {
    let scenario = Arc::new(ConfigScenario::new());
    let config = RunConfig {
        sampling: Sampling::Every(1024),
        ..config(2, 0.999, StopAfter::Ops(20_000))
    };
    let m = run::<_, ArcSwapRcu<ConfigScenario>>(&scenario, &config).unwrap();
    assert_eq!(m.reads + m.writes, 20_000);
    assert!(m.reads > 19_000 && m.writes > 0, "{m:?}");
}

#[test]
fn a_timed_run_lasts_about_its_duration_and_counts_both_kinds() {
    let scenario = Arc::new(ConfigScenario::new());
    let stop = StopAfter::Elapsed(Duration::from_millis(150));
    let m = run::<_, ArcSwapRcu<ConfigScenario>>(&scenario, &config(2, 0.9, stop)).unwrap();
    assert!(m.elapsed >= Duration::from_millis(140), "{:?}", m.elapsed);
    assert!(m.elapsed < Duration::from_secs(5), "{:?}", m.elapsed);
    assert!(m.reads > 0 && m.writes > 0);
    assert!(m.latency.write.is_some());
    assert_eq!(
        m.counters.iter().map(|(name, _)| name).collect::<Vec<_>>(),
        ["retries"]
    );
}

#[test]
fn a_read_only_run_has_no_write_latency() {
    let scenario = Arc::new(ConfigScenario::new());
    let m = run::<_, ArcSwapRcu<ConfigScenario>>(&scenario, &config(2, 1.0, StopAfter::Ops(500)))
        .unwrap();
    assert_eq!(m.writes, 0);
    assert!(m.latency.write.is_none());
}

#[test]
fn staging_counts_one_publish_per_measured_write() {
    let scenario = Arc::new(ConfigScenario::new());
    let m =
        run::<_, Staging<ConfigScenario>>(&scenario, &config(2, 0.5, StopAfter::Ops(400))).unwrap();
    assert_eq!(m.counters.get("publishes"), m.writes);
}

/// A strategy whose writes panic, as a buggy strategy or model would.
struct PanicsOnWrite(Arc<ArcSwapRcu<ConfigScenario>>);

impl Strategy<ConfigScenario> for PanicsOnWrite {
    type Handle = PanicsOnWriteHandle;
    fn new(scenario: Arc<ConfigScenario>, initial: Config, options: &StrategyOptions) -> Self {
        Self(Arc::new(ArcSwapRcu::new(scenario, initial, options)))
    }
    fn handle(&self) -> PanicsOnWriteHandle {
        PanicsOnWriteHandle(self.0.handle())
    }
}

struct PanicsOnWriteHandle(<ArcSwapRcu<ConfigScenario> as Strategy<ConfigScenario>>::Handle);

impl StrategyHandle<ConfigScenario> for PanicsOnWriteHandle {
    fn read<R>(&mut self, f: impl FnOnce(&Config) -> R) -> R {
        self.0.read(f)
    }
    fn write(&mut self, _: &ConfigWrite) -> ConfigWriteOutput {
        panic!("boom in write")
    }
}

/// A strategy that cannot even be built.
struct PanicsOnNew;

impl Strategy<ConfigScenario> for PanicsOnNew {
    type Handle = PanicsOnWriteHandle;
    fn new(_: Arc<ConfigScenario>, _: Config, _: &StrategyOptions) -> Self {
        panic!("cannot build")
    }
    fn handle(&self) -> PanicsOnWriteHandle {
        unreachable!()
    }
}

#[test]
fn a_panicking_worker_is_the_strategys_failure() {
    let scenario = Arc::new(ConfigScenario::new());
    let stop = StopAfter::Elapsed(Duration::from_millis(50));
    let err = run::<_, PanicsOnWrite>(&scenario, &config(2, 0.5, stop)).unwrap_err();
    assert!(err.0.contains("panicked: boom in write"), "{err}");
    assert!(err.0.starts_with("worker "), "{err}");
}

#[test]
fn a_panicking_constructor_is_the_strategys_failure() {
    let scenario = Arc::new(ConfigScenario::new());
    let err = run::<_, PanicsOnNew>(&scenario, &config(1, 0.5, StopAfter::Ops(10))).unwrap_err();
    assert_eq!(err, RunFailure("setup panicked: cannot build".into()));
}

#[test]
fn adaptive_sampling_times_some_operations_and_unbounded_sampling_is_refused() {
    let scenario = Arc::new(ConfigScenario::new());
    let adaptive = RunConfig {
        sampling: Sampling::Adaptive,
        ..config(2, 0.9, StopAfter::Elapsed(Duration::from_millis(100)))
    };
    let m = run::<_, ArcSwapRcu<ConfigScenario>>(&scenario, &adaptive).unwrap();
    assert!(m.timed > 0 && m.timed < m.reads + m.writes, "{m:?}");

    let unbounded = RunConfig {
        sampling: Sampling::Every(1 << 40),
        ..config(1, 1.0, StopAfter::Elapsed(Duration::from_millis(10)))
    };
    let err = run::<_, ArcSwapRcu<ConfigScenario>>(&scenario, &unbounded).unwrap_err();
    assert!(err.0.contains("power of two from 1 to 65536"), "{err}");
}

#[test]
fn a_worker_whose_warm_up_outlasts_the_run_still_measures_a_block() {
    let slow_writes = Arc::new(Slowed::by(ConfigScenario::new(), Duration::from_millis(30)));
    let short = RunConfig {
        warmup: Duration::from_millis(10),
        ..config(1, 0.0, StopAfter::Elapsed(Duration::from_millis(10)))
    };
    let m = run::<_, MutexStrategy<_>>(&slow_writes, &short).unwrap();
    assert!(m.writes >= 1, "{m:?}");
    assert!(m.ops_per_sec > 0.0, "{m:?}");
}

#[test]
fn throughput_is_every_operation_over_one_window_even_with_8_threads_a_core() {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let scenario = Arc::new(ConfigScenario::new());
    let stop = StopAfter::Elapsed(Duration::from_millis(200));
    let config = RunConfig {
        warmup: Duration::ZERO,
        ..config(8 * cores, 0.9, stop)
    };
    let outer = std::time::Instant::now();
    let m = run::<_, MutexStrategy<ConfigScenario>>(&scenario, &config).unwrap();
    let outer = outer.elapsed();
    let ops = (m.reads + m.writes) as f64;
    let window = m.elapsed.as_secs_f64();
    assert!(
        m.elapsed >= Duration::from_millis(200) && m.elapsed <= outer,
        "{m:?}"
    );
    let per_window = ops / window;
    assert!((m.ops_per_sec / per_window - 1.0).abs() < 0.01, "{m:?}");
    let per_thread: f64 = m.per_thread_ops_per_sec.iter().sum();
    assert!((per_thread / m.ops_per_sec - 1.0).abs() < 0.01, "{m:?}");
}
