//! `harness gate`: a CI regression gate whose figures mean the same on any
//! machine, and whose verdicts separate a slowdown from noise.
//!
//! # What is compared
//!
//! A fixed [`suite`] of points (scenario, strategy, read ratio, threads,
//! size): every registered strategy on a few mixes. Each trial of a point
//! gives one **figure**: the strategy's throughput through the normal
//! runner divided by the throughput of a **reference workload** measured
//! just before and just after it ([`reference`]): the same scenario's pure
//! model, replayed by the same number of threads, each on its own private
//! state, with no sharing at all. The figure reads "this strategy keeps
//! this share of the unshared model's speed".
//!
//! # Why that reference
//!
//! A raw ops/s baseline recorded on one machine says nothing on another,
//! and on a shared CI machine it says little even on the same one from one
//! minute to the next. A fixed synthetic loop (say, summing an array) would
//! cancel the clock speed but not the memory system, and the scenarios are
//! mostly memory-bound (map lookups, snapshot copies). Replaying the
//! scenario's own operations on its own data does the same work as the
//! strategy minus exactly what is being measured, the sharing, so clock,
//! caches, allocator and load move both alike. Measured on the 2-core
//! development VM (release build, quick suite, one thread), raw ops/s of
//! the same point varied by up to TODO between rounds while the figures
//! varied by TODO.
//!
//! # Trials and verdicts
//!
//! Trials are repeated and interleaved round-robin in a rotating order
//! ([`trials`]). A verdict ([`verdict`]) compares the median figure of the
//! current trials with the baseline's, through a seeded bootstrap interval
//! of the relative change ([`bootstrap`]) resampling both sides: a figure
//! fails only when that whole interval lies below `-threshold`; an interval
//! that straddles it is *unclear*, reported and passing. The baseline
//! ([`baseline`]) keeps every trial's figure, the suite definition and the
//! environment, and is recorded with three times as many trials as a gate
//! run, since every later verdict leans on it.

pub mod baseline;
pub mod bootstrap;
pub mod outcome;
#[cfg(feature = "gate-proof")]
pub mod proof;
pub mod reference;
pub mod render;
pub mod suite;
pub mod trials;
pub mod verdict;

pub use self::baseline::{BASELINE_SCHEMA_VERSION, Baseline, BaselineError};
pub use self::outcome::{Counts, Figure, GateOutcome};
pub use self::suite::{Point, Suite, SuiteName, Timing};
pub use self::trials::{PointTrials, Progress, Trial, TrialError};
pub use self::verdict::{Judgement, Verdict};

use crate::environment::Environment;

/// The slowdown that fails a figure, as a fraction (0.2 for 20%).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Threshold(pub f64);

impl Threshold {
    /// Parses a percentage above 0 and below 100, e.g. `20%` or `12.5%`.
    pub fn parse(text: &str) -> Result<Threshold, String> {
        let number = text.trim().strip_suffix('%').map(str::parse::<f64>);
        match number {
            Some(Ok(percent)) if percent > 0.0 && percent < 100.0 => Ok(Threshold(percent / 100.0)),
            _ => Err(format!(
                "'{text}': expected a percentage above 0% and below 100%, e.g. 20%"
            )),
        }
    }
}

impl Default for Threshold {
    fn default() -> Self {
        Threshold(0.2)
    }
}

/// Measures `suite` with its baseline number of trials.
pub fn record(suite: &Suite, progress: &mut dyn Progress) -> Result<Baseline, TrialError> {
    let figures = trials::measure(suite, suite.timing.baseline_rounds, progress)?;
    Ok(Baseline {
        schema_version: BASELINE_SCHEMA_VERSION,
        environment: Environment::capture(),
        suite: suite.clone(),
        figures,
    })
}

/// Measures the baseline's suite again and judges every figure.
pub fn check(
    baseline: &Baseline,
    threshold: Threshold,
    progress: &mut dyn Progress,
) -> Result<GateOutcome, TrialError> {
    let suite = &baseline.suite;
    let current = trials::measure(suite, suite.timing.rounds, progress)?;
    Ok(GateOutcome::compare(baseline, current, threshold.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_percentages_between_0_and_100() {
        assert_eq!(Threshold::parse("20%"), Ok(Threshold(0.2)));
        assert_eq!(Threshold::parse("12.5%"), Ok(Threshold(0.125)));
        for bad in ["20", "0%", "100%", "-5%", "abc%", ""] {
            assert!(Threshold::parse(bad).is_err(), "{bad}");
        }
    }
}
