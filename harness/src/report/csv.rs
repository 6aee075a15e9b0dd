//! The spreadsheet rendering: one row per strategy, flat columns.

use super::{RunReport, StrategyResult};
use crate::runner::LatencySummary;

const FIXED: [&str; 11] = [
    "scenario",
    "strategy",
    "status",
    "threads",
    "read_ratio",
    "size",
    "elapsed_s",
    "ops",
    "reads",
    "writes",
    "ops_per_sec",
];
const LATENCY: [&str; 4] = ["p50_ns", "p99_ns", "p999_ns", "max_ns"];

/// Renders `report` as CSV with a header; counters become `counter_NAME` columns.
pub fn to_csv(report: &RunReport) -> String {
    let counter_names: std::collections::BTreeSet<&str> = report
        .results
        .iter()
        .flat_map(|r| r.counters.keys().map(String::as_str))
        .collect();
    let mut header: Vec<String> = FIXED.iter().map(|&s| s.to_owned()).collect();
    header.push("ops_per_sec_per_thread".to_owned());
    for kind in ["read", "write"] {
        header.extend(LATENCY.iter().map(|column| format!("{kind}_{column}")));
    }
    header.extend(counter_names.iter().map(|name| format!("counter_{name}")));
    header.extend(["repr", "final_state", "error"].map(str::to_owned));

    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).expect("writing to memory");
    for result in &report.results {
        writer
            .write_record(record(report, result, &counter_names))
            .expect("writing to memory");
    }
    String::from_utf8(writer.into_inner().expect("writing to memory")).expect("CSV of UTF-8 text")
}

fn record(
    report: &RunReport,
    result: &StrategyResult,
    counter_names: &std::collections::BTreeSet<&str>,
) -> Vec<String> {
    let args = &report.arguments;
    let mut fields = vec![
        result.scenario.clone(),
        result.strategy.clone(),
        result.status.clone(),
        args.threads.to_string(),
        args.read_ratio.to_string(),
        args.size.to_string(),
        result.elapsed_s.to_string(),
        result.ops.to_string(),
        result.reads.to_string(),
        result.writes.to_string(),
        result.ops_per_sec.to_string(),
        result.ops_per_sec_per_thread.to_string(),
    ];
    for summary in [&result.latency_ns.read, &result.latency_ns.write] {
        fields.extend(latency_fields(summary.as_ref()));
    }
    fields.extend(counter_names.iter().map(|&name| {
        result
            .counters
            .get(name)
            .map_or(String::new(), u64::to_string)
    }));
    fields.push(args.repr.clone());
    fields.push(result.final_state.clone().unwrap_or_default());
    fields.push(result.error.clone().unwrap_or_default());
    fields
}

fn latency_fields(summary: Option<&LatencySummary>) -> [String; 4] {
    match summary {
        None => Default::default(),
        Some(s) => [s.p50_ns, s.p99_ns, s.p999_ns, s.max_ns].map(|ns| ns.to_string()),
    }
}
