//! Running a suite: every point's trials, interleaved, each strategy run
//! bracketed by two measurements of the reference workload.
//!
//! Round *k* runs trial *k* of every point, starting at point *k* (the order
//! rotates), so a burst of load from another process lands on one trial of
//! several points instead of every trial of one point, and no point always
//! runs right after the same neighbour. Within a trial the reference runs
//! just before and just after the strategy, on the same scenario, size, mix
//! and thread count; the figure is the strategy's throughput divided by the
//! reference's over both runs, which also cancels a load that rises or
//! falls steadily across the trial.
//!
//! Throughput here is operations per second of the process's CPU time
//! (`CLOCK_PROCESS_CPUTIME_ID`, every thread's, including exited ones),
//! not of the wall clock: see the module doc of [`crate::gate`] for why and
//! for what it measured. The wall-clock figures are kept beside it in
//! every trial, as context.

use std::time::{Duration, Instant};

use cpu_time::ProcessTime;

use scenarios::{KeyDist, Workload};
use serde::{Deserialize, Serialize};

use super::suite::{Point, Suite, Timing};
use crate::catalog::{Runnable, ScenarioOptions, UnsharedJob, builtin};
use crate::runner::{RunConfig, RunFailure, Sampling, StopAfter};
use crate::strategy::StrategyOptions;

/// One trial of one point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    /// The figure compared: the strategy's operations per CPU-second over
    /// the reference's (the mean of its runs before and after).
    pub normalized: f64,
    /// The strategy's operations per CPU-second of the whole process.
    pub ops_per_cpu_sec: f64,
    /// The reference's operations per CPU-second.
    pub reference_ops_per_cpu_sec: f64,
    /// The strategy's operations per second of wall-clock time (context).
    pub ops_per_sec: f64,
    /// The same ratio by the wall clock (context: what preemption does to it).
    pub wall_normalized: f64,
}

/// Operations done in some CPU time and some wall-clock time: one
/// strategy run, or one side's trial in the A/B gate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Work {
    /// Operations completed.
    pub ops: u64,
    /// The process's CPU time over the run, every thread's, in seconds.
    pub cpu_s: f64,
    /// Wall-clock time over the run, in seconds.
    pub wall_s: f64,
}

impl Work {
    /// Runs `f`, which returns the operations it did, on the process's clocks.
    fn timed(f: impl FnOnce() -> Result<u64, TrialError>) -> Result<Work, TrialError> {
        let wall = Instant::now();
        let cpu = ProcessTime::try_now().map_err(TrialError::Clock)?;
        let ops = f()?;
        let cpu_s = cpu.try_elapsed().map_err(TrialError::Clock)?.as_secs_f64();
        Ok(Work {
            ops,
            cpu_s,
            wall_s: wall.elapsed().as_secs_f64(),
        })
    }

    fn plus(self, other: Work) -> Work {
        Work {
            ops: self.ops + other.ops,
            cpu_s: self.cpu_s + other.cpu_s,
            wall_s: self.wall_s + other.wall_s,
        }
    }

    /// Operations per CPU-second: the figure the gate compares.
    pub fn per_cpu_sec(self) -> f64 {
        self.ops as f64 / self.cpu_s
    }

    /// Operations per second of wall-clock time (context only).
    pub fn per_wall_sec(self) -> f64 {
        self.ops as f64 / self.wall_s
    }
}

/// Every trial of one point, in the order they ran.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PointTrials {
    /// The point measured.
    pub point: Point,
    /// Its trials, one per round.
    pub trials: Vec<Trial>,
}

/// Why a suite could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum TrialError {
    /// A point names a read ratio, scenario, representation or strategy that
    /// cannot be run; holds the reason.
    #[error("the suite cannot be built: {0}")]
    Definition(String),
    /// A point's strategy run failed, or completed no operation in any attempt.
    #[error("{point}: {failure}")]
    Run {
        /// The point's id ([`Point::id`]).
        point: String,
        /// What went wrong.
        failure: RunFailure,
    },
    /// The process's CPU clock could not be read.
    #[error("cannot read the process's CPU time: {0}")]
    Clock(std::io::Error),
}

/// Told when each trial ends, e.g. to show progress.
pub trait Progress {
    /// Called after each trial: `done` trials of `total` have run.
    fn trial_done(&mut self, done: usize, total: usize);
}

/// Shows nothing.
impl Progress for () {
    fn trial_done(&mut self, _: usize, _: usize) {}
}

/// Runs `rounds` trials of every point of `suite`, interleaved.
pub fn measure(
    suite: &Suite,
    rounds: usize,
    progress: &mut dyn Progress,
) -> Result<Vec<PointTrials>, TrialError> {
    let points = &suite.points;
    let mut results: Vec<PointTrials> = points
        .iter()
        .map(|point| PointTrials {
            point: point.clone(),
            trials: Vec::with_capacity(rounds),
        })
        .collect();
    let total = rounds * points.len();
    for (done, index) in schedule(points.len(), rounds).enumerate() {
        let trial = run_trial(&points[index], &suite.timing)?;
        results[index].trials.push(trial);
        progress.trial_done(done + 1, total);
    }
    Ok(results)
}

