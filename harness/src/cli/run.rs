//! `harness run`: every selected strategy on one scenario, one after another,
//! each followed by the verifier's read probe; then the results table and,
//! per scenario, the strategies ranked with a recommendation
//! ([`crate::plan`]).

use std::io::IsTerminal;
use std::time::Duration;

use scenarios::Workload;
use serde::Serialize;

use super::{CliError, Format, RunArgs};
use crate::catalog::builtin::{self as scenario_registry, ScenarioOptions};
use crate::catalog::{Catalog, Runnable};
use crate::check::blocking::ProbeConfig;
use crate::environment::Environment;
use crate::plan::{self, BlockingByScenario, Plan};
use crate::report::{self, RunArguments, RunReport, SCHEMA_VERSION, StrategyResult};
use crate::runner::{RunConfig, Sampling, StopAfter};

const DEFAULT_DURATION: Duration = Duration::from_secs(2);

pub fn run(args: &RunArgs, command_line: Vec<String>) -> Result<(), CliError> {
    check_destination(args)?;
    let config = run_config(args)?;
    let scenarios = scenario_names(args)?;
    let options = scenario_options(args);
    let catalog = Catalog::builtin();
    let scenarios = scenarios
        .iter()
        .map(|name| catalog.build(name, &options))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| CliError::BadInput(err.to_string()))?;
    for scenario in &scenarios {
        for strategy in &args.strategy.0 {
            scenario
                .offers(strategy, false)
                .map_err(|err| CliError::BadInput(err.to_string()))?;
        }
    }
    let progress = Progress {
        enabled: std::io::stderr().is_terminal(),
        total: scenarios.len() * args.strategy.0.len(),
        done: 0,
    };
    let mut runs = RunStrategies {
        strategies: &args.strategy.0,
        config: &config,
        probe: probe_config(args, &config),
        progress,
        results: Vec::new(),
        blocking: BlockingByScenario::new(),
    };
    for scenario in &scenarios {
        runs.run_all(scenario.as_ref());
    }
    let (results, blocking) = (runs.results, runs.blocking);

    let report = RunReport {
        schema_version: SCHEMA_VERSION,
        environment: Environment::capture(),
        arguments: arguments(args, &config),
        command_line,
        results,
    };
    let plans = plan::plans(&report, &blocking);
    emit(args, &report, &plans)?;
    let failed: Vec<&str> = report
        .results
        .iter()
        .filter(|r| r.failed())
        .map(|r| r.strategy.as_str())
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::Failed(format!(
            "{} of {} strategies failed: {}",
            failed.len(),
            report.results.len(),
            failed.join(", ")
        )))
    }
}

fn scenario_names(args: &RunArgs) -> Result<Vec<&'static str>, CliError> {
    if args.scenario != "all" {
        let name = scenario_registry::NAMES
            .iter()
            .find(|&&name| name == args.scenario)
            .expect("validated while parsing");
        return Ok(vec![name]);
    }
    if args.variant.is_some() {
        return Err(CliError::BadInput(
            "--variant needs one --scenario, not all: variants differ between scenarios".into(),
        ));
    }
    Ok(scenario_registry::NAMES.to_vec())
}

fn scenario_options(args: &RunArgs) -> ScenarioOptions {
    ScenarioOptions {
        repr: args.repr.clone(),
        variant: args.variant.clone(),
        write_delay: args.write_delay,
    }
}

/// Refuses an `--out` that cannot be written before spending time on a run.
fn check_destination(args: &RunArgs) -> Result<(), CliError> {
    match &args.out {
        Some(out) => report::check_destination(out).map_err(CliError::BadInput),
        None => Ok(()),
    }
}

fn run_config(args: &RunArgs) -> Result<RunConfig, CliError> {
    let workload = Workload::new(args.read_ratio, args.dist)
        .map_err(|err| CliError::BadInput(err.to_string()))?;
    let stop = match (args.ops, args.duration) {
        (Some(ops), _) => StopAfter::Ops(ops),
        (None, duration) => StopAfter::Elapsed(duration.unwrap_or(DEFAULT_DURATION)),
    };
    Ok(RunConfig {
        threads: args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)),
        size: args.size,
        workload,
        stop,
        warmup: args.warmup,
        seed: args.seed,
        sampling: Sampling::Adaptive,
        options: args.strategy_options.options(),
    })
}

