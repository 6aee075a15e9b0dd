//! `harness recommend`'s answer: the best strategy at the nearest measured
//! point of a sweep, how clear its lead is, and the crossovers along read
//! ratio, size and threads around that point, all from `results.json`.
//!
//! Along read ratio and threads the question's representation is kept;
//! along size every representation the sweep holds competes (labelled
//! `strategy (repr)`), because the size is where a persistent map's cheap
//! copy overtakes a plain one's fast reads.

use std::fmt;

use super::crossover::{Lead, Segment, Step, describe, segments};
use super::query::{Query, QueryError, Resolved, distinct, resolve};
use super::recommend::percent;
use crate::check::consistency::Consistency;
use crate::report::format_count;
use crate::strategy::StrategyOptions;
use crate::sweep::{Slice, Summary, SweepResults};

/// What `harness recommend` prints.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// What the sweep was: its trials per point, duration, variant.
    pub sweep: String,
    /// The measured point that answers, and what was moved to reach it.
    pub resolved: Resolved,
    /// The fastest strategy there.
    pub best: Lead,
    /// The contract the best promises, when it is weaker than linearizability.
    pub weaker_contract: Option<Consistency>,
    /// Strategies that only failed at that point.
    pub failed_there: Vec<String>,
    /// Crossovers along read ratio, size and threads.
    pub along: Vec<AxisCrossovers>,
}

/// The leaders along one axis, the other axes held at the resolved point.
#[derive(Clone, Debug, PartialEq)]
pub struct AxisCrossovers {
    /// The axis: `read ratio`, `size` or `threads`.
    pub axis: &'static str,
    /// The values held fixed, e.g. "64 threads, size 64, std".
    pub at: String,
    /// The axis's measured values, in order, grouped by leader.
    pub segments: Vec<Segment>,
}

/// Answers `query` from `results`.
pub fn answer(results: &SweepResults, query: &Query) -> Result<Answer, QueryError> {
    let summary = Summary::of(results);
    let resolved = resolve(&summary, query)?;
    let cell = Cell::of(&resolved);
    let best = cell.lead(&summary).ok_or_else(|| {
        QueryError(format!(
            "no strategy has a successful trial at {}",
            cell.describe()
        ))
    })?;
    let options = StrategyOptions {
        publish_every: results.arguments.publish_every,
        ..StrategyOptions::default()
    };
    let strategy = best.label.split(" (").next().unwrap_or(&best.label);
    let weaker_contract = super::weaker_promise(strategy, &options);
    Ok(Answer {
        weaker_contract,
        sweep: describe_sweep(results),
        failed_there: cell.failed(&summary),
        along: vec![
            along_read_ratio(&summary, &cell),
            along_size(&summary, &cell),
            along_threads(&summary, &cell),
        ],
        best,
        resolved,
    })
}

/// One cell of the grid: a slice at a thread count and read ratio.
#[derive(Clone, Debug)]
struct Cell {
    slice: Slice,
    threads: usize,
    read_ratio: f64,
}

impl Cell {
    fn of(resolved: &Resolved) -> Self {
        Self {
            slice: resolved.slice.clone(),
            threads: resolved.threads,
            read_ratio: resolved.read_ratio,
        }
    }

    /// The leader among the sweep's strategies in this cell.
    fn lead(&self, summary: &Summary) -> Option<Lead> {
        Lead::among(summary.strategies.iter().filter_map(|s| {
            let point = summary.get(&self.slice, self.threads, self.read_ratio, s)?;
            Some((s.clone(), point))
        }))
    }

    /// Strategies with failed trials and no successful one here.
    fn failed(&self, summary: &Summary) -> Vec<String> {
        summary
            .points
            .iter()
            .filter(|p| {
                self.slice.contains(&p.point)
                    && p.point.threads == self.threads
                    && crate::sweep::grid::same_ratio(p.point.read_ratio, self.read_ratio)
                    && p.trials == 0
            })
            .map(|p| p.point.strategy.clone())
            .collect()
    }

