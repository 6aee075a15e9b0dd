//! Every registered strategy against the conformance suite, and mutants that
//! prove the suite catches what it claims to.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;
use harness::catalog::builtin::{ScenarioOptions, ScenarioVisitor};
use harness::check::Memoizable;
use harness::conformance::{ConformanceError, concurrent_increments, sequential_equivalence};
use harness::slowed::Slowed;
use harness::strategy::mutants::RacySwap;
use harness::strategy::registry::{self, StrategyVisitor};
use harness::strategy::{Strategy, StrategyHandle, StrategyOptions};
use scenarios::config::{Config, ConfigScenario, ConfigWrite};
use scenarios::{Increments, Mergeable, Scenario};

/// Which conformance check to run.
#[derive(Clone, Copy)]
enum Check {
    Sequential,
    Concurrent,
}

/// Runs `check` on every registered strategy for each scenario it visits,
/// collecting `scenario/repr/strategy: error` for each failure.
struct EveryStrategy<'a> {
    check: Check,
    label: &'a str,
    failures: Vec<String>,
}

impl ScenarioVisitor for EveryStrategy<'_> {
    type Output = Self;
    fn visit<S: Increments + Mergeable>(mut self, scenario: S) -> Self
    where
        S::State: Memoizable,
    {
        for name in registry::NAMES {
            let run = RunCheck {
                scenario: scenario.clone(),
                check: self.check,
            };
            if let Err(err) = registry::visit(name, run).expect("registered") {
                self.failures.push(format!("{}/{name}: {err}", self.label));
            }
        }
        self
    }
}

struct RunCheck<S> {
    scenario: S,
    check: Check,
}

impl<S: Increments + Mergeable> StrategyVisitor<S> for RunCheck<S>
where
    S::State: Memoizable,
{
    type Output = Result<(), ConformanceError>;
    fn visit<T: Strategy<S>>(self, _: &'static str) -> Self::Output {
        match self.check {
            Check::Sequential => sequential_equivalence::<S, T>(self.scenario, 32, 1_500, 11),
            Check::Concurrent => {
                let options = StrategyOptions::default();
                let report = concurrent_increments::<S, T>(self.scenario, 8, 3, 400, &options)?;
                assert_eq!(report.increments, 1_200);
                Ok(())
            }
        }
    }
}

/// `check` on every scenario, in every representation, for every strategy.
fn failures(check: Check) -> Vec<String> {
    let mut failures = Vec::new();
    for scenario in harness::catalog::builtin::NAMES {
        for repr in scenarios::repr::NAMES {
            let options = ScenarioOptions {
                repr: (*repr).to_owned(),
                ..ScenarioOptions::default()
            };
            let label = format!("{scenario}/{repr}");
            let visitor = EveryStrategy {
                check,
                label: &label,
                failures: Vec::new(),
            };
            let done = harness::catalog::builtin::visit(scenario, &options, visitor).unwrap();
            failures.extend(done.failures);
        }
    }
    failures
}