/// The read probe, unless `--probe-delay 0s` or CSV (which has no ranking) skips it.
fn probe_config(args: &RunArgs, config: &RunConfig) -> Option<ProbeConfig> {
    (!args.probe_delay.is_zero() && args.format != Format::Csv).then(|| ProbeConfig {
        delay: args.probe_delay,
        size: config.size,
        seed: config.seed,
        options: config.options.clone(),
        ..ProbeConfig::default()
    })
}

fn arguments(args: &RunArgs, config: &RunConfig) -> RunArguments {
    let (duration_s, ops) = match config.stop {
        StopAfter::Elapsed(duration) => (Some(duration.as_secs_f64()), None),
        StopAfter::Ops(ops) => (None, Some(ops)),
    };
    RunArguments {
        scenario: args.scenario.clone(),
        repr: args.repr.clone(),
        variant: args.variant.clone(),
        write_delay_s: args.write_delay.as_secs_f64(),
        strategies: args.strategy.0.iter().map(|&s| s.to_owned()).collect(),
        threads: config.threads,
        read_ratio: args.read_ratio,
        size: args.size,
        dist: args.dist.to_string(),
        duration_s,
        ops,
        warmup_s: args.warmup.as_secs_f64(),
        seed: args.seed,
        publish_every: args.strategy_options.publish_every,
        on_conflict: args.strategy_options.on_conflict_name(),
        validate: args.strategy_options.validate_name(),
        latency_sampling: config.sampling,
    }
}

/// The JSON of a run: the report's fields, then `plans`.
#[derive(Serialize)]
struct RunOutput<'a> {
    #[serde(flatten)]
    report: &'a RunReport,
    plans: &'a [Plan],
}

fn emit(args: &RunArgs, report: &RunReport, plans: &[Plan]) -> Result<(), CliError> {
    let text = match args.format {
        Format::Table => report::to_table(report) + &plan::plans_to_table(plans),
        Format::Json => {
            let output = RunOutput { report, plans };
            let mut json = serde_json::to_string_pretty(&output).expect("a report serializes");
            json.push('\n');
            json
        }
        Format::Csv => report::to_csv(report),
    };
    match &args.out {
        None => {
            print!("{text}");
            Ok(())
        }
        Some(path) => {
            report::write_atomically(path, text.as_bytes()).map_err(|err| {
                CliError::BadInput(format!("cannot write '{}': {err}", path.display()))
            })?;
            eprintln!("wrote {}", path.display());
            Ok(())
        }
    }
}

struct Progress {
    enabled: bool,
    total: usize,
    done: usize,
}

impl Progress {
    fn next(&mut self, scenario: &str, strategy: &str) {
        self.done += 1;
        if self.enabled {
            eprintln!("[{}/{}] {scenario} {strategy}", self.done, self.total);
        }
    }
}

/// Runs every strategy on each scenario it visits, collecting the results
/// and, when probing, whether each one's reads wait for a slow write.
struct RunStrategies<'a> {
    strategies: &'a [&'static str],
    config: &'a RunConfig,
    probe: Option<ProbeConfig>,
    progress: Progress,
    results: Vec<StrategyResult>,
    blocking: BlockingByScenario,
}

impl RunStrategies<'_> {
    fn run_all(&mut self, scenario: &dyn Runnable) {
        let name = scenario.name();
        for &strategy in self.strategies {
            self.progress.next(name, strategy);
            let outcome = scenario
                .measure(strategy, self.config)
                .expect("offers were checked before the runs");
            let blocking = match (&outcome, &self.probe) {
                (Ok(_), Some(probe)) => Some(
                    scenario
                        .probe(strategy, probe)
                        .expect("offers were checked before the runs"),
                ),
                _ => None,
            };
            let result = StrategyResult::new(name, strategy, self.config.threads, outcome);
            self.results.push(result);
            if let Some(blocking) = blocking {
                let by_strategy = self.blocking.entry(name.to_owned()).or_default();
                by_strategy.insert(strategy.to_owned(), blocking);
            }
        }
    }
}
