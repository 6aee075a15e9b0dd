//! Do reads wait for writers? One slow write, with readers timed around it.
//!
//! Why: with a lock, every reader waits out a slow update (a configuration
//! reload that parses a file, a ledger write that logs), so one slow write
//! becomes a latency spike for every request; with a snapshot strategy,
//! readers keep reading the previous version. Recorded runs cannot show the
//! difference: they check outputs, not timing, and a reader that waited
//! still returns the right answer. So this is a short phase of its own,
//! measured rather than recorded.
//!
//! How: the scenario is [`slowed`](Slow::slowed), so a write pauses for
//! `delay` inside the scenario's write, while the strategy holds whatever it holds to
//! apply a write. One thread starts one such write while [`READERS`] other
//! threads each start a read every `delay / 100` and time it. The reads
//! that started while the write was in progress decide: a read that waits
//! for the writer waits out nearly all of the delay (the first read after
//! the writer takes its lock starts within 1% of it), one that does not
//! takes microseconds.
//!
//! Thresholds: a worst read over half the delay is `wait`, under a tenth is
//! `never wait`, anything between (or no read during the write) is
//! `unclear`, never a guess: a loaded machine can preempt a reader for
//! milliseconds. Readers pause between reads rather than spin for the same
//! reason: a spinning reader spends its whole time slice inside timed reads,
//! so every preemption would land in one and the worst read would measure
//! the scheduler; a paced reader is almost never preempted inside a read
//! of a few microseconds.

use std::hint::black_box;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use scenarios::{KeyDist, Op, Scenario, Workload};

use crate::report::format_nanos;
use crate::runner::{RunFailure, panic_message};
use crate::slowed::Slow;
use crate::strategy::{Strategy, StrategyHandle, StrategyOptions};

/// Reader threads: more than one, so a lock that admits one reader at a
/// time and one that shares are both exercised.
pub const READERS: usize = 2;
/// A reader starts a read every `delay / PACE_DIVISOR`.
const PACE_DIVISOR: u32 = 100;

/// How to probe.
#[derive(Clone, Debug)]
pub struct ProbeConfig {
    /// How long the slow write pauses; the longer, the clearer the class.
    pub delay: Duration,
    /// Size of the initial state, in the scenario's unit.
    pub size: usize,
    /// Seeds the read and the write drawn from the scenario's generator.
    pub seed: u64,
    /// The options the strategy is built with.
    pub options: StrategyOptions,
    /// The watchdog, on top of the write's delay: past it the probe is
    /// reported stuck and abandoned.
    pub timeout: Duration,
}

impl Default for ProbeConfig {
    fn default() -> Self {
        Self {
            delay: Duration::from_millis(200),
            size: 3,
            seed: 1,
            options: StrategyOptions::default(),
            timeout: Duration::from_secs(10),
        }
    }
}

/// Whether reads wait for a writer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadClass {
    /// The worst read during the write took under a tenth of its delay.
    NeverWait,
    /// The worst read took over half of the delay: it waited for the writer.
    Wait,
    /// Anything between, or no read during the write: not decided.
    Unclear,
}

impl ReadClass {
    /// The class of a worst read of `worst` during a write paused for `delay`.
    pub fn of(worst: Duration, delay: Duration) -> Self {
        if delay.is_zero() {
            Self::Unclear
        } else if worst > delay / 2 {
            Self::Wait
        } else if worst < delay / 10 {
            Self::NeverWait
        } else {
            Self::Unclear
        }
    }
}

impl std::fmt::Display for ReadClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NeverWait => "never wait",
            Self::Wait => "wait",
            Self::Unclear => "unclear",
        })
    }
}

/// What the probe measured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadProbe {
    /// The verdict: whether reads waited; `Unclear` when no read ran during the write.
    pub class: ReadClass,
    /// How long the slow write paused ([`ProbeConfig::delay`]).
    pub delay: Duration,
    /// Reads that started while the write was in progress.
    pub reads_during_write: usize,
    /// The slowest of them; `None` if there were none.
    pub worst_read: Option<Duration>,
    /// How long the write took, from call to return.
    pub write_took: Duration,
}

