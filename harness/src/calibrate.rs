//! Measurement fidelity: how much of a hand-written loop's speed survives the
//! runner.
//!
//! The runner adds machinery around every operation: a ring of pre-generated
//! operations walked in slices, a phase flag looked at once per block, a
//! strategy handle behind a trait, and the first operation of each block
//! (see [`runner::Sampling`]) timed with two `Instant::now()` reads into a
//! histogram. If that machinery cost much, every figure `harness run`
//! prints would measure the harness instead of the strategy. This module
//! measures it on the cheapest operation there is, a read-only `arc-swap`
//! run of the config scenario (a few nanoseconds per read, so any overhead
//! shows), against hand-written loops that do the same work per operation
//! and nothing else:
//!
//! * **`Cache::load` hand loop** (the verdict basis): each thread loads the
//!   snapshot through its own `arc_swap::Cache`, exactly as the harness's
//!   snapshot readers do (see `strategy::snapshot`), and runs the scenario's
//!   read on it. Like for like, the harness should reach
//!   [`THRESHOLD`] (90%) of it.
//! * **`ArcSwap::load` hand loop** (context): the plain load most code
//!   writes. It takes and returns a debt slot on every read, while a `Cache`
//!   costs one relaxed load until something is published, so the harness
//!   can run *faster* than this loop; a ratio above 1 here is expected and
//!   says nothing about the harness.
//! * **the harness with the rarest sampling** (attribution): the same run
//!   timing one operation in [`RARE_SAMPLING`] (65 536, the most the runner
//!   allows: it looks at its stop flag once per sampled block). The gap
//!   between it and the normal, adaptive run is what sampling costs.
//!   Sampling costs nothing measurable (the two differ by −2% to +4%).
//!
//! Both loops replay the same reads the runner replays: per thread the first
//! [`RING_LEN`] operations of the same seeded stream ([`thread_seed`]), on the
//! same initial state. Repetitions are interleaved (each round runs all four
//! in a rotating order), and each loop's **fastest round** is compared
//! ([`RatioBasis`]): on a shared machine other work only ever slows a round,
//! and on the 2-core VM it slowed single rounds of either loop by up to
//! half, so ratios of medians of 5 rounds ranged 0.81–0.96 for one binary.
//! Medians are reported beside them.
//!
//! What the harness reached on fastest rounds of 100 (200 ms each): 91%
//! with the read loop borrowing the strategy handle, where `perf annotate`
//! showed the one difference from the hand loop, the slice end read from
//! the stack on every read; 98% with long runs of reads replayed with the
//! handle moved in (see `runner::worker::read_all`). Before the runner's
//! adaptive sampling and runs of one kind, medians gave 47–52%.

use std::hint::black_box;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use arc_swap::{ArcSwap, Cache};
use scenarios::config::{Config, ConfigRead, ConfigScenario};
use scenarios::{KeyDist, Op, Scenario, Workload};
use serde::{Deserialize, Serialize};

use crate::runner::{self, MAX_BLOCK, RING_LEN, RunConfig, RunFailure, StopAfter, thread_seed};
use crate::stats::median;
use crate::strategy::{ArcSwapRcu, StrategyOptions};

/// The share of the like-for-like hand loop's throughput the harness must reach.
pub const THRESHOLD: f64 = 0.90;

/// The strategy measured, by its registry name.
pub const STRATEGY: &str = "arc-swap";

/// Rare sampling: one operation in this many is timed, the rarest the
/// runner allows (it looks at its stop flag once per sampled block).
pub const RARE_SAMPLING: u64 = MAX_BLOCK;

/// Timer reads per batch when measuring `Instant::now()`, and batches.
const TIMER_BATCH: u32 = 1_000;
const TIMER_BATCHES: usize = 201;

