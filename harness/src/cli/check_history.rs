//! `harness check-history`: checks histories recorded by another system.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::CliError;
use super::args::{CheckHistoryArgs, HistoryFormat};
use crate::check::format::{AnyHistory, parse};
use crate::check::history::{Model, Operation};
use crate::check::linearizability::{Verdict, check};
use crate::check::models::{KeyValue, Register};
use crate::check::render::{timeline, to_json, verdict_name};
use crate::report::format_nanos;

/// One file's outcome.
struct Checked {
    file: PathBuf,
    ops: usize,
    elapsed: Duration,
    verdict: &'static str,
    details: String,
    json: Value,
}

pub fn run(args: &CheckHistoryArgs) -> Result<(), CliError> {
    let histories = args
        .files
        .iter()
        .map(|file| load(file).map(|history| (file, history)))
        .collect::<Result<Vec<_>, _>>()?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let checked: Vec<Checked> = histories
        .into_iter()
        .map(|(file, history)| check_one(file, &history, args.budget, threads))
        .collect();
    match args.format {
        HistoryFormat::Table => {
            for c in &checked {
                println!(
                    "{}: {} ({} operations, {})",
                    c.file.display(),
                    c.verdict,
                    c.ops,
                    format_nanos(c.elapsed.as_nanos() as u64)
                );
                print!("{}", c.details);
                if !c.details.is_empty() && !c.details.ends_with('\n') {
                    println!();
                }
            }
        }
        HistoryFormat::Json => {
            let all: Vec<&Value> = checked.iter().map(|c| &c.json).collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&all).expect("JSON values serialize")
            );
        }
    }
    let failed = checked
        .iter()
        .filter(|c| c.verdict != "linearizable")
        .count();
    if failed == 0 {
        Ok(())
    } else {
        Err(CliError::Failed(format!(
            "{failed} of {} histories are not linearizable or could not be decided",
            checked.len()
        )))
    }
}

fn load(file: &Path) -> Result<AnyHistory, CliError> {
    let text = std::fs::read_to_string(file)
        .map_err(|err| CliError::BadInput(format!("cannot read '{}': {err}", file.display())))?;
    parse(&text).map_err(|err| CliError::BadInput(format!("{}: {err}", file.display())))
}

fn check_one(file: &Path, history: &AnyHistory, budget: Duration, threads: usize) -> Checked {
    let started = Instant::now();
    let (verdict, details, mut json) = match history {
        AnyHistory::Register(ops) => judge(&Register, ops, budget, threads),
        AnyHistory::Kv(ops) => judge(&KeyValue, ops, budget, threads),
    };
    let elapsed = started.elapsed();
    json["file"] = json!(file.display().to_string());
    json["ops"] = json!(history.len());
    json["seconds"] = json!(elapsed.as_secs_f64());
    Checked {
        file: file.to_owned(),
        ops: history.len(),
        elapsed,
        verdict,
        details,
        json,
    }
}

fn judge<M: Model>(
    model: &M,
    ops: &[Operation<M::Input, M::Output>],
    budget: Duration,
    threads: usize,
) -> (&'static str, String, Value) {
    let verdict = check(model, ops, budget, threads);
    let details = match &verdict {
        Verdict::Linearizable => String::new(),
        Verdict::NotLinearizable(found) => timeline(model, found),
        Verdict::Unknown(reason) => format!("{reason}\n"),
    };
    (verdict_name(&verdict), details, to_json(model, &verdict))
}
