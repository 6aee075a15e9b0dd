//! Which measured point of a sweep answers a question about a workload.
//!
//! A sweep measures a grid; the question may fall between its values. A
//! value inside the grid's range is answered at the nearest measured value,
//! and the answer says so and how far it moved; one outside the range is
//! refused, since nothing was measured there to extrapolate from. Threads
//! and sizes are usually swept in multiples (1, 2, 4 …; 64, 1 000, 10 000),
//! so their nearest value is nearest in ratio, not in difference.

use crate::sweep::grid::same_ratio;
use crate::sweep::{Slice, Summary};

/// The workload asked about.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// The scenario's name.
    pub scenario: String,
    /// The state's representation.
    pub repr: String,
    /// Share of operations that read, 0 to 1.
    pub read_ratio: f64,
    /// Worker threads.
    pub threads: usize,
    /// Size of the state, in the scenario's unit.
    pub size: usize,
}

/// The measured point used to answer, and what was moved to reach it.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// The scenario, representation and nearest measured size.
    pub slice: Slice,
    /// The nearest measured read ratio.
    pub read_ratio: f64,
    /// The nearest measured thread count.
    pub threads: usize,
    /// One line per value that was not measured and was replaced by the nearest.
    pub moved: Vec<String>,
}

/// A question the sweep cannot answer; the message names what it can.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

/// Finds the point of `summary` nearest to `query`.
pub fn resolve(summary: &Summary, query: &Query) -> Result<Resolved, QueryError> {
    if summary.points.is_empty() {
        return Err(QueryError("the sweep holds no trials yet".into()));
    }
    let scenarios = distinct(summary.slices.iter().map(|s| s.scenario.clone()));
    if !scenarios.contains(&query.scenario) {
        return Err(QueryError(format!(
            "scenario '{}' is not in the sweep: it holds {}",
            query.scenario,
            scenarios.join(", ")
        )));
    }
    let of_scenario = || {
        summary
            .slices
            .iter()
            .filter(|s| s.scenario == query.scenario)
    };
    let reprs = distinct(of_scenario().map(|s| s.repr.clone()));
    if !reprs.contains(&query.repr) {
        return Err(QueryError(format!(
            "representation '{}' is not in the sweep for {}: it holds {}",
            query.repr,
            query.scenario,
            reprs.join(", ")
        )));
    }
    let mut sizes: Vec<usize> = of_scenario()
        .filter(|s| s.repr == query.repr)
        .map(|s| s.size)
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    let mut moved = Vec::new();
    let size = nearest(&Axis::counts("size", &sizes), query.size as f64, &mut moved)?;
    let threads = nearest(
        &Axis::counts("threads", &summary.threads),
        query.threads as f64,
        &mut moved,
    )?;
    let read_ratio = nearest(
        &Axis::ratios(&summary.read_ratios),
        query.read_ratio,
        &mut moved,
    )?;
    Ok(Resolved {
        slice: Slice {
            scenario: query.scenario.clone(),
            repr: query.repr.clone(),
            size: size as usize,
        },
        read_ratio,
        threads: threads as usize,
        moved,
    })
}

/// One axis of the grid as measured, ascending.
struct Axis {
    name: &'static str,
    measured: Vec<f64>,
    /// How far apart two values are, for "nearest".
    distance: fn(f64, f64) -> f64,
}

impl Axis {
    /// Whole numbers, compared by ratio: 3 is nearer 4 than 2.
    fn counts(name: &'static str, measured: &[usize]) -> Self {
        Self {
            name,
            measured: measured.iter().map(|&n| n as f64).collect(),
            distance: |a, b| (a / b).ln().abs(),
        }
    }

    /// Read ratios, compared by difference.
    fn ratios(measured: &[f64]) -> Self {
        Self {
            name: "read ratio",
            measured: measured.to_vec(),
            distance: |a, b| (a - b).abs(),
        }
    }

