//! What every chart shares: sizes, fonts, one colour per strategy (the same
//! in every chart), a legend drawn beside the plot rather than over the
//! data, and the line chart most charts are.
//!
//! Text is drawn by the SVG backend as `<text>` elements, so no font files
//! or system libraries are involved; the browser lays the text out.

use plotters::coord::CoordTranslate;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

use crate::strategy::registry as strategy_registry;

/// Width of every chart, in pixels.
pub const WIDTH: u32 = 1000;
/// Height of every chart, in pixels.
pub const HEIGHT: u32 = 460;
/// Room on the right for the legend.
pub const LEGEND_WIDTH: u32 = 230;
/// Font family of all text.
pub const FONT: &str = "sans-serif";
/// Font size of titles, in pixels.
pub const TITLE_SIZE: u32 = 20;
/// Font size of labels and legends, in pixels.
pub const LABEL_SIZE: u32 = 15;

/// Drawing into a string cannot fail for I/O; anything else is a bug reported as text.
pub type ChartResult<T> = Result<T, String>;

/// A plotters error as the text of a [`ChartResult`].
pub fn failed(err: impl std::fmt::Display) -> String {
    err.to_string()
}

/// Tableau 10: distinguishable, and readable on white.
const PALETTE: [RGBColor; 10] = [
    RGBColor(0x4e, 0x79, 0xa7),
    RGBColor(0xf2, 0x8e, 0x2b),
    RGBColor(0xe1, 0x57, 0x59),
    RGBColor(0x76, 0xb7, 0xb2),
    RGBColor(0x59, 0xa1, 0x4f),
    RGBColor(0xb8, 0x9a, 0x1c),
    RGBColor(0xb0, 0x7a, 0xa1),
    RGBColor(0xff, 0x6f, 0x86),
    RGBColor(0x9c, 0x75, 0x5f),
    RGBColor(0x55, 0x55, 0x55),
];

/// A strategy's colour, by its place in the registry so it is the same in every chart.
pub fn strategy_color(strategy: &str) -> RGBColor {
    let index = strategy_registry::NAMES
        .iter()
        .position(|&name| name == strategy)
        .unwrap_or(0);
    PALETTE[index % PALETTE.len()]
}

/// The shape drawn at each point of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// A filled circle.
    Circle,
    /// A filled triangle.
    Triangle,
    /// A filled square.
    Square,
    /// A diagonal cross.
    Cross,
}

impl Marker {
    /// Every marker, for series told apart by shape.
    pub const ALL: [Marker; 4] = [
        Marker::Circle,
        Marker::Triangle,
        Marker::Square,
        Marker::Cross,
    ];
}

/// One line: a label for the legend and (x index, y) points.
#[derive(Clone, Debug)]
pub struct Series {
    /// The legend's text.
    pub label: String,
    /// The line's and markers' colour.
    pub color: RGBColor,
    /// The shape drawn at each point.
    pub marker: Marker,
    /// Points as (index into the chart's `x_labels`, y value).
    pub points: Vec<(usize, f64)>,
}

/// How the y axis maps values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YScale {
    /// Linear, from 0.
    Linear,
    /// Logarithmic; values at or below 0 are not drawn.
    Log,
}

/// A line chart over a categorical x axis (evenly spaced, labelled by `x_labels`).
pub struct LineChart {
    /// Drawn above the plot.
    pub title: String,
    /// The x axis's description.
    pub x_desc: String,
    /// The y axis's description.
    pub y_desc: String,
    /// One label per category of the x axis, in order.
    pub x_labels: Vec<String>,
    /// How the y axis maps values.
    pub y_scale: YScale,
    /// Formats a y value for the axis's labels.
    pub y_format: fn(f64) -> String,
    /// The lines, drawn in order; their legend lists those with a point.
    pub series: Vec<Series>,
}

