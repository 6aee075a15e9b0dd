//! `harness check-history`: checks histories recorded by another system.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::CliError;
use super::args::{CheckHistoryArgs, HistoryFormat};
use crate::check::consistency::{self, Consistency, Outcome};
use crate::check::format::{AnyHistory, parse};
use crate::check::history::{Operation, Spec};
use crate::check::html::page;
use crate::check::linearizability::{Verdict, check};
use crate::check::render::{outcome_json, timeline, to_json, verdict_name, violation_text};
use crate::check::specs::{KeyValue, Register};
use crate::report::{check_destination, format_nanos};

/// One file's outcome.
struct Checked {
    file: PathBuf,
    ops: usize,
    elapsed: Duration,
    verdict: String,
    /// Whether the history kept the contract asked for.
    kept: bool,
    details: String,
    json: Value,
    /// The counterexample's page, if it is not linearizable.
    page: Option<String>,
}

pub fn run(args: &CheckHistoryArgs) -> Result<(), CliError> {
    let pages = args
        .html
        .as_deref()
        .map(|html| page_paths(html, &args.files))
        .transpose()?;
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
        .map(|(file, history)| check_one(file, &history, args, threads))
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
    if let Some(pages) = &pages {
        write_pages(pages, &checked)?;
    }
    let failed = checked.iter().filter(|c| !c.kept).count();
    if failed == 0 {
        Ok(())
    } else {
        Err(CliError::Failed(format!(
            "{failed} of {} histories are not {} or could not be decided",
            checked.len(),
            args.consistency
        )))
    }
}

/// Where each history's page goes: with one history, `html` itself; with
/// several, `html/<file stem>.html`. Refuses (before any work) a
/// destination that cannot be written and two histories with one stem.
fn page_paths(html: &Path, files: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    if let [_] = files {
        check_destination(html).map_err(|err| CliError::BadInput(format!("--html: {err}")))?;
        return Ok(vec![html.to_owned()]);
    }
    super::page_directory(
        html,
        "with several histories, one page per failing history goes into it",
    )?;
    let mut paths: Vec<PathBuf> = Vec::with_capacity(files.len());
    for file in files {
        let stem = file
            .file_stem()
            .unwrap_or(file.as_os_str())
            .to_string_lossy();
        let path = html.join(format!("{stem}.html"));
        if paths.contains(&path) {
            return Err(CliError::BadInput(format!(
                "--html: two histories are named '{stem}': their pages would both be '{}'",
                path.display()
            )));
        }
        paths.push(path);
    }
    Ok(paths)
}

fn write_pages(paths: &[PathBuf], checked: &[Checked]) -> Result<(), CliError> {
    for (path, c) in paths.iter().zip(checked) {
        let Some(page) = &c.page else { continue };
        super::write_page(path, page)?;
    }
    Ok(())
}

fn load(file: &Path) -> Result<AnyHistory, CliError> {
    let text = std::fs::read_to_string(file)
        .map_err(|err| CliError::BadInput(format!("cannot read '{}': {err}", file.display())))?;
    parse(&text).map_err(|err| CliError::BadInput(format!("{}: {err}", file.display())))
}

fn check_one(
    file: &Path,
    history: &AnyHistory,
    args: &CheckHistoryArgs,
    threads: usize,
) -> Checked {
    let started = Instant::now();
    let title = file.display().to_string();
    let (budget, contract) = (args.budget, args.consistency);
    let judged = match history {
        AnyHistory::Register(ops) => judge(&Register, ops, contract, budget, threads, &title),
        AnyHistory::Kv(ops) => judge(&KeyValue, ops, contract, budget, threads, &title),
    };
    let elapsed = started.elapsed();
    let mut json = judged.json;
    json["file"] = json!(file.display().to_string());
    json["ops"] = json!(history.len());
    json["seconds"] = json!(elapsed.as_secs_f64());
    Checked {
        file: file.to_owned(),
        ops: history.len(),
        elapsed,
        verdict: judged.verdict,
        kept: judged.kept,
        details: judged.details,
        json,
        page: judged.page,
    }
}

/// One history's verdict under one contract, for people and programs.
struct Judged {
    verdict: String,
    kept: bool,
    details: String,
    json: Value,
    page: Option<String>,
}

fn judge<M: Spec>(
    spec: &M,
    ops: &[Operation<M::Input, M::Output>],
    contract: Consistency,
    budget: Duration,
    threads: usize,
    title: &str,
) -> Judged {
    if contract == Consistency::Linearizable {
        return linearizability(spec, ops, budget, threads, title);
    }
    let judgement = consistency::judge(spec, ops, &[contract], budget, threads);
    let outcome = match contract {
        Consistency::Sequential => judgement.sequential,
        _ => judgement.prefix,
    }
    .expect("asked for");
    let (verdict, details) = match &outcome {
        Outcome::Held => (contract.to_string(), String::new()),
        Outcome::Violated(violation) => {
            (format!("not {contract}"), violation_text(spec, violation))
        }
        Outcome::Unknown(reason) => ("unknown".to_owned(), format!("{reason}\n")),
    };
    let staleness = judgement.staleness.map(|staleness| staleness.summary());
    let details = match staleness {
        Some(staleness) => format!("staleness (writes a read missed): {staleness}\n{details}"),
        None => details,
    };
    let mut json = outcome_json(spec, &outcome);
    json["consistency"] = json!(contract);
    json["verdict"] = json!(verdict);
    json["staleness"] = json!(staleness);
    Judged {
        kept: matches!(outcome, Outcome::Held),
        verdict,
        details,
        json,
        page: None,
    }
}

fn linearizability<M: Spec>(
    spec: &M,
    ops: &[Operation<M::Input, M::Output>],
    budget: Duration,
    threads: usize,
    title: &str,
) -> Judged {
    let verdict = check(spec, ops, budget, threads);
    let (details, page) = match &verdict {
        Verdict::Linearizable => (String::new(), None),
        Verdict::NotLinearizable(found) => (timeline(spec, found), Some(page(spec, found, title))),
        Verdict::Unknown(reason) => (format!("{reason}\n"), None),
    };
    Judged {
        verdict: verdict_name(&verdict).to_owned(),
        kept: matches!(verdict, Verdict::Linearizable),
        details,
        json: to_json(spec, &verdict),
        page,
    }
}
