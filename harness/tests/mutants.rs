//! Every checker proves itself: each deliberately broken strategy (mutant)
//! is verified with settings that must catch it, and must be found out by
//! the check that claims to catch its kind of bug. The list below is also
//! the list of mutants covered: a mutant added without a test here fails.

use std::time::Duration;

use harness::catalog::{self, Runnable};
use harness::check::consistency::Consistency;
use harness::check::verify::{Finding, VerifyConfig, VerifyReport};
use harness::strategy::{mutants, registry};
use scenarios::ledger::{LedgerScenario, LedgerVariant};
use scenarios::{KeyDist, Workload};

/// One test per mutant: `test: "name", scenario, config => expected finding`.
macro_rules! caught {
    ($($test:ident: $name:literal, $scenario:expr, $config:expr => $finding:pat $(if $guard:expr)?,)*) => {
        /// Every mutant this file catches.
        const CAUGHT: &[&str] = &[$($name),*];

        $(
            #[test]
            fn $test() {
                let report = verify_mutant($name, $scenario, $config);
                println!("{}: {}", $name, report.verdict());
                assert!(!report.verified(), "{} passed verification", $name);
                assert!(
                    matches!(&report.finding, $finding $(if $guard)?),
                    "{} was caught by the wrong check: {}",
                    $name,
                    report.describe()
                );
            }
        )*
    };
}

caught! {
    // Slow writes keep two read-compute-stores in flight at once.
    racy_swap_loses_updates: "racy-swap", slow_ledger(Duration::from_micros(50)),
        VerifyConfig::default() => Finding::LostUpdates { .. },
    deadlock_is_named_by_the_watchdog: "deadlock", ledger(), watchdog(Duration::from_millis(500))
        => Finding::Failed(reason) if reason.starts_with("stuck:"),
    // Its load-to-store window is a few microseconds: writes only (a read
    // cannot lose an update) and many runs; about 1 run in 15 loses one,
    // and 40 runs once needed 39.
    unsynced_merge_loses_updates: "unsynced-merge", ledger(), writes_only(200)
        => Finding::LostUpdates { .. },
    // Writers are serialized, so nothing is lost, but a total read counts
    // balances from a half-applied write (the inconsistent-read check), or
    // a find sees half a transfer (only the search).
    torn_read_shows_states_that_never_existed: "torn-read", ledger(), VerifyConfig::default()
        => Finding::InconsistentReads { .. } | Finding::Violated { .. },
    // Nothing is lost and every state existed: only a contract sees a
    // client's reads go back in time, and prefix (monotonic reads) is the
    // weakest that does.
    stale_read_breaks_monotonic_reads: "stale-read", ledger(), held_to(Consistency::Prefix)
        => Finding::Violated { contract: Consistency::Prefix, counterexample }
            if stuck_line(counterexample).contains("Read("),
}

/// The seeds' naive wrapper (a read-compute-store with no synchronization)
/// loses updates, which every contract forbids.
#[test]
fn the_naive_wrapper_keeps_no_contract() {
    for contract in Consistency::ALL {
        let report = verify_mutant(
            "racy-swap",
            slow_ledger(Duration::from_micros(50)),
            held_to(contract),
        );
        assert!(!report.verified(), "racy-swap kept {contract}");
        assert_eq!(report.kept, [], "{}", report.describe());
    }
}

#[test]
fn every_mutant_has_a_test_that_catches_it() {
    let missing: Vec<&str> = mutants::NAMES
        .iter()
        .copied()
        .filter(|name| !CAUGHT.contains(name))
        .collect();
    assert!(missing.is_empty(), "no catching test for {missing:?}");
}

#[test]
fn no_mutant_is_a_real_strategy() {
    let all = registry::parse_list("all").expect("all resolves");
    for name in mutants::NAMES {
        assert!(!all.contains(name), "{name} runs in `all`");
        assert!(registry::parse_list(name).is_err(), "{name} is registered");
    }
}

/// The ledger with transfers, the scenario every mutant is caught on.
fn ledger() -> Box<dyn Runnable> {
    slow_ledger(Duration::ZERO)
}

/// The ledger with every write pausing for `delay` first.
fn slow_ledger(delay: Duration) -> Box<dyn Runnable> {
    catalog::mergeable(LedgerScenario::new(LedgerVariant::Mixed), delay)
}

/// Default settings, with no reads and up to `runs` runs.
fn writes_only(runs: usize) -> VerifyConfig {
    VerifyConfig {
        runs,
        workload: Workload::new(0.0, KeyDist::Uniform).expect("a valid ratio"),
        ..VerifyConfig::default()
    }
}

/// The line of a counterexample naming the operation that cannot be placed.
fn stuck_line(counterexample: &str) -> &str {
    counterexample
        .lines()
        .find(|line| line.starts_with("cannot be placed"))
        .unwrap_or_default()
}

/// Default settings, held to `contract` whatever the strategy promises.
fn held_to(contract: Consistency) -> VerifyConfig {
    VerifyConfig {
        consistency: Some(contract),
        ..VerifyConfig::default()
    }
}

/// Default settings with a short watchdog.
fn watchdog(timeout: Duration) -> VerifyConfig {
    VerifyConfig {
        timeout,
        ..VerifyConfig::default()
    }
}

/// Verifies the mutant called `name`, selected by name as `harness verify` does.
fn verify_mutant(name: &str, scenario: Box<dyn Runnable>, config: VerifyConfig) -> VerifyReport {
    scenario.verify(name, &config).expect("a mutant's name")
}
