//! A run's plan: per scenario, its ranking and recommendation. It goes
//! under the run's table, and into its JSON as the `plans` field.

use crate::strategy::StrategyOptions;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Blocking;
use super::rank::{Ranking, rank};
use super::recommend::recommend;
use crate::report::{RunArguments, RunReport, StrategyResult};

/// What to use for one scenario of a run, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The scenario's name.
    pub scenario: String,
    /// Its strategies, fastest first, failed ones last.
    pub ranking: Ranking,
    /// What to use and why, in a few sentences.
    pub recommendation: String,
}

/// Blocking classes by scenario, then strategy.
pub type BlockingByScenario = BTreeMap<String, BTreeMap<String, Blocking>>;

/// One plan per scenario of `report`, in the order the scenarios ran.
pub fn plans(report: &RunReport, blocking: &BlockingByScenario) -> Vec<Plan> {
    let mut scenarios: Vec<&str> = Vec::new();
    for result in &report.results {
        if !scenarios.contains(&result.scenario.as_str()) {
            scenarios.push(&result.scenario);
        }
    }
    let options = StrategyOptions {
        publish_every: report.arguments.publish_every,
        ..StrategyOptions::default()
    };
    scenarios
        .into_iter()
        .map(|scenario| {
            let results: Vec<&StrategyResult> = report
                .results
                .iter()
                .filter(|r| r.scenario == scenario)
                .collect();
            let none = BTreeMap::new();
            let ranking = rank(&results, blocking.get(scenario).unwrap_or(&none));
            let workload = workload(&report.arguments, scenario);
            Plan {
                scenario: scenario.to_owned(),
                recommendation: recommend(&workload, &ranking, &options),
                ranking,
            }
        })
        .collect()
}

/// "routing (prefix) at 64 threads, read ratio 0.9, size 64, std repr, uniform keys".
fn workload(args: &RunArguments, scenario: &str) -> String {
    let variant = args.variant_suffix();
    let delay = args
        .write_delay()
        .map(|d| format!(", {d} write delay"))
        .unwrap_or_default();
    format!(
        "{scenario}{variant} at {} threads, read ratio {}, size {}, {} repr, {} keys{delay}",
        args.threads, args.read_ratio, args.size, args.repr, args.dist
    )
}
