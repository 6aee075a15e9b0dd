//! How long the benches may take: the full mode, and a quick mode selected by
//! `HARNESS_BENCH_QUICK=1` for a fast look (or CI) at the price of noisier
//! figures.
//!
//! Every bench file takes its criterion settings and its parameter lists from
//! here, so the two modes are defined in one place and the README can say
//! exactly what quick mode drops. The budgets (on the 2-core development
//! machine, built already): `cargo bench -p harness` under 20 minutes, and
//! quick mode under 3.

// Each bench target compiles this module on its own and uses part of it.
#![allow(dead_code)]

use std::time::Duration;

use criterion::Criterion;

/// The environment variable that selects quick mode (any value but `0` or empty).
pub const QUICK_VAR: &str = "HARNESS_BENCH_QUICK";

/// True when quick mode is selected.
pub fn quick() -> bool {
    std::env::var(QUICK_VAR).is_ok_and(|value| !value.is_empty() && value != "0")
}

/// `full` normally, `quick` in quick mode.
pub fn pick<T>(full: T, quick: T) -> T {
    if self::quick() { quick } else { full }
}

/// How long criterion spends on one benchmark.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    pub warm_up: Duration,
    pub measurement: Duration,
    pub samples: usize,
}

/// Every quick-mode benchmark: 10 samples (criterion's minimum) over 0.3 s
/// after 0.1 s of warm-up.
pub const QUICK: Timing = Timing {
    warm_up: Duration::from_millis(100),
    measurement: Duration::from_millis(300),
    samples: 10,
};

/// Criterion configured with `full`, or with [`QUICK`] in quick mode.
///
/// Both modes bootstrap confidence intervals from 10 000 resamples instead
/// of criterion's 100 000: with 10 to 20 samples that changes the intervals
/// by well under their own noise, and the analysis of each benchmark is
/// several times faster. Quick mode also draws no charts (criterion still
/// prints every estimate and saves it under `target/criterion/`): on the
/// 2-core machine the charts took longer than the measurement itself.
pub fn criterion(full: Timing) -> Criterion {
    let timing = pick(full, QUICK);
    let criterion = Criterion::default()
        .warm_up_time(timing.warm_up)
        .measurement_time(timing.measurement)
        .sample_size(timing.samples)
        .nresamples(10_000);
    if quick() {
        criterion.without_plots()
    } else {
        criterion
    }
}
