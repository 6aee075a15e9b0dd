//! `harness report DIR`: renders a sweep's charts and page again from its
//! results.json, measuring nothing (after a change to the rendering, or
//! for results copied from another machine).

use super::{CliError, ReportArgs};
use crate::report;
use crate::sweep::{RESULTS_FILE, SweepResults};

pub fn run(args: &ReportArgs) -> Result<(), CliError> {
    let path = args.dir.join(RESULTS_FILE);
    let results = SweepResults::load(&path).map_err(|err| CliError::BadInput(err.to_string()))?;
    let page = report::render_sweep(&args.dir, &results).map_err(|err| {
        CliError::Failed(format!("cannot render '{}': {err}", args.dir.display()))
    })?;
    eprintln!(
        "wrote {} from {} trials",
        page.display(),
        results.trials.len()
    );
    Ok(())
}
