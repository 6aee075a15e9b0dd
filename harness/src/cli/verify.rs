//! `harness verify`: records concurrent runs of each strategy and checks
//! every history against the scenario's own model, holding each strategy
//! to the contract it promises (or to `--consistency`), then says which
//! contracts every run kept, how stale reads were, and whether the
//! strategy's reads wait for a slow writer.

use std::path::Path;
use std::time::Duration;

use comfy_table::Table;
use comfy_table::presets::ASCII_MARKDOWN;
use scenarios::Workload;

use serde_json::{Value, json};

use super::CliError;
use super::args::{HistoryFormat, MAX_VERIFY_OPS, VerifyArgs};
use crate::catalog::{Catalog, Runnable, ScenarioOptions};
use crate::check::consistency::StalenessSummary;
use crate::check::verify::{VerifyConfig, VerifyReport};
use crate::report::format_nanos;

/// One strategy's outcome over its runs.
struct Outcome {
    strategy: &'static str,
    runs: usize,
    ops: usize,
    elapsed: Duration,
    verified: bool,
    verdict: String,
    details: Option<String>,
    /// The read probe's class and worst read, or its failure.
    reads: String,
    /// The counterexample's page, if there is one.
    page: Option<String>,
    held_to: &'static str,
    kept: String,
    staleness: Option<StalenessSummary>,
}

impl Outcome {
    fn staleness_text(&self) -> String {
        self.staleness
            .map_or("-".to_owned(), |staleness| staleness.to_string())
    }

    fn json(&self) -> Value {
        json!({
            "strategy": self.strategy,
            "runs": self.runs,
            "ops_checked": self.ops,
            "checker_seconds": self.elapsed.as_secs_f64(),
            "held_to": self.held_to,
            "kept": self.kept,
            "verified": self.verified,
            "verdict": self.verdict,
            "staleness": self.staleness,
            "reads": self.reads,
            "details": self.details,
        })
    }
}

pub fn run(args: &VerifyArgs) -> Result<(), CliError> {
    let recorded = args.threads.saturating_mul(args.ops);
    if recorded > MAX_VERIFY_OPS {
        return Err(CliError::BadInput(format!(
            "verify records at most {MAX_VERIFY_OPS} operations a run, each kept in memory: --threads {} x --ops {} is {recorded}",
            args.threads, args.ops
        )));
    }
    if let Some(dir) = &args.html {
        super::page_directory(
            dir,
            "verify writes one page per strategy that fails into it",
        )?;
    }
    let options = ScenarioOptions {
        repr: args.repr.clone(),
        variant: args.variant.clone(),
        write_delay: args.write_delay,
    };
    let bad_input = |err: &dyn std::fmt::Display| CliError::BadInput(err.to_string());
    let scenario = Catalog::builtin()
        .build(&args.scenario, &options)
        .map_err(|err| bad_input(&err))?;
    for strategy in &args.strategy.0 {
        scenario
            .offers(strategy, true)
            .map_err(|err| bad_input(&err))?;
    }
    let config = verify_config(args)?;
    let outcomes = verify_all(scenario.as_ref(), &args.strategy.0, &config);
    match args.format {
        HistoryFormat::Table => print_table(args, &outcomes),
        HistoryFormat::Json => {
            let all: Vec<Value> = outcomes.iter().map(Outcome::json).collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&all).expect("JSON values serialize")
            );
        }
    }
    if let Some(dir) = &args.html {
        write_pages(dir, &outcomes)?;
    }
    let failed: Vec<&str> = outcomes
        .iter()
        .filter(|o| !o.verified)
        .map(|o| o.strategy)
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::Failed(format!(
            "not verified: {}",
            failed.join(", ")
        )))
    }
}

fn print_table(args: &VerifyArgs, outcomes: &[Outcome]) {
    let mut table = Table::new();
    table.load_preset(ASCII_MARKDOWN).set_header([
        "strategy",
        "runs",
        "operations checked",
        "checker time",
        "reads",
        "held to",
        "kept",
        "staleness (writes missed)",
        "verdict",
    ]);
    for o in outcomes {
        table.add_row([
            o.strategy.to_owned(),
            o.runs.to_string(),
            o.ops.to_string(),
            format_nanos(o.elapsed.as_nanos() as u64),
            o.reads.clone(),
            o.held_to.to_owned(),
            o.kept.clone(),
            o.staleness_text(),
            o.verdict.clone(),
        ]);
    }
    let batched = match args.strategy_options.publish_every {
        1 => String::new(),
        n => format!(" · publish every {n}"),
    };
    println!(
        "verify {}{batched} · {} repr · {} threads × {} ops · up to {} runs · size {} · read ratio {} · seed {} · reads timed during one {} write\n\n{table}",
        args.scenario,
        args.repr,
        args.threads,
        args.ops,
        args.runs,
        args.size,
        args.read_ratio,
        args.seed,
        humantime::format_duration(args.probe_delay)
    );
    for o in outcomes.iter().filter(|o| o.details.is_some()) {
        println!(
            "\n{}: {}",
            o.strategy,
            o.details.as_deref().unwrap_or_default()
        );
    }
}

fn write_pages(dir: &Path, outcomes: &[Outcome]) -> Result<(), CliError> {
    for outcome in outcomes {
        let Some(page) = &outcome.page else { continue };
        super::write_page(&dir.join(format!("{}.html", outcome.strategy)), page)?;
    }
    Ok(())
}

/// What `verify` runs for every strategy, from the arguments.
fn verify_config(args: &VerifyArgs) -> Result<VerifyConfig, CliError> {
    let workload = Workload::new(args.read_ratio, scenarios::KeyDist::Uniform)
        .map_err(|err| CliError::BadInput(err.to_string()))?;
    Ok(VerifyConfig {
        threads: args.threads,
        ops_per_thread: args.ops,
        runs: args.runs,
        size: args.size,
        workload,
        seed: args.seed,
        options: args.strategy_options.options(),
        timeout: args.timeout,
        budget: args.budget,
        probe_delay: args.probe_delay,
        consistency: args.consistency,
    })
}

/// Verifies each of `strategies` (offered, as checked) on `scenario`.
fn verify_all(
    scenario: &dyn Runnable,
    strategies: &[&'static str],
    config: &VerifyConfig,
) -> Vec<Outcome> {
    strategies
        .iter()
        .map(|&name| {
            let report = scenario
                .verify(name, config)
                .expect("offers were checked first");
            Outcome::of(name, report)
        })
        .collect()
}

impl Outcome {
    fn of(strategy: &'static str, report: VerifyReport) -> Self {
        Self {
            strategy,
            runs: report.runs,
            ops: report.ops_checked,
            elapsed: report.checker_time,
            verified: report.verified(),
            verdict: report.verdict(),
            details: report.evidence(),
            reads: report.reads(),
            held_to: report.contract.name(),
            kept: report.kept(),
            staleness: report
                .staleness
                .as_ref()
                .map(|staleness| staleness.summary()),
            page: report.page,
        }
    }
}
