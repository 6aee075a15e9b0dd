//! `harness recommend`: which strategy to use for a workload, answered from
//! a sweep's results.json without measuring anything ([`crate::plan::answer`]).

use std::path::Path;

use super::CliError;
use super::args::RecommendArgs;
use crate::plan::{self, Query};
use crate::sweep::{RESULTS_FILE, SweepResults};

pub fn run(args: &RecommendArgs) -> Result<(), CliError> {
    let names_the_file = args
        .from
        .file_name()
        .is_some_and(|name| name == RESULTS_FILE);
    let path = if names_the_file && args.from.is_file() {
        args.from.clone()
    } else {
        args.from.join(RESULTS_FILE)
    };
    if !path.is_file() {
        return Err(CliError::BadInput(no_sweep(&args.from)));
    }
    let results = SweepResults::load(&path).map_err(|err| CliError::BadInput(err.to_string()))?;
    let query = Query {
        scenario: args.scenario.clone(),
        repr: args.repr.clone(),
        read_ratio: args.read_ratio,
        threads: args.threads,
        size: args.size,
    };
    let answer = plan::answer(&results, &query)
        .map_err(|err| CliError::BadInput(format!("{}: {err}", args.from.display())))?;
    print!("{answer}");
    Ok(())
}

/// Names the sweeps beside a missing one, or how to make one.
fn no_sweep(dir: &Path) -> String {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut found: Vec<String> = std::fs::read_dir(parent)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.path().join(RESULTS_FILE).is_file())
        .map(|entry| entry.path().display().to_string())
        .collect();
    found.sort();
    let choices = if found.is_empty() {
        format!(
            "none found in '{}': make one with harness sweep --out DIR",
            parent.display()
        )
    } else {
        format!("valid are {}", found.join(", "))
    };
    format!(
        "no sweep in '{}' (it has no {RESULTS_FILE}): {choices}",
        dir.display()
    )
}
