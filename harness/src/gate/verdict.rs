//! From an interval of change to a verdict.
//!
//! A figure fails only when its whole interval lies beyond the slowdown
//! threshold: the data then say, at the interval's confidence, that the
//! strategy got slower by more than the threshold. An interval that reaches
//! past the threshold but not wholly is *unclear*: reported, never a
//! failure, because failing on it would fail CI on noise. A speed-up beyond
//! the threshold is reported as an improvement and passes.

use serde::{Deserialize, Serialize};

use super::bootstrap::{self, Interval};
use crate::stats::median;

/// What one figure's comparison says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Within the threshold, or not shown to be beyond it.
    Pass,
    /// The whole interval lies above `+threshold`: faster; passes.
    Improved,
    /// The interval straddles `-threshold`: maybe slower, maybe noise; passes.
    Unclear,
    /// The whole interval lies below `-threshold`: slower; fails.
    Regression,
}

impl Verdict {
    /// The verdict as reports print it; `REGRESSION` in capitals.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Improved => "improved",
            Verdict::Unclear => "unclear",
            Verdict::Regression => "REGRESSION",
        }
    }
}

/// One figure compared with its baseline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Judgement {
    /// The median figure of the trials compared against.
    pub baseline_median: f64,
    /// The median figure of the current trials.
    pub current_median: f64,
    /// `current_median / baseline_median - 1`; for paired trials, the
    /// median of the rounds' ratios, less one.
    pub change: f64,
    /// The bootstrap interval of `change`.
    pub interval: Interval,
    /// What the interval says against the threshold.
    pub verdict: Verdict,
}

/// Compares the trials of one figure; `threshold` is a fraction (0.2 for 20%).
pub fn judge(baseline: &[f64], current: &[f64], threshold: f64) -> Judgement {
    let interval = bootstrap::interval(baseline, current);
    Judgement {
        baseline_median: median(baseline.iter().copied()),
        current_median: median(current.iter().copied()),
        change: bootstrap::change_of_median(baseline, current),
        interval,
        verdict: classify(interval, threshold),
    }
}

/// Compares paired trials: `against` and `current` are the figures of the
/// same rounds, in order.
pub fn judge_paired(against: &[f64], current: &[f64], threshold: f64) -> Judgement {
    let ratios: Vec<f64> = against.iter().zip(current).map(|(a, b)| b / a).collect();
    let interval = bootstrap::paired_interval(&ratios);
    Judgement {
        baseline_median: median(against.iter().copied()),
        current_median: median(current.iter().copied()),
        change: median(ratios.iter().copied()) - 1.0,
        interval,
        verdict: classify(interval, threshold),
    }
}

/// The verdict an interval gives against `threshold`.
pub fn classify(interval: Interval, threshold: f64) -> Verdict {
    if interval.high < -threshold {
        Verdict::Regression
    } else if interval.low < -threshold {
        Verdict::Unclear
    } else if interval.low > threshold {
        Verdict::Improved
    } else {
        Verdict::Pass
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interval(low: f64, high: f64) -> Interval {
        Interval { low, high }
    }

    #[test]
    fn only_an_interval_wholly_beyond_the_threshold_fails() {
        assert_eq!(classify(interval(-0.35, -0.25), 0.2), Verdict::Regression);
        assert_eq!(classify(interval(-0.25, -0.15), 0.2), Verdict::Unclear);
        assert_eq!(classify(interval(-0.19, 0.05), 0.2), Verdict::Pass);
        assert_eq!(classify(interval(0.1, 0.3), 0.2), Verdict::Pass);
        assert_eq!(classify(interval(0.25, 0.4), 0.2), Verdict::Improved);
    }
}