#[test]
fn every_strategy_gives_the_model_outputs_sequentially_on_every_scenario() {
    let failed = failures(Check::Sequential);
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn every_strategy_loses_no_increment_and_shows_only_valid_states_on_every_scenario() {
    let failed = failures(Check::Concurrent);
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn staging_with_batched_publishes_loses_nothing_once_flushed() {
    let options = StrategyOptions {
        publish_every: 7,
        ..StrategyOptions::default()
    };
    let report = concurrent_increments::<_, harness::strategy::Staging<_>>(
        ConfigScenario::new(),
        8,
        4,
        1_500,
        &options,
    )
    .unwrap();
    assert_eq!(report.increments, 6_000);
}

/// Mutant: forgets every tenth write while acknowledging it.
struct Forgetful {
    scenario: Arc<ConfigScenario>,
    state: Arc<Mutex<(Config, u64)>>,
}

impl Strategy<ConfigScenario> for Forgetful {
    type Handle = Self;
    fn new(scenario: Arc<ConfigScenario>, initial: Config, _: &StrategyOptions) -> Self {
        let state = Arc::new(Mutex::new((initial, 0)));
        Self { scenario, state }
    }
    fn handle(&self) -> Self {
        Self {
            scenario: Arc::clone(&self.scenario),
            state: Arc::clone(&self.state),
        }
    }
}

impl StrategyHandle<ConfigScenario> for Forgetful {
    fn read<R>(&mut self, f: impl FnOnce(&Config) -> R) -> R {
        f(&self.state.lock().unwrap().0)
    }
    fn write(&mut self, op: &ConfigWrite) -> scenarios::config::ConfigWriteOutput {
        let mut guard = self.state.lock().unwrap();
        guard.1 += 1;
        if guard.1 % 10 == 0 {
            let mut scratch = guard.0.clone();
            return self.scenario.write(&mut scratch, op);
        }
        self.scenario.write(&mut guard.0, op)
    }
}

/// Mutant: publishes each write in two steps, the first with the flag
/// flipped but the enabled count not yet updated.
struct TornPublish {
    scenario: Arc<ConfigScenario>,
    current: Arc<ArcSwap<Config>>,
    writer: Arc<Mutex<()>>,
}

impl Strategy<ConfigScenario> for TornPublish {
    type Handle = Self;
    fn new(scenario: Arc<ConfigScenario>, initial: Config, _: &StrategyOptions) -> Self {
        Self {
            scenario,
            current: Arc::new(ArcSwap::from_pointee(initial)),
            writer: Arc::default(),
        }
    }
    fn handle(&self) -> Self {
        Self {
            scenario: Arc::clone(&self.scenario),
            current: Arc::clone(&self.current),
            writer: Arc::clone(&self.writer),
        }
    }
}

impl StrategyHandle<ConfigScenario> for TornPublish {
    fn read<R>(&mut self, f: impl FnOnce(&Config) -> R) -> R {
        f(&self.current.load())
    }
    fn write(&mut self, op: &ConfigWrite) -> scenarios::config::ConfigWriteOutput {
        let _serialized = self.writer.lock().unwrap();
        let before = Config::clone(&self.current.load());
        let mut next = before.clone();
        let output = self.scenario.write(&mut next, op);
        let half = Config {
            enabled: before.enabled,
            ..next.clone()
        };
        self.current.store(Arc::new(half));
        std::thread::yield_now();
        self.current.store(Arc::new(next));
        output
    }
}

#[test]
fn sequential_check_catches_a_forgotten_write() {
    let err =
        sequential_equivalence::<_, Forgetful>(ConfigScenario::new(), 32, 3_000, 11).unwrap_err();
    assert!(
        matches!(
            err,
            ConformanceError::OutputMismatch { .. } | ConformanceError::StateMismatch { .. }
        ),
        "{err}"
    );
}

#[test]
fn increment_check_catches_lost_updates() {
    // A pause inside each write keeps read-compute-stores in flight even
    // when the writers share one busy core.
    let slow = Slowed::by(ConfigScenario::new(), Duration::from_micros(50));
    let caught = (0..5).any(|_| {
        matches!(
            concurrent_increments::<_, RacySwap<_>>(slow, 8, 4, 200, &StrategyOptions::default()),
            Err(ConformanceError::LostUpdates { .. } | ConformanceError::WentBack { .. })
        )
    });
    assert!(
        caught,
        "racy read-compute-store was never caught losing updates"
    );
}

#[test]
fn readers_catch_a_torn_state() {
    let caught = (0..5).any(|_| {
        matches!(
            concurrent_increments::<_, TornPublish>(
                ConfigScenario::new(),
                8,
                2,
                2_000,
                &StrategyOptions::default()
            ),
            Err(ConformanceError::Invariant(_))
        )
    });
    assert!(caught, "a half-published write was never seen by a reader");
}

#[test]
fn the_model_itself_passes_its_own_invariants_through_a_long_run() {
    let scenario = ConfigScenario::new();
    let mut state = scenario.initial_state(16);
    let workload = scenarios::Workload::new(0.0, scenarios::KeyDist::Uniform).unwrap();
    for op in scenario.generate(16, &workload, 3).take(5_000) {
        scenario.apply(&mut state, &op);
        scenario.check_invariants(&state).unwrap();
    }
    assert_eq!(state.version, 5_000);
}
