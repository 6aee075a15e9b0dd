//! `harness run`: every selected strategy on one scenario, one after another.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use scenarios::registry::{self as scenario_registry, ScenarioOptions, ScenarioVisitor};
use scenarios::{Increments, Mergeable, Workload};

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
    let scenarios = scenario_names(args)?;
    let options = scenario_options(args);
    for scenario in &scenarios {
        scenario_registry::visit(scenario, &options, CheckOptions)
            .map_err(|err| CliError::BadInput(err.to_string()))?;
    }
    let progress = Progress {
        enabled: std::io::stderr().is_terminal(),
        total: scenarios.len() * args.strategy.0.len(),
        done: 0,
    };
    let mut runs = RunStrategies {
        strategies: &args.strategy.0,
        config: &config,
        progress,
        results: Vec::new(),
    };
    for scenario in &scenarios {
        runs = scenario_registry::visit(scenario, &options, runs)
            .map_err(|err| CliError::BadInput(err.to_string()))?;
    }
    let results = runs.results;

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

/// Refuses an `--out` whose directory does not exist before spending time on a run.
fn check_destination(args: &RunArgs) -> Result<(), CliError> {
    let Some(out) = &args.out else {
        return Ok(());
    };
    if !report::destination_exists(out) {
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
            on_conflict: args.on_conflict.into(),
            validate: args.validate.into(),
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
        publish_every: args.publish_every,
        on_conflict: format!("{:?}", args.on_conflict).to_lowercase(),
        validate: format!("{:?}", args.validate).to_lowercase(),
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

/// Builds a scenario only to learn that its options are valid.
struct CheckOptions;

impl ScenarioVisitor for CheckOptions {
    type Output = ();
    fn visit<S: Increments + Mergeable>(self, _: S) {}
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

/// Runs every strategy on each scenario it visits, collecting the results.
struct RunStrategies<'a> {
    strategies: &'a [&'static str],
    config: &'a RunConfig,
    progress: Progress,
    results: Vec<StrategyResult>,
}

impl ScenarioVisitor for RunStrategies<'_> {
    type Output = Self;

    fn visit<S: Increments + Mergeable>(mut self, scenario: S) -> Self {
        let scenario = Arc::new(scenario);
        let name = scenario.name();
        for &strategy in self.strategies {
            self.progress.next(name, strategy);
            let outcome = strategy_registry::visit(
                strategy,
                RunOne {
                    scenario: &scenario,
                    config: self.config,
                },
            )
            .expect("strategy names are validated while parsing");
            let result = StrategyResult::new(name, strategy, self.config.threads, outcome);
            self.results.push(result);
        }
        self
    }
}

struct RunOne<'a, S> {
    scenario: &'a Arc<S>,
    config: &'a RunConfig,
}

impl<S: Mergeable> StrategyVisitor<S> for RunOne<'_, S> {
    type Output = Result<Measurement, RunFailure>;

    fn visit<T: Strategy<S>>(self, _: &'static str) -> Self::Output {
        runner::run::<S, T>(self.scenario, self.config)
    }
}
