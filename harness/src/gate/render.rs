//! The gate's Markdown table and summary line.

use comfy_table::presets::ASCII_MARKDOWN;
use comfy_table::{CellAlignment, Table};

use super::outcome::{Counts, GateOutcome};
use super::suite::Suite;
use super::trials::PointTrials;
use crate::report::format_count;

/// One row per figure (figure, the side compared with, current, change,
/// interval, verdict), then the points not compared, then the summary.
pub fn to_markdown(outcome: &GateOutcome) -> String {
    let mut table = Table::new();
    let interval = format!("{:.0}% interval", outcome.confidence * 100.0);
    let paired = outcome.compared_with.is_paired();
    let (before, after) = if paired {
        ("against (ops/cpu-s)", "current (ops/cpu-s)")
    } else {
        ("baseline", "current")
    };
    table.load_preset(ASCII_MARKDOWN).set_header([
        "figure",
        before,
        after,
        "change",
        interval.as_str(),
        "verdict",
    ]);
    let value = |v: f64| {
        if paired {
            format_count(v)
        } else {
            format!("{v:.4}")
        }
    };
    for figure in &outcome.figures {
        let j = &figure.judgement;
        table.add_row([
            figure.id.clone(),
            value(j.baseline_median),
            value(j.current_median),
            percent(j.change),
            format!(
                "{} .. {}",
                percent(j.interval.low),
                percent(j.interval.high)
            ),
            j.verdict.as_str().to_owned(),
        ]);
    }
    align_numbers(&mut table, 1..=4);
    let skipped: String = outcome
        .skipped
        .iter()
        .map(|s| format!("not compared: {} ({})\n", s.id, s.why))
        .collect();
    let skipped = if skipped.is_empty() {
        skipped
    } else {
        format!("\n{skipped}")
    };
    format!("{table}\n{skipped}\n{}\n", summary(outcome))
}

/// `gate PASS: 30 figures: 29 pass, 1 unclear, …` in one line.
pub fn summary(outcome: &GateOutcome) -> String {
    let Counts {
        pass,
        improved,
        unclear,
        regression,
    } = outcome.counts;
    let verdict = if outcome.passed() { "PASS" } else { "FAIL" };
    let how = if outcome.compared_with.is_paired() {
        "A/B, paired rounds"
    } else {
        "stored figures"
    };
    format!(
        "gate {verdict}: suite {} against {} ({how}), {} figures: {pass} pass, {improved} improved, {unclear} unclear, {regression} regressed (fails when the whole {:.0}% interval of the median's change is below -{})",
        outcome.suite,
        outcome.compared_with.describe(),
        outcome.figures.len(),
        outcome.confidence * 100.0,
        percent_abs(outcome.threshold),
    )
}

/// The recorded medians of a new baseline, one row per figure.
pub fn baseline_table(suite: &Suite, figures: &[PointTrials]) -> String {
    let mut table = Table::new();
    table.load_preset(ASCII_MARKDOWN).set_header([
        "figure",
        "median",
        "trials",
        "spread (max/min)",
    ]);
    for figure in figures {
        let values: Vec<f64> = figure.trials.iter().map(|t| t.normalized).collect();
        let median = crate::stats::median(values.iter().copied());
        let (min, max) = values
            .iter()
            .fold((f64::INFINITY, 0.0_f64), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        table.add_row([
            figure.point.id(),
            format!("{median:.4}"),
            values.len().to_string(),
            format!("{:.2}", max / min),
        ]);
    }
    align_numbers(&mut table, 1..=3);
    format!(
        "baseline · suite {} · {} figures · each figure is the strategy's ops/s over the unshared model's\n\n{table}\n",
        suite.name,
        figures.len()
    )
}

fn align_numbers(table: &mut Table, columns: std::ops::RangeInclusive<usize>) {
    for index in columns {
        if let Some(column) = table.column_mut(index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// `-0.253` → `-25.3%`, `0.05` → `+5.0%`.
fn percent(change: f64) -> String {
    format!("{:+.1}%", change * 100.0)
}

fn percent_abs(fraction: f64) -> String {
    format!("{}%", fraction * 100.0)
}
