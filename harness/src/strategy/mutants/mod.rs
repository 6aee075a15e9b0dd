//! Deliberately broken strategies. Each exists to prove a checker catches
//! the bug it models; none is offered by `run --strategy all` or
//! recommended. `harness verify` selects them by name only, and
//! `harness/tests/mutants.rs` must catch every one of them.

mod deadlock;
mod racy_swap;
mod stale_read;
mod torn_read;
mod unsynced_merge;

use scenarios::{Mergeable, Scenario};

pub use self::deadlock::Deadlock;
pub use self::racy_swap::RacySwap;
pub use self::stale_read::StaleRead;
pub use self::torn_read::TornRead;
pub use self::unsynced_merge::UnsyncedMerge;
use super::registry::StrategyVisitor;

/// Every mutant's name.
pub const NAMES: &[&str] = &[
    "racy-swap",
    "deadlock",
    "unsynced-merge",
    "torn-read",
    "stale-read",
];

/// Calls `visitor` with the mutant called `name`, if there is one.
pub fn visit<S: Mergeable, V: StrategyVisitor<S>>(name: &str, visitor: V) -> Option<V::Output> {
    match name {
        "unsynced-merge" => Some(visitor.visit::<UnsyncedMerge<S>>("unsynced-merge")),
        "torn-read" => Some(visitor.visit::<TornRead<S>>("torn-read")),
        _ => visit_any(name, visitor)?,
    }
}

/// Calls `visitor` with the mutant called `name` over any scenario, if
/// there is one; `Some(None)` for a mutant that needs a [`Mergeable`] one.
pub fn visit_any<S: Scenario, V: StrategyVisitor<S>>(
    name: &str,
    visitor: V,
) -> Option<Option<V::Output>> {
    match name {
        "racy-swap" => Some(Some(visitor.visit::<RacySwap<S>>("racy-swap"))),
        "deadlock" => Some(Some(visitor.visit::<Deadlock<S>>("deadlock"))),
        "stale-read" => Some(Some(visitor.visit::<StaleRead<S>>("stale-read"))),
        "unsynced-merge" | "torn-read" => Some(None),
        _ => None,
    }
}
