//! Throughput (median ops/s) against read ratio, one chart per thread
//! count, and against threads, one chart per read ratio: a line per strategy.

use super::style::{ChartResult, LineChart, Marker, Series, YScale, strategy_color};
use super::{Chart, ratio_label, threads_label};
use crate::report::format_count;
use crate::sweep::{Slice, Summary};

const Y_DESC: &str = "throughput (operations/s, median, log scale)";

pub fn by_read_ratio(summary: &Summary, slice: &Slice) -> ChartResult<Vec<Chart>> {
    let x_labels: Vec<String> = summary
        .read_ratios
        .iter()
        .map(|&r| ratio_label(r))
        .collect();
    let mut charts = Vec::new();
    for &threads in &summary.threads {
        let series = summary
            .strategies
            .iter()
            .map(|strategy| Series {
                label: strategy.clone(),
                color: strategy_color(strategy),
                marker: Marker::Circle,
                points: summary
                    .read_ratios
                    .iter()
                    .enumerate()
                    .filter_map(|(i, &r)| {
                        Some((i, summary.get(slice, threads, r, strategy)?.ops_per_sec))
                    })
                    .collect(),
            })
            .collect();
        let chart = LineChart {
            title: format!("Throughput by read ratio · {}", threads_label(threads)),
            x_desc: "read ratio (share of operations that read; evenly spaced)".to_owned(),
            y_desc: Y_DESC.to_owned(),
            x_labels: x_labels.clone(),
            y_scale: YScale::Log,
            y_format: format_count,
            series,
        };
        charts.extend(Chart::from_line(
            &chart,
            format!("throughput-by-ratio-{}-t{threads}", slice_id(slice)),
        )?);
    }
    Ok(charts)
}

pub fn by_threads(summary: &Summary, slice: &Slice) -> ChartResult<Vec<Chart>> {
    let x_labels: Vec<String> = summary.threads.iter().map(usize::to_string).collect();
    let mut charts = Vec::new();
    for &ratio in &summary.read_ratios {
        let series = summary
            .strategies
            .iter()
            .map(|strategy| Series {
                label: strategy.clone(),
                color: strategy_color(strategy),
                marker: Marker::Circle,
                points: summary
                    .threads
                    .iter()
                    .enumerate()
                    .filter_map(|(i, &t)| {
                        Some((i, summary.get(slice, t, ratio, strategy)?.ops_per_sec))
                    })
                    .collect(),
            })
            .collect();
        let chart = LineChart {
            title: format!("Throughput by threads · read ratio {}", ratio_label(ratio)),
            x_desc: "worker threads (evenly spaced)".to_owned(),
            y_desc: Y_DESC.to_owned(),
            x_labels: x_labels.clone(),
            y_scale: YScale::Log,
            y_format: format_count,
            series,
        };
        charts.extend(Chart::from_line(
            &chart,
            format!(
                "throughput-by-threads-{}-r{}",
                slice_id(slice),
                ratio_label(ratio)
            ),
        )?);
    }
    Ok(charts)
}

/// A file-name-safe name of a slice.
pub fn slice_id(slice: &Slice) -> String {
    format!("{}-{}-{}", slice.scenario, slice.repr, slice.size)
}