/// The point indices in running order: round by round, each round rotated
/// by one more point than the last.
pub fn schedule(points: usize, rounds: usize) -> impl Iterator<Item = usize> {
    (0..rounds).flat_map(move |round| (0..points).map(move |offset| (round + offset) % points))
}

/// Attempts at a trial whose run completed no operation (a worker the
/// scheduler did not start within the window, on a very busy machine).
const ATTEMPTS: usize = 3;

/// One trial of `point`, bracketed by the reference workload.
fn run_trial(point: &Point, timing: &Timing) -> Result<Trial, TrialError> {
    let measured = measure_until_it_counts(point, timing, true)?;
    let run = measured.run;
    let reference = measured.reference.expect("asked for the reference");
    Ok(Trial {
        normalized: run.per_cpu_sec() / reference.per_cpu_sec(),
        ops_per_cpu_sec: run.per_cpu_sec(),
        reference_ops_per_cpu_sec: reference.per_cpu_sec(),
        ops_per_sec: run.per_wall_sec(),
        wall_normalized: run.per_wall_sec() / reference.per_wall_sec(),
    })
}

/// One run of `point`'s strategy alone, with no reference: one side's
/// trial in the A/B gate, where the other side is the comparison.
pub fn run_alone(point: &Point, timing: &Timing) -> Result<Work, TrialError> {
    Ok(measure_until_it_counts(point, timing, false)?.run)
}

/// A strategy run and, if asked, the reference runs around it.
struct Measured {
    run: Work,
    reference: Option<Work>,
}

/// Measures `point`, again if its run completed no operation.
fn measure_until_it_counts(
    point: &Point,
    timing: &Timing,
    reference: bool,
) -> Result<Measured, TrialError> {
    let mut measured = try_trial(point, timing, reference)?;
    for _ in 1..ATTEMPTS {
        if measured.run.ops > 0 {
            break;
        }
        measured = try_trial(point, timing, reference)?;
    }
    if measured.run.ops > 0 {
        Ok(measured)
    } else {
        Err(TrialError::Run {
            point: point.id(),
            failure: RunFailure(format!(
                "no operation completed in {ATTEMPTS} windows of {}s: the machine is too busy",
                timing.duration_s
            )),
        })
    }
}

fn try_trial(point: &Point, timing: &Timing, reference: bool) -> Result<Measured, TrialError> {
    let options = ScenarioOptions {
        repr: point.repr.clone(),
        ..ScenarioOptions::default()
    };
    let workload = Workload::new(point.read_ratio, KeyDist::Uniform)
        .map_err(|err| TrialError::Definition(err.to_string()))?;
    let scenario = builtin::build(&point.scenario, &options)
        .map_err(|err| TrialError::Definition(err.to_string()))?;
    let trial = TrialOf {
        point,
        timing,
        workload,
    };
    trial.run(scenario.as_ref(), reference)
}

/// One trial of `point`.
struct TrialOf<'a> {
    point: &'a Point,
    timing: &'a Timing,
    workload: Workload,
}

impl TrialOf<'_> {
    /// The strategy's run, bracketed by the reference workload's if `reference`.
    fn run(&self, scenario: &dyn Runnable, reference: bool) -> Result<Measured, TrialError> {
        let job = UnsharedJob {
            workload: self.workload,
            threads: self.point.threads,
            size: self.point.size,
            seed: self.timing.seed,
            duration: self.timing.reference(),
        };
        let unshared = || Work::timed(|| Ok(scenario.unshared_ops(self.point.reference, &job)));
        let before = reference.then(unshared).transpose()?;
        let run = Work::timed(|| self.run_strategy(scenario))?;
        let after = reference.then(unshared).transpose()?;
        Ok(Measured {
            run,
            reference: before.zip(after).map(|(before, after)| before.plus(after)),
        })
    }

    /// Runs the point's strategy through the runner; returns the operations
    /// it measured.
    fn run_strategy(&self, scenario: &dyn Runnable) -> Result<u64, TrialError> {
        #[cfg(feature = "gate-proof")]
        let _slowed = super::proof::slow_down_if_named(&self.point.strategy);
        let measurement = scenario
            .measure(&self.point.strategy, &self.run_config())
            .map_err(|err| TrialError::Definition(err.to_string()))?
            .map_err(|failure| TrialError::Run {
                point: self.point.id(),
                failure,
            })?;
        Ok(measurement.reads + measurement.writes)
    }

    fn run_config(&self) -> RunConfig {
        RunConfig {
            threads: self.point.threads,
            size: self.point.size,
            workload: self.workload,
            stop: StopAfter::Elapsed(self.timing.duration()),
            warmup: Duration::ZERO,
            seed: self.timing.seed,
            sampling: Sampling::Adaptive,
            options: StrategyOptions::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_rotate_and_cover_every_point_once_each() {
        let order: Vec<usize> = schedule(3, 3).collect();
        assert_eq!(order, [0, 1, 2, 1, 2, 0, 2, 0, 1]);
    }

    #[test]
    fn a_tiny_suite_gives_positive_figures_for_every_trial() {
        let mut suite = Suite::smoke();
        suite.points.truncate(2);
        let results = measure(&suite, 2, &mut ()).unwrap();
        assert_eq!(results.len(), 2);
        for point in &results {
            assert_eq!(point.trials.len(), 2);
            assert!(point.trials.iter().all(|t| t.normalized > 0.0), "{point:?}");
        }
    }
}
