//! The `harness` command line: parsing, one-line errors and exit codes.
//!
//! Exit codes: 0 when everything ran, 1 when a strategy failed (or, later, a
//! check or gate did), 2 on bad input. Bad input is always reported as one
//! line on stderr that names the valid choices; it never panics.

mod args;
mod calibrate;
mod check_history;
mod gate;
mod progress;
mod recommend;
mod report;
mod run;
mod sweep;
mod verify;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

pub use self::args::RecommendArgs;
pub use self::args::{
    CalibrateArgs, CheckHistoryArgs, Cli, Command, Format, ReportArgs, RunArgs, StrategyOptionArgs,
    SweepArgs, VerifyArgs,
};

/// Why a command did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The input cannot be run: exit code 2.
    #[error("{0}")]
    BadInput(String),
    /// It ran, and something it checks failed: exit code 1.
    #[error("{0}")]
    Failed(String),
}

impl CliError {
    /// The process exit code: 2 for bad input, 1 for a failure.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Failed(_) => ExitCode::from(1),
            CliError::BadInput(_) => ExitCode::from(2),
        }
    }
}

/// Parses `args` (program name first), runs the command and returns the exit code.
pub fn main(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(err) => return parse_failure(&err),
    };
    let command_line = args
        .iter()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let result = match cli.command {
        Command::Run(run_args) => run::run(&run_args, command_line),
        Command::CheckHistory(check_args) => check_history::run(&check_args),
        Command::Verify(verify_args) => verify::run(&verify_args),
        Command::Sweep(sweep_args) => sweep::run(&sweep_args, command_line),
        Command::Report(report_args) => report::run(&report_args),
        Command::Calibrate(calibrate_args) => calibrate::run(&calibrate_args),
        Command::Recommend(recommend_args) => recommend::run(&recommend_args),
        Command::Gate(gate_args) => gate::run(&gate_args),
        Command::GateWorker => gate::serve_worker(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            err.exit_code()
        }
    }
}

/// Help and version go to stdout with code 0; anything else is one line and code 2.
fn parse_failure(err: &clap::Error) -> ExitCode {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            print!("{}", err.render());
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            eprintln!(
                "error: no command given: valid are run, sweep, report, verify, check-history, calibrate, recommend, gate (see --help)"
            );
            ExitCode::from(2)
        }
        _ => {
            eprintln!("{}", one_line(&err.render().to_string()));
            ExitCode::from(2)
        }
    }
}

/// Folds clap's multi-line message into one line, dropping usage and hints to `--help`.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| {
            !line.is_empty()
                && !line.starts_with("Usage:")
                && !line.starts_with("For more information")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes one counterexample page (whole or not at all) and says where, on stderr.
fn write_page(path: &std::path::Path, page: &str) -> Result<(), CliError> {
    crate::report::write_atomically(path, page.as_bytes())
        .map_err(|err| CliError::BadInput(format!("cannot write '{}': {err}", path.display())))?;
    eprintln!("counterexample page: {}", path.display());
    Ok(())
}

/// Creates `dir` for `--html` (before any work), or says why it cannot be;
/// `purpose` says what goes into it.
fn page_directory(dir: &std::path::Path, purpose: &str) -> Result<(), CliError> {
    if dir.exists() && !dir.is_dir() {
        return Err(CliError::BadInput(format!(
            "--html '{}': not a directory ({purpose})",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(|err| {
        CliError::BadInput(format!("--html: cannot create '{}': {err}", dir.display()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_messages_fold_to_one_line() {
        let message = "error: invalid value 'xml' for '--format <FORMAT>'\n  [possible values: table, json, csv]\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(message),
            "error: invalid value 'xml' for '--format <FORMAT>' [possible values: table, json, csv]"
        );
    }

    #[test]
    fn failures_and_bad_input_have_distinct_codes() {
        assert_eq!(CliError::Failed("x".into()).exit_code(), ExitCode::from(1));
        assert_eq!(
            CliError::BadInput("x".into()).exit_code(),
            ExitCode::from(2)
        );
    }
}
