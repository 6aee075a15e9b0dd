//! One run's strategies in order of throughput, failed ones last.
//!
//! Throughput decides the order because it is what a run measures best
//! (every operation counts, none is sampled); the tail latencies and the
//! blocking class sit beside it because they are what a faster strategy
//! may cost.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Blocking;
use crate::report::StrategyResult;
use crate::runner::LatencySummary;

/// The tail of one kind of operation's sampled latency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tail {
    /// The 99th percentile, in nanoseconds.
    pub p99_ns: u64,
    /// The 99.9th percentile, in nanoseconds.
    pub p999_ns: u64,
}

impl From<&LatencySummary> for Tail {
    fn from(summary: &LatencySummary) -> Self {
        Self {
            p99_ns: summary.p99_ns,
            p999_ns: summary.p999_ns,
        }
    }
}

/// One strategy's place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    /// 1 for the fastest; `None` for a failed strategy, which has no place.
    pub rank: Option<usize>,
    /// The strategy's registry name.
    pub strategy: String,
    /// Operations per second, all threads; 0 when it failed.
    pub ops_per_sec: f64,
    /// `ops_per_sec` divided by the threads.
    pub ops_per_sec_per_thread: f64,
    /// Read latency's tail; `None` where no read was sampled (or it failed).
    pub read: Option<Tail>,
    /// Write latency's tail; `None` where no write was sampled (or it failed).
    pub write: Option<Tail>,
    /// Whether its reads wait for a slow write.
    pub blocking: Blocking,
    /// Why it failed.
    pub error: Option<String>,
}

impl Ranked {
    /// Whether the strategy failed (it has an `error`).
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }
}

/// Strategies fastest first, failed ones after all the others.
pub type Ranking = Vec<Ranked>;

/// Ranks `results` (one scenario's), each with its blocking class from
/// `blocking` by strategy name ([`Blocking::NOT_PROBED`] when absent).
pub fn rank(results: &[&StrategyResult], blocking: &BTreeMap<String, Blocking>) -> Ranking {
    let (mut ok, failed): (Vec<&StrategyResult>, Vec<&StrategyResult>) =
        results.iter().partition(|r| !r.failed());
    ok.sort_by(|a, b| b.ops_per_sec.total_cmp(&a.ops_per_sec));
    let places = (1..).map(Some).take(ok.len());
    let ranked = ok.into_iter().zip(places);
    let unranked = failed.into_iter().zip(std::iter::repeat(None));
    ranked
        .chain(unranked)
        .map(|(result, rank)| Ranked {
            rank,
            strategy: result.strategy.clone(),
            ops_per_sec: result.ops_per_sec,
            ops_per_sec_per_thread: result.ops_per_sec_per_thread,
            read: result.latency_ns.read.as_ref().map(Tail::from),
            write: result.latency_ns.write.as_ref().map(Tail::from),
            blocking: blocking
                .get(&result.strategy)
                .cloned()
                .unwrap_or(Blocking::NOT_PROBED),
            error: result.error.clone(),
        })
        .collect()
}

/// How much faster `best` is than `other`, as a fraction (0.25 = 25%
/// faster); `None` when `other` did nothing.
pub fn lead(best: f64, other: f64) -> Option<f64> {
    (other > 0.0).then(|| best / other - 1.0)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::time::Duration;

    use super::*;
    use crate::plan::BlockingClass;
    use crate::runner::{Latency, Measurement, RunFailure};

    /// A successful result of `ops_per_sec` over 2 threads, with a read
    /// tail of `read_p999` ns and a write tail ten times that.
    pub(crate) fn result(strategy: &str, ops_per_sec: f64, read_p999: u64) -> StrategyResult {
        let summary = |p999: u64| LatencySummary {
            samples: 100,
            p50_ns: p999 / 10,
            p99_ns: p999 / 2,
            p999_ns: p999,
            max_ns: p999 * 2,
        };
        let measurement = Measurement {
            elapsed: Duration::from_secs(1),
            reads: ops_per_sec as u64 * 9 / 10,
            writes: ops_per_sec as u64 / 10,
            ops_per_sec,
            per_thread_ops_per_sec: vec![ops_per_sec / 2.0; 2],
            latency: Latency {
                read: Some(summary(read_p999)),
                write: Some(summary(read_p999 * 10)),
            },
            timed: 200,
            counters: Default::default(),
            final_state: None,
        };
        StrategyResult::new("routing", strategy, 2, Ok(measurement))
    }

    pub(crate) fn failure(strategy: &str) -> StrategyResult {
        StrategyResult::new(
            "routing",
            strategy,
            2,
            Err(RunFailure("worker-0 panicked: boom".into())),
        )
    }

    #[test]
    fn fastest_first_failed_last_without_a_place() {
        let results = [
            result("mutex", 10e6, 900),
            failure("actor"),
            result("arc-swap", 40e6, 300),
            result("rwlock", 20e6, 500),
        ];
        let ranking = rank(&results.iter().collect::<Vec<_>>(), &BTreeMap::new());
        let order: Vec<(&str, Option<usize>)> = ranking
            .iter()
            .map(|r| (r.strategy.as_str(), r.rank))
            .collect();
        assert_eq!(
            order,
            [
                ("arc-swap", Some(1)),
                ("rwlock", Some(2)),
                ("mutex", Some(3)),
                ("actor", None)
            ]
        );
        assert!(ranking[3].failed());
        assert_eq!(ranking[0].ops_per_sec_per_thread, 20e6);
        assert_eq!(
            ranking[0].read,
            Some(Tail {
                p99_ns: 150,
                p999_ns: 300
            })
        );
        assert_eq!(ranking[0].write.unwrap().p999_ns, 3000);
    }

    #[test]
    fn each_strategy_carries_its_own_blocking_class() {
        let results = [result("mutex", 10e6, 900), result("arc-swap", 40e6, 300)];
        let ms = Duration::from_millis;
        let blocking = BTreeMap::from([(
            "mutex".to_owned(),
            Blocking::measured(BlockingClass::Wait, Some(ms(199)), ms(200)),
        )]);
        let ranking = rank(&results.iter().collect::<Vec<_>>(), &blocking);
        assert_eq!(ranking[0].blocking, Blocking::NOT_PROBED);
        assert_eq!(ranking[1].blocking.class, BlockingClass::Wait);
    }

    #[test]
    fn leads_are_fractions_of_the_slower() {
        assert_eq!(lead(30.0, 20.0), Some(0.5));
        assert_eq!(lead(30.0, 0.0), None);
    }
}
