//! The command-line grammar. Every value parser explains what it accepts.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use scenarios::KeyDist;

use crate::catalog::builtin as scenario_registry;

use crate::check::consistency::Consistency;
use crate::strategy::registry as strategy_registry;

/// Most threads one run may start.
pub const MAX_THREADS: usize = 1024;

/// The longest duration any flag accepts: a run, a trial, a budget, a delay.
pub const MAX_DURATION: Duration = Duration::from_secs(3600);

/// Most operations `run --ops` may ask for.
pub const MAX_RUN_OPS: u64 = 10_000_000_000;

/// Most operations `verify` records per run (threads × ops), each kept in memory.
pub const MAX_VERIFY_OPS: usize = 1_000_000;

/// Most repeats, rounds or runs a flag accepts.
pub const MAX_REPEATS: usize = 10_000;

/// The limits every command checks while parsing, shown under each `--help`.
pub const LIMITS: &str = "Limits, checked before any work starts: durations at most 1h; \
threads at most 1024; sizes at most 10000000; run --ops at most 10000000000; \
verify at most 1000000 operations a run (threads x ops); repeats, rounds and runs at most 10000; \
publish-every at most 1000000.";

/// The contracts, shown under `verify --help` and `check-history --help`.
pub const CONTRACTS: &str = "Contracts (--consistency), strongest first:
  linearizable  one order of all operations that respects real time: a read sees every write
                that returned before it was called. Locks, arc-swap, left-right, the actor
                (writes wait for the writer) and staging --publish-every 1 promise it.
  sequential    one order that respects each client's own order, not real time across clients:
                a client sees its own writes, another's may arrive late.
  prefix        the writes alone are linearizable (in real-time order, none twice); each read
                sees the state after some prefix of them; a client's reads never go back. A client
                need not see its own write at once, and a lost write shows only through an output
                that depends on it (verify also counts writes in the final state). Immutable sharing
                with batched publication (staging --publish-every N>1) and the posting mailbox
                (actor-post), the seeds' eventually consistent designs, promise it.
Under prefix, a read's staleness is the number of writes that had returned before it was called
and that it did not see (max and p99 are reported; a linearizable history has 0).";

/// The whole command line: `harness` and one subcommand.
#[derive(Debug, Parser)]
#[command(
    name = "harness",
    version,
    about = "Measures and verifies the strategies for sharing state between threads."
)]
pub struct Cli {
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands, each with its own arguments.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Measure throughput and latency of strategies on one scenario.
    #[command(after_help = LIMITS)]
    Run(RunArgs),
    /// Check histories recorded by another system against a contract (linearizability by default).
    #[command(after_help = format!("{CONTRACTS}\n\n{LIMITS}"))]
    CheckHistory(CheckHistoryArgs),
    /// Record concurrent runs of strategies and check each against the contract it promises.
    #[command(after_help = format!("{CONTRACTS}\n\n{LIMITS}"))]
    Verify(VerifyArgs),
    /// Measure a grid of mixes × threads × sizes × representations; write results, charts and a page.
    #[command(after_help = LIMITS)]
    Sweep(SweepArgs),
    /// Render a sweep's charts and page again from its results.json, without measuring.
    Report(ReportArgs),
    /// Compare the harness's arc-swap read throughput with hand-written loops.
    #[command(after_help = LIMITS)]
    Calibrate(CalibrateArgs),
    /// Name the best strategy for a workload, and its crossovers, from a sweep's results.
    Recommend(RecommendArgs),
    /// Run the regression suite and judge it against a baseline (exit 1 on a regression).
    #[command(after_help = LIMITS)]
    Gate(super::gate::GateArgs),
    /// The A/B gate's worker: runs the trials another harness asks for on stdin.
    #[command(hide = true)]
    GateWorker,
}