impl std::fmt::Display for ReadProbe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.worst_read {
            Some(worst) => write!(
                f,
                "{} (worst {})",
                self.class,
                format_nanos(worst.as_nanos() as u64)
            ),
            None => write!(f, "{} (no read during the write)", self.class),
        }
    }
}

/// Classifies the reads of strategy `T`: one write of `scenario`, slowed by
/// `config.delay`, with [`READERS`] threads reading while it is in progress.
pub fn probe_reads<S: Slow, T: Strategy<S>>(
    scenario: &S,
    config: &ProbeConfig,
) -> Result<ReadProbe, RunFailure> {
    let slow = Arc::new(scenario.slowed(config.delay));
    let strategy = catch_unwind(AssertUnwindSafe(|| {
        T::new(
            Arc::clone(&slow),
            slow.initial_state(config.size),
            &config.options,
        )
    }))
    .map_err(|panic| RunFailure(format!("setup panicked: {}", panic_message(&*panic))))?;
    let (read, write) = one_read_and_one_write(&*slow, config);
    let done = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(READERS + 1));
    let (report, reports) = mpsc::channel();
    for reader in 0..READERS {
        let mut handle = strategy.handle();
        let (slow, read, start, done) = (
            Arc::clone(&slow),
            read.clone(),
            Arc::clone(&start),
            Arc::clone(&done),
        );
        let pace = config.delay / PACE_DIVISOR;
        spawn_reporting(
            format!("probe-reader-{reader}"),
            report.clone(),
            move || {
                // A first read sets up the handle (a cache, a registration).
                black_box(handle.read(|state| slow.read(state, &read)));
                start.wait();
                Report::Reads(read_until_done(&*slow, &mut handle, &read, &done, pace))
            },
        )?;
    }
    let mut writer = strategy.handle();
    let writer_done = Arc::clone(&done);
    spawn_reporting("probe-writer".to_owned(), report, move || {
        start.wait();
        let began = Instant::now();
        black_box(writer.write(&write));
        let ended = Instant::now();
        writer_done.store(true, Ordering::Release);
        Report::Write { began, ended }
    })?;
    let deadline = super::deadline_after(config.delay.saturating_add(config.timeout));
    let collected = collect(&reports, deadline, config.timeout);
    // Stops the readers when the writer failed or is stuck.
    done.store(true, Ordering::Release);
    let (write, reads) = collected?;
    Ok(ReadProbe::measure(config.delay, write, &reads))
}

/// The first read and the first write the scenario's generator draws.
fn one_read_and_one_write<S: Scenario>(scenario: &S, config: &ProbeConfig) -> (S::Read, S::Write) {
    let only = |ratio| Workload::new(ratio, KeyDist::Uniform).expect("0 and 1 are valid ratios");
    let mut reads = scenario.generate(config.size, &only(1.0), config.seed);
    let mut writes = scenario.generate(config.size, &only(0.0), config.seed);
    let read = reads.find_map(|op| match op {
        Op::Read(read) => Some(read),
        Op::Write(_) => None,
    });
    let write = writes.find_map(|op| match op {
        Op::Write(write) => Some(write),
        Op::Read(_) => None,
    });
    (
        read.expect("a read ratio of 1 draws reads"),
        write.expect("a read ratio of 0 draws writes"),
    )
}

/// What a probe thread reports.
enum Report {
    Write { began: Instant, ended: Instant },
    Reads(Vec<TimedRead>),
}

/// When a read started and how long it took.
struct TimedRead {
    began: Instant,
    took: Duration,
}

/// Starts a read every `pace` until `done`, timing each.
fn read_until_done<S: Scenario, H: StrategyHandle<S>>(
    scenario: &S,
    handle: &mut H,
    read: &S::Read,
    done: &AtomicBool,
    pace: Duration,
) -> Vec<TimedRead> {
    let mut timed = Vec::new();
    while !done.load(Ordering::Acquire) {
        let began = Instant::now();
        black_box(handle.read(|state| scenario.read(state, read)));
        timed.push(TimedRead {
            began,
            took: began.elapsed(),
        });
        thread::sleep(pace);
    }
    timed
}

