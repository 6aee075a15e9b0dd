//! Medians per point across its trials, and the winner of each cell: the
//! analysis every chart and the page draw from (measurement is in
//! [`super::execute`], rendering in [`crate::report`]).
//!
//! Each number is the median of that number over the point's successful
//! trials (for latency, the median of each percentile); failed trials are
//! counted but not averaged in.

use std::collections::{BTreeMap, HashMap};

use super::grid::{Point, same_ratio};
use super::results::{SweepResults, Trial};
use crate::runner::LatencySummary;
use crate::stats::median;

/// Median latency percentiles, in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Percentiles {
    /// The median of the trials' medians.
    pub p50: f64,
    /// The median of the trials' 99th percentiles.
    pub p99: f64,
    /// The median of the trials' 99.9th percentiles.
    pub p999: f64,
}

/// One point's medians.
#[derive(Clone, Debug, PartialEq)]
pub struct PointSummary {
    /// The point summarized.
    pub point: Point,
    /// Successful trials the medians are over.
    pub trials: usize,
    /// Trials whose strategy failed, left out of the medians.
    pub failed: usize,
    /// Median operations per second, all threads.
    pub ops_per_sec: f64,
    /// The slowest and fastest trial's ops/s.
    pub ops_per_sec_range: (f64, f64),
    /// Median writes completed per trial.
    pub writes: f64,
    /// Read latency; `None` when no read was sampled.
    pub read: Option<Percentiles>,
    /// Write latency; `None` when no write was sampled.
    pub write: Option<Percentiles>,
    /// Each counter per 1 000 completed writes.
    pub counters_per_kilowrite: BTreeMap<String, f64>,
}

/// The workload a chart is about, besides threads, read ratio and strategy.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Slice {
    /// The scenario's name.
    pub scenario: String,
    /// The state's representation.
    pub repr: String,
    /// Size of the state, in the scenario's unit.
    pub size: usize,
}

impl Slice {
    /// The slice `point` lies in.
    pub fn of(point: &Point) -> Self {
        Self {
            scenario: point.scenario.clone(),
            repr: point.repr.clone(),
            size: point.size,
        }
    }

    /// Whether `point` lies in this slice.
    pub fn contains(&self, point: &Point) -> bool {
        self.scenario == point.scenario && self.repr == point.repr && self.size == point.size
    }
}

/// The fastest strategy of one cell and its lead over the next.
#[derive(Clone, Debug, PartialEq)]
pub struct Winner {
    /// The fastest strategy, by median ops/s.
    pub strategy: String,
    /// Its median operations per second.
    pub ops_per_sec: f64,
    /// The next fastest strategy; `None` when only one was measured.
    pub runner_up: Option<String>,
    /// How much faster than the runner-up, as a fraction (0.25 = 25% faster).
    pub margin: Option<f64>,
    /// Whether the winner's slowest trial beat the runner-up's fastest; if
    /// not, the trials overlap and another sweep may name the other one.
    pub clear: bool,
}

/// Every measured point's medians, with lookups by grid axis.
#[derive(Clone, Debug)]
pub struct Summary {
    /// Every point with a trial, in the order its first trial ran.
    pub points: Vec<PointSummary>,
    /// Strategies measured, in argument order.
    pub strategies: Vec<String>,
    /// Thread counts measured, ascending.
    pub threads: Vec<usize>,
    /// Read ratios measured, ascending.
    pub read_ratios: Vec<f64>,
    /// Slices measured, in the order their first point appears.
    pub slices: Vec<Slice>,
}

impl Summary {
    /// The medians of every point of `results`.
    pub fn of(results: &SweepResults) -> Self {
        let points: Vec<PointSummary> = by_point(&results.trials)
            .into_iter()
            .map(|trials| summarize(trials[0].point.clone(), &trials))
            .collect();
        let mut threads: Vec<usize> = points.iter().map(|p| p.point.threads).collect();
        threads.sort_unstable();
        threads.dedup();
        let mut read_ratios: Vec<f64> = points.iter().map(|p| p.point.read_ratio).collect();
        read_ratios.sort_by(f64::total_cmp);
        read_ratios.dedup_by(|a, b| same_ratio(*a, *b));
        let mut slices: Vec<Slice> = Vec::new();
        for p in &points {
            let slice = Slice::of(&p.point);
            if !slices.contains(&slice) {
                slices.push(slice);
            }
        }
        let strategies = results
            .arguments
            .strategies
            .iter()
            .filter(|s| points.iter().any(|p| &p.point.strategy == *s))
            .cloned()
            .collect();
        Self {
            points,
            strategies,
            threads,
            read_ratios,
            slices,
        }
    }