/// The arguments of `harness recommend`.
#[derive(Clone, Debug, Args)]
pub struct RecommendArgs {
    /// The scenario asked about (one the sweep measured).
    #[arg(long)]
    pub scenario: String,
    /// Share of operations that read, from 0 to 1.
    #[arg(long, value_parser = read_ratio, allow_hyphen_values = true)]
    pub read_ratio: f64,
    /// Worker threads.
    #[arg(long, value_parser = threads, allow_hyphen_values = true)]
    pub threads: usize,
    /// Size of the shared state, in the scenario's unit.
    #[arg(long, value_parser = size, allow_hyphen_values = true)]
    pub size: usize,
    /// Representation: std, imbl or rpds (one the sweep measured).
    #[arg(long, default_value = "std")]
    pub repr: String,
    /// The sweep's directory (holding results.json), as `harness sweep --out` made it.
    #[arg(long, default_value = "reports/reference")]
    pub from: PathBuf,
}

/// The arguments of `harness sweep`.
#[derive(Clone, Debug, Args)]
pub struct SweepArgs {
    /// What is shared: a scenario name or `all`.
    #[arg(long, default_value = "config", value_parser = scenario_name)]
    pub scenario: String,
    /// Strategies to run: `all` or a comma-separated list.
    #[arg(long, default_value = "all", value_parser = strategy_list)]
    pub strategy: StrategyList,
    /// Shares of operations that read, comma-separated, each from 0 to 1.
    #[arg(long, default_value = "0,0.5,0.9,0.99,1", value_parser = read_ratios, allow_hyphen_values = true)]
    pub read_ratios: ListOf<f64>,
    /// Worker thread counts, comma-separated; more than the cores is allowed.
    #[arg(long, default_value = "1,2,4,8,16,32,64", value_parser = thread_counts, allow_hyphen_values = true)]
    pub threads: ListOf<usize>,
    /// Sizes of the shared state, comma-separated, in the scenario's unit (config: flags).
    #[arg(long, default_value = "64", value_parser = sizes, allow_hyphen_values = true)]
    pub sizes: ListOf<usize>,
    /// Representations, comma-separated: std, imbl, rpds.
    #[arg(long, default_value = "std", value_parser = repr_names)]
    pub reprs: ListOf<String>,
    /// Trials per point; the charts show medians. Repeats run in separate rounds.
    #[arg(long, default_value = "3", value_parser = repeats, allow_hyphen_values = true)]
    pub repeat: usize,
    /// How long each trial is measured.
    #[arg(long, default_value = "200ms", value_parser = positive_duration, allow_hyphen_values = true)]
    pub duration: Duration,
    /// Warm-up before each trial (0s for none).
    #[arg(long, default_value = "100ms", value_parser = duration, allow_hyphen_values = true)]
    pub warmup: Duration,
    /// Each of the 20 rounds of the calibration shown atop the page (`harness calibrate`'s loops).
    #[arg(long, default_value = "200ms", value_parser = positive_duration, allow_hyphen_values = true)]
    pub calibrate_duration: Duration,
    /// The directory for results.json, the charts and index.html (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Continue the sweep in --out: run only the trials its results.json lacks.
    #[arg(long)]
    pub resume: bool,
    /// The scenario's variant (routing: prefix, longest, indexed, tenants; ledger: mixed, credit-one).
    #[arg(long)]
    pub variant: Option<String>,
    /// A pause inside every write, modelling a slow update, e.g. 200us.
    #[arg(long, default_value = "0s", value_parser = duration, allow_hyphen_values = true)]
    pub write_delay: Duration,
    /// Key distribution: uniform, zipf (θ 0.99) or zipf:THETA.
    #[arg(long, default_value = "uniform", value_parser = dist)]
    pub dist: KeyDist,
    /// Seed of the operation generator.
    #[arg(long, default_value_t = 1, allow_hyphen_values = true)]
    pub seed: u64,
    /// The strategies' own options (`--publish-every`, `--on-conflict`, `--validate`).
    #[command(flatten)]
    pub strategy_options: StrategyOptionArgs,
}

/// The arguments of `harness report`.
#[derive(Clone, Debug, Args)]
pub struct ReportArgs {
    /// A sweep's directory (holding results.json).
    pub dir: PathBuf,
}

