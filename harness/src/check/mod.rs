//! Checking concurrent histories against sequential specifications
//! ([`history::Spec`]): a scenario ([`scenario_spec`]) or one of [`specs`].
//! Here "spec" is what is checked against; "model checking" (loom,
//! shuttle) is [`interleavings`].
//!
//! * [`history`]: what a run (or another system) recorded: per operation its
//!   client, call time, return time (if any), input and output (if observed);
//! * [`consistency`]: the three contracts (linearizable, sequential,
//!   prefix) and the staleness of reads under `prefix`;
//! * [`linearizability`]: the Wing–Gong search with Lowe's just-in-time
//!   linearization and memoization of (operations linearized, spec state),
//!   split into independent parts by the keys operations touch
//!   (P-compositionality), under a time budget, with a minimal counterexample
//!   on failure;
//! * [`specs`]: the `register` and `kv` specifications `harness check-history`
//!   checks against (`"model"` in a history file);
//! * [`record`]: histories of real runs; [`scenario_spec`]: a scenario as
//!   the specification; [`anomalies`]: linear-time checks run
//!   before the search (lost updates, inconsistent reads);
//! * [`blocking`]: whether a strategy's reads wait for a slow writer,
//!   measured in a short phase of its own;
//! * [`interleavings`]: small cases checked under loom and shuttle;
//! * [`html`]: a counterexample as a page (lanes, bars, the prefix);
//! * [`shrink`]: 1-minimal, deterministic counterexamples;
//! * [`simulate`]: histories linearizable by construction, for benches and tests.

pub mod anomalies;
pub mod blocking;
pub mod consistency;
mod fingerprint;
pub mod format;
pub mod history;
pub mod html;
pub mod interleavings;
pub mod linearizability;
mod partition;
pub mod record;
pub mod render;
pub mod scenario_spec;
pub mod shrink;
pub mod simulate;
pub mod specs;
pub mod verify;

/// What the checkers need of a scenario's state: they memoize the states
/// they reach, by hash. Measuring a scenario needs neither.
#[diagnostic::on_unimplemented(
    message = "the checkers need `{Self}`, a scenario's `State`, to be `Eq + Hash`",
    label = "not `Eq + Hash`",
    note = "the checkers memoize the states they reach: derive `PartialEq, Eq, Hash` on it"
)]
pub trait Memoizable: Eq + std::hash::Hash {}

impl<T: Eq + std::hash::Hash> Memoizable for T {}

/// `Instant::now() + wait`, saturating instead of panicking: a budget or
/// timeout as long as `u64::MAX` seconds means "no deadline".
pub(crate) fn deadline_after(wait: std::time::Duration) -> std::time::Instant {
    const FAR: std::time::Duration = std::time::Duration::from_secs(100 * 365 * 24 * 3600);
    let now = std::time::Instant::now();
    now.checked_add(wait)
        .or_else(|| now.checked_add(FAR))
        .unwrap_or(now)
}
