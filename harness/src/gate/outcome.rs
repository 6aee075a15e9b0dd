//! A gate run's result: every figure judged against what it was compared
//! with (a stored baseline, or another build measured in the same run), the
//! counts of each verdict, and where both sides were measured. Serialized
//! whole, with every trial of both sides, as the gate's JSON file.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::baseline::Baseline;
use super::bootstrap::{CONFIDENCE, RESAMPLES};
use super::paired::{Paired, Skipped};
use super::suite::{Point, Suite, SuiteName};
use super::trials::{PointTrials, Trial, Work};
use super::verdict::{Judgement, Verdict, judge, judge_paired};
use crate::environment::Environment;

/// Bumped when the file's layout changes.
pub const GATE_SCHEMA_VERSION: u32 = 2;

/// What the current build was compared with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ComparedWith {
    /// A stored baseline file, recorded on a machine of the same fingerprint.
    Baseline {
        /// The baseline file.
        path: PathBuf,
    },
    /// The harness built at a git revision, measured interleaved (A/B).
    Revision {
        /// The revision as given to `--against`.
        revision: String,
        /// The full commit it resolved to.
        commit: String,
        /// The harness binary built at that commit.
        binary: PathBuf,
    },
    /// A harness binary given by path, measured interleaved (A/B).
    Binary {
        /// The harness binary, as given to `--against-binary`.
        binary: PathBuf,
    },
}

impl ComparedWith {
    /// e.g. `baseline ci/b.json`, `revision 0a1b2c3d4e5f`, `binary old/harness`.
    pub fn describe(&self) -> String {
        match self {
            ComparedWith::Baseline { path } => format!("baseline {}", path.display()),
            ComparedWith::Revision {
                revision, commit, ..
            } => {
                let short = &commit[..commit.len().min(12)];
                if commit.starts_with(revision.as_str()) {
                    format!("revision {short}")
                } else {
                    format!("revision {revision} ({short})")
                }
            }
            ComparedWith::Binary { binary } => format!("binary {}", binary.display()),
        }
    }

    /// Whether both sides were measured in this run (A/B).
    pub fn is_paired(&self) -> bool {
        !matches!(self, ComparedWith::Baseline { .. })
    }
}

/// A gate run's result, written whole as the gate's JSON file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateOutcome {
    /// The layout version, [`GATE_SCHEMA_VERSION`] when written.
    pub schema_version: u32,
    /// The suite measured.
    pub suite: SuiteName,
    /// The slowdown that fails, as a fraction (0.2 for 20%).
    pub threshold: f64,
    /// The two-sided confidence of every interval, [`CONFIDENCE`].
    pub confidence: f64,
    /// Bootstrap resamples per interval, [`RESAMPLES`].
    pub resamples: usize,
    /// What the current build was compared with.
    pub compared_with: ComparedWith,
    /// Where the current side was measured.
    pub environment: Environment,
    /// Where the side compared against was measured: the baseline's
    /// recording, or the other build's worker process.
    pub baseline_environment: Environment,
    /// Every judged figure, in the suite's order.
    pub figures: Vec<Figure>,
    /// Points the side compared against does not define (a strategy added
    /// since), so they were not judged.
    #[serde(default)]
    pub skipped: Vec<Skipped>,
    /// How many figures got each verdict.
    pub counts: Counts,
}

/// One figure: its point, both sides' trials, and the judgement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// The point's id ([`Point::id`]).
    pub id: String,
    /// The point measured.
    pub point: Point,
    /// The comparison's medians, change, interval and verdict.
    #[serde(flatten)]
    pub judgement: Judgement,
    /// Both sides' trials the judgement was made from.
    #[serde(flatten)]
    pub trials: FigureTrials,
}

