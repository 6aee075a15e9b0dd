//! The results file of a sweep (`results.json`, `schema_version` 2): every
//! trial with its whole measurement, the environment, the arguments and the
//! calibration measured before the grid.
//! It is the only input `harness report` needs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::grid::{Point, SweepArguments};
use crate::calibrate::Calibration;
use crate::environment::Environment;
use crate::report::{StrategyResult, write_atomically};

/// Bumped whenever a field changes meaning or disappears.
pub const SWEEP_SCHEMA_VERSION: u32 = 2;

/// The file's name inside a sweep's directory.
pub const RESULTS_FILE: &str = "results.json";

/// Everything a sweep measured so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepResults {
    /// The layout version, [`SWEEP_SCHEMA_VERSION`] when written.
    pub schema_version: u32,
    /// Where the sweep was measured.
    pub environment: Environment,
    /// The grid and what its points share; a resumed sweep must pass the same.
    pub arguments: SweepArguments,
    /// The command line that started the sweep, for reproduction.
    pub command_line: Vec<String>,
    /// `harness calibrate`'s short form, run before the first trial; `None`
    /// until then.
    pub calibration: Option<Calibration>,
    /// In the order they ran.
    pub trials: Vec<Trial>,
}

/// One measurement of one point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    /// The point measured.
    pub point: Point,
    /// 0 for the first trial of the point.
    pub trial: usize,
    /// Each worker's operations per second over the trial's window, common
    /// to all of them.
    pub per_thread_ops_per_sec: Vec<f64>,
    /// Throughput, latency percentiles, counters, or why it failed.
    pub result: StrategyResult,
}

/// A results file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    /// The file could not be read.
    #[error("cannot read '{path}': {err}", path = .0.display(), err = .1)]
    Read(PathBuf, std::io::Error),
    /// The file is not JSON of a sweep's results.
    #[error("'{path}' is not a sweep's results file: {err}", path = .0.display(), err = .1)]
    Parse(PathBuf, serde_json::Error),
    /// The file has another schema version.
    #[error("'{}' has schema_version {found}; this harness reads {SWEEP_SCHEMA_VERSION}", .path.display())]
    Version {
        /// The results file.
        path: PathBuf,
        /// The schema version it has.
        found: u64,
    },
    /// A figure in the file is negative or not finite; says which.
    #[error("'{path}' is not a sweep's results file: {why}", path = .0.display(), why = .1)]
    Invalid(PathBuf, String),
}

/// Only the version, read before the rest so an old file gets a clear error.
#[derive(Deserialize)]
struct VersionOnly {
    schema_version: u64,
}

impl SweepResults {
    /// An empty file for a new sweep.
    pub fn new(
        environment: Environment,
        arguments: SweepArguments,
        command_line: Vec<String>,
    ) -> Self {
        Self {
            schema_version: SWEEP_SCHEMA_VERSION,
            environment,
            arguments,
            command_line,
            calibration: None,
            trials: Vec::new(),
        }
    }

    /// Reads the results file at `path`, checking its schema version and figures.
    pub fn load(path: &Path) -> Result<Self, ResultsError> {
        let text =
            std::fs::read_to_string(path).map_err(|err| ResultsError::Read(path.into(), err))?;
        let version: VersionOnly =
            serde_json::from_str(&text).map_err(|err| ResultsError::Parse(path.into(), err))?;
        if version.schema_version != u64::from(SWEEP_SCHEMA_VERSION) {
            return Err(ResultsError::Version {
                path: path.into(),
                found: version.schema_version,
            });
        }
        let results: SweepResults =
            serde_json::from_str(&text).map_err(|err| ResultsError::Parse(path.into(), err))?;
        results
            .check_figures()
            .map_err(|why| ResultsError::Invalid(path.into(), why))?;
        Ok(results)
    }

    /// Refuses a negative or non-finite figure (a file edited by hand): no
    /// measurement gives one, and a ranking of them would be nonsense.
    fn check_figures(&self) -> Result<(), String> {
        for (index, trial) in self.trials.iter().enumerate() {
            let r = &trial.result;
            let figures = [
                ("elapsed_s", r.elapsed_s),
                ("ops_per_sec", r.ops_per_sec),
                ("ops_per_sec_per_thread", r.ops_per_sec_per_thread),
            ]
            .into_iter()
            .chain(
                trial
                    .per_thread_ops_per_sec
                    .iter()
                    .map(|&v| ("per_thread_ops_per_sec", v)),
            );
            for (name, value) in figures {
                if !value.is_finite() || value < 0.0 {
                    return Err(format!(
                        "trial {index} ({} on {}) has {name} {value}, but figures are finite and not negative",
                        r.strategy, r.scenario
                    ));
                }
            }
        }
        Ok(())
    }

    /// Writes the whole file, or leaves the previous one.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let mut json = serde_json::to_string_pretty(self).expect("results serialize");
        json.push('\n');
        write_atomically(path, json.as_bytes())
    }

    /// Trials of each point already measured, by [`Point::key`] (failed
    /// ones included: a failure is a result).
    pub fn trial_counts(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for trial in &self.trials {
            *counts.entry(trial.point.key()).or_default() += 1;
        }
        counts
    }

    /// Trials whose strategy failed.
    pub fn failures(&self) -> impl Iterator<Item = &Trial> {
        self.trials.iter().filter(|t| t.result.failed())
    }
}
