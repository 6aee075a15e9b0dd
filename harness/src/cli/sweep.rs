//! `harness sweep`: checks the input, runs the trials the out directory's
//! results.json lacks while showing progress, then renders its charts and page.

use std::path::Path;
use std::time::Duration;

use super::progress;
use super::{CliError, SweepArgs};
use crate::calibrate::{self, CalibrateConfig};
use crate::catalog::{Catalog, builtin as scenario_registry};
use crate::environment::Environment;
use crate::report;
use crate::runner::Sampling;
use crate::sweep::{self, RESULTS_FILE, Settings, SweepArguments, SweepError, SweepResults};

pub fn run(args: &SweepArgs, command_line: Vec<String>) -> Result<(), CliError> {
    let arguments = arguments(args)?;
    let catalog = Catalog::builtin();
    sweep::check_options(&catalog, &arguments).map_err(sweep_error)?;
    std::fs::create_dir_all(&args.out).map_err(|err| {
        CliError::BadInput(format!("cannot create '{}': {err}", args.out.display()))
    })?;
    let path = args.out.join(RESULTS_FILE);
    report::check_destination(&path).map_err(CliError::BadInput)?;
    let mut results = starting_point(args, arguments, command_line, &path)?;
    let settings = Settings {
        dist: args.dist,
        options: args.strategy_options.options(),
    };
    calibrate_once(&mut results, args.calibrate_duration, &path)?;
    let mut observer = progress::for_stderr();
    sweep::run(&catalog, &mut results, &settings, &path, &mut *observer).map_err(sweep_error)?;
    drop(observer);
    let page = report::render_sweep(&args.out, &results).map_err(|err| {
        CliError::Failed(format!("cannot render '{}': {err}", args.out.display()))
    })?;
    eprintln!("wrote {} and {}", path.display(), page.display());
    failures(&results)
}

/// Measures the calibration the page shows, unless the results (resumed) have it.
fn calibrate_once(
    results: &mut SweepResults,
    duration: Duration,
    path: &Path,
) -> Result<(), CliError> {
    if results.calibration.is_some() {
        return Ok(());
    }
    let config = CalibrateConfig::for_reports(duration);
    eprintln!(
        "calibrating: harness calibrate's loops, {} rounds of {:?} each",
        config.rounds, config.duration
    );
    match calibrate::calibrate(&config) {
        Ok(calibration) => {
            eprintln!("{}", calibration.verdict());
            results.calibration = Some(calibration);
        }
        Err(err) => eprintln!("calibration not measured, the sweep goes on: {err}"),
    }
    results
        .save(path)
        .map_err(|err| CliError::Failed(format!("cannot write '{}': {err}", path.display())))
}

/// The effective arguments, with `all` resolved and defaults filled in.
fn arguments(args: &SweepArgs) -> Result<SweepArguments, CliError> {
    let scenarios = if args.scenario == "all" {
        if args.variant.is_some() {
            return Err(CliError::BadInput(
                "--variant needs one --scenario, not all: variants differ between scenarios".into(),
            ));
        }
        scenario_registry::NAMES
            .iter()
            .map(|&s| s.to_owned())
            .collect()
    } else {
        vec![args.scenario.clone()]
    };
    Ok(SweepArguments {
        scenarios,
        strategies: args.strategy.0.iter().map(|&s| s.to_owned()).collect(),
        reprs: args.reprs.0.clone(),
        sizes: args.sizes.0.clone(),
        threads: args.threads.0.clone(),
        read_ratios: args.read_ratios.0.clone(),
        repeat: args.repeat,
        duration_s: args.duration.as_secs_f64(),
        warmup_s: args.warmup.as_secs_f64(),
        variant: args.variant.clone(),
        write_delay_s: args.write_delay.as_secs_f64(),
        dist: args.dist.to_string(),
        seed: args.seed,
        publish_every: args.strategy_options.publish_every,
        on_conflict: args.strategy_options.on_conflict_name(),
        validate: args.strategy_options.validate_name(),
        latency_sampling: Sampling::Adaptive,
    })
}

/// A new, empty results file, or with `--resume` the existing one if it was
/// measured with the same arguments on the same kind of machine and build.
fn starting_point(
    args: &SweepArgs,
    arguments: SweepArguments,
    command_line: Vec<String>,
    path: &Path,
) -> Result<SweepResults, CliError> {
    let environment = Environment::capture();
    if !path.exists() {
        if args.resume {
            eprintln!(
                "nothing to resume: '{}' does not exist yet, so a new sweep starts",
                path.display()
            );
        }
        return Ok(SweepResults::new(environment, arguments, command_line));
    }
    if !args.resume {
        return Err(CliError::BadInput(format!(
            "'{}' already exists: pass --resume to continue that sweep, or choose another --out",
            path.display()
        )));
    }
    let existing = SweepResults::load(path).map_err(|err| CliError::BadInput(err.to_string()))?;
    let why = arguments
        .incompatibility(&existing.arguments)
        .or_else(|| machine_change(&environment, &existing.environment));
    match why {
        None => Ok(existing),
        Some(why) => Err(CliError::BadInput(format!(
            "cannot resume '{}': it was measured differently ({why}); use another --out",
            path.display()
        ))),
    }
}

/// Why numbers from `earlier` would not be comparable with numbers measured now.
fn machine_change(now: &Environment, earlier: &Environment) -> Option<String> {
    let fields = [
        ("cpu", &now.cpu_model, &earlier.cpu_model),
        ("build", &now.build_profile, &earlier.build_profile),
        (
            "machine",
            &now.machine.fingerprint,
            &earlier.machine.fingerprint,
        ),
    ];
    if now.logical_cores != earlier.logical_cores {
        return Some(format!(
            "cores were {}, now {}",
            earlier.logical_cores, now.logical_cores
        ));
    }
    fields
        .into_iter()
        .find(|(_, a, b)| a != b)
        .map(|(name, a, b)| format!("{name} was {b}, now {a}"))
}

fn sweep_error(err: SweepError) -> CliError {
    match err {
        SweepError::BadInput(message) => CliError::BadInput(message),
        save @ SweepError::Save(..) => CliError::Failed(save.to_string()),
    }
}

fn failures(results: &SweepResults) -> Result<(), CliError> {
    let failed: Vec<String> = results
        .failures()
        .map(|t| {
            format!(
                "{} at {} threads, read ratio {}",
                t.point.strategy, t.point.threads, t.point.read_ratio
            )
        })
        .collect();
    match failed.first() {
        None => Ok(()),
        Some(first) => Err(CliError::Failed(format!(
            "{} of {} trials failed, first {first} (see results.json)",
            failed.len(),
            results.trials.len()
        ))),
    }
}
