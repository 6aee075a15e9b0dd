//! What publishing a new version costs as the state grows, per
//! representation.
//!
//! The runner does not time a publish on its own (timing it would put a
//! clock read inside every write), so this chart shows the next best thing,
//! and says so: the median write latency of the strategies whose every
//! write copies (or path-copies) the state and publishes it, at the
//! fewest threads and the most writes measured, where waiting for other
//! writers adds least. A persistent representation should stay flat as the
//! size grows; `std` should grow with it.

use super::style::{ChartResult, LineChart, Marker, Series, YScale, strategy_color};
use super::{Chart, ratio_label, threads_label};
use crate::report::format_nanos;
use crate::sweep::{Slice, Summary};

/// Strategies whose writes build and publish a new snapshot.
pub const SNAPSHOT_STRATEGIES: [&str; 5] =
    ["arc-swap", "actor", "cas-retry", "cas-merge", "staging"];

/// Median write latency of the [`SNAPSHOT_STRATEGIES`] against the size of
/// `scenario`'s state, a line per strategy and representation, at the fewest
/// threads and the lowest read ratio below 1; `None` when there is no such
/// point or nothing to draw.
pub fn cost_by_size(summary: &Summary, scenario: &str) -> ChartResult<Option<Chart>> {
    let Some(&threads) = summary.threads.first() else {
        return Ok(None);
    };
    let Some(&ratio) = summary.read_ratios.iter().find(|&&r| r < 1.0) else {
        return Ok(None);
    };
    let mut sizes: Vec<usize> = summary.slices.iter().map(|s| s.size).collect();
    sizes.sort_unstable();
    sizes.dedup();
    let mut reprs: Vec<&str> = Vec::new();
    for slice in &summary.slices {
        if !reprs.contains(&slice.repr.as_str()) {
            reprs.push(&slice.repr);
        }
    }
    let mut series = Vec::new();
    for strategy in summary
        .strategies
        .iter()
        .filter(|s| SNAPSHOT_STRATEGIES.contains(&s.as_str()))
    {
        for (index, &repr) in reprs.iter().enumerate() {
            let points = sizes
                .iter()
                .enumerate()
                .filter_map(|(i, &size)| {
                    let slice = Slice {
                        scenario: scenario.to_owned(),
                        repr: repr.to_owned(),
                        size,
                    };
                    let point = summary.get(&slice, threads, ratio, strategy)?;
                    Some((i, point.write?.p50))
                })
                .collect();
            series.push(Series {
                label: format!("{strategy} · {repr}"),
                color: strategy_color(strategy),
                marker: Marker::ALL[index % Marker::ALL.len()],
                points,
            });
        }
    }
    let single = if sizes.len() == 1 {
        " (one size measured: pass --sizes for a curve)"
    } else {
        ""
    };
    let chart = LineChart {
        title: format!(
            "Snapshot write latency by size · {} · read ratio {}",
            threads_label(threads),
            ratio_label(ratio)
        ),
        x_desc: format!("size of the state (scenario's unit; evenly spaced){single}"),
        y_desc: "write p50 incl. copy + publish (median, log)".to_owned(),
        x_labels: sizes.iter().map(usize::to_string).collect(),
        y_scale: YScale::Log,
        y_format: |ns| format_nanos(ns.round() as u64),
        series,
    };
    Chart::from_line(&chart, format!("publish-{scenario}"))
}