/// What to calibrate: the same threads, size and seed for every loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalibrateConfig {
    /// Threads of every loop, each replaying its own stream of reads.
    pub threads: usize,
    /// Flags in the config scenario's state.
    pub size: usize,
    /// Measured time of each trial.
    pub duration: Duration,
    /// Unmeasured time before each trial, the same for every loop.
    pub warmup: Duration,
    /// Trials of each loop; the fastest of each is compared.
    pub rounds: usize,
    /// Seed of the operation streams; each thread's is derived with [`thread_seed`].
    pub seed: u64,
}

impl CalibrateConfig {
    /// The short calibration a sweep runs before its grid so its page can
    /// say how far to trust the figures: the default 20 rounds of
    /// `duration` per loop (~20 s at 200 ms), each after a quarter of that
    /// as warm-up. (With 10 rounds, one sweep's calibration read 88% while
    /// three `harness calibrate` runs just after it read 98–104%.)
    pub fn for_reports(duration: Duration) -> Self {
        Self {
            duration,
            warmup: duration / 4,
            ..Self::default()
        }
    }
}

impl Default for CalibrateConfig {
    fn default() -> Self {
        Self {
            threads: 1,
            size: 64,
            duration: Duration::from_millis(200),
            warmup: Duration::from_millis(50),
            rounds: 20,
            seed: 1,
        }
    }
}

/// What calibration found; serializable so reports can show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The scenario measured (the config scenario's name).
    pub scenario: String,
    /// The strategy measured, [`STRATEGY`].
    pub strategy: String,
    /// As [`CalibrateConfig::threads`].
    pub threads: usize,
    /// As [`CalibrateConfig::size`].
    pub size: usize,
    /// Measured time of each trial, in seconds.
    pub duration_s: f64,
    /// Unmeasured warm-up before each trial, in seconds.
    pub warmup_s: f64,
    /// Trials of each loop.
    pub rounds: usize,
    /// As [`CalibrateConfig::seed`].
    pub seed: u64,
    /// Which figure of each loop the ratios compare; calibrations recorded
    /// before the field existed compared medians.
    #[serde(default = "RatioBasis::medians")]
    pub basis: RatioBasis,
    /// Hand loop over `arc_swap::Cache::load`: the verdict basis.
    pub hand_cache: Throughput,
    /// Hand loop over `ArcSwap::load`: context only.
    pub hand_load: Throughput,
    /// The runner driving the `arc-swap` strategy, read ratio 1.
    pub harness: Throughput,
    /// The same timing one operation in [`RARE_SAMPLING`]: the runner almost without sampling.
    pub harness_unsampled: Throughput,
    /// `harness / hand_cache`, on [`basis`](Self::basis): the verdict.
    pub ratio: f64,
    /// `harness / hand_load`, on `basis`; above 1 is expected.
    pub ratio_plain_load: f64,
    /// `harness_unsampled / hand_cache`, on `basis`: the runner without sampling.
    pub ratio_unsampled: f64,
    /// The `ratio` required to pass, [`THRESHOLD`] when recorded.
    pub threshold: f64,
    /// `ratio >= threshold`.
    pub passes: bool,
    /// Median cost of one `Instant::now()`, in nanoseconds.
    pub timer_ns: f64,
    /// The runner's sampling, as it describes itself.
    pub sampling: String,
    /// Operations per timed operation in the harness run (median over rounds).
    pub ops_per_timed_op: f64,
    /// Estimated share of an operation's time spent sampling:
    /// `timer_ns × 2 / ops_per_timed_op / ns per operation of the Cache hand loop`.
    pub sampling_overhead: f64,
    /// Measured share of throughput sampling takes: `1 - harness / harness_unsampled`, on `basis`.
    pub sampling_cost: f64,
}

/// Which figure of a loop's rounds stands for its speed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatioBasis {
    /// Each loop's fastest round. Other work on a shared machine only ever
    /// slows a round, so the fastest is the least disturbed; medians still
    /// move by a fifth between runs here when a neighbour's burst lands on
    /// one loop's rounds more than on another's.
    FastestRound,
    /// Each loop's median round.
    Median,
}

impl RatioBasis {
    fn medians() -> Self {
        Self::Median
    }