/// The arguments of `harness calibrate`.
#[derive(Clone, Debug, Args)]
pub struct CalibrateArgs {
    /// Threads, the same for the hand loops and the harness.
    #[arg(long, default_value = "1", value_parser = threads, allow_hyphen_values = true)]
    pub threads: usize,
    /// Flags in the config scenario's state.
    #[arg(long, default_value = "64", value_parser = size, allow_hyphen_values = true)]
    pub size: usize,
    /// Measured time of each trial, e.g. 1s, 500ms.
    #[arg(long, default_value = "200ms", value_parser = positive_duration, allow_hyphen_values = true)]
    pub duration: Duration,
    /// Warm-up before each trial (0s for none).
    #[arg(long, default_value = "50ms", value_parser = duration, allow_hyphen_values = true)]
    pub warmup: Duration,
    /// Trials of each loop, interleaved; each loop's fastest is compared.
    #[arg(long, default_value = "20", value_parser = repeats, allow_hyphen_values = true)]
    pub rounds: usize,
    /// Seed of the reads replayed.
    #[arg(long, default_value_t = 1, allow_hyphen_values = true)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = HistoryFormat::Table)]
    pub format: HistoryFormat,
}

/// The arguments of `harness verify`.
#[derive(Clone, Debug, Args)]
pub struct VerifyArgs {
    /// What is shared.
    #[arg(long, default_value = "ledger", value_parser = single_scenario)]
    pub scenario: String,
    /// How the state is represented: std, imbl or rpds.
    #[arg(long, default_value = "std", value_parser = repr_name)]
    pub repr: String,
    /// The scenario's variant.
    #[arg(long)]
    pub variant: Option<String>,
    /// Strategies to verify: `all` (the real ones) or a comma-separated list,
    /// which may name the mutants (racy-swap, deadlock, unsynced-merge,
    /// torn-read, stale-read).
    #[arg(long, default_value = "all", value_parser = verify_list)]
    pub strategy: StrategyList,
    /// Client threads per run.
    #[arg(long, default_value = "3", value_parser = threads, allow_hyphen_values = true)]
    pub threads: usize,
    /// Operations per thread per run.
    #[arg(long, default_value = "200", value_parser = verify_ops, allow_hyphen_values = true)]
    pub ops: usize,
    /// Recorded runs per strategy; the first violation stops a strategy's runs.
    #[arg(long, default_value = "5", value_parser = repeats, allow_hyphen_values = true)]
    pub runs: usize,
    /// Size of the shared state; small sizes make operations collide.
    #[arg(long, default_value = "3", value_parser = size, allow_hyphen_values = true)]
    pub size: usize,
    /// Share of operations that read, from 0 to 1.
    #[arg(long, default_value = "0.5", value_parser = read_ratio, allow_hyphen_values = true)]
    pub read_ratio: f64,
    /// A pause inside every write, which widens race windows, e.g. 50us.
    #[arg(long, default_value = "0s", value_parser = duration, allow_hyphen_values = true)]
    pub write_delay: Duration,
    /// Seed of the first run; run k uses seed + k.
    #[arg(long, default_value_t = 1, allow_hyphen_values = true)]
    pub seed: u64,
    /// Checker time allowed per run; past it the verdict is `unknown`.
    #[arg(long, default_value = "10s", value_parser = positive_duration, allow_hyphen_values = true)]
    pub budget: Duration,
    /// The strategies' own options (`--publish-every`, `--on-conflict`, `--validate`).
    #[command(flatten)]
    pub strategy_options: StrategyOptionArgs,
    /// Watchdog: a run whose clients are not all done by then is reported stuck.
    #[arg(long, default_value = "10s", value_parser = positive_duration, allow_hyphen_values = true)]
    pub timeout: Duration,
    /// The pause inside the one slow write that readers are timed against,
    /// to tell whether they wait for writers.
    #[arg(long, default_value = "200ms", value_parser = positive_duration, allow_hyphen_values = true)]
    pub probe_delay: Duration,
    /// Write a page per strategy that fails (its counterexample drawn: a lane per client) into this directory.
    #[arg(long, value_name = "DIR")]
    pub html: Option<PathBuf>,
    /// The contract every strategy named must keep [default: each strategy's own promise].
    #[arg(long, value_enum)]
    pub consistency: Option<Consistency>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = HistoryFormat::Table)]
    pub format: HistoryFormat,
}