/// Runs `work` on a thread of its own, which sends what it returns, or
/// that it panicked.
fn spawn_reporting(
    name: String,
    report: mpsc::Sender<Result<Report, RunFailure>>,
    work: impl FnOnce() -> Report + Send + 'static,
) -> Result<(), RunFailure> {
    let thread = thread::Builder::new().name(name.clone());
    thread
        .spawn(move || {
            let outcome = catch_unwind(AssertUnwindSafe(work)).map_err(|panic| {
                RunFailure(format!("{name} panicked: {}", panic_message(&*panic)))
            });
            let _ = report.send(outcome);
        })
        .map(drop)
        .map_err(|err| RunFailure(format!("cannot start a probe thread: {err}")))
}

/// Waits for the writer's and every reader's report, or for the deadline.
fn collect(
    reports: &mpsc::Receiver<Result<Report, RunFailure>>,
    deadline: Instant,
    timeout: Duration,
) -> Result<((Instant, Instant), Vec<TimedRead>), RunFailure> {
    let mut write = None;
    let mut reads = Vec::new();
    for _ in 0..=READERS {
        let left = deadline.saturating_duration_since(Instant::now());
        match reports.recv_timeout(left) {
            Ok(Ok(Report::Write { began, ended })) => write = Some((began, ended)),
            Ok(Ok(Report::Reads(timed))) => reads.extend(timed),
            Ok(Err(failure)) => return Err(failure),
            Err(_) => {
                return Err(RunFailure(format!(
                    "stuck: the read probe's write and reads were not done {} after the \
                     write's delay (deadlock?); the probe was abandoned",
                    humantime::format_duration(timeout)
                )));
            }
        }
    }
    Ok((write.expect("the writer reports once"), reads))
}

impl ReadProbe {
    /// Classifies by the reads that started while the write was in progress.
    fn measure(delay: Duration, (began, ended): (Instant, Instant), reads: &[TimedRead]) -> Self {
        let during: Vec<Duration> = reads
            .iter()
            .filter(|read| began <= read.began && read.began < ended)
            .map(|read| read.took)
            .collect();
        let worst_read = during.iter().max().copied();
        Self {
            class: worst_read.map_or(ReadClass::Unclear, |worst| ReadClass::of(worst, delay)),
            delay,
            reads_during_write: during.len(),
            worst_read,
            write_took: ended - began,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worst_read_is_classed_by_its_share_of_the_delay() {
        let delay = Duration::from_millis(200);
        let ms = Duration::from_millis;
        assert_eq!(ReadClass::of(ms(199), delay), ReadClass::Wait);
        assert_eq!(ReadClass::of(ms(101), delay), ReadClass::Wait);
        assert_eq!(ReadClass::of(ms(100), delay), ReadClass::Unclear);
        assert_eq!(ReadClass::of(ms(20), delay), ReadClass::Unclear);
        assert_eq!(ReadClass::of(ms(19), delay), ReadClass::NeverWait);
        assert_eq!(
            ReadClass::of(Duration::from_micros(3), delay),
            ReadClass::NeverWait
        );
        assert_eq!(ReadClass::of(ms(5), Duration::ZERO), ReadClass::Unclear);
    }

    #[test]
    fn only_reads_started_during_the_write_count() {
        let began = Instant::now();
        let ended = began + Duration::from_millis(100);
        let read = |at: u64, took: u64| TimedRead {
            began: began + Duration::from_millis(at),
            took: Duration::from_millis(took),
        };
        let delay = Duration::from_millis(100);
        let reads = [read(0, 1), read(50, 2), read(100, 90), read(150, 80)];
        let probe = ReadProbe::measure(delay, (began, ended), &reads);
        assert_eq!(probe.reads_during_write, 2);
        assert_eq!(probe.worst_read, Some(Duration::from_millis(2)));
        assert_eq!(probe.class, ReadClass::NeverWait);
        assert_eq!(probe.to_string(), "never wait (worst 2.0ms)");

        let none = ReadProbe::measure(delay, (began, ended), &reads[3..]);
        assert_eq!(none.class, ReadClass::Unclear);
        assert_eq!(none.to_string(), "unclear (no read during the write)");
    }
}
