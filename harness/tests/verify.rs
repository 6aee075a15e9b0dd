//! Recorded histories of real runs, checked against the scenario's model:
//! every strategy's histories are linearizable, and a racy strategy's are
//! not.

use std::sync::Arc;
use std::time::Duration;

use harness::check::history::Operation;
use harness::check::linearizability::{Verdict, check};
use harness::check::record::{RecordConfig, record};
use harness::check::render::timeline;
use harness::check::scenario_model::ScenarioModel;
use harness::strategy::mutants::RacySwap;
use harness::strategy::registry::{self, StrategyVisitor};
use harness::strategy::{Strategy, StrategyOptions};
use scenarios::ledger::{LedgerScenario, LedgerVariant};
use scenarios::{KeyDist, Mergeable, Workload};

fn config(threads: usize, ops_per_thread: usize, seed: u64) -> RecordConfig {
    RecordConfig {
        threads,
        ops_per_thread,
        size: 3,
        workload: Workload::new(0.5, KeyDist::Uniform).unwrap(),
        seed,
        options: StrategyOptions::default(),
        timeout: Duration::from_secs(30),
    }
}

fn verdict<S: Mergeable, T: Strategy<S>>(
    scenario: S,
    config: &RecordConfig,
) -> Verdict<ScenarioModel<S>> {
    let history = record::<S, T>(&Arc::new(scenario.clone()), config)
        .expect("the run completes")
        .history;
    assert_eq!(history.len(), config.threads * config.ops_per_thread);
    assert!(
        history
            .iter()
            .all(|op: &Operation<_, _>| op.ret.unwrap() >= op.call)
    );
    let model = ScenarioModel {
        scenario,
        size: config.size,
    };
    check(&model, &history, Duration::from_secs(30), 2)
}

struct Linearizable;

impl StrategyVisitor<LedgerScenario> for Linearizable {
    type Output = Result<(), String>;
    fn visit<T: Strategy<LedgerScenario>>(self, name: &'static str) -> Self::Output {
        for seed in 0..3 {
            let scenario = LedgerScenario::new(LedgerVariant::Mixed);
            match verdict::<_, T>(scenario, &config(3, 150, seed)) {
                Verdict::Linearizable => {}
                Verdict::NotLinearizable(found) => {
                    return Err(format!("{name}: {}", timeline(&found_model(), &found)));
                }
                Verdict::Unknown(reason) => return Err(format!("{name}: unknown: {reason}")),
            }
        }
        Ok(())
    }
}

fn found_model() -> ScenarioModel<LedgerScenario> {
    ScenarioModel {
        scenario: LedgerScenario::new(LedgerVariant::Mixed),
        size: 3,
    }
}

#[test]
fn every_strategys_recorded_ledger_histories_are_linearizable() {
    let failures: Vec<String> = registry::NAMES
        .iter()
        .filter_map(|name| registry::visit(name, Linearizable).unwrap().err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_racy_read_compute_store_is_caught_with_a_small_counterexample() {
    let slow: LedgerScenario =
        LedgerScenario::with(LedgerVariant::Mixed, Duration::from_micros(50));
    let caught =
        (0..5).find_map(
            |seed| match verdict::<_, RacySwap<_>>(slow, &config(3, 60, seed)) {
                Verdict::NotLinearizable(found) => Some(found),
                _ => None,
            },
        );
    let found = caught.expect("lost updates were never caught");
    assert!(
        found.ops.len() <= 3,
        "not shrunk: {} operations",
        found.ops.len()
    );
    let model = ScenarioModel {
        scenario: slow,
        size: 3,
    };
    println!("{}", timeline(&model, &found));
}