/// The arguments of `harness check-history`.
#[derive(Clone, Debug, Args)]
pub struct CheckHistoryArgs {
    /// History files (JSON; the format is in docs/history-format.md).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = HistoryFormat::Table)]
    pub format: HistoryFormat,
    /// Time allowed per file; past it the verdict is `unknown`.
    #[arg(long, default_value = "10s", value_parser = positive_duration, allow_hyphen_values = true)]
    pub budget: Duration,
    /// Threads checking independent parts in parallel [default: the number of cores].
    #[arg(long, value_parser = threads, allow_hyphen_values = true)]
    pub threads: Option<usize>,
    /// Write each counterexample as a page (a lane per client): with one history, this file;
    /// with several, a directory holding one page per failing history, named after it.
    #[arg(long, value_name = "PATH")]
    pub html: Option<PathBuf>,
    /// The contract each history must keep.
    #[arg(long, value_enum, default_value_t = Consistency::Linearizable)]
    pub consistency: Consistency,
}

/// A table or JSON (check-history, verify and calibrate).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    Table,
    Json,
}

/// The arguments of `harness run`.
#[derive(Clone, Debug, Args)]
pub struct RunArgs {
    /// What is shared: a scenario name or `all`.
    #[arg(long, default_value = "config", value_parser = scenario_name)]
    pub scenario: String,
    /// How the state is represented: std (copy to publish), imbl or rpds (persistent).
    #[arg(long, default_value = "std", value_parser = repr_name)]
    pub repr: String,
    /// The scenario's variant (routing: prefix, longest, indexed, tenants; ledger: mixed, credit-one).
    #[arg(long)]
    pub variant: Option<String>,
    /// A pause inside every write, modelling a slow update, e.g. 200us.
    #[arg(long, default_value = "0s", value_parser = duration, allow_hyphen_values = true)]
    pub write_delay: Duration,
    /// Strategies to run: `all` or a comma-separated list.
    #[arg(long, default_value = "all", value_parser = strategy_list)]
    pub strategy: StrategyList,
    /// Worker threads; more than the cores is allowed (oversubscription) [default: the number of cores].
    #[arg(long, value_parser = threads, allow_hyphen_values = true)]
    pub threads: Option<usize>,
    /// Share of operations that read, from 0 to 1.
    #[arg(long, default_value = "0.9", value_parser = read_ratio, allow_hyphen_values = true)]
    pub read_ratio: f64,
    /// How long each strategy is measured, e.g. 5s, 500ms [default: 2s].
    #[arg(long, value_parser = positive_duration, conflicts_with = "ops", allow_hyphen_values = true)]
    pub duration: Option<Duration>,
    /// Measure each strategy for this many operations instead of a duration.
    #[arg(long, value_parser = run_ops, allow_hyphen_values = true)]
    pub ops: Option<u64>,
    /// Warm-up before measuring each strategy (0s for none).
    #[arg(long, default_value = "500ms", value_parser = duration, allow_hyphen_values = true)]
    pub warmup: Duration,
    /// Size of the shared state, in the scenario's unit (config: flags).
    #[arg(long, default_value = "64", value_parser = size, allow_hyphen_values = true)]
    pub size: usize,
    /// Key distribution: uniform, zipf (θ 0.99) or zipf:THETA.
    #[arg(long, default_value = "uniform", value_parser = dist)]
    pub dist: KeyDist,
    /// Seed of the operation generator; the same seed replays the same operations.
    #[arg(long, default_value_t = 1, allow_hyphen_values = true)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the output to this file (whole or not at all) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// After each strategy, time reads during one write slowed by this much
    /// (verify's read probe) to rank whether reads wait; 0s skips it.
    #[arg(long, default_value = "200ms", value_parser = duration, allow_hyphen_values = true)]
    pub probe_delay: Duration,
    /// The strategies' own options (`--publish-every`, `--on-conflict`, `--validate`).
    #[command(flatten)]
    pub strategy_options: StrategyOptionArgs,
}

