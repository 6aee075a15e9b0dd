//! A workload described as data: the mix of reads and writes and how keys are
//! chosen. Scenarios turn it into operations through [`GenContext`].

use std::fmt;
use std::str::FromStr;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Zipf};
use serde::{Deserialize, Serialize};

use crate::scenario::{Op, Scenario};

/// The θ used when `zipf` is given without one (YCSB's default skew).
pub const DEFAULT_ZIPF_THETA: f64 = 0.99;

/// Which share of operations read, and how keys are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    read_ratio: f64,
    dist: KeyDist,
}

impl Workload {
    /// A workload where `read_ratio` (0..=1) of the operations are reads.
    pub fn new(read_ratio: f64, dist: KeyDist) -> Result<Self, WorkloadError> {
        if !(0.0..=1.0).contains(&read_ratio) {
            return Err(WorkloadError::ReadRatio(read_ratio));
        }
        Ok(Self { read_ratio, dist })
    }

    /// The share of operations that are reads, in `0..=1`.
    pub fn read_ratio(&self) -> f64 {
        self.read_ratio
    }

    /// How the generators draw keys.
    pub fn dist(&self) -> KeyDist {
        self.dist
    }
}

/// How keys (indices in `0..size`) are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum KeyDist {
    /// Every key equally likely.
    Uniform,
    /// Key `k` drawn with probability proportional to `1 / (k + 1)^theta`: key 0 is hottest.
    Zipf {
        /// The skew θ, finite and above 0; larger is more skewed.
        theta: f64,
    },
}

impl fmt::Display for KeyDist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyDist::Uniform => f.write_str("uniform"),
            KeyDist::Zipf { theta } => write!(f, "zipf:{theta}"),
        }
    }
}

impl FromStr for KeyDist {
    type Err = WorkloadError;

    /// Parses `uniform`, `zipf` (θ = 0.99) or `zipf:θ` with θ > 0.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || WorkloadError::Dist(text.to_owned());
        match text.split_once(':') {
            None if text == "uniform" => Ok(KeyDist::Uniform),
            None if text == "zipf" => Ok(KeyDist::Zipf {
                theta: DEFAULT_ZIPF_THETA,
            }),
            Some(("zipf", theta)) => match theta.parse::<f64>() {
                Ok(theta) if theta.is_finite() && theta > 0.0 => Ok(KeyDist::Zipf { theta }),
                _ => Err(invalid()),
            },
            _ => Err(invalid()),
        }
    }
}

/// A workload that cannot be run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum WorkloadError {
    /// The read ratio given, which is outside `0..=1` (or NaN).
    #[error("read ratio {0} is outside 0..=1")]
    ReadRatio(f64),
    /// The distribution text given, which does not parse as a [`KeyDist`].
    #[error("unknown distribution '{0}': valid are uniform, zipf, zipf:THETA with THETA > 0")]
    Dist(String),
}

/// Randomness and key choice handed to a scenario's generators.
#[derive(Debug)]
pub struct GenContext {
    rng: ChaCha8Rng,
    size: usize,
    zipf: Option<Zipf<f64>>,
}

impl GenContext {
    fn new(size: usize, dist: KeyDist, seed: u64) -> Self {
        let size = size.max(1);
        let zipf = match dist {
            KeyDist::Uniform => None,
            KeyDist::Zipf { theta } => {
                Some(Zipf::new(size as f64, theta).expect("θ > 0 and size ≥ 1 are validated"))
            }
        };
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            size,
            zipf,
        }
    }

    /// The size the state was built with (at least 1).
    pub fn size(&self) -> usize {
        self.size
    }

    /// A key in `0..size` from the workload's distribution.
    pub fn key(&mut self) -> usize {
        match &self.zipf {
            None => self.rng.random_range(0..self.size),
            Some(zipf) => (zipf.sample(&mut self.rng) as usize - 1).min(self.size - 1),
        }
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    /// A uniformly drawn integer in `0..bound` (`0` when `bound` is 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.rng.random_range(0..bound.max(1))
    }
}

/// The endless, reproducible operation stream of [`Scenario::generate`].
#[derive(Debug)]
pub struct OpStream<'s, S> {
    scenario: &'s S,
    read_ratio: f64,
    ctx: GenContext,
}

impl<'s, S: Scenario> OpStream<'s, S> {
    pub(crate) fn new(scenario: &'s S, size: usize, workload: &Workload, seed: u64) -> Self {
        Self {
            scenario,
            read_ratio: workload.read_ratio,
            ctx: GenContext::new(size, workload.dist, seed),
        }
    }
}

impl<S: Scenario> Iterator for OpStream<'_, S> {
    type Item = Op<S>;

    fn next(&mut self) -> Option<Op<S>> {
        Some(if self.ctx.chance(self.read_ratio) {
            Op::Read(self.scenario.generate_read(&mut self.ctx))
        } else {
            Op::Write(self.scenario.generate_write(&mut self.ctx))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_distributions() {
        assert_eq!("uniform".parse(), Ok(KeyDist::Uniform));
        assert_eq!(
            "zipf".parse(),
            Ok(KeyDist::Zipf {
                theta: DEFAULT_ZIPF_THETA
            })
        );
        assert_eq!("zipf:1.2".parse(), Ok(KeyDist::Zipf { theta: 1.2 }));
        for bad in [
            "", "zipf:", "zipf:0", "zipf:-1", "zipf:nan", "zipf:inf", "normal",
        ] {
            assert!(bad.parse::<KeyDist>().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn refuses_read_ratio_outside_unit_interval() {
        assert!(Workload::new(-0.1, KeyDist::Uniform).is_err());
        assert!(Workload::new(1.01, KeyDist::Uniform).is_err());
        assert!(Workload::new(f64::NAN, KeyDist::Uniform).is_err());
        assert!(Workload::new(0.0, KeyDist::Uniform).is_ok());
        assert!(Workload::new(1.0, KeyDist::Uniform).is_ok());
    }

    #[test]
    fn zipf_keys_stay_in_range_and_favour_low_keys() {
        let mut ctx = GenContext::new(100, KeyDist::Zipf { theta: 0.99 }, 7);
        let keys: Vec<usize> = (0..10_000).map(|_| ctx.key()).collect();
        assert!(keys.iter().all(|&k| k < 100));
        let hot = keys.iter().filter(|&&k| k == 0).count();
        let cold = keys.iter().filter(|&&k| k == 99).count();
        assert!(hot > 10 * cold.max(1), "hot {hot}, cold {cold}");
    }

    #[test]
    fn uniform_keys_cover_the_range() {
        let mut ctx = GenContext::new(10, KeyDist::Uniform, 7);
        let mut seen = [false; 10];
        for _ in 0..1_000 {
            seen[ctx.key()] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }
}
