//! `harness sweep` and `harness report`: the results file (round trip,
//! resume, interrupted files), the rendered directory, and bad input.
//! Nothing here asserts how fast anything is.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use harness::calibrate::RatioBasis;
use harness::environment::Environment;
use harness::report::StrategyResult;
use harness::runner::{Latency, LatencySummary, Measurement, Sampling};
use harness::strategy::Counters;
use harness::sweep::{
    Point, RESULTS_FILE, SWEEP_SCHEMA_VERSION, SweepArguments, SweepResults, Trial,
};

mod common;
use common::{harness, refused_by};

/// A sweep small enough for a test: short trials, no warm-up.
fn small_sweep(out: &Path, extra: &[&str]) -> Command {
    let mut cmd = harness();
    cmd.args(["sweep", "--duration", "20ms", "--warmup", "0s"])
        .args(["--calibrate-duration", "50ms"])
        .args(["--out", out.to_str().unwrap()])
        .args(extra);
    cmd
}

/// Arguments of a one-strategy, one-thread, one-trial grid; threads are at index 3.
fn mutex_grid(read_ratios: &'static str) -> [&'static str; 8] {
    [
        "--strategy",
        "mutex",
        "--threads",
        "1",
        "--read-ratios",
        read_ratios,
        "--repeat",
        "1",
    ]
}

fn load(dir: &Path) -> SweepResults {
    SweepResults::load(&dir.join(RESULTS_FILE)).expect("a valid results file")
}

#[test]
fn a_sweep_keeps_every_trial_and_renders_every_chart() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    small_sweep(
        &out,
        &[
            "--strategy",
            "mutex,arc-swap,cas-merge",
            "--threads",
            "1,2",
            "--read-ratios",
            "0.5,1",
            "--repeat",
            "2",
        ],
    )
    .assert()
    .success();

    let results = load(&out);
    assert_eq!(results.schema_version, SWEEP_SCHEMA_VERSION);
    assert_eq!(results.trials.len(), 3 * 2 * 2 * 2);
    assert_eq!(results.command_line[1], "sweep");
    assert_eq!(results.arguments.threads, [1, 2]);
    for trial in &results.trials {
        assert_eq!(trial.result.status, "ok", "{trial:?}");
        assert_eq!(trial.per_thread_ops_per_sec.len(), trial.point.threads);
    }
    let cas_merge = results
        .trials
        .iter()
        .find(|t| t.point.strategy == "cas-merge" && t.point.read_ratio == 0.5)
        .unwrap();
    assert!(cas_merge.result.counters.contains_key("conflicts"));

    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    for kind in [
        "winners-",
        "throughput-by-ratio-",
        "throughput-by-threads-",
        "latency-",
        "collisions-",
        "publish-",
    ] {
        assert!(page.contains(&format!("charts/{kind}")), "no {kind} chart");
    }
    assert!(page.contains("<svg"));
    assert!(page.contains("Best strategy per scenario and mix"));
    let calibration = results
        .calibration
        .as_ref()
        .expect("calibrated before the grid");
    assert_eq!(calibration.rounds, 20);
    assert_eq!(calibration.basis, RatioBasis::FastestRound);
    assert!(page.contains("Measurement fidelity"));
    assert!(page.contains(&format!("reached {:.0}%", calibration.ratio * 100.0)));
    assert!(page.contains("fastest rounds compared"));
    assert!(page.contains("--read-ratios 0.5,1"), "the command is shown");
    let charts = std::fs::read_dir(out.join("charts")).unwrap().count();
    assert_eq!(charts, page.matches("<figure>").count());
}

#[test]
fn the_results_file_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let results = fixture(3);
    let path = dir.path().join(RESULTS_FILE);
    results.save(&path).unwrap();
    assert_eq!(SweepResults::load(&path).unwrap(), results);
}

#[test]
fn resume_runs_only_the_missing_trials() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("resumed");
    let grid = mutex_grid("0.5,0.9,1");
    small_sweep(&out, &grid).assert().success();
    let mut interrupted = load(&out);
    let kept = interrupted.trials[..2].to_vec();
    interrupted.trials.truncate(2);
    interrupted.save(&out.join(RESULTS_FILE)).unwrap();

    small_sweep(&out, &grid).arg("--resume").assert().success();
    let resumed = load(&out);
    assert_eq!(resumed.trials.len(), 3);
    assert_eq!(resumed.trials[..2], kept, "finished trials are not rerun");
    assert_eq!(resumed.trials[2].point.read_ratio, 1.0);
}

#[test]
fn an_existing_sweep_is_continued_only_on_request_and_with_the_same_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("once");
    let grid = mutex_grid("1");
    small_sweep(&out, &grid).assert().success();
    refused_by(&mut small_sweep(&out, &grid), "pass --resume to continue");
    let mut other = grid;
    other[3] = "2";
    refused_by(small_sweep(&out, &other).arg("--resume"), "cannot resume");
    refused_by(
        small_sweep(&out, &other).arg("--resume"),
        "threads was 1, now 2",
    );
}

