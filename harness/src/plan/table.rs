//! The ranked table and its recommendation as text, under a run's table.

use comfy_table::presets::ASCII_MARKDOWN;
use comfy_table::{CellAlignment, Table};

use super::rank::{Ranked, Tail};
use super::recommend::percent;
use super::run_plan::Plan;
use crate::report::{format_count, format_nanos};

const HEADER: [&str; 10] = [
    "#",
    "strategy",
    "ops/s",
    "ops/s/thread",
    "vs #1",
    "read p99",
    "read p99.9",
    "write p99",
    "write p99.9",
    "reads",
];

/// Each plan as a title, the ranked table and the recommendation.
pub fn plans_to_table(plans: &[Plan]) -> String {
    plans.iter().map(plan_to_table).collect()
}

fn plan_to_table(plan: &Plan) -> String {
    let mut table = Table::new();
    table.load_preset(ASCII_MARKDOWN).set_header(HEADER);
    let best = plan.ranking.first().filter(|r| !r.failed());
    for ranked in &plan.ranking {
        table.add_row(row(ranked, best.map(|b| b.ops_per_sec)));
    }
    for index in [0, 2, 3, 4, 5, 6, 7, 8] {
        if let Some(column) = table.column_mut(index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    format!(
        "\nranking · scenario {} · fastest first · reads: do they wait for a slow write (verify's read probe)\n\n{table}\n\n{}\n",
        plan.scenario, plan.recommendation
    )
}

fn row(ranked: &Ranked, best: Option<f64>) -> Vec<String> {
    let name = ranked.strategy.clone();
    if ranked.failed() {
        let mut cells = vec!["-".to_owned(), name, "FAILED".to_owned()];
        cells.resize(HEADER.len(), "-".to_owned());
        return cells;
    }
    let (read_p99, read_p999) = tail(ranked.read);
    let (write_p99, write_p999) = tail(ranked.write);
    vec![
        ranked.rank.map_or("-".to_owned(), |r| r.to_string()),
        name,
        format_count(ranked.ops_per_sec),
        format_count(ranked.ops_per_sec_per_thread),
        behind(ranked, best),
        read_p99,
        read_p999,
        write_p99,
        write_p999,
        ranked.blocking.to_string(),
    ]
}

/// `-12%` behind the first; blank for the first itself.
fn behind(ranked: &Ranked, best: Option<f64>) -> String {
    match best {
        Some(best) if ranked.rank != Some(1) && best > 0.0 => {
            format!("-{}", percent(1.0 - ranked.ops_per_sec / best))
        }
        _ => String::new(),
    }
}

fn tail(tail: Option<Tail>) -> (String, String) {
    match tail {
        Some(t) => (format_nanos(t.p99_ns), format_nanos(t.p999_ns)),
        None => ("-".to_owned(), "-".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use super::*;
    use crate::plan::rank::rank;
    use crate::plan::rank::tests::{failure, result};
    use crate::plan::{Blocking, BlockingClass};

    #[test]
    fn the_table_ranks_shows_the_class_and_puts_failures_last() {
        let results = [
            failure("actor"),
            result("mutex", 10e6, 900),
            result("arc-swap", 40e6, 300),
        ];
        let ms = Duration::from_millis;
        let blocking = BTreeMap::from([
            (
                "mutex".to_owned(),
                Blocking::measured(BlockingClass::Wait, Some(ms(199)), ms(200)),
            ),
            (
                "arc-swap".to_owned(),
                Blocking::measured(
                    BlockingClass::NeverWait,
                    Some(Duration::from_micros(3)),
                    ms(200),
                ),
            ),
        ]);
        let plan = Plan {
            scenario: "routing".into(),
            ranking: rank(&results.iter().collect::<Vec<_>>(), &blocking),
            recommendation: "Use arc-swap.".into(),
        };
        let text = plans_to_table(&[plan]);
        let rows: Vec<Vec<&str>> = text
            .lines()
            .filter(|l| l.starts_with("| "))
            .skip(1)
            .map(|l| l.trim_matches('|').split('|').map(str::trim).collect())
            .collect();
        assert_eq!(
            rows,
            [
                vec![
                    "1",
                    "arc-swap",
                    "40.00M",
                    "20.00M",
                    "",
                    "150ns",
                    "300ns",
                    "1.5µs",
                    "3.0µs",
                    "never wait (worst 3.0µs)"
                ],
                vec![
                    "2",
                    "mutex",
                    "10.00M",
                    "5.00M",
                    "-75%",
                    "450ns",
                    "900ns",
                    "4.5µs",
                    "9.0µs",
                    "wait (worst 199.0ms)"
                ],
                vec!["-", "actor", "FAILED", "-", "-", "-", "-", "-", "-", "-"],
            ],
            "{text}"
        );
        assert!(text.trim_end().ends_with("Use arc-swap."), "{text}");
    }
}
