//! Lincheck-style generated scenarios on real threads: a sequential prefix,
//! a parallel part of 2–3 threads, a sequential suffix, each run a few
//! times on a fresh strategy and checked for an interleaving that explains
//! it. proptest shrinks a failure to the smallest scenario that still fails.

use std::sync::Arc;
use std::time::Duration;

use harness::check::interleavings::{Case, explain, run_case};
use harness::slowed::Slowed;
use harness::strategy::mutants::RacySwap;
use harness::strategy::registry::{self, StrategyVisitor};
use harness::strategy::{Strategy, StrategyOptions};
use proptest::prelude::{any, prop};
use proptest::strategy::Strategy as _;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use scenarios::ledger::{LedgerScenario, LedgerVariant};
use scenarios::{KeyDist, Op, Scenario, Workload};

/// A scenario as the seeds of its operations, so proptest can shrink it by
/// dropping operations and simplifying each one.
#[derive(Clone, Debug)]
struct Shape {
    prefix: Vec<u64>,
    threads: Vec<Vec<u64>>,
    suffix: Vec<u64>,
}

impl Shape {
    fn parallel_ops(&self) -> usize {
        self.threads.iter().map(Vec::len).sum()
    }

    fn case(&self, scenario: &Ledger) -> Case<Ledger> {
        let op = |seed: &u64| -> Op<Ledger> {
            let workload = Workload::new(0.5, KeyDist::Uniform).expect("a valid ratio");
            let mut ops = scenario.generate(SIZE, &workload, *seed);
            ops.next().expect("an endless stream")
        };
        Case {
            size: SIZE,
            prefix: self.prefix.iter().map(op).collect(),
            threads: self
                .threads
                .iter()
                .map(|t| t.iter().map(op).collect())
                .collect(),
            suffix: self.suffix.iter().map(op).collect(),
        }
    }
}

/// The ledger, as the harness runs it.
type Ledger = Slowed<LedgerScenario>;

/// Two players: operations collide.
const SIZE: usize = 2;

fn shapes() -> impl proptest::strategy::Strategy<Value = Shape> {
    let ops = |range| prop::collection::vec(any::<u64>(), range);
    (
        ops(0..3),
        prop::collection::vec(ops(1..4), 2..=3),
        ops(0..3),
    )
        .prop_map(|(prefix, threads, suffix)| Shape {
            prefix,
            threads,
            suffix,
        })
}

/// Runs `cases` generated scenarios on `T`, each `repeats` times.
fn check_generated<T: Strategy<Ledger>>(
    scenario: Ledger,
    cases: u32,
    repeats: usize,
) -> Result<(), TestError<Shape>> {
    let scenario = Arc::new(scenario);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    runner.run(&shapes(), |shape| {
        let case = shape.case(&scenario);
        for _ in 0..repeats {
            let outcome = run_case::<_, T>(&scenario, &case, &StrategyOptions::default());
            explain(&*scenario, &case, &outcome).map_err(TestCaseError::fail)?;
        }
        Ok(())
    })
}

struct Generated;

impl StrategyVisitor<Ledger> for Generated {
    type Output = Result<(), String>;
    fn visit<T: Strategy<Ledger>>(self, name: &'static str) -> Self::Output {
        check_generated::<T>(
            Slowed::new(LedgerScenario::new(LedgerVariant::Mixed)),
            32,
            3,
        )
        .map_err(|error| format!("{name}: {error}"))
    }
}

#[test]
fn every_strategy_explains_every_generated_scenario() {
    let failures: Vec<String> = registry::NAMES
        .iter()
        .filter_map(|name| {
            registry::visit(name, Generated)
                .expect("a known name")
                .err()
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_lost_update_shrinks_to_a_few_concurrent_writes() {
    let slow = Slowed::by(
        LedgerScenario::new(LedgerVariant::Mixed),
        Duration::from_millis(5),
    );
    let Err(TestError::Fail(reason, minimal)) = check_generated::<RacySwap<_>>(slow, 64, 5) else {
        panic!("racy-swap's lost updates were not found");
    };
    println!("{minimal:?}\n{reason}");
    assert!(
        minimal.prefix.is_empty() && minimal.suffix.is_empty(),
        "{minimal:?}"
    );
    // Two writes racing is the smallest; on a loaded machine a candidate
    // can pass by luck, leaving one operation more.
    assert!(minimal.parallel_ops() <= 3, "{minimal:?}");
}
