//! Sampled latency: the operations [`super::Sampling`] picks are timed, into an HDR
//! histogram per operation kind. Timing every operation would measure the
//! clock (~25 ns per `Instant::now()`) more than the operation.

use hdrhistogram::Histogram;
use scenarios::OpKind;
use serde::{Deserialize, Serialize};

/// Latencies are recorded in nanoseconds up to one hour, to 3 significant digits.
const HIGHEST_NS: u64 = 3_600_000_000_000;

/// Read and write latency histograms of one worker, or of a whole run once merged.
#[derive(Clone, Debug)]
pub struct LatencyRecorder {
    read: Histogram<u64>,
    write: Histogram<u64>,
}

impl Default for LatencyRecorder {
    fn default() -> Self {
        let histogram = || Histogram::new_with_bounds(1, HIGHEST_NS, 3).expect("valid bounds");
        Self {
            read: histogram(),
            write: histogram(),
        }
    }
}

impl LatencyRecorder {
    /// Records one sampled operation of `kind` that took `nanos` (at least 1 ns is
    /// recorded; longer than an hour is recorded as an hour).
    pub fn record(&mut self, kind: OpKind, nanos: u64) {
        let histogram = match kind {
            OpKind::Read => &mut self.read,
            OpKind::Write => &mut self.write,
        };
        histogram.saturating_record(nanos.max(1));
    }

    /// Adds every sample of `other`.
    pub fn merge(&mut self, other: &LatencyRecorder) {
        self.read.add(&other.read).expect("same bounds");
        self.write.add(&other.write).expect("same bounds");
    }

    /// The percentiles of what was recorded.
    pub fn summary(&self) -> Latency {
        Latency {
            read: LatencySummary::of(&self.read),
            write: LatencySummary::of(&self.write),
        }
    }
}

/// Latency percentiles of reads and writes; `None` where no operation of
/// that kind was sampled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    /// Reads' percentiles.
    pub read: Option<LatencySummary>,
    /// Writes' percentiles.
    pub write: Option<LatencySummary>,
}

/// Percentiles of one kind of operation, in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatencySummary {
    /// Operations timed.
    pub samples: u64,
    /// The median.
    pub p50_ns: u64,
    /// The 99th percentile.
    pub p99_ns: u64,
    /// The 99.9th percentile.
    pub p999_ns: u64,
    /// The slowest operation timed.
    pub max_ns: u64,
}

impl LatencySummary {
    fn of(histogram: &Histogram<u64>) -> Option<Self> {
        (!histogram.is_empty()).then(|| Self {
            samples: histogram.len(),
            p50_ns: histogram.value_at_quantile(0.50),
            p99_ns: histogram.value_at_quantile(0.99),
            p999_ns: histogram.value_at_quantile(0.999),
            max_ns: histogram.max(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_follow_the_samples() {
        let mut recorder = LatencyRecorder::default();
        for ns in 1..=1000 {
            recorder.record(OpKind::Read, ns);
        }
        let mut other = LatencyRecorder::default();
        other.record(OpKind::Read, 1_000_000);
        recorder.merge(&other);
        let read = recorder.summary().read.unwrap();
        assert_eq!(read.samples, 1001);
        assert!((495..=505).contains(&read.p50_ns), "{read:?}");
        assert!((985..=1000).contains(&read.p99_ns), "{read:?}");
        assert!(read.max_ns >= 999_000, "{read:?}");
        assert_eq!(recorder.summary().write, None);
    }
}