/// Every trial behind a figure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FigureTrials {
    /// A/B: each round's run on both sides, and its ratio (current over against).
    Paired {
        /// The side compared against, one run per round.
        against_trials: Vec<Work>,
        /// The current side, one run per round.
        current_trials: Vec<Work>,
        /// Each round's current over against, in operations per CPU-second.
        ratios: Vec<f64>,
    },
    /// Against a baseline file: its normalized figures, and this run's trials.
    Baseline {
        /// The baseline's normalized figures.
        baseline_trials: Vec<f64>,
        /// This run's trials.
        current_trials: Vec<Trial>,
    },
}

/// How many figures got each verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Figures within the threshold.
    pub pass: usize,
    /// Figures faster by more than the threshold.
    pub improved: usize,
    /// Figures whose interval straddles `-threshold`.
    pub unclear: usize,
    /// Figures slower by more than the threshold; any fails the gate.
    pub regression: usize,
}

impl GateOutcome {
    /// Judges every figure of `current` against the same point of `baseline`.
    /// `current` holds the baseline's points in its order.
    pub fn compare(
        baseline: &Baseline,
        current: Vec<PointTrials>,
        threshold: f64,
        compared_with: ComparedWith,
    ) -> GateOutcome {
        let figures: Vec<Figure> = baseline
            .figures
            .iter()
            .zip(current)
            .map(|(recorded, now)| {
                debug_assert_eq!(recorded.point, now.point);
                let before: Vec<f64> = recorded.trials.iter().map(|t| t.normalized).collect();
                let after: Vec<f64> = now.trials.iter().map(|t| t.normalized).collect();
                Figure {
                    id: now.point.id(),
                    judgement: judge(&before, &after, threshold),
                    point: now.point,
                    trials: FigureTrials::Baseline {
                        baseline_trials: before,
                        current_trials: now.trials,
                    },
                }
            })
            .collect();
        GateOutcome {
            schema_version: GATE_SCHEMA_VERSION,
            suite: baseline.suite.name,
            threshold,
            confidence: CONFIDENCE,
            resamples: RESAMPLES,
            compared_with,
            environment: Environment::capture(),
            baseline_environment: baseline.environment.clone(),
            counts: Counts::of(&figures),
            figures,
            skipped: Vec::new(),
        }
    }

    /// Judges every figure of an A/B run by its paired rounds.
    pub fn compare_paired(
        suite: &Suite,
        paired: Paired,
        threshold: f64,
        compared_with: ComparedWith,
        environment: Environment,
    ) -> GateOutcome {
        let figures: Vec<Figure> = paired
            .figures
            .into_iter()
            .map(|trials| {
                let figure =
                    |side: &[Work]| side.iter().map(|w| w.per_cpu_sec()).collect::<Vec<_>>();
                let (against, current) = (figure(&trials.against), figure(&trials.current));
                Figure {
                    id: trials.point.id(),
                    judgement: judge_paired(&against, &current, threshold),
                    trials: FigureTrials::Paired {
                        ratios: trials.ratios(),
                        against_trials: trials.against,
                        current_trials: trials.current,
                    },
                    point: trials.point,
                }
            })
            .collect();
        GateOutcome {
            schema_version: GATE_SCHEMA_VERSION,
            suite: suite.name,
            threshold,
            confidence: CONFIDENCE,
            resamples: RESAMPLES,
            compared_with,
            environment,
            baseline_environment: paired.against_environment,
            counts: Counts::of(&figures),
            figures,
            skipped: paired.skipped,
        }
    }

    /// True unless some figure regressed.
    pub fn passed(&self) -> bool {
        self.counts.regression == 0
    }

    /// The figures that regressed.
    pub fn regressions(&self) -> impl Iterator<Item = &Figure> {
        self.figures
            .iter()
            .filter(|f| f.judgement.verdict == Verdict::Regression)
    }
}

impl Counts {
    fn of(figures: &[Figure]) -> Counts {
        let mut counts = Counts::default();
        for figure in figures {
            let count = match figure.judgement.verdict {
                Verdict::Pass => &mut counts.pass,
                Verdict::Improved => &mut counts.improved,
                Verdict::Unclear => &mut counts.unclear,
                Verdict::Regression => &mut counts.regression,
            };
            *count += 1;
        }
        counts
    }
}
