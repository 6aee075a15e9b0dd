//! A bootstrap confidence interval of the relative change of a median:
//! between two independent sets of trials (a stored baseline and a run), or
//! of the median of paired ratios (the A/B gate's rounds).
//!
//! The trials of the baseline and of the current run are resampled
//! independently, with replacement, [`RESAMPLES`] times; each resample gives
//! `median(current) / median(baseline) - 1`, and the interval is the central
//! [`CONFIDENCE`] of those changes (the percentile bootstrap). The generator
//! is seeded, so the same trials always give the same interval.
//!
//! Medians, not means: a trial hit by a burst of load from another process
//! is an outlier in one direction, and a median of a handful of trials
//! ignores it where a mean would be dragged along.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::stats::median;

/// Resamples drawn per interval.
pub const RESAMPLES: usize = 10_000;

/// The share of resampled changes the interval holds. The gate's decision
/// is one-sided (is the change below `-threshold`?), so a 90% two-sided
/// interval gives that decision 95% confidence: its upper end is the 95%
/// one-sided bound.
pub const CONFIDENCE: f64 = 0.90;

/// Seed of the resampling generator.
pub const SEED: u64 = 0x6A7E;

/// A range of relative changes, e.g. `-0.31..=-0.22` for 31% to 22% slower.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The lower end, as a relative change (-0.31 for 31% slower).
    pub low: f64,
    /// The upper end, as a relative change.
    pub high: f64,
}

/// The relative change of the median from `baseline` to `current`.
pub fn change_of_median(baseline: &[f64], current: &[f64]) -> f64 {
    median(current.iter().copied()) / median(baseline.iter().copied()) - 1.0
}

/// The [`CONFIDENCE`] interval of [`change_of_median`], by resampling both
/// sides. Neither slice may be empty.
pub fn interval(baseline: &[f64], current: &[f64]) -> Interval {
    assert!(!baseline.is_empty() && !current.is_empty());
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let changes = (0..RESAMPLES)
        .map(|_| {
            let base = resampled_median(baseline, &mut rng);
            let now = resampled_median(current, &mut rng);
            now / base - 1.0
        })
        .collect();
    central(changes)
}

/// The [`CONFIDENCE`] interval of the median of paired `ratios` (each
/// round's current figure over the one compared against), less one, by
/// resampling the rounds. `ratios` may not be empty.
pub fn paired_interval(ratios: &[f64]) -> Interval {
    assert!(!ratios.is_empty());
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let changes = (0..RESAMPLES)
        .map(|_| resampled_median(ratios, &mut rng) - 1.0)
        .collect();
    central(changes)
}

/// The central [`CONFIDENCE`] of `changes`.
fn central(mut changes: Vec<f64>) -> Interval {
    changes.sort_by(f64::total_cmp);
    let tail = (1.0 - CONFIDENCE) / 2.0;
    Interval {
        low: quantile(&changes, tail),
        high: quantile(&changes, 1.0 - tail),
    }
}

fn resampled_median(values: &[f64], rng: &mut ChaCha8Rng) -> f64 {
    median((0..values.len()).map(|_| values[rng.random_range(0..values.len())]))
}

/// The `q` quantile of sorted `values` (nearest rank).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let rank = (q * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_trials_give_a_point_interval_at_their_change() {
        let interval = interval(&[2.0; 5], &[1.5; 5]);
        assert_eq!(
            interval,
            Interval {
                low: -0.25,
                high: -0.25
            }
        );
    }

    #[test]
    fn the_interval_holds_the_change_and_is_reproducible() {
        let baseline = [1.0, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97];
        let current = [0.9, 0.93, 0.88, 0.91, 0.92];
        let change = change_of_median(&baseline, &current);
        let first = interval(&baseline, &current);
        assert!(
            first.low <= change && change <= first.high,
            "{first:?} {change}"
        );
        assert_eq!(first, interval(&baseline, &current));
    }

    #[test]
    fn a_paired_interval_holds_the_median_ratios_change() {
        let ratios = [0.74, 0.76, 0.75, 0.73, 0.78, 0.75, 0.77];
        let interval = paired_interval(&ratios);
        assert!(
            interval.low <= -0.25 && -0.25 <= interval.high,
            "{interval:?}"
        );
        assert!(interval.low > -0.3 && interval.high < -0.2, "{interval:?}");
        assert_eq!(
            paired_interval(&[1.0; 4]),
            Interval {
                low: 0.0,
                high: 0.0
            }
        );
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        let sorted: Vec<f64> = (0..=100).map(f64::from).collect();
        assert_eq!(quantile(&sorted, 0.05), 5.0);
        assert_eq!(quantile(&sorted, 0.975), 98.0);
    }
}
