//! The results schema of `harness run` (JSON `schema_version` 2: latency
//! sampling became `latency_sampling`, adaptive by default).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::environment::Environment;
use crate::runner::{Latency, Measurement, RunFailure, Sampling};

/// Bumped whenever a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 2;

/// Everything one `harness run` produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    /// The layout version, [`SCHEMA_VERSION`] when written.
    pub schema_version: u32,
    /// Where the run was measured.
    pub environment: Environment,
    /// What was run.
    pub arguments: RunArguments,
    /// The command line as given, for reproduction.
    pub command_line: Vec<String>,
    /// One result per scenario and strategy run, in run order.
    pub results: Vec<StrategyResult>,
}

/// The effective arguments of a run, defaults filled in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunArguments {
    /// A scenario name, or `all`.
    pub scenario: String,
    /// The state's representation, by its `--repr` name (e.g. `std`).
    pub repr: String,
    /// The scenario's `--variant`; `None` for its default.
    pub variant: Option<String>,
    /// The pause inside every write, in seconds; 0 for none.
    pub write_delay_s: f64,
    /// The strategies run, by registry name.
    pub strategies: Vec<String>,
    /// Worker threads.
    pub threads: usize,
    /// The share of operations that read, 0 to 1.
    pub read_ratio: f64,
    /// Size of the shared state, in the scenario's unit (config: flags).
    pub size: usize,
    /// The key distribution, as `--dist` spells it.
    pub dist: String,
    /// Measured duration per strategy, when the run was timed.
    pub duration_s: Option<f64>,
    /// Operations per strategy, when the run was counted.
    pub ops: Option<u64>,
    /// Warm-up before measuring each strategy, in seconds.
    pub warmup_s: f64,
    /// Seed of the operation generator.
    pub seed: u64,
    /// staging: writes between two published snapshots.
    pub publish_every: usize,
    /// cas-merge: `retry` or `abort`.
    pub on_conflict: String,
    /// cas-merge: `writes` or `reads`.
    pub validate: String,
    /// Which operations' latency was timed.
    pub latency_sampling: Sampling,
}

impl RunArguments {
    /// ` (longest)` when a variant was chosen; empty otherwise.
    pub fn variant_suffix(&self) -> String {
        self.variant
            .as_deref()
            .map(|v| format!(" ({v})"))
            .unwrap_or_default()
    }

    /// The pause inside every write, if there was one, e.g. `200us`.
    pub fn write_delay(&self) -> Option<String> {
        (self.write_delay_s > 0.0).then(|| {
            let delay = std::time::Duration::from_secs_f64(self.write_delay_s);
            humantime::format_duration(delay).to_string()
        })
    }
}

/// One strategy's outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StrategyResult {
    /// The scenario's name.
    pub scenario: String,
    /// The strategy's registry name.
    pub strategy: String,
    /// `ok`, or `failed` with `error` saying why.
    pub status: String,
    /// Why the strategy failed; `None` when it did not.
    pub error: Option<String>,
    /// The measured window, in seconds; 0 when it failed.
    pub elapsed_s: f64,
    /// Operations measured, reads plus writes.
    pub ops: u64,
    /// Reads measured.
    pub reads: u64,
    /// Writes measured.
    pub writes: u64,
    /// All threads' operations per second of the measured window.
    pub ops_per_sec: f64,
    /// `ops_per_sec` divided by the number of threads.
    pub ops_per_sec_per_thread: f64,
    /// Sampled read and write latency, in nanoseconds.
    pub latency_ns: Latency,
    /// The strategy's event counts over the measured window (retries,
    /// publishes), by name.
    pub counters: BTreeMap<String, u64>,
    /// The scenario's description of the state the run ended in.
    pub final_state: Option<String>,
}

impl StrategyResult {
    /// The result of one run of `strategy` on `scenario` with `threads` threads;
    /// a failed run gives zero counts and `status` `failed`.
    pub fn new(
        scenario: &str,
        strategy: &str,
        threads: usize,
        outcome: Result<Measurement, RunFailure>,
    ) -> Self {
        match outcome {
            Ok(m) => Self {
                scenario: scenario.to_owned(),
                strategy: strategy.to_owned(),
                status: "ok".to_owned(),
                error: None,
                elapsed_s: m.elapsed.as_secs_f64(),
                ops: m.reads + m.writes,
                reads: m.reads,
                writes: m.writes,
                ops_per_sec: m.ops_per_sec,
                ops_per_sec_per_thread: m.ops_per_sec / threads as f64,
                latency_ns: m.latency,
                counters: m
                    .counters
                    .iter()
                    .map(|(name, n)| (name.to_owned(), n))
                    .collect(),
                final_state: m.final_state,
            },
            Err(RunFailure(error)) => Self {
                scenario: scenario.to_owned(),
                strategy: strategy.to_owned(),
                status: "failed".to_owned(),
                error: Some(error),
                elapsed_s: 0.0,
                ops: 0,
                reads: 0,
                writes: 0,
                ops_per_sec: 0.0,
                ops_per_sec_per_thread: 0.0,
                latency_ns: Latency {
                    read: None,
                    write: None,
                },
                counters: BTreeMap::new(),
                final_state: None,
            },
        }
    }

    /// Whether the strategy failed (it has an `error`).
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }
}