impl LineChart {
    /// The SVG, or `None` when no series has a point.
    pub fn render(&self) -> ChartResult<Option<String>> {
        let values: Vec<f64> = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|&(_, y)| y))
            .filter(|y| y.is_finite() && (self.y_scale == YScale::Linear || *y > 0.0))
            .collect();
        if values.is_empty() {
            return Ok(None);
        }
        let low = values.iter().copied().fold(f64::INFINITY, f64::min);
        let high = values.iter().copied().fold(0.0, f64::max);
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
            root.fill(&WHITE).map_err(failed)?;
            let (plot, legend) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
            let x = -0.5..(self.x_labels.len() as f64 - 0.5);
            match self.y_scale {
                YScale::Log => self.draw(&plot, x, (low / 1.5..high * 1.5).log_scale())?,
                YScale::Linear => self.draw(&plot, x, 0.0..(high * 1.15).max(1.0))?,
            }
            let entries: Vec<(String, RGBColor, Marker)> = self
                .series
                .iter()
                .filter(|s| !s.points.is_empty())
                .map(|s| (s.label.clone(), s.color, s.marker))
                .collect();
            draw_legend(&legend, &entries)?;
            root.present().map_err(failed)?;
        }
        Ok(Some(svg))
    }

    fn draw<Y>(
        &self,
        area: &DrawingArea<SVGBackend, plotters::coord::Shift>,
        x: std::ops::Range<f64>,
        y: Y,
    ) -> ChartResult<()>
    where
        Y: AsRangedCoord<Value = f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let mut chart = ChartBuilder::on(area)
            .caption(&self.title, (FONT, TITLE_SIZE))
            .margin(12)
            .x_label_area_size(55)
            .y_label_area_size(85)
            .build_cartesian_2d(x, y)
            .map_err(failed)?;
        let labels = &self.x_labels;
        let format_x = |v: &f64| category_label(labels, *v);
        let format_y = |v: &f64| (self.y_format)(*v);
        chart
            .configure_mesh()
            .x_labels(labels.len() + 1)
            .x_label_formatter(&format_x)
            .y_label_formatter(&format_y)
            .x_desc(self.x_desc.as_str())
            .y_desc(self.y_desc.as_str())
            .label_style((FONT, LABEL_SIZE))
            .axis_desc_style((FONT, LABEL_SIZE + 1))
            .light_line_style(RGBColor(0xee, 0xee, 0xee))
            .draw()
            .map_err(failed)?;
        for series in &self.series {
            let points: Vec<(f64, f64)> = series
                .points
                .iter()
                .filter(|(_, y)| y.is_finite() && (self.y_scale == YScale::Linear || *y > 0.0))
                .map(|&(i, y)| (i as f64, y))
                .collect();
            let style = series.color.stroke_width(2);
            chart
                .draw_series(LineSeries::new(points.iter().copied(), style))
                .map_err(failed)?;
            for &point in &points {
                draw_marker(chart.plotting_area(), point, series.marker, series.color)?;
            }
        }
        Ok(())
    }
}

/// The label of the category at `value` when it falls on one, else nothing.
pub fn category_label(labels: &[String], value: f64) -> String {
    let index = value.round();
    if (value - index).abs() > 1e-6 || index < 0.0 {
        return String::new();
    }
    labels.get(index as usize).cloned().unwrap_or_default()
}

/// Draws `marker` centred on `at`, in `area`'s coordinates.
fn draw_marker<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    at: CT::From,
    marker: Marker,
    color: RGBColor,
) -> ChartResult<()>
where
    CT::From: Clone + 'static,
{
    let drawn = match marker {
        Marker::Circle => area.draw(&Circle::new(at, 4, color.filled())),
        Marker::Triangle => area.draw(&TriangleMarker::new(at, 6, color.filled())),
        Marker::Square => {
            area.draw(&(EmptyElement::at(at) + Rectangle::new([(-4, -4), (4, 4)], color.filled())))
        }
        Marker::Cross => area.draw(&Cross::new(at, 5, color.stroke_width(2))),
    };
    drawn.map_err(failed)
}

/// Entries one under another, each a short line with its marker and its label.
pub fn draw_legend(
    area: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    entries: &[(String, RGBColor, Marker)],
) -> ChartResult<()> {
    let top = 50;
    let step = 24;
    for (index, (label, color, marker)) in entries.iter().enumerate() {
        let y = top + step * index as i32;
        area.draw(&PathElement::new(
            vec![(8, y), (38, y)],
            color.stroke_width(2),
        ))
        .map_err(failed)?;
        draw_marker(area, (23, y), *marker, *color)?;
        let style = TextStyle::from((FONT, LABEL_SIZE).into_font()).pos(
            plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Center,
            ),
        );
        area.draw(&Text::new(label.clone(), (46, y), style))
            .map_err(failed)?;
    }
    Ok(())
}
