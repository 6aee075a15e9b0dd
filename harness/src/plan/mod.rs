//! Capacity planning: which strategy to use for one workload, and where
//! that choice changes.
//!
//! A results table answers "how fast was each?"; someone sizing a service
//! asks "which do I use, and how sure is that?". This module turns
//! measurements into that answer, in measured terms only:
//!
//! * [`rank`]: one run's strategies ordered by throughput, with the tail
//!   latencies and whether reads wait for a slow write ([`mod@probe`], the
//!   verifier's read probe run once per strategy), failed strategies last;
//! * [`recommend`]: a paragraph naming the winner, its margin over the
//!   runner-up, what its readers and writers pay, and, when the lead is
//!   smaller than one run's noise ([`NOISE`]), saying so instead of
//!   pretending to know;
//! * [`run_plan`] and [`table`]: both, per scenario, as the run's JSON
//!   field `plans` and as text under its table;
//! * [`mod@answer`]: the same question answered from a sweep's `results.json`
//!   without measuring: the best strategy at the nearest measured point
//!   ([`query`]) and the crossover points along read ratio, size and
//!   threads ([`crossover`]).
//!
//! The command line only prints what these return.

pub mod answer;
pub mod crossover;
pub mod probe;
pub mod query;
pub mod rank;
pub mod recommend;
pub mod run_plan;
pub mod table;

pub use self::answer::{Answer, answer};
pub use self::probe::{Blocking, BlockingClass, probe};
pub use self::query::{Query, QueryError};
pub use self::rank::{Ranked, Ranking, Tail};
pub use self::run_plan::{BlockingByScenario, Plan, plans};
pub use self::table::plans_to_table;

use crate::check::consistency::Consistency;
use crate::strategy::{StrategyOptions, registry};

/// The contract `strategy` promises with `options`, when it is weaker than
/// linearizability: its throughput counts writes readers cannot see yet.
fn weaker_promise(strategy: &str, options: &StrategyOptions) -> Option<Consistency> {
    registry::promise(strategy, options)
        .ok()
        .filter(|&promise| promise != Consistency::Linearizable)
}

/// What promising only `contract` means to a reader, after the strategy's name.
fn lag_caveat(contract: Consistency) -> String {
    format!(
        "promises only {contract} consistency: a write returns before readers can see it, so a read may miss writes that already returned (harness verify measures how many)"
    )
}

/// A lead smaller than this fraction is within the noise of one run.
///
/// One run cannot measure its own noise, and on a shared machine the same
/// command run twice can differ by far more (the README shows 2× for some
/// strategies on the 2-core development machine). So this is a floor, not
/// an estimate: a lead under it is never reported as a win, and the reader
/// is told to repeat the run or sweep, where trials show the spread.
pub const NOISE: f64 = 0.10;
