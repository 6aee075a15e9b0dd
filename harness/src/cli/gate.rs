//! `harness gate`: measure the suite against another build (A/B) or a
//! stored baseline, print the table, write the JSON file, and exit 0
//! (pass, including unclear), 1 (a regression) or 2 (bad input, checked
//! before anything is measured). The measuring and judging are
//! `crate::gate`; this file only wires arguments, files and exit codes.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{ArgGroup, Args, ValueEnum};
use indicatif::ProgressBar;

use super::CliError;
use crate::gate::revision::{self, RevisionError};
use crate::gate::{
    self, Baseline, ComparedWith, GateOutcome, PairedError, Side, Suite, SuiteName, Threshold,
    TrialError, render,
};
use crate::report::{check_destination, write_atomically};

/// Where the JSON result goes without `--out`.
const DEFAULT_OUT: &str = "target/gate/gate.json";

/// The arguments of `harness gate`.
#[derive(Clone, Debug, Args)]
#[command(group(ArgGroup::new("compared_with").required(true).args(["against", "against_binary", "baseline"])))]
pub struct GateArgs {
    /// Build the harness at this git revision and measure both interleaved (A/B) on this machine.
    #[arg(long, value_name = "REV")]
    pub against: Option<String>,
    /// Measure interleaved (A/B) against this harness binary, built by the pipeline.
    #[arg(long, value_name = "PATH")]
    pub against_binary: Option<PathBuf>,
    /// A baseline recorded on this machine (same fingerprint) to compare with, or to write.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// The slowdown of a figure's median that fails, as a percentage.
    #[arg(long, default_value = "20%", value_parser = Threshold::parse, allow_hyphen_values = true)]
    pub threshold: Threshold,
    /// The suite of figures: quick (CI), full, or smoke (tests the gate itself).
    #[arg(long, value_enum, default_value_t = SuiteArg::Quick)]
    pub suite: SuiteArg,
    /// The JSON result, written whole or not at all [default: target/gate/gate.json].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Record the suite (with more trials) and write it as the baseline instead of comparing.
    #[arg(
        long,
        requires = "baseline",
        conflicts_with_all = ["against", "against_binary", "out", "threshold"]
    )]
    pub update_baseline: bool,
}

/// `--suite`: which suite of figures the gate measures ([`SuiteName`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SuiteArg {
    Quick,
    Full,
    Smoke,
}

impl From<SuiteArg> for SuiteName {
    fn from(arg: SuiteArg) -> Self {
        match arg {
            SuiteArg::Quick => SuiteName::Quick,
            SuiteArg::Full => SuiteName::Full,
            SuiteArg::Smoke => SuiteName::Smoke,
        }
    }
}

pub fn run(args: &GateArgs) -> Result<(), CliError> {
    announce_proof_slowdown()?;
    let suite = Suite::named(args.suite.into());
    match (&args.baseline, &args.against, &args.against_binary) {
        (Some(path), _, _) if args.update_baseline => update_baseline(&suite, path),
        (Some(path), _, _) => against_baseline(&suite, path, args),
        (_, Some(revision), _) => {
            let out = destination(args.out.as_deref())?;
            let built = revision::build(revision).map_err(revision_failure)?;
            let binary = built.binary.clone();
            let compared_with = ComparedWith::Revision {
                revision: revision.clone(),
                commit: built.commit,
                binary: built.binary,
            };
            paired(&suite, &binary, compared_with, &out, args.threshold)
        }
        (_, _, Some(binary)) => {
            let out = destination(args.out.as_deref())?;
            if !binary.is_file() {
                return Err(CliError::BadInput(format!(
                    "--against-binary '{}' is not a file",
                    binary.display()
                )));
            }
            let compared_with = ComparedWith::Binary {
                binary: binary.clone(),
            };
            paired(&suite, binary, compared_with, &out, args.threshold)
        }
        (None, None, None) => unreachable!("clap requires one of them"),
    }
}

/// `harness gate-worker`: serves trials on stdin and stdout until stdin ends.
pub fn serve_worker() -> Result<(), CliError> {
    let stdin = std::io::stdin();
    gate::protocol::serve(stdin.lock(), std::io::stdout().lock())
        .map_err(|err| CliError::Failed(format!("gate worker: {err}")))
}

fn against_baseline(suite: &Suite, path: &Path, args: &GateArgs) -> Result<(), CliError> {
    let baseline = Baseline::load(path, suite).map_err(bad_input)?;
    let out = destination(args.out.as_deref())?;
    if same_file(&out, path) {
        return Err(CliError::BadInput(format!(
            "--out '{}' is the baseline itself: the result would replace it; choose another --out",
            out.display()
        )));
    }
    let outcome =
        gate::check(&baseline, path, args.threshold, &mut progress()).map_err(trial_failure)?;
    finish(&outcome, &out)
}

