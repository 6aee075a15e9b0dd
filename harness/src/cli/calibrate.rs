//! `harness calibrate`: how much of a hand-written loop's speed the runner
//! keeps, with the verdict as the exit code (0 at or above the threshold,
//! 1 below it). The measurement itself is `crate::calibrate`; this file only
//! turns arguments into its configuration and its result into text.

use comfy_table::presets::ASCII_MARKDOWN;
use comfy_table::{CellAlignment, Table};
use serde::Serialize;

use super::args::HistoryFormat;
use super::{CalibrateArgs, CliError};
use crate::calibrate::{
    self, CalibrateConfig, CalibrateError, Calibration, RARE_SAMPLING, Throughput,
};
use crate::environment::Environment;

pub fn run(args: &CalibrateArgs) -> Result<(), CliError> {
    let calibration = calibrate::calibrate(&config(args)).map_err(|err| match err {
        CalibrateError::Config(_) => CliError::BadInput(err.to_string()),
        CalibrateError::Run(_) | CalibrateError::TooShort(_) => CliError::Failed(err.to_string()),
    })?;
    print!("{}", render(args.format, &calibration));
    if calibration.passes {
        Ok(())
    } else {
        Err(CliError::Failed(format!(
            "the harness reached {:.0}% of the hand-written Cache::load loop; at least {:.0}% is required",
            calibration.ratio * 100.0,
            calibration.threshold * 100.0
        )))
    }
}

fn config(args: &CalibrateArgs) -> CalibrateConfig {
    CalibrateConfig {
        threads: args.threads,
        size: args.size,
        duration: args.duration,
        warmup: args.warmup,
        rounds: args.rounds,
        seed: args.seed,
    }
}

/// The JSON document: the result and where it was measured.
#[derive(Serialize)]
struct CalibrationReport<'a> {
    environment: Environment,
    calibration: &'a Calibration,
}

fn render(format: HistoryFormat, calibration: &Calibration) -> String {
    match format {
        HistoryFormat::Table => to_table(calibration),
        HistoryFormat::Json => {
            let report = CalibrationReport {
                environment: Environment::capture(),
                calibration,
            };
            let mut json = serde_json::to_string_pretty(&report).expect("a calibration serializes");
            json.push('\n');
            json
        }
    }
}

fn to_table(c: &Calibration) -> String {
    let mut table = Table::new();
    table.load_preset(ASCII_MARKDOWN).set_header([
        "loop",
        "ops/s (fastest)",
        "ops/s (median)",
        "ops/s/thread (median)",
        "ns/op (median)",
        "each round",
    ]);
    table.add_row(row(
        "hand: Cache::load + read (verdict basis)",
        &c.hand_cache,
    ));
    table.add_row(row("hand: ArcSwap::load + read (context)", &c.hand_load));
    table.add_row(row(
        &format!("harness: {} strategy, runner", c.strategy),
        &c.harness,
    ));
    table.add_row(row(
        &format!("harness, sampling 1 in {RARE_SAMPLING}"),
        &c.harness_unsampled,
    ));
    for index in 1..=4 {
        if let Some(column) = table.column_mut(index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut out = format!("{}\n\n{table}\n\n", title(c));
    out.push_str(&explanation(c));
    if cfg!(debug_assertions) {
        out.push_str("note: debug build; use --release for representative numbers\n");
    }
    out
}

fn title(c: &Calibration) -> String {
    let threads = if c.threads == 1 { "thread" } else { "threads" };
    format!(
        "calibrate · scenario {} · reads only · {} {threads} · size {} · {} rounds of {}s each after {}s warm-up, interleaved, ratios of {} · seed {}",
        c.scenario, c.threads, c.size, c.rounds, c.duration_s, c.warmup_s, c.basis, c.seed
    )
}

fn row(name: &str, t: &Throughput) -> Vec<String> {
    vec![
        name.to_owned(),
        rate(t.fastest()),
        rate(t.ops_per_sec),
        rate(t.ops_per_sec_per_thread),
        format!("{:.2}", t.ns_per_op),
        t.rounds
            .iter()
            .map(|&r| rate(r))
            .collect::<Vec<_>>()
            .join(" "),
    ]
}

/// The two ratios, the sampling cost and the verdict, one line each.
fn explanation(c: &Calibration) -> String {
    let verdict = if c.passes { "PASS" } else { "FAIL" };
    format!(
        "harness / Cache::load hand loop:   {:.3}  (verdict basis: like for like, the harness's readers also load through arc-swap's Cache; of medians {:.3})\n\
         harness / ArcSwap::load hand loop: {:.3}  (context: above 1 is expected, Cache::load is one relaxed load per read until a publish while ArcSwap::load takes and returns a debt slot)\n\
         harness sampling 1 in {RARE_SAMPLING} / Cache::load hand loop: {:.3}  (attribution: what the runner costs almost without timing)\n\
         timer: Instant::now() costs {:.1} ns (median); sampling {}: the runner timed 1 op in {:.0} with two timer reads, about {:.2}% of a {:.2} ns op estimated from the timer alone, {:.1}% of throughput measured (vs 1 in {RARE_SAMPLING})\n\
         verdict: {verdict}: the harness reaches {:.0}% of the like-for-like hand loop, {} compared (at least {:.0}% required)\n",
        c.ratio,
        c.ratio_of_medians(),
        c.ratio_plain_load,
        c.ratio_unsampled,
        c.timer_ns,
        c.sampling,
        c.ops_per_timed_op,
        c.sampling_overhead * 100.0,
        c.hand_cache.ns_per_op,
        c.sampling_cost * 100.0,
        c.ratio * 100.0,
        c.basis,
        c.threshold * 100.0,
    )
}

/// Operations per second with a unit: 1.23M, 4.5k. (`report`'s own
/// formatter is private to its table.)
fn rate(per_sec: f64) -> String {
    match per_sec {
        n if n >= 1e6 => format!("{:.2}M", n / 1e6),
        n if n >= 1e3 => format!("{:.1}k", n / 1e3),
        n => format!("{n:.0}"),
    }
}