/// The strategies' own options, shared by `run`, `sweep` and `verify`.
#[derive(Clone, Debug, Args)]
pub struct StrategyOptionArgs {
    /// staging: publish a snapshot after this many writes.
    #[arg(long, default_value = "1", value_parser = publish_every, allow_hyphen_values = true)]
    pub publish_every: usize,
    /// cas-merge: on a conflict, recompute from the newer version (retry) or give up (abort).
    #[arg(long, value_enum, default_value_t = OnConflictArg::Retry)]
    pub on_conflict: OnConflictArg,
    /// cas-merge: check overlap on the leaves written (writes) or also those read (reads).
    #[arg(long, value_enum, default_value_t = ValidateArg::Reads)]
    pub validate: ValidateArg,
}

impl StrategyOptionArgs {
    /// These options as the strategies take them.
    pub fn options(&self) -> crate::strategy::StrategyOptions {
        crate::strategy::StrategyOptions {
            publish_every: self.publish_every,
            on_conflict: self.on_conflict.into(),
            validate: self.validate.into(),
        }
    }

    /// `retry` or `abort`, as results files spell it.
    pub fn on_conflict_name(&self) -> String {
        format!("{:?}", self.on_conflict).to_lowercase()
    }

    /// `writes` or `reads`, as results files spell it.
    pub fn validate_name(&self) -> String {
        format!("{:?}", self.validate).to_lowercase()
    }
}

/// `--on-conflict`: what cas-merge does on a conflict ([`crate::strategy::OnConflict`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OnConflictArg {
    Retry,
    Abort,
}

/// `--validate`: which leaves cas-merge checks for overlap ([`scenarios::Validate`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ValidateArg {
    Writes,
    Reads,
}

impl From<OnConflictArg> for crate::strategy::OnConflict {
    fn from(arg: OnConflictArg) -> Self {
        match arg {
            OnConflictArg::Retry => Self::Retry,
            OnConflictArg::Abort => Self::Abort,
        }
    }
}

impl From<ValidateArg> for scenarios::Validate {
    fn from(arg: ValidateArg) -> Self {
        match arg {
            ValidateArg::Writes => Self::Writes,
            ValidateArg::Reads => Self::Reads,
        }
    }
}

/// How `run` writes its report (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table per scenario, then the strategies ranked with a recommendation.
    Table,
    /// The report and the ranked plans as one JSON document.
    Json,
    /// One CSV row per strategy result, with a header; no ranking, so no read probe.
    Csv,
}

/// A comma-separated list of values, each checked by the value's own parser.
#[derive(Clone, Debug, PartialEq)]
pub struct ListOf<T>(pub Vec<T>);

/// Parses `text` as a comma-separated list of what `item` accepts, without duplicates.
fn list_of<T: PartialEq>(
    text: &str,
    item: impl Fn(&str) -> Result<T, String>,
) -> Result<ListOf<T>, String> {
    let mut values = Vec::new();
    for part in text.split(',').map(str::trim) {
        let value = item(part).map_err(|err| format!("'{part}': {err}"))?;
        if !values.contains(&value) {
            values.push(value);
        }
    }
    Ok(ListOf(values))
}

fn read_ratios(text: &str) -> Result<ListOf<f64>, String> {
    list_of(text, read_ratio)
}

fn thread_counts(text: &str) -> Result<ListOf<usize>, String> {
    list_of(text, threads)
}

fn sizes(text: &str) -> Result<ListOf<usize>, String> {
    list_of(text, size)
}

fn repr_names(text: &str) -> Result<ListOf<String>, String> {
    list_of(text, repr_name)
}

/// Strategy names, validated against the registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrategyList(pub Vec<&'static str>);

fn scenario_name(text: &str) -> Result<String, String> {
    if text == "all" || scenario_registry::NAMES.contains(&text) {
        Ok(text.to_owned())
    } else {
        Err(scenario_registry::ScenarioError::UnknownScenario(text.to_owned()).to_string())
    }
}

