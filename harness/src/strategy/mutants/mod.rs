//! Deliberately broken strategies. Each exists to prove a checker catches
//! the bug it models; none is offered by `run --strategy all` or
//! recommended. `harness verify` selects them by name only, and
//! `harness/tests/mutants.rs` must catch every one of them.

mod deadlock;
mod racy_swap;
mod stale_read;
mod torn_read;
mod unsynced_merge;

use scenarios::Mergeable;

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
        "racy-swap" => Some(visitor.visit::<RacySwap<S>>("racy-swap")),
        "deadlock" => Some(visitor.visit::<Deadlock<S>>("deadlock")),
        "unsynced-merge" => Some(visitor.visit::<UnsyncedMerge<S>>("unsynced-merge")),
        "torn-read" => Some(visitor.visit::<TornRead<S>>("torn-read")),
        "stale-read" => Some(visitor.visit::<StaleRead<S>>("stale-read")),
        _ => None,
    }
}
