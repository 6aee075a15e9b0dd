//! How shared state is shared, driven, measured and checked.
//!
//! * [`strategy`]: the strategies (locks, snapshots, an actor, optimistic
//!   CAS, left-right), all generic over any [`scenarios::Scenario`], behind
//!   one trait pair and one name registry;
//! * [`sync`]: the facade every strategy takes its primitives from;
//! * [`runner`]: drives a strategy with many threads and measures throughput
//!   and sampled latency;
//! * [`conformance`]: the checks every strategy must pass, as a library so
//!   strategies defined outside this crate can run them too;
//! * [`calibrate`]: how much of a hand-written loop's speed the runner keeps,
//!   so its figures measure strategies rather than itself;
//! * [`sweep`]: a grid of runs, resumable, every trial kept in one file;
//! * [`plan`]: capacity planning: a run's strategies ranked with a
//!   recommendation, and a sweep's best choice and crossover points;
//! * [`gate`]: the CI regression gate: a fixed suite of normalized figures
//!   judged against a baseline by bootstrap intervals;
//! * [`report`]: the results schemas and their renderings: table, JSON, CSV,
//!   and a sweep's SVG charts and HTML page;
//! * [`cli`]: the `harness` command line on top of all that.
//!
//! Also [`catalog`] (names to types: a scenario built once into a
//! [`catalog::Runnable`], yours included) and [`slowed`] (the write delay,
//! for any scenario). Each command has a page in the repository's `docs/`
//! (`docs/run.md`, `docs/verify.md`, ...; `docs/architecture.md` for the
//! design); `harness/examples/custom_strategy.rs` and
//! `harness/examples/custom_scenario.rs` bring a strategy and a scenario
//! from outside the crates.

#![warn(missing_docs)]

pub mod calibrate;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod conformance;
pub mod environment;
pub mod gate;
pub mod machine;
pub mod plan;
pub mod report;
pub mod runner;
pub mod slowed;
pub mod stats;
pub mod strategy;
pub mod sweep;
pub mod sync;