fn single_scenario(text: &str) -> Result<String, String> {
    let valid = scenario_registry::NAMES.join(", ");
    match text {
        "all" => Err(format!("verify takes one scenario: valid are {valid}")),
        _ if scenario_registry::NAMES.contains(&text) => Ok(text.to_owned()),
        _ => Err(format!("unknown scenario '{text}': valid are {valid}")),
    }
}

/// Refuses a list that names a strategy twice, or mixes `all` with names.
fn check_list_shape(text: &str) -> Result<(), String> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    if parts.len() > 1 && parts.contains(&"all") {
        return Err("'all' stands alone: give all, or a comma-separated list of names".to_owned());
    }
    for (index, part) in parts.iter().enumerate() {
        if parts[..index].contains(part) {
            return Err(format!("'{part}' is named twice"));
        }
    }
    Ok(())
}

fn verify_list(text: &str) -> Result<StrategyList, String> {
    check_list_shape(text)?;
    let mut names = Vec::new();
    for part in text.split(',').map(str::trim) {
        let mutant = crate::strategy::mutants::NAMES.iter().find(|&&m| m == part);
        match mutant {
            Some(&name) => names.push(name),
            None => names.extend(strategy_list(part)?.0),
        }
    }
    names.dedup();
    Ok(StrategyList(names))
}

fn repr_name(text: &str) -> Result<String, String> {
    if scenarios::repr::NAMES.contains(&text) {
        Ok(text.to_owned())
    } else {
        Err(scenario_registry::ScenarioError::UnknownRepr(text.to_owned()).to_string())
    }
}

fn strategy_list(text: &str) -> Result<StrategyList, String> {
    check_list_shape(text)?;
    strategy_registry::parse_list(text)
        .map(StrategyList)
        .map_err(|err| match err {
            strategy_registry::UnknownStrategy(name) => format!(
                "{}; mutants (verify only): {}",
                strategy_registry::UnknownStrategy(name),
                crate::strategy::mutants::NAMES.join(", ")
            ),
        })
}

fn threads(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
        _ => Err(format!("expected a whole number from 1 to {MAX_THREADS}")),
    }
}

fn read_ratio(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        // `+ 0.0` turns -0 into 0, which would otherwise print as "-0".
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r + 0.0),
        _ => Err("expected a number from 0 to 1, e.g. 0.9".to_owned()),
    }
}

fn duration(text: &str) -> Result<Duration, String> {
    match humantime::parse_duration(text) {
        Ok(d) if d <= MAX_DURATION => Ok(d),
        _ => Err("expected a duration of at most 1h, such as 5s, 500ms, 2m or 0s".to_owned()),
    }
}

fn positive_duration(text: &str) -> Result<Duration, String> {
    match duration(text) {
        Ok(d) if !d.is_zero() => Ok(d),
        _ => {
            Err("expected a duration above zero and at most 1h, such as 5s, 500ms or 2m".to_owned())
        }
    }
}

/// A whole number from 1 to `max`.
fn count_up_to(text: &str, max: u64) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!("expected a whole number from 1 to {max}")),
    }
}

fn run_ops(text: &str) -> Result<u64, String> {
    count_up_to(text, MAX_RUN_OPS)
}

fn verify_ops(text: &str) -> Result<usize, String> {
    count_up_to(text, MAX_VERIFY_OPS as u64).map(|n| n as usize)
}

fn repeats(text: &str) -> Result<usize, String> {
    count_up_to(text, MAX_REPEATS as u64).map(|n| n as usize)
}

fn publish_every(text: &str) -> Result<usize, String> {
    count_up_to(text, 1_000_000).map(|n| n as usize)
}

fn size(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=10_000_000).contains(&n) => Ok(n),
        _ => Err("expected a whole number from 1 to 10000000".to_owned()),
    }
}

fn dist(text: &str) -> Result<KeyDist, String> {
    text.parse()
        .map_err(|err: scenarios::WorkloadError| err.to_string())
}