/// The A/B gate against `against_binary`: both sides as worker processes,
/// measured interleaved.
fn paired(
    suite: &Suite,
    against_binary: &Path,
    compared_with: ComparedWith,
    out: &Path,
    threshold: Threshold,
) -> Result<(), CliError> {
    let current_binary = std::env::current_exe()
        .map_err(|err| CliError::Failed(format!("cannot find this harness binary: {err}")))?;
    let mut against = Side::start(against_binary, true).map_err(paired_failure)?;
    let mut current = Side::start(&current_binary, false).map_err(paired_failure)?;
    let outcome = gate::check_paired(
        suite,
        &mut against,
        &mut current,
        compared_with,
        threshold,
        &mut progress(),
    )
    .map_err(paired_failure)?;
    finish(&outcome, out)
}

fn update_baseline(suite: &Suite, path: &Path) -> Result<(), CliError> {
    check_directory(path)?;
    let baseline = gate::record(suite, &mut progress()).map_err(trial_failure)?;
    baseline.save(path).map_err(bad_input)?;
    print!("{}", render::baseline_table(suite, &baseline.figures));
    eprintln!("wrote {}", path.display());
    Ok(())
}

/// Whether two paths name the same file (the second exists).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn finish(outcome: &GateOutcome, out: &Path) -> Result<(), CliError> {
    print!("{}", render::to_markdown(outcome));
    write_json(out, outcome)?;
    verdict(outcome)
}

/// Exit code 1 naming the regressed figures, or success.
fn verdict(outcome: &GateOutcome) -> Result<(), CliError> {
    if outcome.passed() {
        return Ok(());
    }
    let regressed: Vec<String> = outcome
        .regressions()
        .map(|f| format!("{} ({:+.1}%)", f.id, f.judgement.change * 100.0))
        .collect();
    Err(CliError::Failed(format!(
        "{} of {} figures regressed beyond -{:.1}%: {}",
        regressed.len(),
        outcome.figures.len(),
        outcome.threshold * 100.0,
        regressed.join(", ")
    )))
}

/// `--out`, whose directory must exist, or the default, whose directory is created.
fn destination(out: Option<&Path>) -> Result<PathBuf, CliError> {
    match out {
        Some(path) => {
            check_directory(path)?;
            Ok(path.to_owned())
        }
        None => {
            let path = PathBuf::from(DEFAULT_OUT);
            let dir = path.parent().expect("the default has a directory");
            std::fs::create_dir_all(dir).map_err(|err| {
                CliError::BadInput(format!("cannot create '{}': {err}", dir.display()))
            })?;
            Ok(path)
        }
    }
}

/// Refuses a destination that cannot be written, before measuring.
fn check_directory(path: &Path) -> Result<(), CliError> {
    check_destination(path).map_err(CliError::BadInput)
}

fn write_json(path: &Path, outcome: &GateOutcome) -> Result<(), CliError> {
    let mut json = serde_json::to_string_pretty(outcome).expect("an outcome serializes");
    json.push('\n');
    write_atomically(path, json.as_bytes())
        .map_err(|err| CliError::BadInput(format!("cannot write '{}': {err}", path.display())))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

fn bad_input(err: impl std::fmt::Display) -> CliError {
    CliError::BadInput(err.to_string())
}

fn revision_failure(err: RevisionError) -> CliError {
    CliError::BadInput(err.to_string())
}

fn paired_failure(err: PairedError) -> CliError {
    match err {
        PairedError::Worker(_) => CliError::BadInput(err.to_string()),
        PairedError::Current { .. } => CliError::Failed(format!("a strategy failed: {err}")),
        PairedError::CurrentLost(_) => CliError::Failed(err.to_string()),
    }
}

fn trial_failure(err: TrialError) -> CliError {
    match err {
        TrialError::Definition(_) => CliError::BadInput(err.to_string()),
        TrialError::Run { .. } => CliError::Failed(format!("a strategy failed: {err}")),
        TrialError::Clock(_) => CliError::Failed(err.to_string()),
    }
}

/// A bar on a terminal; nothing otherwise, so CI logs keep only the table.
fn progress() -> Bar {
    Bar(std::io::stderr().is_terminal().then(ProgressBar::hidden))
}

struct Bar(Option<ProgressBar>);

impl gate::Progress for Bar {
    fn trial_done(&mut self, done: usize, total: usize) {
        if let Some(bar) = &mut self.0 {
            if bar.is_hidden() {
                *bar = ProgressBar::new(total as u64);
            }
            bar.set_position(done as u64);
            if done == total {
                bar.finish_and_clear();
            }
        }
    }
}

/// In a `gate-proof` build, says which strategy is slowed (or refuses a bad
/// variable); a normal build has no such knob.
fn announce_proof_slowdown() -> Result<(), CliError> {
    #[cfg(feature = "gate-proof")]
    if let Some(slowdown) = gate::proof::from_env().map_err(CliError::BadInput)? {
        eprintln!(
            "gate-proof build: {} is slowed down by {:.0}%",
            slowdown.strategy,
            slowdown.fraction * 100.0
        );
    }
    Ok(())
}
