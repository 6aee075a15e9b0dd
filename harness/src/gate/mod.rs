//! `harness gate`: a CI regression gate whose verdicts hold on any machine,
//! and separate a slowdown from noise.
//!
//! # A/B on the same machine (what CI runs)
//!
//! `harness gate --against REV` builds the harness at git revision REV
//! ([`revision`]) and measures a fixed [`suite`] of points (scenario,
//! strategy, read ratio, threads, size) on both builds **interleaved**, in
//! the same run ([`paired`]): round after round, one trial of every point
//! on each side, each side a worker process of its own binary
//! ([`protocol`]). A point's figure is its throughput in operations per
//! CPU-second; each round gives a *paired* ratio, current over REV, and
//! the verdict is a bootstrap interval of the median ratio. Nothing
//! measured travels between machines, so the CPU generation does not
//! matter: a stored baseline divided by a reference loop failed unchanged
//! code by 40% to 70% on another EPYC generation, where the loop ran 2.2x
//! faster and a mutex 0.6x. `--against-binary PATH` compares with a
//! harness binary a pipeline built itself.
//!
//! # Against a stored baseline (a dedicated runner)
//!
//! `--baseline FILE` compares with figures recorded earlier by
//! `--update-baseline`, only on a machine of the same fingerprint
//! ([`crate::machine`]). Each of its trials gives a **figure**: the
//! strategy's throughput divided by that of a **reference workload**
//! measured just before and just after it ([`reference`](mod@reference)):
//! the same scenario's pure model, replayed by the same number of threads,
//! each on its own private state, writing the way the strategy writes
//! ([`WritePath`](crate::strategy::WritePath)), which cancels slow drifts of
//! the machine between the recording and the check.
//!
//! # Why CPU time
//!
//! Throughput is counted per second of the process's **CPU time**, not of
//! the wall clock, because on a shared machine the wall clock mostly
//! measures the scheduler. Measured on the 2-core development VM while two
//! other builds ran (release build, quick suite, 15 trials of each of the
//! 30 points; the spread is the median absolute deviation over the median,
//! the median of that over the points):
//!
//! | figure | spread, load average 3 to 6 |
//! |---|---|
//! | raw ops per wall-clock second | 13.3% |
//! | raw ops per CPU-second | 7.1% |
//! | ops per wall-clock second over the reference's | 7.1% |
//! | ops per CPU-second over the reference's | 3.7% |
//!
//! The cost: a regression that only adds *waiting* (a sleep, a longer block
//! on a futex) does not use CPU and is not seen; every quick-suite point is
//! single-threaded, where the strategies under test do not wait, except
//! `actor`, whose round trips to its thread are counted by the CPU the two
//! threads burn. How much CPU a waiting channel receiver burns (spinning
//! before it parks) depends on whether the other core is idle, so `actor`
//! is gated only on a read-mostly mix ([`suite`]).
//!
//! # Verdicts
//!
//! A verdict ([`verdict`]) fails a figure only when the whole seeded
//! bootstrap interval of its change ([`bootstrap`]) lies below
//! `-threshold`; an interval that straddles it is *unclear*, reported and
//! passing.

pub mod baseline;
pub mod bootstrap;
pub mod outcome;
pub mod paired;
#[cfg(feature = "gate-proof")]
pub mod proof;
pub mod protocol;
pub mod reference;
pub mod render;
pub mod revision;
pub mod suite;
pub mod trials;
pub mod verdict;

pub use self::baseline::{BASELINE_SCHEMA_VERSION, Baseline, BaselineError};
pub use self::outcome::{ComparedWith, Counts, Figure, FigureTrials, GateOutcome};
pub use self::paired::{PairedError, Side};
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
    path: &std::path::Path,
    threshold: Threshold,
    progress: &mut dyn Progress,
) -> Result<GateOutcome, TrialError> {
    let suite = &baseline.suite;
    let current = trials::measure(suite, suite.timing.rounds, progress)?;
    let compared_with = ComparedWith::Baseline {
        path: path.to_owned(),
    };
    Ok(GateOutcome::compare(
        baseline,
        current,
        threshold.0,
        compared_with,
    ))
}

/// Measures `suite` on `current` and on `against` interleaved, and judges
/// every figure by its paired rounds.
pub fn check_paired(
    suite: &Suite,
    against: &mut Side,
    current: &mut Side,
    compared_with: ComparedWith,
    threshold: Threshold,
    progress: &mut dyn Progress,
) -> Result<GateOutcome, PairedError> {
    let paired = paired::measure(
        suite,
        suite.timing.paired_rounds,
        against,
        current,
        progress,
    )?;
    Ok(GateOutcome::compare_paired(
        suite,
        paired,
        threshold.0,
        compared_with,
        current.environment.clone(),
    ))
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
