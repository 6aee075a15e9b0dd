//! The baseline file: every trial's normalized figure of a recorded run,
//! with the suite definition and the environment it was recorded in.
//!
//! Every trial is kept, not only medians, because the verdict resamples the
//! baseline's trials as well as the current ones: a baseline's own noise
//! widens the interval instead of being mistaken for a change. Loading
//! checks the file against the suite the code defines today and against
//! this machine's fingerprint (figures do not travel between machines), and
//! each mismatch is its own error naming what to do.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::suite::{Suite, SuiteName};
use super::trials::PointTrials;
use crate::environment::Environment;
use crate::report::write_atomically;

/// The figures a measurement can give (a strategy's throughput over its
/// reference's is near 1); anything outside is a damaged or edited file.
const FIGURE_RANGE: std::ops::RangeInclusive<f64> = 1e-6..=1e6;

/// Bumped when the file's layout changes.
pub const BASELINE_SCHEMA_VERSION: u32 = 1;

/// A recorded run of a suite.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// The layout version, [`BASELINE_SCHEMA_VERSION`] when written.
    pub schema_version: u32,
    /// Where the baseline was recorded; its machine fingerprint and build
    /// profile must match the checking run's.
    pub environment: Environment,
    /// The suite's definition at recording time; must equal today's.
    pub suite: Suite,
    /// One entry per point of `suite`, in its order.
    pub figures: Vec<PointTrials>,
}

/// Why a baseline cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// No file at the path.
    #[error(
        "baseline '{}' does not exist: record one with `harness gate --update-baseline --baseline {}`",
        .0.display(), .0.display()
    )]
    Missing(PathBuf),
    /// The file exists but could not be read.
    #[error("cannot read baseline '{path}': {err}", path = .0.display(), err = .1)]
    Unreadable(PathBuf, std::io::Error),
    /// The file is not a baseline this harness reads: bad JSON, another schema
    /// version, or figures that do not match its suite; says why.
    #[error(
        "baseline '{path}' is not a gate baseline ({why}): record it again with --update-baseline",
        path = .0.display(), why = .1
    )]
    Malformed(PathBuf, String),
    /// The baseline was recorded with another suite than the one requested.
    #[error(
        "baseline '{}' was recorded with suite {recorded}, not {requested}: pass --suite {recorded}, or record a {requested} baseline with --update-baseline",
        .path.display()
    )]
    OtherSuite {
        /// The baseline file.
        path: PathBuf,
        /// The suite in the file.
        recorded: SuiteName,
        /// The suite asked for.
        requested: SuiteName,
    },
    /// The suite's points or timing changed since the baseline was recorded.
    #[error(
        "baseline '{path}' was recorded with another definition of suite {name} (its points or timing changed since): record it again with --update-baseline",
        name = .0, path = .1.display()
    )]
    ChangedSuite(SuiteName, PathBuf),
    /// The baseline was recorded by a build of another profile.
    #[error(
        "baseline '{}' was recorded with a {recorded} build and this is a {current} build: figures of different builds are not comparable; run the {recorded} build or record the baseline again",
        .path.display()
    )]
    OtherBuild {
        /// The baseline file.
        path: PathBuf,
        /// The profile in the file, e.g. `release`.
        recorded: String,
        /// This build's profile.
        current: String,
    },
    /// The baseline was recorded on a machine of another fingerprint.
    #[error(
        "baseline '{}' was recorded on another machine ({recorded}; this one: {current}): compare on the same machine with --against REV, or record the baseline here with --update-baseline",
        .path.display()
    )]
    OtherMachine {
        /// The baseline file.
        path: PathBuf,
        /// The recorded fingerprint, phrased for the message.
        recorded: String,
        /// This machine's fingerprint.
        current: String,
    },
    /// The baseline could not be written.
    #[error("cannot write baseline '{path}': {err}", path = .0.display(), err = .1)]
    Write(PathBuf, std::io::Error),
}

