//! Every strategy's own code under a model checker: small cases on the
//! ledger (2–3 threads, a few operations) whose every explored schedule
//! must be explained by some interleaving of the threads' operations, and
//! every mutant caught.
//!
//! Built only with a model checker's cfg; `.ci/run` runs both:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release -p harness --test model_check
//! RUSTFLAGS="--cfg shuttle" cargo test --release -p harness --test model_check
//! ```
//!
//! loom explores every schedule up to the preemption bound; shuttle samples
//! larger cases with its random and PCT schedulers and prints the schedule
//! of a failure, to replay with `shuttle::replay`.
#![cfg(any(loom, shuttle))]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use harness::check::interleavings::{Case, check_case, explore};
use harness::strategy::CasMerge;
use harness::strategy::registry::{self, StrategyVisitor};
use harness::strategy::{Strategy, StrategyOptions, mutants};
use scenarios::ledger::{LedgerScenario, LedgerVariant};
use scenarios::library::{ItemId, LibraryScenario, LibraryWrite, MemberId, isbn};
use scenarios::{KeyDist, Op, Validate, Workload};

/// How big a case each checker gets: loom is exhaustive, so small.
#[cfg(loom)]
const SHAPE: Shape = Shape {
    threads: 2,
    ops: 2,
    seeds: 2,
};
#[cfg(shuttle)]
const SHAPE: Shape = Shape {
    threads: 3,
    ops: 4,
    seeds: 4,
};

struct Shape {
    threads: usize,
    ops: usize,
    /// Different generated cases per strategy.
    seeds: u64,
}

/// Schedules per shuttle scheduler and case (loom explores them all).
const ITERATIONS: usize = 1000;

fn cases() -> impl Iterator<Item = Arc<Case<LedgerScenario>>> {
    let scenario = LedgerScenario::new(LedgerVariant::Mixed);
    let workload = Workload::new(0.4, KeyDist::Uniform).expect("a valid ratio");
    (0..SHAPE.seeds).map(move |seed| {
        Arc::new(Case::generate(
            &scenario,
            2,
            &workload,
            SHAPE.threads,
            SHAPE.ops,
            seed,
        ))
    })
}

/// Explores every case on strategy `T`; Err with the panic if any failed.
struct Explore;

impl StrategyVisitor<LedgerScenario> for Explore {
    type Output = Result<(), String>;
    fn visit<T: Strategy<LedgerScenario>>(self, name: &'static str) -> Self::Output {
        let scenario = Arc::new(LedgerScenario::new(LedgerVariant::Mixed));
        for case in cases() {
            let scenario = Arc::clone(&scenario);
            let run = move || check_case::<_, T>(&scenario, &case, &StrategyOptions::default());
            catch_unwind(AssertUnwindSafe(|| explore(ITERATIONS, run))).map_err(|panic| {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                format!("{name}: {message}")
            })?;
        }
        Ok(())
    }
}

#[test]
fn every_strategy_is_sequentially_consistent_in_every_explored_schedule() {
    let failures: Vec<String> = registry::NAMES
        .iter()
        .filter_map(|name| registry::visit(name, Explore).expect("a known name").err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Mutants whose bug needs more operations per thread than these cases
/// have: `stale-read` first answers from an old copy at a client's 24th
/// read. `tests/mutants.rs` catches them on recorded runs.
const BEYOND_THESE_CASES: &[&str] = &["stale-read"];

#[test]
fn every_mutant_is_caught() {
    let escaped: Vec<&str> = mutants::NAMES
        .iter()
        .copied()
        .filter(|name| !BEYOND_THESE_CASES.contains(name))
        .filter(|name| {
            mutants::visit(name, Explore)
                .expect("a known mutant")
                .is_ok()
        })
        .collect();
    assert!(escaped.is_empty(), "mutants not caught: {escaped:?}");
}

/// The bug `--validate reads` exists for: with one book of two items, the
/// first lent, a return frees it, then two threads lend the two items.
/// Validating only the leaves written, both lends merge and the book is
/// left with no free item; validating what each lend read, the second is
/// recomputed and refused.
fn last_two_items() -> Arc<Case<LibraryScenario>> {
    let book = isbn(0);
    let lend = |item, member| {
        Op::Write(LibraryWrite::Lend {
            isbn: book,
            item: ItemId(item),
            member: MemberId(member),
        })
    };
    Arc::new(Case {
        size: 1,
        prefix: vec![Op::Write(LibraryWrite::Return {
            isbn: book,
            item: ItemId(0),
        })],
        threads: vec![vec![lend(0, 1)], vec![lend(1, 0)]],
        suffix: Vec::new(),
    })
}

fn explore_cas_merge(validate: Validate) -> std::thread::Result<()> {
    let (scenario, case) = (Arc::new(LibraryScenario::new()), last_two_items());
    let options = StrategyOptions {
        validate,
        ..StrategyOptions::default()
    };
    let run = move || check_case::<_, CasMerge<_>>(&scenario, &case, &options);
    catch_unwind(AssertUnwindSafe(|| explore(ITERATIONS, run)))
}

#[test]
fn cas_merge_validating_writes_only_is_caught_and_validating_reads_is_not() {
    assert!(
        explore_cas_merge(Validate::Writes).is_err(),
        "both lends merged in no explored schedule"
    );
    assert!(explore_cas_merge(Validate::Reads).is_ok());
}
