//! What is shared between threads, and nothing about how.
//!
//! Each scenario is a pure sequential state machine ([`Scenario`]): an initial
//! state built from a size, read and write operations with their outputs,
//! invariants, and a seeded operation generator driven by a [`Workload`]. The
//! same model is used three times, so nothing is specified twice:
//!
//! * as the core every sharing strategy runs (a lock strategy applies writes in
//!   place, a snapshot strategy clones the state and then applies them);
//! * as the workload a benchmark replays ([`Scenario::generate`]);
//! * as the specification the checkers compare concurrent outputs against.
//!
//! There are no threads, locks or atomics in this crate; the `harness` crate
//! owns all of that.
//!
//! A scenario needs 10 items to be measured and 12 to be verified (see
//! [`Scenario`]); `harness/examples/custom_scenario.rs` is the tutorial, and
//! the repository's `docs/architecture.md` describes the design.

#![warn(missing_docs)]

pub mod config;
pub mod ledger;
pub mod library;
pub mod merge;
pub mod repr;
pub mod routing;
mod scenario;
mod workload;

pub use merge::{Mergeable, Validate};
pub use repr::{Imbl, Map, Repr, Rpds, Seq, Std};
pub use scenario::{Increments, InvariantViolation, Op, OpKind, Output, Scenario};
pub use workload::{GenContext, KeyDist, OpStream, Workload, WorkloadError};