    /// `throughput`'s figure on this basis.
    pub fn of(self, throughput: &Throughput) -> f64 {
        match self {
            Self::FastestRound => throughput.fastest(),
            Self::Median => throughput.ops_per_sec,
        }
    }
}

impl std::fmt::Display for RatioBasis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::FastestRound => "fastest rounds",
            Self::Median => "medians",
        })
    }
}

impl Calibration {
    /// `harness / hand_cache` of medians, whatever the verdict's basis.
    pub fn ratio_of_medians(&self) -> f64 {
        RatioBasis::Median.of(&self.harness) / RatioBasis::Median.of(&self.hand_cache)
    }

    /// The verdict in one sentence, e.g. for the top of a report.
    pub fn verdict(&self) -> String {
        format!(
            "{}: the harness reached {:.0}% of a hand-written Cache::load loop on the same reads \
             ({} compared; at least {:.0}% required); one Instant::now() costs {:.1} ns and sampling ({}) timed \
             1 operation in {:.0}",
            if self.passes { "PASS" } else { "FAIL" },
            self.ratio * 100.0,
            self.basis,
            self.threshold * 100.0,
            self.timer_ns,
            self.sampling,
            self.ops_per_timed_op,
        )
    }
}

/// One loop's throughput over the rounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Throughput {
    /// Median over rounds of the operations per second of all threads.
    pub ops_per_sec: f64,
    /// `ops_per_sec` divided by the number of threads.
    pub ops_per_sec_per_thread: f64,
    /// Nanoseconds one thread spends per operation, at the median.
    pub ns_per_op: f64,
    /// Every round's operations per second, in round order.
    pub rounds: Vec<f64>,
}

impl Throughput {
    /// The fastest round's operations per second.
    pub fn fastest(&self) -> f64 {
        self.rounds.iter().copied().fold(0.0, f64::max)
    }
}