    fn describe(&self) -> String {
        format!(
            "{} · {} repr · read ratio {} · {} threads · size {}",
            self.slice.scenario, self.slice.repr, self.read_ratio, self.threads, self.slice.size
        )
    }
}

fn along_read_ratio(summary: &Summary, cell: &Cell) -> AxisCrossovers {
    let cells = summary.read_ratios.iter().map(|&read_ratio| Cell {
        read_ratio,
        ..cell.clone()
    });
    let at = format!(
        "{} threads, size {}, {}",
        cell.threads, cell.slice.size, cell.slice.repr
    );
    let leads = cells.map(|c| (c.read_ratio.to_string(), c.lead(summary)));
    along("read ratio", at, leads)
}

fn along_threads(summary: &Summary, cell: &Cell) -> AxisCrossovers {
    let cells = summary.threads.iter().map(|&threads| Cell {
        threads,
        ..cell.clone()
    });
    let at = format!(
        "read ratio {}, size {}, {}",
        cell.read_ratio, cell.slice.size, cell.slice.repr
    );
    let leads = cells.map(|c| (c.threads.to_string(), c.lead(summary)));
    along("threads", at, leads)
}

/// Along size, every representation of the scenario competes.
fn along_size(summary: &Summary, cell: &Cell) -> AxisCrossovers {
    let slices: Vec<&Slice> = summary
        .slices
        .iter()
        .filter(|s| s.scenario == cell.slice.scenario)
        .collect();
    let reprs = distinct(slices.iter().map(|s| s.repr.clone()));
    let several = reprs.len() > 1;
    let mut sizes: Vec<usize> = slices.iter().map(|s| s.size).collect();
    sizes.sort_unstable();
    sizes.dedup();
    let leads = sizes.iter().map(|&size| {
        let candidates = slices.iter().filter(|s| s.size == size).flat_map(|slice| {
            summary.strategies.iter().filter_map(move |strategy| {
                let point = summary.get(slice, cell.threads, cell.read_ratio, strategy)?;
                let label = if several {
                    format!("{strategy} ({})", slice.repr)
                } else {
                    strategy.clone()
                };
                Some((label, point))
            })
        });
        (size.to_string(), Lead::among(candidates))
    });
    let reprs = if several {
        format!("{} compared", reprs.join(" and "))
    } else {
        cell.slice.repr.clone()
    };
    let at = format!(
        "read ratio {}, {} threads, {reprs}",
        cell.read_ratio, cell.threads
    );
    along("size", at, leads)
}

/// The crossovers of the leaders at each value of an axis, in order.
fn along(
    axis: &'static str,
    at: String,
    leads: impl Iterator<Item = (String, Option<Lead>)>,
) -> AxisCrossovers {
    let steps: Vec<Step> = leads.map(|(at, lead)| Step { at, lead }).collect();
    AxisCrossovers {
        axis,
        at,
        segments: segments(&steps),
    }
}

/// "3 trials per point, 200ms each after 100ms warm-up".
fn describe_sweep(results: &SweepResults) -> String {
    let args = &results.arguments;
    let variant = args
        .variant
        .as_deref()
        .map(|v| format!(" · variant {v}"))
        .unwrap_or_default();
    format!(
        "{} trials per point, {}s each after {}s warm-up · {} keys{variant}",
        args.repeat, args.duration_s, args.warmup_s, args.dist
    )
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cell = Cell::of(&self.resolved);
        writeln!(f, "{} · from a sweep of {}", cell.describe(), self.sweep)?;
        for moved in &self.resolved.moved {
            writeln!(f, "note: {moved}")?;
        }
        writeln!(f, "\nbest: {}", best(&self.best))?;
        if let Some(contract) = self.weaker_contract {
            writeln!(
                f,
                "note: {} {}",
                self.best.label,
                super::lag_caveat(contract)
            )?;
        }
        if !self.failed_there.is_empty() {
            writeln!(
                f,
                "failed there, never recommended: {}",
                self.failed_there.join(", ")
            )?;
        }
        writeln!(f, "\nwhere the best choice changes:")?;
        for axis in &self.along {
            writeln!(
                f,
                "- {} ({}): {}",
                axis.axis,
                axis.at,
                describe(&axis.segments)
            )?;
        }
        Ok(())
    }
}

