//! The human-readable rendering: a Markdown-compatible table per run.

use comfy_table::presets::ASCII_MARKDOWN;
use comfy_table::{CellAlignment, Table};

use super::{RunReport, StrategyResult};
use crate::runner::LatencySummary;

const HEADER: [&str; 8] = [
    "strategy",
    "ops/s",
    "ops/s/thread",
    "reads",
    "writes",
    "read p50/p99/p99.9/max",
    "write p50/p99/p99.9/max",
    "counters",
];

/// Renders `report` as, per scenario, a title line, a table, and one line
/// per failure; counted runs (`--ops`) also show each final state.
pub fn to_table(report: &RunReport) -> String {
    let mut scenarios: Vec<&str> = Vec::new();
    for result in &report.results {
        if !scenarios.contains(&result.scenario.as_str()) {
            scenarios.push(&result.scenario);
        }
    }
    let mut out = String::new();
    for scenario in scenarios {
        let results: Vec<&StrategyResult> = report
            .results
            .iter()
            .filter(|r| r.scenario == scenario)
            .collect();
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&scenario_table(report, scenario, &results));
    }
    if report.environment.build_profile != "release" {
        out.push_str("\nnote: debug build; use --release for representative numbers\n");
    }
    out
}

fn scenario_table(report: &RunReport, scenario: &str, results: &[&StrategyResult]) -> String {
    let counted = report.arguments.ops.is_some();
    let mut header = HEADER.to_vec();
    if counted {
        header.push("final state");
    }
    let mut table = Table::new();
    table.load_preset(ASCII_MARKDOWN).set_header(header);
    for result in results {
        let mut cells = row(result);
        if counted {
            cells.push(result.final_state.clone().unwrap_or_default());
        }
        table.add_row(cells);
    }
    for index in 1..=4 {
        if let Some(column) = table.column_mut(index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut out = format!("{}\n\n{table}\n", title(report, scenario));
    let failures: Vec<String> = results
        .iter()
        .filter_map(|r| Some(format!("{} failed: {}", r.strategy, r.error.as_deref()?)))
        .collect();
    if !failures.is_empty() {
        out.push_str(&format!("\n{}\n", failures.join("\n")));
    }
    out
}

fn title(report: &RunReport, scenario: &str) -> String {
    let args = &report.arguments;
    let length = match (args.duration_s, args.ops) {
        (_, Some(ops)) => format!("{ops} ops each"),
        (Some(secs), None) => format!("{secs}s each"),
        (None, None) => String::new(),
    };
    let variant = args.variant_suffix();
    let delay = args
        .write_delay()
        .map(|d| format!(" · {d} write delay"))
        .unwrap_or_default();
    format!(
        "scenario {scenario}{variant} · {} repr · {} threads · read ratio {} · size {} · {} keys{delay} · {length} after {}s warm-up · seed {}",
        args.repr, args.threads, args.read_ratio, args.size, args.dist, args.warmup_s, args.seed
    )
}

fn row(result: &StrategyResult) -> Vec<String> {
    if result.failed() {
        let mut cells = vec![result.strategy.clone(), "FAILED".to_owned()];
        cells.resize(HEADER.len(), "-".to_owned());
        return cells;
    }
    let counters = result
        .counters
        .iter()
        .map(|(name, n)| format!("{name} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    vec![
        result.strategy.clone(),
        format_count(result.ops_per_sec),
        format_count(result.ops_per_sec_per_thread),
        result.reads.to_string(),
        result.writes.to_string(),
        latency_cell(result.latency_ns.read.as_ref()),
        latency_cell(result.latency_ns.write.as_ref()),
        counters,
    ]
}

fn latency_cell(summary: Option<&LatencySummary>) -> String {
    match summary {
        None => "-".to_owned(),
        Some(s) => [s.p50_ns, s.p99_ns, s.p999_ns, s.max_ns]
            .map(format_nanos)
            .join(" / "),
    }
}

/// `1234567.0` → `1.23M`.
pub fn format_count(n: f64) -> String {
    match n {
        n if n >= 1e9 => format!("{:.2}G", n / 1e9),
        n if n >= 1e6 => format!("{:.2}M", n / 1e6),
        n if n >= 1e3 => format!("{:.1}k", n / 1e3),
        n => format!("{n:.0}"),
    }
}

/// `1500` → `1.5µs`, with the unit that keeps the number short.
pub fn format_nanos(ns: u64) -> String {
    match ns {
        ns if ns >= 1_000_000_000 => format!("{:.2}s", ns as f64 / 1e9),
        ns if ns >= 1_000_000 => format!("{:.1}ms", ns as f64 / 1e6),
        ns if ns >= 1_000 => format!("{:.1}µs", ns as f64 / 1e3),
        ns => format!("{ns}ns"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_short_units() {
        assert_eq!(format_count(1_234_567.0), "1.23M");
        assert_eq!(format_count(999.0), "999");
        assert_eq!(format_count(45_600.0), "45.6k");
        assert_eq!(format_nanos(42), "42ns");
        assert_eq!(format_nanos(1_500), "1.5µs");
        assert_eq!(format_nanos(2_500_000), "2.5ms");
    }
}