impl Baseline {
    /// Reads the baseline at `path` and checks that it was recorded with
    /// `suite` as defined now, by a build of the same profile.
    pub fn load(path: &Path, suite: &Suite) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => BaselineError::Missing(path.to_owned()),
            _ => BaselineError::Unreadable(path.to_owned(), err),
        })?;
        let malformed = |why: String| BaselineError::Malformed(path.to_owned(), why);
        let baseline: Baseline =
            serde_json::from_str(&text).map_err(|err| malformed(err.to_string()))?;
        if baseline.schema_version != BASELINE_SCHEMA_VERSION {
            return Err(malformed(format!(
                "schema version {}, this harness reads {BASELINE_SCHEMA_VERSION}",
                baseline.schema_version
            )));
        }
        baseline.check_against(path, suite)?;
        baseline.check_trials().map_err(malformed)?;
        Ok(baseline)
    }

    /// Writes the baseline to `path`, whole or not at all.
    pub fn save(&self, path: &Path) -> Result<(), BaselineError> {
        let mut json = serde_json::to_string_pretty(self).expect("a baseline serializes");
        json.push('\n');
        write_atomically(path, json.as_bytes())
            .map_err(|err| BaselineError::Write(path.to_owned(), err))
    }

    fn check_against(&self, path: &Path, suite: &Suite) -> Result<(), BaselineError> {
        if self.suite.name != suite.name {
            return Err(BaselineError::OtherSuite {
                path: path.to_owned(),
                recorded: self.suite.name,
                requested: suite.name,
            });
        }
        if self.suite != *suite {
            return Err(BaselineError::ChangedSuite(suite.name, path.to_owned()));
        }
        let current = Environment::capture();
        let recorded = &self.environment.machine.fingerprint;
        if *recorded != current.machine.fingerprint {
            return Err(BaselineError::OtherMachine {
                path: path.to_owned(),
                recorded: if recorded.is_empty() {
                    "it has no machine fingerprint".to_owned()
                } else {
                    format!("recorded: {recorded}")
                },
                current: current.machine.fingerprint,
            });
        }
        if self.environment.build_profile != current.build_profile {
            return Err(BaselineError::OtherBuild {
                path: path.to_owned(),
                recorded: self.environment.build_profile.clone(),
                current: current.build_profile,
            });
        }
        Ok(())
    }

    /// One figure per point, in order, each with at least one positive, finite trial.
    fn check_trials(&self) -> Result<(), String> {
        let points = self.figures.iter().map(|figure| &figure.point);
        if self.figures.len() != self.suite.points.len() || !points.eq(&self.suite.points) {
            return Err("its figures are not its suite's points".to_owned());
        }
        for figure in &self.figures {
            let valid = |t: &super::trials::Trial| FIGURE_RANGE.contains(&t.normalized);
            if figure.trials.is_empty() || !figure.trials.iter().all(valid) {
                return Err(format!(
                    "figure {} needs trials with figures from {:e} to {:e}",
                    figure.point.id(),
                    FIGURE_RANGE.start(),
                    FIGURE_RANGE.end()
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::trials::Trial;

    fn baseline(suite: Suite) -> Baseline {
        let trial = Trial {
            normalized: 0.5,
            ops_per_cpu_sec: 1.0,
            reference_ops_per_cpu_sec: 2.0,
            ops_per_sec: 1.0,
            wall_normalized: 0.5,
        };
        Baseline {
            schema_version: BASELINE_SCHEMA_VERSION,
            environment: Environment::capture(),
            figures: suite
                .points
                .iter()
                .map(|point| PointTrials {
                    point: point.clone(),
                    trials: vec![trial.clone(); 3],
                })
                .collect(),
            suite,
        }
    }

    #[test]
    fn a_saved_baseline_loads_back_equal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        for name in SuiteName::ALL {
            let recorded = baseline(Suite::named(name));
            recorded.save(&path).unwrap();
            assert_eq!(
                Baseline::load(&path, &Suite::named(name)).unwrap(),
                recorded
            );
        }
    }

    #[test]
    fn another_suite_or_definition_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        baseline(Suite::smoke()).save(&path).unwrap();
        let err = Baseline::load(&path, &Suite::quick()).unwrap_err();
        assert!(matches!(err, BaselineError::OtherSuite { .. }), "{err}");
        let mut changed = Suite::smoke();
        changed.timing.duration_s *= 2.0;
        let err = Baseline::load(&path, &changed).unwrap_err();
        assert!(matches!(err, BaselineError::ChangedSuite(..)), "{err}");
    }

    #[test]
    fn a_baseline_from_before_the_reference_wrote_by_copying_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        baseline(Suite::smoke()).save(&path).unwrap();
        let mut json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for point in json["suite"]["points"].as_array_mut().unwrap() {
            point.as_object_mut().unwrap().remove("reference");
        }
        std::fs::write(&path, json.to_string()).unwrap();
        let err = Baseline::load(&path, &Suite::smoke()).unwrap_err();
        assert!(matches!(err, BaselineError::ChangedSuite(..)), "{err}");
    }

    #[test]
    fn a_baseline_from_another_machine_or_without_a_fingerprint_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        for fingerprint in ["x86_64 GenuineIntel family 6 model 85", ""] {
            let mut recorded = baseline(Suite::smoke());
            recorded.environment.machine.fingerprint = fingerprint.to_owned();
            recorded.save(&path).unwrap();
            let err = Baseline::load(&path, &Suite::smoke()).unwrap_err();
            assert!(matches!(err, BaselineError::OtherMachine { .. }), "{err}");
            assert!(err.to_string().contains("--against"), "{err}");
        }
    }

    #[test]
    fn figures_that_do_not_match_the_points_are_malformed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let mut recorded = baseline(Suite::smoke());
        recorded.figures.pop();
        recorded.save(&path).unwrap();
        let err = Baseline::load(&path, &Suite::smoke()).unwrap_err();
        assert!(matches!(err, BaselineError::Malformed(..)), "{err}");
        let mut recorded = baseline(Suite::smoke());
        recorded.figures[0].trials[0].normalized = -1.0;
        recorded.save(&path).unwrap();
        assert!(Baseline::load(&path, &Suite::smoke()).is_err());
    }
}