#[test]
fn bad_input_is_one_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never");
    refused_by(
        &mut small_sweep(&out, &["--read-ratios", "0.5,2"]),
        "'2': expected a number from 0 to 1",
    );
    refused_by(
        &mut small_sweep(&out, &["--threads", "1,0"]),
        "'0': expected a whole number from 1 to 1024",
    );
    refused_by(
        &mut small_sweep(&out, &["--reprs", "std,im"]),
        "unknown representation 'im': valid are std, imbl, rpds",
    );
    refused_by(
        &mut small_sweep(&out, &["--strategy", "spinlock"]),
        "unknown strategy 'spinlock': valid are all",
    );
    refused_by(
        &mut small_sweep(&out, &["--scenario", "all", "--variant", "tenants"]),
        "--variant needs one --scenario",
    );
    refused_by(
        &mut small_sweep(&out, &["--scenario", "config", "--variant", "tenants"]),
        "unknown variant 'tenants' of scenario config",
    );
    refused_by(harness().args(["sweep"]), "--out");
    refused_by(
        harness().args(["report", dir.path().join("missing").to_str().unwrap()]),
        "cannot read",
    );
    std::fs::write(dir.path().join(RESULTS_FILE), "{\"schema_version\": 2}").unwrap();
    refused_by(
        harness().args(["report", dir.path().to_str().unwrap()]),
        "is not a sweep's results file",
    );
    std::fs::write(dir.path().join(RESULTS_FILE), "{\"schema_version\": 99}").unwrap();
    refused_by(
        harness().args(["report", dir.path().to_str().unwrap()]),
        "schema_version 99",
    );
}

#[test]
fn report_renders_a_fixture_without_measuring() {
    let dir = tempfile::tempdir().unwrap();
    fixture(3).save(&dir.path().join(RESULTS_FILE)).unwrap();
    harness()
        .args(["report", dir.path().to_str().unwrap()])
        .assert()
        .success();
    let page = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    // arc-swap is 2× cas-merge at every point of the fixture: +100%.
    assert!(page.contains("<strong>arc-swap</strong>"), "{page}");
    assert!(page.contains("+100% vs cas-merge"));
    // Its slowest trial (0.8×6M) beats cas-merge's fastest (1.3×3M).
    assert!(!page.contains("(trials overlap)"));
    assert!(page.contains("6 of 6 cells name a winner whose trials all beat the runner-up's"));
    assert!(page.contains("harness sweep --scenario config"));
    assert!(!page.contains("Incomplete"));
    assert_eq!(load(dir.path()).trials.len(), fixture(3).trials.len());
}

#[test]
fn an_interrupted_file_still_loads_and_renders() {
    let dir = tempfile::tempdir().unwrap();
    let mut partial = fixture(3);
    partial.trials.truncate(partial.trials.len() / 2 + 1);
    partial.save(&dir.path().join(RESULTS_FILE)).unwrap();
    harness()
        .args(["report", dir.path().to_str().unwrap()])
        .assert()
        .success();
    let page = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(page.contains("Incomplete"), "{page}");
    assert!(page.contains("<svg"));
}

/// A sweep that never ran: cas-merge does half of arc-swap's operations,
/// mutex a third, so the winner and its margin are known.
fn fixture(repeat: usize) -> SweepResults {
    let arguments = SweepArguments {
        scenarios: vec!["config".into()],
        strategies: vec!["mutex".into(), "arc-swap".into(), "cas-merge".into()],
        reprs: vec!["std".into()],
        sizes: vec![64],
        threads: vec![1, 2],
        read_ratios: vec![0.5, 0.9, 1.0],
        repeat,
        duration_s: 0.2,
        warmup_s: 0.1,
        variant: None,
        write_delay_s: 0.0,
        dist: "uniform".into(),
        seed: 1,
        publish_every: 1,
        on_conflict: "retry".into(),
        validate: "reads".into(),
        latency_sampling: Sampling::Adaptive,
    };
    let command_line = "harness sweep --scenario config --out reports/fixture"
        .split(' ')
        .map(str::to_owned)
        .collect();
    let mut results = SweepResults::new(Environment::capture(), arguments, command_line);
    for trial in 0..repeat {
        for point in results.arguments.points() {
            results.trials.push(fake_trial(point, trial));
        }
    }
    results
}

fn fake_trial(point: Point, trial: usize) -> Trial {
    let speed = match point.strategy.as_str() {
        "arc-swap" => 6e6,
        "cas-merge" => 3e6,
        _ => 2e6,
    };
    // Trials vary around the speed; the median is the speed itself.
    let ops_per_sec = speed * point.threads as f64 * [1.0, 0.8, 1.3][trial % 3];
    let writes = ((1.0 - point.read_ratio) * ops_per_sec * 0.2) as u64;
    let reads = (point.read_ratio * ops_per_sec * 0.2) as u64;
    let mut counters = Counters::default();
    if point.strategy == "cas-merge" {
        counters.add("retries", writes / 10);
        counters.add("conflicts", writes / 10);
        counters.add("merges", writes / 20);
    }
    let summary = |base: u64| LatencySummary {
        samples: 100,
        p50_ns: base,
        p99_ns: base * 4,
        p999_ns: base * 10,
        max_ns: base * 100,
    };
    let measurement = Measurement {
        elapsed: Duration::from_millis(200),
        reads,
        writes,
        ops_per_sec,
        per_thread_ops_per_sec: vec![ops_per_sec / point.threads as f64; point.threads],
        latency: Latency {
            read: (reads > 0).then(|| summary(40)),
            write: (writes > 0).then(|| summary(300)),
        },
        timed: (reads + writes) / 64,
        counters,
        final_state: Some("fine".into()),
    };
    let per_thread_ops_per_sec = measurement.per_thread_ops_per_sec.clone();
    let result = StrategyResult::new(
        &point.scenario,
        &point.strategy,
        point.threads,
        Ok(measurement),
    );
    Trial {
        point,
        trial,
        per_thread_ops_per_sec,
        result,
    }
}
