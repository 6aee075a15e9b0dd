//! A sweep's charts, as SVG drawn by plotters from the medians in
//! [`crate::sweep::Summary`]: one file per kind of chart, sharing the style
//! in `style`.
//!
//! SVG because it needs no fonts or C libraries here (the SVG backend
//! writes text as `<text>` and the browser lays it out), stays sharp at any
//! zoom, and can be embedded in the page as it is.

mod latency;
mod optimistic;
mod publish;
mod style;
mod throughput;
mod winners;

use crate::sweep::{Slice, Summary, SweepResults};

pub use self::publish::SNAPSHOT_STRATEGIES;
use self::style::{ChartResult, LineChart};

/// One chart: its file name under `charts/`, a title and the SVG.
#[derive(Clone, Debug)]
pub struct Chart {
    /// The file name under `charts/`, e.g. `throughput-by-threads-….svg`.
    pub file: String,
    /// The chart's title, as drawn in it.
    pub title: String,
    /// The whole SVG document.
    pub svg: String,
}

impl Chart {
    fn from_line(chart: &LineChart, id: String) -> ChartResult<Option<Chart>> {
        Ok(chart.render()?.map(|svg| Chart {
            file: format!("{id}.svg"),
            title: chart.title.clone(),
            svg,
        }))
    }
}

/// Charts under one heading of the page.
#[derive(Clone, Debug)]
pub struct Section {
    /// The section's heading, e.g. `config · std · size 64: latency`.
    pub heading: String,
    /// What the charts show and how to read them.
    pub note: String,
    /// The section's charts, never empty.
    pub charts: Vec<Chart>,
}

/// Every chart of a sweep, grouped as the page shows them.
pub fn sweep_charts(results: &SweepResults, summary: &Summary) -> Result<Vec<Section>, String> {
    let mut sections = Vec::new();
    for slice in &summary.slices {
        sections.extend(slice_sections(results, summary, slice)?);
    }
    for scenario in &results.arguments.scenarios {
        if let Some(chart) = publish::cost_by_size(summary, scenario)? {
            sections.push(Section {
                heading: format!("{scenario}: publish cost by size"),
                note: "Median write latency of the strategies that publish a new snapshot on every write \
                       (arc-swap, actor, cas-retry, cas-merge, staging). The runner does not time publishing \
                       alone, so this is the whole write: copy (or path-copy) the state, apply, publish."
                    .to_owned(),
                charts: vec![chart],
            });
        }
    }
    Ok(sections)
}

fn slice_sections(
    results: &SweepResults,
    summary: &Summary,
    slice: &Slice,
) -> Result<Vec<Section>, String> {
    let name = format!("{} · {} · size {}", slice.scenario, slice.repr, slice.size);
    let mut sections = Vec::new();
    let mut push = |heading: &str, note: &str, charts: Vec<Chart>| {
        if !charts.is_empty() {
            sections.push(Section {
                heading: format!("{name}: {heading}"),
                note: note.to_owned(),
                charts,
            });
        }
    };
    push(
        "winner map",
        "Each cell names the strategy with the highest median throughput at that read ratio and \
         thread count, and how much faster it was than the next one.",
        winners::winner_map(summary, slice)?.into_iter().collect(),
    );
    push(
        "throughput by read ratio",
        "One chart per thread count, one line per strategy.",
        throughput::by_read_ratio(summary, slice)?,
    );
    push(
        "throughput by threads",
        "One chart per read ratio. Threads beyond the machine's cores share them.",
        throughput::by_threads(summary, slice)?,
    );
    let threads = latency_threads(summary, results.environment.logical_cores);
    push(
        "latency",
        "Sampled operations: the first of each block of about 20 µs of work is timed, so each \
         sample includes one clock read (about 20–30 ns here, which is why no bar is shorter). \
         Medians over trials of each percentile.",
        latency::percentiles(summary, slice, threads)?,
    );
    push(
        "optimistic collisions",
        "Strategies that count optimistic events: a retry recomputes a write that lost a race; \
         cas-merge's conflicts are races it could not merge, merges the ones it could.",
        optimistic::collisions_by_write_ratio(summary, slice)?
            .into_iter()
            .collect(),
    );
    Ok(sections)
}

/// The most threads measured that do not exceed the cores, else the fewest.
fn latency_threads(summary: &Summary, cores: usize) -> usize {
    summary
        .threads
        .iter()
        .copied()
        .filter(|&t| t <= cores)
        .max()
        .or_else(|| summary.threads.first().copied())
        .unwrap_or(1)
}

/// A strategy's chart colour as CSS, for the page's tables.
pub fn strategy_css_color(strategy: &str) -> String {
    let color = style::strategy_color(strategy);
    format!("#{:02x}{:02x}{:02x}", color.0, color.1, color.2)
}

/// `1 thread`, `4 threads`.
pub fn threads_label(threads: usize) -> String {
    if threads == 1 {
        "1 thread".to_owned()
    } else {
        format!("{threads} threads")
    }
}

/// `0.9` → `0.9`, `0.010000000000000009` → `0.01`.
pub fn ratio_label(ratio: f64) -> String {
    let text = format!("{ratio:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}
