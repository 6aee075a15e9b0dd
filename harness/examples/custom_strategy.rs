//! A strategy defined outside the harness crate, held to the same standard
//! as the built-in ones with no change to the crate: the conformance suite,
//! a measured run, and verification (recorded concurrent runs checked for
//! lost updates, inconsistent reads and linearizability, and a probe of
//! whether reads wait for a slow writer) by one call.
//!
//! `CowMutex` is the pattern that predates arc-swap: a mutex guards an
//! `Arc` of the state. A reader locks only long enough to clone the `Arc`,
//! then reads without the lock; a writer clones the state, applies the write
//! and swaps the new `Arc` in, all under the lock. Because the write is
//! applied under the lock, a slow write still makes readers wait, as the
//! probe shows (`reads: wait`); applying it outside the lock and swapping
//! only if nothing changed meanwhile is `cas-retry`.
//!
//! It takes its mutex from `harness::sync`, so the model checkers can run
//! its own code too: built with `--cfg loom` or `--cfg shuttle`, its tests
//! are small concurrent cases explored schedule by schedule.
//!
//! Run it with `cargo run --release -p harness --example custom_strategy`;
//! `cargo test` runs its tests, and under a model checker:
//!
//! ```text
//! RUSTFLAGS="--cfg shuttle" cargo test -p harness --example custom_strategy
//! RUSTFLAGS="--cfg loom" cargo test -p harness --example custom_strategy
//! ```

use std::time::Duration;

use harness::check::verify::{VerifyConfig, verify};
use harness::conformance::{concurrent_increments, sequential_equivalence};
use harness::report::format_nanos;
use harness::runner::{RunConfig, Sampling, StopAfter, run};
use harness::slowed::Slowed;
use harness::strategy::{Strategy, StrategyHandle, StrategyOptions};
use harness::sync::{Arc, Mutex};
use scenarios::config::ConfigScenario;
use scenarios::ledger::{LedgerScenario, LedgerVariant};
use scenarios::{KeyDist, Scenario, Workload};

/// Copy-on-write behind a mutex.
pub struct CowMutex<S: Scenario> {
    scenario: Arc<S>,
    current: Arc<Mutex<Arc<S::State>>>,
}

impl<S: Scenario> Strategy<S> for CowMutex<S> {
    type Handle = Self;

    fn new(scenario: Arc<S>, initial: S::State, _: &StrategyOptions) -> Self {
        let current = Arc::new(Mutex::new(Arc::new(initial)));
        Self { scenario, current }
    }

    fn handle(&self) -> Self {
        Self {
            scenario: Arc::clone(&self.scenario),
            current: Arc::clone(&self.current),
        }
    }
}

impl<S: Scenario> StrategyHandle<S> for CowMutex<S> {
    fn read<R>(&mut self, f: impl FnOnce(&S::State) -> R) -> R {
        let snapshot = Arc::clone(&self.current.lock().unwrap());
        f(&snapshot)
    }

    fn write(&mut self, op: &S::Write) -> S::WriteOutput {
        let mut current = self.current.lock().unwrap();
        let mut next = S::State::clone(&current);
        let output = self.scenario.write(&mut next, op);
        *current = Arc::new(next);
        output
    }
}

fn main() {
    sequential_equivalence::<_, CowMutex<_>>(ConfigScenario::new(), 64, 5_000, 1)
        .expect("CowMutex gives the model's outputs");
    let increments = concurrent_increments::<_, CowMutex<_>>(
        ConfigScenario::new(),
        64,
        4,
        2_000,
        &StrategyOptions::default(),
    )
    .expect("CowMutex loses no update");
    println!(
        "conformance: ok ({} increments, {} states checked)",
        increments.increments, increments.reads_checked
    );

    let report = verify::<_, CowMutex<_>>(
        Slowed::new(LedgerScenario::new(LedgerVariant::Mixed)),
        &VerifyConfig::default(),
    );
    assert!(report.verified(), "{}", report.describe());
    println!(
        "verify: {} ({} runs, {} operations checked); reads during a slow write: {}",
        report.verdict(),
        report.runs,
        report.ops_checked,
        report.reads()
    );

    let config = RunConfig {
        threads: 2,
        size: 64,
        workload: Workload::new(0.9, KeyDist::Uniform).unwrap(),
        stop: StopAfter::Elapsed(Duration::from_secs(1)),
        warmup: Duration::from_millis(200),
        seed: 1,
        sampling: Sampling::Adaptive,
        options: StrategyOptions::default(),
    };
    let m = run::<_, CowMutex<_>>(&Arc::new(ConfigScenario::new()), &config)
        .expect("the run completes");
    let read = m.latency.read.expect("reads were sampled");
    println!(
        "cow-mutex on config, 2 threads, 90% reads: {:.2}M ops/s, read p50 {} p99 {}",
        m.ops_per_sec / 1e6,
        format_nanos(read.p50_ns),
        format_nanos(read.p99_ns),
    );
}

#[cfg(all(test, not(any(loom, shuttle))))]
mod tests {
    use super::*;

    #[test]
    fn cow_mutex_matches_the_model() {
        sequential_equivalence::<_, CowMutex<_>>(ConfigScenario::new(), 16, 2_000, 3).unwrap();
    }

    #[test]
    fn cow_mutex_verifies_as_linearizable() {
        let config = VerifyConfig {
            runs: 2,
            ..VerifyConfig::default()
        };
        let report = verify::<_, CowMutex<_>>(
            Slowed::new(LedgerScenario::new(LedgerVariant::Mixed)),
            &config,
        );
        assert!(report.verified(), "{}", report.describe());
    }

    #[test]
    fn cow_mutex_loses_no_update() {
        let report = concurrent_increments::<_, CowMutex<_>>(
            ConfigScenario::new(),
            8,
            3,
            1_000,
            &StrategyOptions::default(),
        )
        .unwrap();
        assert_eq!(report.increments, 3_000);
    }
}

#[cfg(all(test, any(loom, shuttle)))]
mod model_check {
    use harness::check::interleavings::{Case, check_case, explore};

    use super::*;

    #[test]
    fn every_explored_schedule_of_cow_mutex_is_explained() {
        let scenario = Arc::new(LedgerScenario::new(LedgerVariant::Mixed));
        let workload = Workload::new(0.5, KeyDist::Uniform).unwrap();
        let case = Arc::new(Case::generate(&*scenario, 2, &workload, 2, 2, 7));
        explore(1_000, move || {
            check_case::<_, CowMutex<_>>(&scenario, &case, &StrategyOptions::default());
        });
    }
}
