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
    pub schema_version: u32,
    pub environment: Environment,
    pub arguments: RunArguments,
    /// The command line as given, for reproduction.
    pub command_line: Vec<String>,
    pub results: Vec<StrategyResult>,
}

/// The effective arguments of a run, defaults filled in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunArguments {
    /// A scenario name, or `all`.
    pub scenario: String,
    pub repr: String,
    pub variant: Option<String>,
    pub write_delay_s: f64,
    pub strategies: Vec<String>,
    pub threads: usize,
    pub read_ratio: f64,
    pub size: usize,
    pub dist: String,
    /// Measured duration per strategy, when the run was timed.
    pub duration_s: Option<f64>,
    /// Operations per strategy, when the run was counted.
    pub ops: Option<u64>,
    pub warmup_s: f64,
    pub seed: u64,
    pub publish_every: usize,
    /// cas-merge: `retry` or `abort`.
    pub on_conflict: String,
    /// cas-merge: `writes` or `reads`.
    pub validate: String,
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
    pub scenario: String,
    pub strategy: String,
    /// `ok`, or `failed` with `error` saying why.
    pub status: String,
    pub error: Option<String>,
    pub elapsed_s: f64,
    pub ops: u64,
    pub reads: u64,
    pub writes: u64,
    pub ops_per_sec: f64,
    pub ops_per_sec_per_thread: f64,
    pub latency_ns: Latency,
    pub counters: BTreeMap<String, u64>,
    /// The scenario's description of the state the run ended in.
    pub final_state: Option<String>,
}

impl StrategyResult {
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

    pub fn failed(&self) -> bool {
        self.error.is_some()
    }
}
