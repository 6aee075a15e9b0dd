//! `harness verify`: records concurrent runs of each strategy and checks
//! every history against the scenario's own model.

use std::sync::Arc;
use std::time::{Duration, Instant};

use comfy_table::Table;
use comfy_table::presets::ASCII_MARKDOWN;
use scenarios::registry::{self as scenario_registry, ScenarioOptions, ScenarioVisitor};
use scenarios::{Increments, Mergeable, Workload};

use super::CliError;
use super::args::VerifyArgs;
use crate::check::anomalies::lost_updates;
use crate::check::linearizability::{Verdict, check};
use crate::check::record::{RecordConfig, record};
use crate::check::render::timeline;
use crate::check::scenario_model::ScenarioModel;
use crate::report::format_nanos;
use crate::strategy::registry::{self as strategy_registry, StrategyVisitor};
use crate::strategy::{Strategy, StrategyOptions, mutants};

/// One strategy's outcome over its runs.
struct Outcome {
    strategy: &'static str,
    runs: usize,
    ops: usize,
    elapsed: Duration,
    verdict: String,
    details: Option<String>,
}

pub fn run(args: &VerifyArgs) -> Result<(), CliError> {
    let options = ScenarioOptions {
        repr: args.repr.clone(),
        variant: args.variant.clone(),
        write_delay: args.write_delay,
    };
    let outcomes = scenario_registry::visit(&args.scenario, &options, VerifyAll { args })
        .map_err(|err| CliError::BadInput(err.to_string()))??;
    let mut table = Table::new();
    table.load_preset(ASCII_MARKDOWN).set_header([
        "strategy",
        "runs",
        "operations checked",
        "checker time",
        "verdict",
    ]);
    for o in &outcomes {
        table.add_row([
            o.strategy.to_owned(),
            o.runs.to_string(),
            o.ops.to_string(),
            format_nanos(o.elapsed.as_nanos() as u64),
            o.verdict.clone(),
        ]);
    }
    println!(
        "verify {} · {} repr · {} threads × {} ops · up to {} runs · size {} · read ratio {} · seed {}\n\n{table}",
        args.scenario,
        args.repr,
        args.threads,
        args.ops,
        args.runs,
        args.size,
        args.read_ratio,
        args.seed
    );
    for o in outcomes.iter().filter(|o| o.details.is_some()) {
        println!(
            "\n{}: {}",
            o.strategy,
            o.details.as_deref().unwrap_or_default()
        );
    }
    let failed: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.verdict != "linearizable")
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

struct VerifyAll<'a> {
    args: &'a VerifyArgs,
}

impl ScenarioVisitor for VerifyAll<'_> {
    type Output = Result<Vec<Outcome>, CliError>;

    fn visit<S: Increments + Mergeable>(self, scenario: S) -> Self::Output {
        let workload = Workload::new(self.args.read_ratio, scenarios::KeyDist::Uniform)
            .map_err(|err| CliError::BadInput(err.to_string()))?;
        let mut outcomes = Vec::new();
        for &name in &self.args.strategy.0 {
            let job = VerifyOne {
                scenario: scenario.clone(),
                args: self.args,
                workload,
            };
            let outcome = strategy_registry::visit(name, job.clone())
                .ok()
                .or_else(|| mutants::visit(name, job))
                .expect("names are validated while parsing");
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }
}

#[derive(Clone)]
struct VerifyOne<'a, S> {
    scenario: S,
    args: &'a VerifyArgs,
    workload: Workload,
}

impl<S: Mergeable + Increments> StrategyVisitor<S> for VerifyOne<'_, S> {
    type Output = Outcome;

    fn visit<T: Strategy<S>>(self, name: &'static str) -> Outcome {
        let args = self.args;
        let model = ScenarioModel {
            scenario: self.scenario.clone(),
            size: args.size,
        };
        let scenario = Arc::new(self.scenario);
        let mut outcome = Outcome {
            strategy: name,
            runs: 0,
            ops: 0,
            elapsed: Duration::ZERO,
            verdict: "linearizable".to_owned(),
            details: None,
        };
        for run in 0..args.runs {
            let config = RecordConfig {
                threads: args.threads,
                ops_per_thread: args.ops,
                size: args.size,
                workload: self.workload,
                seed: args.seed.wrapping_add(run as u64),
                timeout: args.timeout,
                options: StrategyOptions {
                    on_conflict: args.on_conflict.into(),
                    validate: args.validate.into(),
                    ..StrategyOptions::default()
                },
            };
            outcome.runs += 1;
            let recording = match record::<S, T>(&scenario, &config) {
                Ok(recording) => recording,
                Err(failure) => {
                    outcome.verdict = format!("failed (run {})", run + 1);
                    outcome.details = Some(failure.0);
                    break;
                }
            };
            outcome.ops += recording.history.len();
            let started = Instant::now();
            let lost = lost_updates(&*scenario, &recording);
            let verdict = check(&model, &recording.history, args.budget, 2);
            outcome.elapsed += started.elapsed();
            if let Some(lost) = lost {
                outcome.verdict = format!("{lost} (run {})", run + 1);
                outcome.details = match verdict {
                    Verdict::NotLinearizable(found) => Some(timeline(&model, &found)),
                    _ => Some(format!("seed {}", config.seed)),
                };
                break;
            }
            match verdict {
                Verdict::Linearizable => {}
                Verdict::NotLinearizable(found) => {
                    outcome.verdict = format!("NOT linearizable (run {})", run + 1);
                    outcome.details = Some(format!(
                        "seed {}\n{}",
                        config.seed,
                        timeline(&model, &found)
                    ));
                    break;
                }
                Verdict::Unknown(reason) => {
                    outcome.verdict = format!("unknown (run {})", run + 1);
                    outcome.details = Some(reason);
                    break;
                }
            }
        }
        outcome
    }
}