    fn list(&self) -> String {
        self.measured
            .iter()
            .map(f64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The measured value nearest `asked`; a move to it is noted in `moved`,
/// a value outside the measured range refused.
fn nearest(axis: &Axis, asked: f64, moved: &mut Vec<String>) -> Result<f64, QueryError> {
    let (Some(&low), Some(&high)) = (axis.measured.first(), axis.measured.last()) else {
        return Err(QueryError(format!("the sweep measured no {}", axis.name)));
    };
    if let Some(&exact) = axis.measured.iter().find(|&&m| same_ratio(m, asked)) {
        return Ok(exact);
    }
    if asked < low || asked > high {
        return Err(QueryError(format!(
            "{} {asked} is outside the sweep, which measured {} {}",
            axis.name,
            axis.name,
            axis.list()
        )));
    }
    let nearest = axis
        .measured
        .iter()
        .copied()
        .min_by(|&a, &b| (axis.distance)(a, asked).total_cmp(&(axis.distance)(b, asked)))
        .expect("not empty");
    moved.push(format!(
        "{} {asked} was not measured: using {nearest}, the nearest measured ({} away; measured {})",
        axis.name,
        round((nearest - asked).abs()),
        axis.list()
    ));
    Ok(nearest)
}

/// Differences of read ratios without binary noise (0.9 - 0.8 = 0.1).
fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The values of `items`, first occurrence first.
pub(super) fn distinct(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = Vec::new();
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::plan::crossover::tests::point;
    use crate::sweep::PointSummary;

    /// A summary holding routing std at sizes 64 and 10000, threads 1, 2, 8,
    /// read ratios 0.5 and 0.9.
    fn summary() -> Summary {
        let mut points: Vec<PointSummary> = Vec::new();
        for size in [64, 10_000] {
            for threads in [1, 2, 8] {
                for read_ratio in [0.5, 0.9] {
                    let mut p = point("mutex", (1.0, 1.0), 1);
                    p.point.size = size;
                    p.point.threads = threads;
                    p.point.read_ratio = read_ratio;
                    points.push(p);
                }
            }
        }
        let slice = |size| Slice {
            scenario: "routing".into(),
            repr: "std".into(),
            size,
        };
        Summary {
            points,
            strategies: vec!["mutex".into()],
            threads: vec![1, 2, 8],
            read_ratios: vec![0.5, 0.9],
            slices: vec![slice(64), slice(10_000)],
        }
    }

    /// A question about routing with the std representation.
    pub(crate) fn query(read_ratio: f64, threads: usize, size: usize) -> Query {
        Query {
            scenario: "routing".into(),
            repr: "std".into(),
            read_ratio,
            threads,
            size,
        }
    }

    #[test]
    fn a_measured_point_is_used_as_it_is() {
        let resolved = resolve(&summary(), &query(0.9, 2, 64)).unwrap();
        assert_eq!((resolved.read_ratio, resolved.threads), (0.9, 2));
        assert_eq!(resolved.slice.size, 64);
        assert!(resolved.moved.is_empty());
    }

    #[test]
    fn an_unmeasured_value_moves_to_the_nearest_and_says_how_far() {
        let resolved = resolve(&summary(), &query(0.8, 5, 500)).unwrap();
        assert_eq!(
            resolved.slice.size, 64,
            "500 is nearer 64 than 10000 by ratio"
        );
        assert_eq!(resolved.threads, 8, "5 is nearer 8 than 2 by ratio");
        assert_eq!(resolved.read_ratio, 0.9);
        assert_eq!(
            resolved.moved,
            [
                "size 500 was not measured: using 64, the nearest measured (436 away; measured 64, 10000)",
                "threads 5 was not measured: using 8, the nearest measured (3 away; measured 1, 2, 8)",
                "read ratio 0.8 was not measured: using 0.9, the nearest measured (0.1 away; measured 0.5, 0.9)",
            ]
        );
    }

    #[test]
    fn what_the_sweep_lacks_is_refused_naming_what_it_holds() {
        let err = |q: Query| resolve(&summary(), &q).unwrap_err().0;
        let mut ledger = query(0.9, 2, 64);
        ledger.scenario = "ledger".into();
        assert_eq!(
            err(ledger),
            "scenario 'ledger' is not in the sweep: it holds routing"
        );
        let mut imbl = query(0.9, 2, 64);
        imbl.repr = "imbl".into();
        assert_eq!(
            err(imbl),
            "representation 'imbl' is not in the sweep for routing: it holds std"
        );
        assert_eq!(
            err(query(0.9, 64, 64)),
            "threads 64 is outside the sweep, which measured threads 1, 2, 8"
        );
        assert_eq!(
            err(query(1.0, 2, 64)),
            "read ratio 1 is outside the sweep, which measured read ratio 0.5, 0.9"
        );
        assert_eq!(
            err(query(0.9, 2, 8)),
            "size 8 is outside the sweep, which measured size 64, 10000"
        );
        let empty = Summary {
            points: Vec::new(),
            ..summary()
        };
        assert_eq!(
            resolve(&empty, &query(0.9, 2, 64)).unwrap_err().0,
            "the sweep holds no trials yet"
        );
    }
}