    /// The point of `strategy` in this cell, if it has a successful trial.
    pub fn get(
        &self,
        slice: &Slice,
        threads: usize,
        read_ratio: f64,
        strategy: &str,
    ) -> Option<&PointSummary> {
        self.points.iter().find(|p| {
            slice.contains(&p.point)
                && p.point.threads == threads
                && same_ratio(p.point.read_ratio, read_ratio)
                && p.point.strategy == strategy
                && p.trials > 0
        })
    }

    /// The fastest strategy in this cell, with its margin over the runner-up.
    pub fn winner(&self, slice: &Slice, threads: usize, read_ratio: f64) -> Option<Winner> {
        let mut ranked: Vec<&PointSummary> = self
            .strategies
            .iter()
            .filter_map(|s| self.get(slice, threads, read_ratio, s))
            .collect();
        ranked.sort_by(|a, b| b.ops_per_sec.total_cmp(&a.ops_per_sec));
        let best = ranked.first()?;
        let second = ranked.get(1);
        Some(Winner {
            strategy: best.point.strategy.clone(),
            ops_per_sec: best.ops_per_sec,
            runner_up: second.map(|s| s.point.strategy.clone()),
            margin: second
                .filter(|s| s.ops_per_sec > 0.0)
                .map(|s| best.ops_per_sec / s.ops_per_sec - 1.0),
            clear: second.is_none_or(|s| best.ops_per_sec_range.0 > s.ops_per_sec_range.1),
        })
    }
}

/// Trials grouped by point, points in the order their first trial appears.
fn by_point(trials: &[Trial]) -> Vec<Vec<&Trial>> {
    let mut groups: Vec<Vec<&Trial>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for trial in trials {
        let next = groups.len();
        let at = *index.entry(trial.point.key()).or_insert(next);
        if at == next {
            groups.push(Vec::new());
        }
        groups[at].push(trial);
    }
    groups
}

fn summarize(point: Point, trials: &[&Trial]) -> PointSummary {
    let ok: Vec<&Trial> = trials
        .iter()
        .copied()
        .filter(|t| !t.result.failed())
        .collect();
    let results = || ok.iter().map(|t| &t.result);
    PointSummary {
        point,
        trials: ok.len(),
        failed: trials.len() - ok.len(),
        ops_per_sec: median(results().map(|r| r.ops_per_sec)),
        ops_per_sec_range: (
            results()
                .map(|r| r.ops_per_sec)
                .fold(f64::INFINITY, f64::min),
            results().map(|r| r.ops_per_sec).fold(0.0, f64::max),
        ),
        writes: median(results().map(|r| r.writes as f64)),
        read: percentiles(results().filter_map(|r| r.latency_ns.read.as_ref())),
        write: percentiles(results().filter_map(|r| r.latency_ns.write.as_ref())),
        counters_per_kilowrite: counters_per_kilowrite(&ok),
    }
}

fn percentiles<'a>(
    summaries: impl Iterator<Item = &'a LatencySummary> + Clone,
) -> Option<Percentiles> {
    summaries.clone().next()?;
    Some(Percentiles {
        p50: median(summaries.clone().map(|s| s.p50_ns as f64)),
        p99: median(summaries.clone().map(|s| s.p99_ns as f64)),
        p999: median(summaries.map(|s| s.p999_ns as f64)),
    })
}

/// Per counter, the median over trials of its count per 1 000 writes (trials without writes left out).
fn counters_per_kilowrite(trials: &[&Trial]) -> BTreeMap<String, f64> {
    let names: std::collections::BTreeSet<&String> = trials
        .iter()
        .flat_map(|t| t.result.counters.keys())
        .collect();
    names
        .into_iter()
        .filter_map(|name| {
            let rates = trials.iter().filter(|t| t.result.writes > 0).map(|t| {
                t.result.counters.get(name).copied().unwrap_or(0) as f64 * 1000.0
                    / t.result.writes as f64
            });
            let rates: Vec<f64> = rates.collect();
            (!rates.is_empty()).then(|| (name.clone(), median(rates)))
        })
        .collect()
}
