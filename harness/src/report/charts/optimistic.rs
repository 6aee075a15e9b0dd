//! How often optimistic writes collide: retries, conflicts, merges and
//! aborts per 1 000 completed writes against the share of writes, for
//! the strategies that count them, at the most threads measured (where
//! collisions are most likely).

use super::style::{ChartResult, LineChart, Marker, Series, YScale, strategy_color};
use super::throughput::slice_id;
use super::{Chart, ratio_label, threads_label};
use crate::sweep::{Slice, Summary};

/// The counters drawn, each with its own marker.
const COUNTERS: [(&str, Marker); 4] = [
    ("retries", Marker::Circle),
    ("conflicts", Marker::Triangle),
    ("merges", Marker::Square),
    ("aborts", Marker::Cross),
];

/// Retries, conflicts, merges and aborts per 1 000 writes against the write
/// ratio, at the most threads measured; `None` when no strategy counted any.
pub fn collisions_by_write_ratio(summary: &Summary, slice: &Slice) -> ChartResult<Option<Chart>> {
    let Some(&threads) = summary.threads.last() else {
        return Ok(None);
    };
    // Write ratios ascending: read ratios descending, without the read-only mix.
    let ratios: Vec<f64> = summary
        .read_ratios
        .iter()
        .rev()
        .copied()
        .filter(|&r| r < 1.0)
        .collect();
    let mut series = Vec::new();
    for strategy in &summary.strategies {
        for (counter, marker) in COUNTERS {
            let points: Vec<(usize, f64)> = ratios
                .iter()
                .enumerate()
                .filter_map(|(i, &r)| {
                    let point = summary.get(slice, threads, r, strategy)?;
                    Some((i, *point.counters_per_kilowrite.get(counter)?))
                })
                .collect();
            if !points.is_empty() {
                series.push(Series {
                    label: format!("{strategy} {counter}"),
                    color: strategy_color(strategy),
                    marker,
                    points,
                });
            }
        }
    }
    let chart = LineChart {
        title: format!("Optimistic write collisions · {}", threads_label(threads)),
        x_desc: "write ratio (share of operations that write; evenly spaced)".to_owned(),
        y_desc: "events per 1 000 completed writes (median)".to_owned(),
        x_labels: ratios.iter().map(|&r| ratio_label(1.0 - r)).collect(),
        y_scale: YScale::Linear,
        y_format: |n| format!("{n:.0}"),
        series,
    };
    Chart::from_line(&chart, format!("collisions-{}", slice_id(slice)))
}