/// "arc-swap at 12.30M ops/s, 34% ahead of rwlock (9.18M ops/s); trials do not overlap".
fn best(lead: &Lead) -> String {
    let head = format!(
        "{} at {} ops/s (median)",
        lead.label,
        format_count(lead.ops_per_sec)
    );
    let Some((runner_up, ops)) = &lead.runner_up else {
        return format!("{head}, the only strategy measured here");
    };
    let margin = lead
        .margin
        .map_or("ahead".to_owned(), |m| format!("{} ahead", percent(m)));
    let spread = match (lead.trials, lead.trials_apart) {
        (0 | 1, _) => "one trial each, so no spread to compare: sweep with --repeat 3".to_owned(),
        (_, true) => "their trials do not overlap".to_owned(),
        (_, false) => "their trials overlap".to_owned(),
    };
    let noise = if lead.within_noise() {
        format!(
            "; within noise of {runner_up}: repeat, or sweep with more --repeat and --duration, before choosing"
        )
    } else {
        String::new()
    };
    format!(
        "{head}, {margin} of {runner_up} ({} ops/s); {spread}{noise}",
        format_count(*ops)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::Environment;
    use crate::plan::query::tests::query;
    use crate::plan::rank::tests::{failure, result};
    use crate::sweep::{SweepArguments, Trial};

    /// Made-up medians: mutex wins at one thread and at read ratio 0.5;
    /// arc-swap at 0.9 with more threads, on std while the state is small
    /// and on imbl once it is large.
    fn ops(strategy: &str, repr: &str, size: usize, threads: usize, ratio: f64) -> f64 {
        let imbl = repr == "imbl";
        match (strategy, threads, ratio) {
            ("mutex", 1, _) => 50.0,
            (_, 1, _) => 20.0,
            ("mutex", _, r) if r < 0.6 => 20.0 - f64::from(u8::from(imbl)),
            ("mutex", _, _) => 10.0 - f64::from(u8::from(imbl)),
            (_, _, r) if r < 0.6 => 10.0,
            _ if imbl => 25.0,
            _ if size > 1000 => 5.0,
            _ => 30.0,
        }
    }

    fn sweep() -> SweepResults {
        let arguments = SweepArguments {
            scenarios: vec!["routing".into()],
            strategies: vec!["mutex".into(), "arc-swap".into(), "actor".into()],
            reprs: vec!["std".into(), "imbl".into()],
            sizes: vec![64, 10_000],
            threads: vec![1, 4],
            read_ratios: vec![0.5, 0.9],
            repeat: 3,
            duration_s: 0.2,
            warmup_s: 0.1,
            ..crate::sweep::grid::tests::arguments()
        };
        let mut results = SweepResults::new(Environment::capture(), arguments.clone(), Vec::new());
        for point in arguments.points() {
            for trial in 0..3 {
                let p = &point;
                let outcome = if p.strategy == "actor" {
                    failure("actor")
                } else {
                    let median = ops(&p.strategy, &p.repr, p.size, p.threads, p.read_ratio);
                    result(&p.strategy, median * (0.99 + 0.01 * trial as f64), 100)
                };
                results.trials.push(Trial {
                    point: point.clone(),
                    trial,
                    per_thread_ops_per_sec: Vec::new(),
                    result: outcome,
                });
            }
        }
        results
    }

    #[test]
    fn the_best_at_the_point_and_the_crossovers_around_it() {
        let answer = answer(&sweep(), &query(0.9, 4, 64)).unwrap();
        assert_eq!(answer.best.label, "arc-swap");
        assert_eq!(answer.best.runner_up.as_ref().unwrap().0, "mutex");
        assert!((answer.best.margin.unwrap() - 2.0).abs() < 1e-9);
        assert!(answer.best.trials_apart);
        assert_eq!(answer.failed_there, ["actor"]);
        let text = answer.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "routing · std repr · read ratio 0.9 · 4 threads · size 64 · from a sweep of 3 trials per point, 0.2s each after 0.1s warm-up · uniform keys"
        );
        assert!(
            text.contains("best: arc-swap at 30 ops/s (median), 200% ahead of mutex (10 ops/s); their trials do not overlap\n"),
            "{text}"
        );
        assert!(
            text.contains("failed there, never recommended: actor"),
            "{text}"
        );
        assert!(
            text.contains(
                "- read ratio (4 threads, size 64, std): mutex up to 0.5, arc-swap from 0.9\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("- size (read ratio 0.9, 4 threads, std and imbl compared): arc-swap (std) up to 64, arc-swap (imbl) from 10000\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "- threads (read ratio 0.9, size 64, std): mutex up to 1, arc-swap from 4\n"
            ),
            "{text}"
        );
        assert!(!text.contains("note:"), "{text}");
    }

    #[test]
    fn a_lead_under_the_noise_is_called_within_noise() {
        let mut results = sweep();
        let asked = |t: &Trial| {
            let p = &t.point;
            (p.strategy.as_str(), p.repr.as_str(), p.size, p.threads) == ("mutex", "std", 64, 4)
                && p.read_ratio == 0.9
        };
        for trial in results.trials.iter_mut().filter(|t| asked(t)) {
            trial.result.ops_per_sec *= 2.9;
        }
        let text = answer(&results, &query(0.9, 4, 64)).unwrap().to_string();
        assert!(
            text.contains("best: arc-swap at 30 ops/s (median), 3.4% ahead of mutex (29 ops/s); their trials do not overlap; within noise of mutex: repeat, or sweep with more --repeat and --duration, before choosing\n"),
            "{text}"
        );
        assert!(
            text.contains("- threads (read ratio 0.9, size 64, std): mutex up to 1, arc-swap from 4 (within noise)\n"),
            "{text}"
        );
    }

    #[test]
    fn an_unmeasured_point_is_answered_at_the_nearest_and_says_so() {
        let text = answer(&sweep(), &query(0.8, 3, 64)).unwrap().to_string();
        assert!(
            text.contains("note: threads 3 was not measured: using 4, the nearest measured (1 away; measured 1, 4)"),
            "{text}"
        );
        assert!(
            text.contains("note: read ratio 0.8 was not measured: using 0.9"),
            "{text}"
        );
        assert!(text.contains("best: arc-swap"), "{text}");
    }

    #[test]
    fn a_point_where_everything_failed_is_refused() {
        let mut results = sweep();
        results.trials.retain(|t| t.point.strategy == "actor");
        let err = answer(&results, &query(0.9, 4, 64)).unwrap_err();
        assert_eq!(
            err.0,
            "no strategy has a successful trial at routing · std repr · read ratio 0.9 · 4 threads · size 64"
        );
    }

    #[test]
    fn a_best_that_promises_less_than_linearizability_says_so() {
        let text = answer(&sweep(), &query(0.9, 4, 64)).unwrap().to_string();
        assert!(!text.contains("promises only"), "{text}");
        let mut posting = sweep();
        for trial in &mut posting.trials {
            if trial.point.strategy == "arc-swap" {
                trial.point.strategy = "actor-post".into();
                trial.result.strategy = "actor-post".into();
            }
        }
        posting.arguments.strategies[1] = "actor-post".into();
        let text = answer(&posting, &query(0.9, 4, 64)).unwrap().to_string();
        assert!(text.contains("best: actor-post"), "{text}");
        assert!(
            text.contains("note: actor-post promises only prefix consistency"),
            "{text}"
        );
    }
}
