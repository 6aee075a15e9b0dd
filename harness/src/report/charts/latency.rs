//! Latency percentiles per strategy: median p50, p99 and p99.9 of sampled
//! reads and writes, as grouped bars on a log scale, one chart per read
//! ratio at one thread count (the one closest to one thread per core, where
//! latency is not dominated by threads waiting for a core).

use plotters::prelude::*;

use super::style::{
    ChartResult, FONT, HEIGHT, LABEL_SIZE, LEGEND_WIDTH, Marker, TITLE_SIZE, WIDTH, category_label,
    draw_legend, failed,
};
use super::throughput::slice_id;
use super::{Chart, ratio_label, threads_label};
use crate::report::format_nanos;
use crate::sweep::{Percentiles, PointSummary, Slice, Summary};

/// Picks one percentile.
type Pick = fn(&Percentiles) -> f64;

/// Bars: (label, colour, which operation, which percentile).
const BARS: [(&str, RGBColor, Kind, Pick); 6] = [
    ("read p50", RGBColor(0x9e, 0xc5, 0xe8), Kind::Read, |p| {
        p.p50
    }),
    ("read p99", RGBColor(0x4e, 0x79, 0xa7), Kind::Read, |p| {
        p.p99
    }),
    ("read p99.9", RGBColor(0x1f, 0x3b, 0x5c), Kind::Read, |p| {
        p.p999
    }),
    ("write p50", RGBColor(0xf8, 0xc4, 0x8f), Kind::Write, |p| {
        p.p50
    }),
    ("write p99", RGBColor(0xf2, 0x8e, 0x2b), Kind::Write, |p| {
        p.p99
    }),
    (
        "write p99.9",
        RGBColor(0x9a, 0x4d, 0x05),
        Kind::Write,
        |p| p.p999,
    ),
];

#[derive(Clone, Copy)]
enum Kind {
    Read,
    Write,
}

/// Share of a category's width the bars take.
const GROUP_WIDTH: f64 = 0.84;

/// One chart of latency percentiles per read ratio of `slice`, at `threads`
/// threads; none for a ratio where nothing was sampled.
pub fn percentiles(summary: &Summary, slice: &Slice, threads: usize) -> ChartResult<Vec<Chart>> {
    let mut charts = Vec::new();
    for &ratio in &summary.read_ratios {
        let points: Vec<Option<&PointSummary>> = summary
            .strategies
            .iter()
            .map(|s| summary.get(slice, threads, ratio, s))
            .collect();
        let title = format!(
            "Latency percentiles · {} · read ratio {}",
            threads_label(threads),
            ratio_label(ratio)
        );
        if let Some(svg) = draw(summary, &points, &title)? {
            charts.push(Chart {
                file: format!(
                    "latency-{}-t{threads}-r{}.svg",
                    slice_id(slice),
                    ratio_label(ratio)
                ),
                title,
                svg,
            });
        }
    }
    Ok(charts)
}

fn value(point: &PointSummary, kind: Kind, pick: Pick) -> Option<f64> {
    let percentiles = match kind {
        Kind::Read => point.read.as_ref(),
        Kind::Write => point.write.as_ref(),
    }?;
    Some(pick(percentiles)).filter(|&ns| ns > 0.0)
}

fn draw(
    summary: &Summary,
    points: &[Option<&PointSummary>],
    title: &str,
) -> ChartResult<Option<String>> {
    let values: Vec<f64> = points
        .iter()
        .flatten()
        .flat_map(|p| {
            BARS.iter()
                .filter_map(|&(_, _, kind, pick)| value(p, kind, pick))
        })
        .collect();
    if values.is_empty() {
        return Ok(None);
    }
    let low = values.iter().copied().fold(f64::INFINITY, f64::min) / 2.0;
    let high = values.iter().copied().fold(0.0, f64::max) * 2.0;
    let labels = &summary.strategies;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let (plot, legend) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&plot)
            .caption(title, (FONT, TITLE_SIZE))
            .margin(12)
            .x_label_area_size(55)
            .y_label_area_size(85)
            .build_cartesian_2d(-0.5..(labels.len() as f64 - 0.5), (low..high).log_scale())
            .map_err(failed)?;
        let format_x = |v: &f64| category_label(labels, *v);
        let format_y = |v: &f64| format_nanos(v.round() as u64);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(labels.len() + 1)
            .x_label_formatter(&format_x)
            .y_label_formatter(&format_y)
            .x_desc("strategy")
            .y_desc("latency of sampled operations (median of trials, log scale)")
            .label_style((FONT, LABEL_SIZE - 1))
            .axis_desc_style((FONT, LABEL_SIZE + 1))
            .light_line_style(RGBColor(0xee, 0xee, 0xee))
            .draw()
            .map_err(failed)?;
        let width = GROUP_WIDTH / BARS.len() as f64;
        for (index, point) in points.iter().enumerate() {
            let Some(point) = point else { continue };
            let left = index as f64 - GROUP_WIDTH / 2.0;
            for (bar, &(_, color, kind, pick)) in BARS.iter().enumerate() {
                let Some(ns) = value(point, kind, pick) else {
                    continue;
                };
                let x0 = left + bar as f64 * width;
                chart
                    .plotting_area()
                    .draw(&Rectangle::new(
                        [(x0, low), (x0 + width * 0.9, ns)],
                        color.filled(),
                    ))
                    .map_err(failed)?;
            }
        }
        let entries: Vec<(String, RGBColor, Marker)> = BARS
            .iter()
            .map(|&(label, color, _, _)| (label.to_owned(), color, Marker::Square))
            .collect();
        draw_legend(&legend, &entries)?;
        root.present().map_err(failed)?;
    }
    Ok(Some(svg))
}
