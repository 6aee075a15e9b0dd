//! A gate run's result: every figure judged against its baseline, the
//! counts of each verdict, and where both runs were measured. Serialized
//! whole as the gate's JSON file.

use serde::{Deserialize, Serialize};

use super::baseline::Baseline;
use super::bootstrap::{CONFIDENCE, RESAMPLES};
use super::suite::{Point, SuiteName};
use super::trials::{PointTrials, Trial};
use super::verdict::{Judgement, Verdict, judge};
use crate::environment::Environment;

/// Bumped when the file's layout changes.
pub const GATE_SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateOutcome {
    pub schema_version: u32,
    pub suite: SuiteName,
    /// The slowdown that fails, as a fraction (0.2 for 20%).
    pub threshold: f64,
    pub confidence: f64,
    pub resamples: usize,
    pub environment: Environment,
    pub baseline_environment: Environment,
    pub figures: Vec<Figure>,
    pub counts: Counts,
}

/// One figure: its point, both runs' trials, and the judgement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub id: String,
    pub point: Point,
    #[serde(flatten)]
    pub judgement: Judgement,
    pub baseline_trials: Vec<f64>,
    pub current_trials: Vec<Trial>,
}

/// How many figures got each verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub pass: usize,
    pub improved: usize,
    pub unclear: usize,
    pub regression: usize,
}

impl GateOutcome {
    /// Judges every figure of `current` against the same point of `baseline`.
    /// `current` holds the baseline's points in its order.
    pub fn compare(baseline: &Baseline, current: Vec<PointTrials>, threshold: f64) -> GateOutcome {
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
                    baseline_trials: before,
                    current_trials: now.trials,
                }
            })
            .collect();
        GateOutcome {
            schema_version: GATE_SCHEMA_VERSION,
            suite: baseline.suite.name,
            threshold,
            confidence: CONFIDENCE,
            resamples: RESAMPLES,
            environment: Environment::capture(),
            baseline_environment: baseline.environment.clone(),
            counts: Counts::of(&figures),
            figures,
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
