//! `harness gate`: verdicts on synthetic trials, every kind of bad input
//! refused in one line with exit code 2, and a tiny end-to-end run (the
//! smoke suite) that records a baseline, passes against it, and fails
//! against a baseline claiming a hundred times the speed. Speed itself is never
//! asserted.

use std::path::Path;

mod common;

use common::{harness, refused};
use harness::gate::verdict::judge;
use harness::gate::{Baseline, Suite, Verdict};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

/// `count` trials around `level` with a relative spread of `noise` (seeded).
fn trials(level: f64, noise: f64, count: usize, seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|_| level * (1.0 + rng.random_range(-noise..=noise)))
        .collect()
}

#[test]
fn a_clear_30_percent_slowdown_fails() {
    let judgement = judge(&trials(1.0, 0.03, 15, 1), &trials(0.7, 0.03, 5, 2), 0.2);
    assert_eq!(judgement.verdict, Verdict::Regression, "{judgement:?}");
    assert!(judgement.interval.high < -0.2, "{judgement:?}");
}

#[test]
fn a_5_percent_change_passes() {
    for level in [0.95, 1.05] {
        let judgement = judge(&trials(1.0, 0.03, 15, 1), &trials(level, 0.03, 5, 2), 0.2);
        assert_eq!(judgement.verdict, Verdict::Pass, "{judgement:?}");
    }
}

#[test]
fn a_noisy_change_that_straddles_the_threshold_is_unclear() {
    let judgement = judge(&trials(1.0, 0.03, 15, 1), &trials(0.8, 0.25, 5, 2), 0.2);
    assert_eq!(judgement.verdict, Verdict::Unclear, "{judgement:?}");
    assert!(judgement.interval.low < -0.2 && judgement.interval.high > -0.2);
}

#[test]
fn an_improvement_beyond_the_threshold_is_reported_and_passes() {
    let judgement = judge(&trials(1.0, 0.03, 15, 1), &trials(1.4, 0.03, 5, 2), 0.2);
    assert_eq!(judgement.verdict, Verdict::Improved, "{judgement:?}");
}

#[test]
fn verdicts_are_reproducible_given_the_data() {
    let (baseline, current) = (trials(1.0, 0.1, 15, 3), trials(0.85, 0.1, 5, 4));
    assert_eq!(
        judge(&baseline, &current, 0.2),
        judge(&baseline, &current, 0.2)
    );
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn bad_input_is_one_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.json");
    refused(
        &["gate", "--baseline", path_str(&missing)],
        "does not exist: record one with",
    );
    let malformed = dir.path().join("malformed.json");
    std::fs::write(&malformed, "{ not json").unwrap();
    refused(
        &["gate", "--baseline", path_str(&malformed)],
        "is not a gate baseline",
    );
    let other = dir.path().join("other.json");
    std::fs::write(&other, r#"{"schema_version": 1}"#).unwrap();
    refused(
        &["gate", "--baseline", path_str(&other)],
        "is not a gate baseline",
    );
    let baseline = path_str(&malformed);
    refused(
        &["gate", "--baseline", baseline, "--suite", "huge"],
        "[possible values: quick, full, smoke]",
    );
    for threshold in ["20", "0%", "150%", "-5%", "fast"] {
        refused(
            &["gate", "--baseline", baseline, "--threshold", threshold],
            "expected a percentage above 0% and below 100%",
        );
    }
    refused(&["gate"], "--baseline");
    let nowhere = dir.path().join("no-such-dir").join("baseline.json");
    refused(
        &[
            "gate",
            "--suite",
            "smoke",
            "--update-baseline",
            "--baseline",
            path_str(&nowhere),
        ],
        "its directory does not exist",
    );
}

fn record_smoke_baseline(path: &Path) {
    harness()
        .args([
            "gate",
            "--suite",
            "smoke",
            "--update-baseline",
            "--baseline",
            path_str(path),
        ])
        .assert()
        .success();
}

#[test]
fn a_recorded_baseline_passes_and_a_hundred_times_faster_one_fails() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    record_smoke_baseline(&baseline);
    let recorded = Baseline::load(&baseline, &Suite::smoke()).unwrap();
    assert_eq!(recorded.figures.len(), Suite::smoke().points.len());
    assert!(
        recorded
            .figures
            .iter()
            .all(|f| f.trials.len() == Suite::smoke().timing.baseline_rounds)
    );

    // Against itself, with a threshold no noise reaches: exit 0, a row per figure, the JSON.
    let out_file = dir.path().join("gate.json");
    let args = [
        "gate",
        "--suite",
        "smoke",
        "--threshold",
        "99%",
        "--baseline",
    ];
    let out = harness()
        .args(args)
        .arg(&baseline)
        .arg("--out")
        .arg(&out_file)
        .assert()
        .success()
        .get_output()
        .clone();
    let table = String::from_utf8(out.stdout).unwrap();
    for point in &Suite::smoke().points {
        assert!(table.contains(&format!("| {} ", point.id())), "{table}");
    }
    assert!(table.contains("gate PASS"), "{table}");
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&out_file).unwrap()).unwrap();
    assert_eq!(
        json["figures"].as_array().unwrap().len(),
        Suite::smoke().points.len()
    );
    assert_eq!(json["counts"]["regression"], 0);

    // A baseline claiming a hundred times the speed: every figure regressed, exit 1, one line.
    let mut faster = recorded.clone();
    for figure in &mut faster.figures {
        for trial in &mut figure.trials {
            trial.normalized *= 100.0;
        }
    }
    faster.save(&baseline).unwrap();
    let out = harness()
        .args(["gate", "--suite", "smoke", "--baseline"])
        .arg(&baseline)
        .arg("--out")
        .arg(&out_file)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let error: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(error.len(), 1, "{stderr}");
    assert!(error[0].contains("10 of 10 figures regressed"), "{stderr}");
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&out_file).unwrap()).unwrap();
    assert_eq!(json["counts"]["regression"], 10);
}

#[test]
fn a_baseline_of_another_suite_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    record_smoke_baseline(&baseline);
    refused(
        &[
            "gate",
            "--suite",
            "quick",
            "--baseline",
            path_str(&baseline),
        ],
        "was recorded with suite smoke, not quick",
    );
}

/// CI gates against `ci/baseline.json`: a change to the quick suite that
/// was not followed by recording it again fails here, in the tests, rather
/// than at the end of CI after the release build.
#[test]
fn the_checked_in_baseline_was_recorded_with_the_quick_suite_as_defined() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ci/baseline.json");
    let text = std::fs::read_to_string(&path).expect("ci/baseline.json is checked in");
    let baseline: Baseline = serde_json::from_str(&text).expect("ci/baseline.json parses");
    let quick = Suite::quick();
    assert_eq!(baseline.suite, quick, "record it again: see ci/README.md");
    assert_eq!(baseline.figures.len(), quick.points.len());
    assert!(
        baseline
            .figures
            .iter()
            .all(|f| f.trials.len() == quick.timing.baseline_rounds)
    );
}