/// Why calibration could not produce a result.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalibrateError {
    /// The configuration is invalid; says which setting.
    #[error("invalid calibration: {0}")]
    Config(&'static str),
    /// The harness run failed.
    #[error("the harness run of {STRATEGY} failed: {0}")]
    Run(#[from] RunFailure),
    /// Most rounds of a loop completed no operation in the given duration.
    #[error("a loop completed no operations in most of its {0:?} rounds; use a longer duration")]
    TooShort(Duration),
}

/// Runs the hand loops and the harness (with and without sampling)
/// `config.rounds` times each, interleaved, then times the timer.
pub fn calibrate(config: &CalibrateConfig) -> Result<Calibration, CalibrateError> {
    validate(config)?;
    let scenario = Arc::new(ConfigScenario::new());
    let rings = reads_per_thread(&scenario, config);
    let mut figures: [Vec<f64>; 4] = Default::default();
    let mut ops_per_timed_op = Vec::new();
    for round in 0..config.rounds {
        for offset in 0..Loop::ALL.len() {
            let index = (round + offset) % Loop::ALL.len();
            let (ops_per_sec, per_timed) = Loop::ALL[index].measure(&scenario, &rings, config)?;
            figures[index].push(ops_per_sec);
            if let (Loop::Harness, Some(per_timed)) = (Loop::ALL[index], per_timed) {
                ops_per_timed_op.push(per_timed);
            }
        }
    }
    if figures
        .iter()
        .any(|rounds| median(rounds.iter().copied()) == 0.0)
    {
        return Err(CalibrateError::TooShort(config.duration));
    }
    let [hand_cache, hand_load, harness, harness_unsampled] =
        figures.map(|rounds| throughput(rounds, config.threads));
    let loops = Loops {
        hand_cache,
        hand_load,
        harness,
        harness_unsampled,
    };
    let timing = TimerUse {
        ops_per_timed_op: median(ops_per_timed_op),
        timer_ns: timer_cost_ns(),
    };
    Ok(summarize(config, loops, timing))
}

fn validate(config: &CalibrateConfig) -> Result<(), CalibrateError> {
    if config.threads == 0 {
        return Err(CalibrateError::Config("threads must be at least 1"));
    }
    if config.size == 0 {
        return Err(CalibrateError::Config("size must be at least 1"));
    }
    if config.rounds == 0 {
        return Err(CalibrateError::Config("rounds must be at least 1"));
    }
    if config.duration.is_zero() {
        return Err(CalibrateError::Config("duration must be above zero"));
    }
    Ok(())
}

/// Every loop's throughput, in [`Loop::ALL`] order.
struct Loops {
    hand_cache: Throughput,
    hand_load: Throughput,
    harness: Throughput,
    harness_unsampled: Throughput,
}

/// What timing costs: one timer read, and how rarely the harness used it.
struct TimerUse {
    ops_per_timed_op: f64,
    timer_ns: f64,
}

fn summarize(config: &CalibrateConfig, loops: Loops, timing: TimerUse) -> Calibration {
    let Loops {
        hand_cache,
        hand_load,
        harness,
        harness_unsampled,
    } = loops;
    let TimerUse {
        ops_per_timed_op,
        timer_ns,
    } = timing;
    let basis = RatioBasis::FastestRound;
    let speed = |throughput: &Throughput| basis.of(throughput);
    let ratio = speed(&harness) / speed(&hand_cache);
    Calibration {
        scenario: ConfigScenario::new().name().to_owned(),
        strategy: STRATEGY.to_owned(),
        threads: config.threads,
        size: config.size,
        duration_s: config.duration.as_secs_f64(),
        warmup_s: config.warmup.as_secs_f64(),
        rounds: config.rounds,
        seed: config.seed,
        basis,
        ratio,
        ratio_plain_load: speed(&harness) / speed(&hand_load),
        ratio_unsampled: speed(&harness_unsampled) / speed(&hand_cache),
        threshold: THRESHOLD,
        passes: ratio >= THRESHOLD,
        timer_ns,
        sampling: runner::Sampling::default().to_string(),
        ops_per_timed_op,
        sampling_overhead: timer_ns * 2.0 / ops_per_timed_op / hand_cache.ns_per_op,
        sampling_cost: 1.0 - speed(&harness) / speed(&harness_unsampled),
        hand_cache,
        hand_load,
        harness,
        harness_unsampled,
    }
}

/// What is measured, in the order of the first round.
#[derive(Clone, Copy, Debug)]
enum Loop {
    HandCache,
    HandLoad,
    Harness,
    HarnessUnsampled,
}

impl Loop {
    const ALL: [Loop; 4] = [
        Loop::HandCache,
        Loop::HandLoad,
        Loop::Harness,
        Loop::HarnessUnsampled,
    ];

    /// One trial: operations per second over all threads, and for the
    /// harness the operations per timed operation.
    fn measure(
        self,
        scenario: &Arc<ConfigScenario>,
        rings: &[Vec<ConfigRead>],
        config: &CalibrateConfig,
    ) -> Result<(f64, Option<f64>), RunFailure> {
        match self {
            Loop::HandCache => Ok((hand_loop::<CacheReader>(scenario, rings, config), None)),
            Loop::HandLoad => Ok((hand_loop::<LoadReader>(scenario, rings, config), None)),
            Loop::Harness => harness_run(scenario, config, runner::Sampling::default()),
            Loop::HarnessUnsampled => {
                harness_run(scenario, config, runner::Sampling::Every(RARE_SAMPLING))
            }
        }
    }
}

/// The harness's own `arc-swap` strategy through the real runner, reads
/// only, timing operations as `sampling` says.
fn harness_run(
    scenario: &Arc<ConfigScenario>,
    config: &CalibrateConfig,
    sampling: runner::Sampling,
) -> Result<(f64, Option<f64>), RunFailure> {
    let run_config = RunConfig {
        threads: config.threads,
        size: config.size,
        workload: reads_only(),
        stop: StopAfter::Elapsed(config.duration),
        warmup: config.warmup,
        seed: config.seed,
        sampling,
        options: StrategyOptions::default(),
    };
    let m = runner::run::<_, ArcSwapRcu<ConfigScenario>>(scenario, &run_config)?;
    let ops = (m.reads + m.writes) as f64;
    Ok((m.ops_per_sec, Some(ops / m.timed.max(1) as f64)))
}

fn reads_only() -> Workload {
    Workload::new(1.0, KeyDist::Uniform).expect("1 is a valid read ratio")
}

/// Each thread's reads: the start of the same seeded stream the runner's ring holds.
fn reads_per_thread(scenario: &ConfigScenario, config: &CalibrateConfig) -> Vec<Vec<ConfigRead>> {
    (0..config.threads)
        .map(|index| {
            scenario
                .generate(config.size, &reads_only(), thread_seed(config.seed, index))
                .take(RING_LEN)
                .map(|op| match op {
                    Op::Read(read) => read,
                    Op::Write(_) => unreachable!("a read ratio of 1 generates only reads"),
                })
                .collect()
        })
        .collect()
}

/// The published snapshot, as the harness's snapshot strategies hold it.
type Published = Arc<ArcSwap<Config>>;

/// How a hand loop's thread reaches the snapshot.
trait Reader: Send {
    fn new(published: &Published) -> Self;
    /// Loads the snapshot and runs one read on it.
    fn read(&mut self, scenario: &ConfigScenario, read: &ConfigRead);
}

/// Through a per-thread `Cache`, as `strategy::snapshot::SnapshotReader` does.
struct CacheReader(Cache<Published, Arc<Config>>);

impl Reader for CacheReader {
    fn new(published: &Published) -> Self {
        Self(Cache::new(Arc::clone(published)))
    }

    #[inline]
    fn read(&mut self, scenario: &ConfigScenario, read: &ConfigRead) {
        black_box(scenario.read(self.0.load(), read));
    }
}

/// Through `ArcSwap::load` on the shared pointer.
struct LoadReader(Published);

impl Reader for LoadReader {
    fn new(published: &Published) -> Self {
        Self(Arc::clone(published))
    }

    #[inline]
    fn read(&mut self, scenario: &ConfigScenario, read: &ConfigRead) {
        black_box(scenario.read(&self.0.load(), read));
    }
}

const WARMUP: u8 = 0;
const MEASURE: u8 = 1;
const STOP: u8 = 2;

/// One hand-loop trial: every thread replays its reads, counting whole
/// passes over them within its own measured window, as the runner counts.
fn hand_loop<R: Reader>(
    scenario: &ConfigScenario,
    rings: &[Vec<ConfigRead>],
    config: &CalibrateConfig,
) -> f64 {
    let published: Published = Arc::new(ArcSwap::from_pointee(scenario.initial_state(config.size)));
    let phase = AtomicU8::new(WARMUP);
    let ready = Barrier::new(rings.len() + 1);
    thread::scope(|scope| {
        let workers: Vec<_> = rings
            .iter()
            .map(|reads| {
                let reader = R::new(&published);
                let (phase, ready) = (&phase, &ready);
                scope.spawn(move || replay(scenario, reader, reads, phase, ready))
            })
            .collect();
        ready.wait();
        thread::sleep(config.warmup);
        phase.store(MEASURE, Ordering::Release);
        thread::sleep(config.duration);
        phase.store(STOP, Ordering::Release);
        workers
            .into_iter()
            .map(|worker| worker.join().expect("a hand loop does not panic"))
            .sum()
    })
}

/// One hand-loop thread; returns its operations per second.
fn replay<R: Reader>(
    scenario: &ConfigScenario,
    mut reader: R,
    reads: &[ConfigRead],
    phase: &AtomicU8,
    ready: &Barrier,
) -> f64 {
    ready.wait();
    while phase.load(Ordering::Acquire) == WARMUP {
        pass(scenario, &mut reader, reads);
    }
    let started = Instant::now();
    let mut passes: u64 = 0;
    while phase.load(Ordering::Acquire) != STOP {
        pass(scenario, &mut reader, reads);
        passes += 1;
    }
    (passes * reads.len() as u64) as f64 / started.elapsed().as_secs_f64()
}

#[inline]
fn pass<R: Reader>(scenario: &ConfigScenario, reader: &mut R, reads: &[ConfigRead]) {
    for read in reads {
        reader.read(scenario, read);
    }
}

fn throughput(rounds: Vec<f64>, threads: usize) -> Throughput {
    let ops_per_sec = median(rounds.iter().copied());
    let per_thread = ops_per_sec / threads as f64;
    Throughput {
        ops_per_sec,
        ops_per_sec_per_thread: per_thread,
        ns_per_op: 1e9 / per_thread,
        rounds,
    }
}

/// Median nanoseconds of one `Instant::now()`, timed in batches (a single
/// read is too short to time with the timer itself).
pub fn timer_cost_ns() -> f64 {
    let per_read: Vec<f64> = (0..TIMER_BATCHES)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..TIMER_BATCH {
                black_box(Instant::now());
            }
            started.elapsed().as_nanos() as f64 / f64::from(TIMER_BATCH)
        })
        .collect();
    median(per_read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_loops_replay_the_runners_reads() {
        let scenario = ConfigScenario::new();
        let config = CalibrateConfig {
            threads: 2,
            ..CalibrateConfig::default()
        };
        let rings = reads_per_thread(&scenario, &config);
        assert_eq!(rings.len(), 2);
        assert!(rings.iter().all(|ring| ring.len() == RING_LEN));
        assert_ne!(rings[0], rings[1], "each thread has its own stream");
    }

    fn throughput_of(rounds: &[f64]) -> Throughput {
        throughput(rounds.to_vec(), 1)
    }

    #[test]
    fn the_verdict_compares_fastest_rounds_so_one_disturbed_round_does_not_decide_it() {
        let hand = throughput_of(&[700.0, 400.0, 690.0]);
        let harness = throughput_of(&[350.0, 680.0, 380.0]);
        let loops = Loops {
            hand_cache: hand.clone(),
            hand_load: hand,
            harness: harness.clone(),
            harness_unsampled: harness,
        };
        let timing = TimerUse {
            ops_per_timed_op: 8000.0,
            timer_ns: 25.0,
        };
        let c = summarize(&CalibrateConfig::default(), loops, timing);
        assert_eq!(c.basis, RatioBasis::FastestRound);
        assert!((c.ratio - 680.0 / 700.0).abs() < 1e-12, "{c:?}");
        assert!(c.passes);
        assert!(
            c.verdict().contains("fastest rounds compared"),
            "{}",
            c.verdict()
        );
        assert!((c.ratio_of_medians() - 380.0 / 690.0).abs() < 1e-12);
    }

    #[test]
    fn a_calibration_recorded_before_the_basis_existed_reads_as_medians() {
        let c = summarize(
            &CalibrateConfig::default(),
            Loops {
                hand_cache: throughput_of(&[2.0]),
                hand_load: throughput_of(&[1.0]),
                harness: throughput_of(&[2.0]),
                harness_unsampled: throughput_of(&[2.0]),
            },
            TimerUse {
                ops_per_timed_op: 1.0,
                timer_ns: 1.0,
            },
        );
        let mut json = serde_json::to_value(&c).unwrap();
        json.as_object_mut().unwrap().remove("basis");
        let old: Calibration = serde_json::from_value(json).unwrap();
        assert_eq!(old.basis, RatioBasis::Median);
        assert!(
            old.verdict().contains("medians compared"),
            "{}",
            old.verdict()
        );
    }

    #[test]
    fn invalid_configurations_are_refused() {
        let config = CalibrateConfig {
            rounds: 0,
            ..CalibrateConfig::default()
        };
        assert_eq!(
            calibrate(&config),
            Err(CalibrateError::Config("rounds must be at least 1"))
        );
    }
}
