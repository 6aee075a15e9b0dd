//! Throughput (median ops/s) against read ratio, one chart per thread
//! count, and against threads, one chart per read ratio: a line per strategy.

use super::style::{ChartResult, LineChart, Marker, Series, YScale, strategy_color};
use super::{Chart, ratio_label, threads_label};
use crate::report::format_count;
use crate::sweep::{PointSummary, Slice, Summary};

const Y_DESC: &str = "throughput (operations/s, median, log scale)";

/// Throughput against read ratio, one chart per thread count.
pub fn by_read_ratio(summary: &Summary, slice: &Slice) -> ChartResult<Vec<Chart>> {
    let x_labels: Vec<String> = summary
        .read_ratios
        .iter()
        .map(|&r| ratio_label(r))
        .collect();
    let mut charts = Vec::new();
    for &threads in &summary.threads {
        let series = lines(summary, |strategy| {
            let at = |&r| summary.get(slice, threads, r, strategy);
            summary.read_ratios.iter().map(at).collect()
        });
        let chart = throughput_chart(
            format!("Throughput by read ratio · {}", threads_label(threads)),
            "read ratio (share of operations that read; evenly spaced)",
            x_labels.clone(),
            series,
        );
        charts.extend(Chart::from_line(
            &chart,
            format!("throughput-by-ratio-{}-t{threads}", slice_id(slice)),
        )?);
    }
    Ok(charts)
}

/// Throughput against threads, one chart per read ratio.
pub fn by_threads(summary: &Summary, slice: &Slice) -> ChartResult<Vec<Chart>> {
    let x_labels: Vec<String> = summary.threads.iter().map(usize::to_string).collect();
    let mut charts = Vec::new();
    for &ratio in &summary.read_ratios {
        let series = lines(summary, |strategy| {
            let at = |&t| summary.get(slice, t, ratio, strategy);
            summary.threads.iter().map(at).collect()
        });
        let chart = throughput_chart(
            format!("Throughput by threads · read ratio {}", ratio_label(ratio)),
            "worker threads (evenly spaced)",
            x_labels.clone(),
            series,
        );
        let id = format!(
            "throughput-by-threads-{}-r{}",
            slice_id(slice),
            ratio_label(ratio)
        );
        charts.extend(Chart::from_line(&chart, id)?);
    }
    Ok(charts)
}

/// A line per strategy through the median throughput of each point
/// `points(strategy)` gives (in x order; a missing point leaves a gap).
fn lines<'a>(
    summary: &'a Summary,
    points: impl Fn(&str) -> Vec<Option<&'a PointSummary>>,
) -> Vec<Series> {
    summary
        .strategies
        .iter()
        .map(|strategy| Series {
            label: strategy.clone(),
            color: strategy_color(strategy),
            marker: Marker::Circle,
            points: points(strategy)
                .into_iter()
                .enumerate()
                .filter_map(|(i, point)| Some((i, point?.ops_per_sec)))
                .collect(),
        })
        .collect()
}

fn throughput_chart(
    title: String,
    x_desc: &str,
    x_labels: Vec<String>,
    series: Vec<Series>,
) -> LineChart {
    LineChart {
        title,
        x_desc: x_desc.to_owned(),
        y_desc: Y_DESC.to_owned(),
        x_labels,
        y_scale: YScale::Log,
        y_format: format_count,
        series,
    }
}

/// A file-name-safe name of a slice.
pub fn slice_id(slice: &Slice) -> String {
    format!("{}-{}-{}", slice.scenario, slice.repr, slice.size)
}
