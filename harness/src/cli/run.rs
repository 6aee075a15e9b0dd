//! `harness run`: every selected strategy on one scenario, one after another.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use scenarios::registry::{self as scenario_registry, ScenarioVisitor};
use scenarios::{Scenario, Workload};

use super::{CliError, Format, RunArgs};
use crate::environment::Environment;
use crate::report::{self, RunArguments, RunReport, SCHEMA_VERSION, StrategyResult};
use crate::runner::{self, Measurement, RunConfig, RunFailure, StopAfter};
use crate::strategy::registry::{self as strategy_registry, StrategyVisitor};
use crate::strategy::{Strategy, StrategyOptions};

const DEFAULT_DURATION: Duration = Duration::from_secs(2);

pub fn run(args: &RunArgs, command_line: Vec<String>) -> Result<(), CliError> {
    check_destination(args)?;
    let config = run_config(args)?;
    let strategies = &args.strategy.0;
    let results = scenario_registry::visit(
        &args.scenario,
        &scenario_registry::ScenarioOptions::default(),
        RunStrategies {
            strategies,
            config: &config,
            progress: std::io::stderr().is_terminal(),
        },
    )
    .map_err(|err| CliError::BadInput(err.to_string()))?;

    let report = RunReport {
        schema_version: SCHEMA_VERSION,
        environment: Environment::capture(),
        arguments: arguments(args, &config),
        command_line,
        results,
    };
    emit(args, &report)?;
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

/// Refuses an `--out` whose directory does not exist before spending time on a run.
fn check_destination(args: &RunArgs) -> Result<(), CliError> {
    let Some(out) = &args.out else {
        return Ok(());
    };
    let dir = out.parent().filter(|dir| !dir.as_os_str().is_empty());
    if dir.is_some_and(|dir| !dir.is_dir()) || out.is_dir() {
        return Err(CliError::BadInput(format!(
            "cannot write '{}': its directory does not exist or it is a directory",
            out.display()
        )));
    }
    Ok(())
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
        sample_every: RunConfig::DEFAULT_SAMPLE_EVERY,
        options: StrategyOptions {
            publish_every: args.publish_every,
        },
    })
}

fn arguments(args: &RunArgs, config: &RunConfig) -> RunArguments {
    let (duration_s, ops) = match config.stop {
        StopAfter::Elapsed(duration) => (Some(duration.as_secs_f64()), None),
        StopAfter::Ops(ops) => (None, Some(ops)),
    };
    RunArguments {
        scenario: args.scenario.clone(),
        strategies: args.strategy.0.iter().map(|&s| s.to_owned()).collect(),
        threads: config.threads,
        read_ratio: args.read_ratio,
        size: args.size,
        dist: args.dist.to_string(),
        duration_s,
        ops,
        warmup_s: args.warmup.as_secs_f64(),
        seed: args.seed,
        publish_every: args.publish_every,
        latency_sample_every: config.sample_every,
    }
}

fn emit(args: &RunArgs, report: &RunReport) -> Result<(), CliError> {
    let text = match args.format {
        Format::Table => report::to_table(report),
        Format::Json => {
            let mut json = serde_json::to_string_pretty(report).expect("a report serializes");
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

struct RunStrategies<'a> {
    strategies: &'a [&'static str],
    config: &'a RunConfig,
    progress: bool,
}

impl ScenarioVisitor for RunStrategies<'_> {
    type Output = Vec<StrategyResult>;

    fn visit<S: Scenario>(self, scenario: S) -> Vec<StrategyResult> {
        let scenario = Arc::new(scenario);
        let total = self.strategies.len();
        let mut results = Vec::with_capacity(total);
        for (index, &name) in self.strategies.iter().enumerate() {
            if self.progress {
                eprintln!("[{}/{total}] {name}", index + 1);
            }
            let outcome = strategy_registry::visit(
                name,
                RunOne {
                    scenario: &scenario,
                    config: self.config,
                },
            )
            .expect("strategy names are validated while parsing");
            results.push(StrategyResult::new(name, self.config.threads, outcome));
        }
        results
    }
}

struct RunOne<'a, S> {
    scenario: &'a Arc<S>,
    config: &'a RunConfig,
}

impl<S: Scenario> StrategyVisitor<S> for RunOne<'_, S> {
    type Output = Result<Measurement, RunFailure>;

    fn visit<T: Strategy<S>>(self, _: &'static str) -> Self::Output {
        runner::run::<S, T>(self.scenario, self.config)
    }
}
