//! `harness gate`: verdicts on synthetic trials, every kind of bad input
//! refused in one line with exit code 2, and a tiny end-to-end run (the
//! smoke suite) that records a baseline, passes against it, and fails
//! against a baseline claiming a hundred times the speed. Speed itself is never
//! asserted.

use std::path::Path;

mod common;

use common::{harness, record_smoke_baseline, refused};
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
        "does not exist",
    );
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
    let figures = Suite::smoke().points.len();
    assert!(
        error[0].contains(&format!("{figures} of {figures} figures regressed")),
        "{stderr}"
    );
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&out_file).unwrap()).unwrap();
    assert_eq!(json["counts"]["regression"], figures);
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

/// A baseline recorded on another machine (or before fingerprints) is
/// refused before anything is measured: one line, no table.
#[test]
fn a_baseline_from_another_machine_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    record_smoke_baseline(&baseline);
    let mut json: Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    for fingerprint in ["x86_64 GenuineIntel family 6 model 85 stepping 7", ""] {
        json["environment"]["machine"]["fingerprint"] = Value::from(fingerprint);
        std::fs::write(&baseline, json.to_string()).unwrap();
        refused(
            &[
                "gate",
                "--suite",
                "smoke",
                "--baseline",
                path_str(&baseline),
            ],
            "was recorded on another machine",
        );
    }
}

/// CI gates A/B against the revision `ci/gate-against` names: it must be a
/// commit of this repository whose harness speaks this gate protocol.
#[test]
fn ci_gates_against_a_commit_that_speaks_this_protocol() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let named = std::fs::read_to_string(root.join("ci/gate-against")).expect("ci/gate-against");
    let commit = named.lines().next().unwrap().trim();
    assert_eq!(commit.len(), 40, "a full commit hash: {commit}");
    let protocol = std::process::Command::new("git")
        .arg("-C")
        .arg(&root)
        .args(["show", &format!("{commit}:harness/src/gate/protocol.rs")])
        .output()
        .unwrap();
    assert!(
        protocol.status.success(),
        "{commit} is not a commit here with the gate protocol"
    );
    let source = String::from_utf8(protocol.stdout).unwrap();
    let expected = format!(
        "pub const PROTOCOL: u32 = {};",
        harness::gate::protocol::PROTOCOL
    );
    assert!(
        source.contains(&expected),
        "{commit} speaks another protocol"
    );
}

/// The smoke suite A/B against `binary`, failing a figure only beyond
/// `threshold` (wide: two short rounds on a loaded test machine).
fn smoke_against_binary(binary: &Path, threshold: &str, out: &Path) -> assert_cmd::assert::Assert {
    harness()
        .args([
            "gate",
            "--suite",
            "smoke",
            "--threshold",
            threshold,
            "--against-binary",
        ])
        .arg(binary)
        .arg("--out")
        .arg(out)
        .assert()
}

#[test]
fn a_b_against_the_same_binary_passes_with_every_trial_of_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gate.json");
    let binary = Path::new(env!("CARGO_BIN_EXE_harness"));
    let output = smoke_against_binary(binary, "90%", &out)
        .success()
        .get_output()
        .clone();
    let table = String::from_utf8(output.stdout).unwrap();
    let suite = Suite::smoke();
    for point in &suite.points {
        assert!(table.contains(&format!("| {} ", point.id())), "{table}");
    }
    assert!(
        table.contains("gate PASS") && table.contains("A/B"),
        "{table}"
    );
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(json["compared_with"]["kind"], "binary");
    let figures = json["figures"].as_array().unwrap();
    assert_eq!(figures.len(), suite.points.len());
    for figure in figures {
        for side in ["against_trials", "current_trials", "ratios"] {
            assert_eq!(
                figure[side].as_array().unwrap().len(),
                suite.timing.rounds,
                "{figure}"
            );
        }
        assert!(figure["against_trials"][0]["ops"].as_u64().unwrap() > 0);
    }
    assert!(
        !json["baseline_environment"]["machine"]["fingerprint"]
            .as_str()
            .unwrap()
            .is_empty()
    );
}

/// A stand-in for side A: the real worker, with every trial's operations
/// multiplied by a hundred, or one that knows no point.
fn fake_worker(dir: &Path, body: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("fake-harness");
    let script = format!(
        "#!/usr/bin/env bash\nset -eu\ncoproc W {{ '{}' gate-worker; }}\nread -r hello <&\"${{W[0]}}\"\necho \"$hello\"\nwhile read -r line; do\n{body}\ndone\n",
        env!("CARGO_BIN_EXE_harness")
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn a_b_fails_every_figure_where_the_side_compared_against_was_a_hundred_times_faster() {
    let dir = tempfile::tempdir().unwrap();
    let faster = fake_worker(
        dir.path(),
        r#"echo "$line" >&"${W[1]}"; read -r reply <&"${W[0]}"; echo "$reply" | sed 's/"ops":\([0-9]*\)/"ops":\100/'"#,
    );
    let out = dir.path().join("gate.json");
    let output = smoke_against_binary(&faster, "50%", &out)
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let points = Suite::smoke().points.len();
    assert!(
        stderr.contains(&format!("{points} of {points} figures regressed")),
        "{stderr}"
    );
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(json["counts"]["regression"], points);
}

#[test]
fn points_the_side_compared_against_does_not_know_are_listed_not_judged() {
    let dir = tempfile::tempdir().unwrap();
    let unknowing = fake_worker(dir.path(), r#"echo '{"unknown":"unknown strategy"}'"#);
    let out = dir.path().join("gate.json");
    let output = smoke_against_binary(&unknowing, "90%", &out)
        .success()
        .get_output()
        .clone();
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(table.contains("not compared: config/std/mutex/"), "{table}");
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        json["skipped"].as_array().unwrap().len(),
        Suite::smoke().points.len()
    );
}

#[test]
fn a_b_bad_input_is_one_line_and_exit_code_2_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    refused(
        &[
            "gate",
            "--suite",
            "smoke",
            "--against-binary",
            path_str(&missing),
        ],
        "is not a file",
    );
    let not_a_harness = fake_worker(dir.path(), "echo nonsense");
    std::fs::write(&not_a_harness, "#!/bin/sh\necho hello\n").unwrap();
    refused(
        &[
            "gate",
            "--suite",
            "smoke",
            "--against-binary",
            path_str(&not_a_harness),
        ],
        "is not a harness with A/B gate support",
    );
    refused(
        &[
            "gate",
            "--suite",
            "smoke",
            "--against",
            "no-such-revision-anywhere",
        ],
        "unknown revision 'no-such-revision-anywhere'",
    );
    refused(
        &["gate", "--update-baseline", "--against", "HEAD"],
        "--against",
    );
    refused(
        &["gate", "--against", "HEAD", "--baseline", "b.json"],
        "cannot be used with",
    );
}
