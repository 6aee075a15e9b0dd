//! The winner map: for each read ratio × thread count cell, the strategy
//! with the highest median throughput, coloured by strategy and labelled
//! with its lead over the runner-up.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{
    ChartResult, FONT, HEIGHT, LABEL_SIZE, LEGEND_WIDTH, Marker, TITLE_SIZE, WIDTH, category_label,
    draw_legend, failed, strategy_color,
};
use super::throughput::slice_id;
use super::{Chart, ratio_label};
use crate::sweep::{Slice, Summary, Winner};

/// The winner map of `slice`; `None` when no cell has a winner.
pub fn winner_map(summary: &Summary, slice: &Slice) -> ChartResult<Option<Chart>> {
    let cells = cells(summary, slice);
    if cells.is_empty() {
        return Ok(None);
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let (plot, legend) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
        let x_labels: Vec<String> = summary.threads.iter().map(usize::to_string).collect();
        let y_labels: Vec<String> = summary
            .read_ratios
            .iter()
            .map(|&r| ratio_label(r))
            .collect();
        let mut chart = ChartBuilder::on(&plot)
            .caption(
                "Fastest strategy per cell (+ lead over the runner-up)",
                (FONT, TITLE_SIZE),
            )
            .margin(12)
            .x_label_area_size(55)
            .y_label_area_size(85)
            .build_cartesian_2d(
                -0.5..(x_labels.len() as f64 - 0.5),
                -0.5..(y_labels.len() as f64 - 0.5),
            )
            .map_err(failed)?;
        let format_x = |v: &f64| category_label(&x_labels, *v);
        let format_y = |v: &f64| category_label(&y_labels, *v);
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(x_labels.len() + 1)
            .y_labels(y_labels.len() + 1)
            .x_label_formatter(&format_x)
            .y_label_formatter(&format_y)
            .x_desc("worker threads")
            .y_desc("read ratio (share of reads)")
            .label_style((FONT, LABEL_SIZE))
            .axis_desc_style((FONT, LABEL_SIZE + 1))
            .draw()
            .map_err(failed)?;
        let area = chart.plotting_area();
        for (x, y, winner) in &cells {
            let (x, y) = (*x as f64, *y as f64);
            let color = strategy_color(&winner.strategy);
            area.draw(&Rectangle::new(
                [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                color.mix(0.3).filled(),
            ))
            .map_err(failed)?;
            area.draw(&Rectangle::new(
                [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                WHITE.stroke_width(2),
            ))
            .map_err(failed)?;
            let center = Pos::new(HPos::Center, VPos::Center);
            let name = TextStyle::from((FONT, LABEL_SIZE).into_font()).pos(center);
            let small = TextStyle::from((FONT, LABEL_SIZE - 3).into_font()).pos(center);
            let overlap = if winner.clear { "" } else { "(trials overlap)" };
            let label = EmptyElement::at((x, y))
                + Text::new(winner.strategy.clone(), (0, -14), name)
                + Text::new(lead(winner), (0, 4), small.clone())
                + Text::new(overlap, (0, 19), small);
            area.draw(&label).map_err(failed)?;
        }
        let winners = legend_entries(summary, &cells);
        draw_legend(&legend, &winners)?;
        root.present().map_err(failed)?;
    }
    Ok(Some(Chart {
        file: format!("winners-{}.svg", slice_id(slice)),
        title: "Winner map".to_owned(),
        svg,
    }))
}

/// (threads index, ratio index, winner) of every cell with a measurement.
fn cells(summary: &Summary, slice: &Slice) -> Vec<(usize, usize, Winner)> {
    let mut cells = Vec::new();
    for (x, &threads) in summary.threads.iter().enumerate() {
        for (y, &ratio) in summary.read_ratios.iter().enumerate() {
            if let Some(winner) = summary.winner(slice, threads, ratio) {
                cells.push((x, y, winner));
            }
        }
    }
    cells
}

/// The winner's lead over the runner-up, e.g. `+23% vs rwlock`.
fn lead(winner: &Winner) -> String {
    match (&winner.margin, &winner.runner_up) {
        (Some(margin), Some(second)) => format!("+{:.0}% vs {second}", margin * 100.0),
        _ => "only one measured".to_owned(),
    }
}

fn legend_entries(
    summary: &Summary,
    cells: &[(usize, usize, Winner)],
) -> Vec<(String, RGBColor, Marker)> {
    summary
        .strategies
        .iter()
        .filter(|s| cells.iter().any(|(_, _, w)| &w.strategy == *s))
        .map(|s| (s.clone(), strategy_color(s), Marker::Square))
        .collect()
}
