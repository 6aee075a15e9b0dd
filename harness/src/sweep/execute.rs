//! Runs a sweep's missing trials one after another, saving the results
//! file after each, and telling an [`Observer`] how far it is.

use std::path::Path;
use std::time::{Duration, Instant};

use scenarios::{KeyDist, Workload};

use super::grid::{Point, SweepArguments, schedule};
use super::results::{SweepResults, Trial};
use crate::catalog::{Catalog, ScenarioOptions};
use crate::report::StrategyResult;
use crate::runner::{RunConfig, StopAfter};
use crate::strategy::StrategyOptions;

/// The typed forms of the arguments the runner needs (the results file keeps them as text).
#[derive(Clone, Debug)]
pub struct Settings {
    /// The distribution operations draw their keys from.
    pub dist: KeyDist,
    /// Every strategy's options.
    pub options: StrategyOptions,
}

/// Told about each trial as it starts and ends, e.g. to draw a progress bar.
pub trait Observer {
    /// The sweep is about to run `total` trials.
    fn begin(&mut self, total: usize);
    /// Trial number `trial` (from 0) of `point` starts.
    fn starting(&mut self, point: &Point, trial: usize);
    /// It ended (the results file holds it unless saving is being spaced out).
    fn finished(&mut self, trial: &Trial);
}

/// Why a sweep stopped before its end.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// Arguments no trial can run with, found before or while running.
    #[error("{0}")]
    BadInput(String),
    /// The results file could not be saved.
    #[error("cannot write '{path}': {err}", path = .0.display(), err = .1)]
    Save(std::path::PathBuf, std::io::Error),
}

/// Refuses scenarios `catalog` cannot build with the sweep's options
/// (variant, representation), or strategies they are not offered to,
/// before anything runs.
pub fn check_options(catalog: &Catalog, args: &SweepArguments) -> Result<(), SweepError> {
    for scenario in &args.scenarios {
        for repr in &args.reprs {
            let built = catalog
                .build(scenario, &scenario_options(args, repr))
                .map_err(|err| SweepError::BadInput(err.to_string()))?;
            for strategy in &args.strategies {
                built
                    .offers(strategy, false)
                    .map_err(|err| SweepError::BadInput(err.to_string()))?;
            }
        }
    }
    Ok(())
}

/// Runs every trial `results` lacks, on the scenarios of `catalog`,
/// appending each to it and saving it to `path`.
pub fn run(
    catalog: &Catalog,
    results: &mut SweepResults,
    settings: &Settings,
    path: &Path,
    observer: &mut dyn Observer,
) -> Result<(), SweepError> {
    let points = results.arguments.points();
    let counts = results.trial_counts();
    let todo = schedule(&points, results.arguments.repeat, |p| {
        counts.get(&p.key()).copied().unwrap_or(0)
    });
    observer.begin(todo.len());
    if todo.is_empty() {
        return Ok(()); // the file stays byte for byte as it was
    }
    let mut saves = Saves::default();
    for (point, trial) in todo {
        observer.starting(&point, trial);
        let measured = run_trial(catalog, results, settings, point, trial)?;
        results.trials.push(measured);
        saves.maybe_save(results, path)?;
        observer.finished(results.trials.last().expect("just pushed"));
    }
    saves.save(results, path)
}

/// Saving after every trial costs nothing for small sweeps, but a file of
/// tens of thousands of trials takes a while to write; so a save waits
/// until the measuring since the last one took at least
/// [`SAVE_COST_SHARE`] times as long as that save did (and an interrupt
/// loses at most that much).
const SAVE_COST_SHARE: u32 = 20;

#[derive(Default)]
struct Saves {
    last: Option<(Instant, Duration)>,
}

impl Saves {
    fn maybe_save(&mut self, results: &SweepResults, path: &Path) -> Result<(), SweepError> {
        match self.last {
            Some((at, took)) if at.elapsed() < took * SAVE_COST_SHARE => Ok(()),
            _ => self.save(results, path),
        }
    }

    fn save(&mut self, results: &SweepResults, path: &Path) -> Result<(), SweepError> {
        let started = Instant::now();
        results
            .save(path)
            .map_err(|err| SweepError::Save(path.to_owned(), err))?;
        self.last = Some((Instant::now(), started.elapsed()));
        Ok(())
    }
}

fn run_trial(
    catalog: &Catalog,
    results: &SweepResults,
    settings: &Settings,
    point: Point,
    trial: usize,
) -> Result<Trial, SweepError> {
    let config = run_config(results, settings, &point)?;
    let options = scenario_options(&results.arguments, &point.repr);
    let bad_input = |err: &dyn std::fmt::Display| SweepError::BadInput(err.to_string());
    let outcome = catalog
        .build(&point.scenario, &options)
        .map_err(|err| bad_input(&err))?
        .measure(&point.strategy, &config)
        .map_err(|err| bad_input(&err))?;
    let per_thread_ops_per_sec = outcome
        .as_ref()
        .map(|m| m.per_thread_ops_per_sec.clone())
        .unwrap_or_default();
    let result = StrategyResult::new(&point.scenario, &point.strategy, point.threads, outcome);
    Ok(Trial {
        point,
        trial,
        per_thread_ops_per_sec,
        result,
    })
}

fn run_config(
    results: &SweepResults,
    settings: &Settings,
    point: &Point,
) -> Result<RunConfig, SweepError> {
    let args = &results.arguments;
    let workload = Workload::new(point.read_ratio, settings.dist)
        .map_err(|err| SweepError::BadInput(err.to_string()))?;
    Ok(RunConfig {
        threads: point.threads,
        size: point.size,
        workload,
        stop: StopAfter::Elapsed(Duration::from_secs_f64(args.duration_s)),
        warmup: Duration::from_secs_f64(args.warmup_s),
        seed: args.seed,
        sampling: args.latency_sampling,
        options: settings.options.clone(),
    })
}

fn scenario_options(args: &SweepArguments, repr: &str) -> ScenarioOptions {
    ScenarioOptions {
        repr: repr.to_owned(),
        variant: args.variant.clone(),
        write_delay: Duration::from_secs_f64(args.write_delay_s),
    }
}
