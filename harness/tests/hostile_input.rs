//! Hostile and careless input: every flag bounded while parsing, no panic,
//! nothing but a regular file ever replaced, destinations checked before
//! any measuring, and the history parser refusing what it cannot mean.
//! A test per class of the hardening issue; where a test must show that
//! a refusal came before the work, it asks for an hour of work.

use std::path::Path;

use proptest::prelude::*;
use serde_json::Value;

mod common;
use common::{harness, record_smoke_baseline, refused};

const HUGE: &str = "18446744073709551615s";

#[test]
fn huge_durations_are_refused_while_parsing() {
    refused(
        &[
            "run",
            "--strategy",
            "mutex",
            "--duration",
            "50ms",
            "--probe-delay",
            HUGE,
        ],
        "at most 1h",
    );
    refused(
        &["verify", "--runs", "1", "--ops", "20", "--budget", HUGE],
        "at most 1h",
    );
    refused(
        &["verify", "--runs", "1", "--ops", "20", "--timeout", HUGE],
        "at most 1h",
    );
    let file = history("register-ok.json");
    refused(&["check-history", "--budget", HUGE, &file], "at most 1h");
    refused(&["run", "--duration", HUGE], "at most 1h");
    refused(&["sweep", "--out", "x", "--duration", "2h"], "at most 1h");
}

#[test]
fn counts_that_cannot_finish_or_fit_are_refused_naming_the_limit() {
    refused(&["verify", "--ops", "1000000000"], "from 1 to 1000000");
    refused(
        &["verify", "--threads", "8", "--ops", "200000"],
        "at most 1000000 operations a run",
    );
    refused(
        &["sweep", "--out", "x", "--repeat", "18446744073709551615"],
        "from 1 to 10000",
    );
    refused(
        &["run", "--ops", "18446744073709551615"],
        "from 1 to 10000000000",
    );
    refused(
        &["calibrate", "--rounds", "18446744073709551615"],
        "from 1 to 10000",
    );
    refused(&["run", "--publish-every", "0"], "from 1 to 1000000");
    let help = harness().args(["verify", "--help"]).output().unwrap();
    assert!(
        String::from_utf8(help.stdout)
            .unwrap()
            .contains("durations at most 1h")
    );
}

#[cfg(unix)]
#[test]
fn only_a_regular_file_is_ever_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.json");
    std::fs::write(&target, "kept").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let fifo = dir.path().join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for (out, what) in [(&link, "a symbolic link"), (&fifo, "a FIFO")] {
        let out = out.to_str().unwrap();
        refused(&["run", "--duration", "1h", "--out", out], what);
        refused(
            &[
                "gate",
                "--suite",
                "smoke",
                "--against-binary",
                "x",
                "--out",
                out,
            ],
            what,
        );
        refused(
            &[
                "gate",
                "--suite",
                "smoke",
                "--update-baseline",
                "--baseline",
                out,
            ],
            what,
        );
    }
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept");
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn destinations_are_checked_before_anything_is_measured() {
    if !Path::new("/proc/self").is_dir() {
        return;
    }
    refused(
        &["run", "--duration", "1h", "--out", "/proc/self/x"],
        "cannot write '/proc/self/x'",
    );
    refused(
        &["sweep", "--duration", "1h", "--out", "/proc/self/sweep"],
        "cannot",
    );
    refused(
        &[
            "gate",
            "--suite",
            "quick",
            "--against-binary",
            "x",
            "--out",
            "/proc/self/x",
        ],
        "cannot write '/proc/self/x'",
    );
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    record_smoke_baseline(&baseline);
    let before = std::fs::read(&baseline).unwrap();
    let same = baseline.to_str().unwrap();
    refused(
        &[
            "gate",
            "--suite",
            "smoke",
            "--baseline",
            same,
            "--out",
            same,
        ],
        "is the baseline itself",
    );
    assert_eq!(std::fs::read(&baseline).unwrap(), before);
}

fn history(name: &str) -> String {
    format!("{}/tests/histories/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Writes `text` as a history file in `dir` and runs check-history on it.
fn check_text(dir: &Path, text: &str) -> std::process::Output {
    let path = dir.join("history.json");
    std::fs::write(&path, text).unwrap();
    harness().arg("check-history").arg(&path).output().unwrap()
}

fn assert_refused(output: &std::process::Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(expected), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn the_history_parser_refuses_what_it_cannot_mean() {
    let dir = tempfile::tempdir().unwrap();
    let read_7 = r#"{"model": "register", "ops": [
        {"client": 0, "call": 0, "return": null, "input": {"op": "read"}, "output": {"value": 7}}]}"#;
    assert_refused(&check_text(dir.path(), read_7), "never returned");
    let overlapping = r#"{"model": "register", "ops": [
        {"client": 0, "call": 0, "return": 5, "input": {"op": "write", "value": 1}, "output": {}},
        {"client": 0, "call": 3, "return": 4, "input": {"op": "read"}, "output": {"value": 1}}]}"#;
    assert_refused(
        &check_text(dir.path(), overlapping),
        "client 0 calls again before",
    );
    let after_pending = r#"{"model": "register", "ops": [
        {"client": 0, "call": 0, "return": null, "input": {"op": "write", "value": 1}, "output": null},
        {"client": 0, "call": 3, "return": 4, "input": {"op": "read"}, "output": {"value": 1}}]}"#;
    assert_refused(&check_text(dir.path(), after_pending), "calls again before");
    let duplicate = r#"{"model": "register", "ops": [
        {"client": 0, "call": 0, "return": 1, "input": {"op": "read"}, "output": {"value": 7, "value": null}}]}"#;
    assert_refused(&check_text(dir.path(), duplicate), "appears twice");
    let bom = format!(
        "\u{feff}{}",
        std::fs::read_to_string(history("register-ok.json")).unwrap()
    );
    assert_refused(&check_text(dir.path(), &bom), "byte order mark");
}

#[test]
fn check_history_ends_every_line_it_prints() {
    let output = harness()
        .args(["check-history", &history("register-stale-read.json")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        output.stdout.ends_with(b"\n"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn nonsense_is_refused_or_made_sense_of() {
    refused(
        &["verify", "--strategy", "mutex,all,mutex"],
        "'all' stands alone",
    );
    refused(
        &["verify", "--strategy", "mutex,rwlock,mutex"],
        "'mutex' is named twice",
    );
    refused(&["run", "--strategy", "all,mutex"], "'all' stands alone");
    let out = harness()
        .args(["verify", "--scenario", "nope"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("valid are") && !stderr.contains("all,"),
        "{stderr}"
    );
    refused(
        &[
            "gate",
            "--update-baseline",
            "--baseline",
            "b.json",
            "--out",
            "o.json",
        ],
        "cannot be used with",
    );
    refused(
        &[
            "gate",
            "--update-baseline",
            "--baseline",
            "b.json",
            "--threshold",
            "5%",
        ],
        "cannot be used with",
    );
    let run = harness()
        .args([
            "run",
            "--strategy",
            "mutex",
            "--threads",
            "1",
            "--ops",
            "1000",
        ])
        .args([
            "--warmup",
            "0s",
            "--probe-delay",
            "0s",
            "--read-ratio",
            "-0.0",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(run.status.success());
    let json: Value = serde_json::from_slice(&run.stdout).unwrap();
    let ratio = json["arguments"]["read_ratio"].as_f64().unwrap();
    assert!(ratio == 0.0 && ratio.is_sign_positive(), "{ratio}");
}

#[test]
fn a_baseline_with_impossible_figures_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    record_smoke_baseline(&baseline);
    let mut json: Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    json["figures"][0]["trials"][0]["normalized"] = Value::from(1e-300);
    std::fs::write(&baseline, json.to_string()).unwrap();
    refused(
        &[
            "gate",
            "--suite",
            "smoke",
            "--baseline",
            baseline.to_str().unwrap(),
        ],
        "needs trials with figures from",
    );
}

/// A one-trial sweep in `out`.
fn tiny_sweep(out: &Path, extra: &[&str]) -> std::process::Output {
    harness()
        .args([
            "sweep",
            "--duration",
            "20ms",
            "--warmup",
            "0s",
            "--calibrate-duration",
            "20ms",
        ])
        .args([
            "--strategy",
            "mutex",
            "--threads",
            "1",
            "--read-ratios",
            "1",
            "--repeat",
            "1",
        ])
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn sweep_files_resume_byte_for_byte_and_refuse_impossible_figures() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    let first = tiny_sweep(&out, &["--resume"]);
    assert!(first.status.success());
    let stderr = String::from_utf8(first.stderr).unwrap();
    assert!(stderr.contains("nothing to resume"), "{stderr}");
    let results = out.join("results.json");
    let before = std::fs::read(&results).unwrap();
    assert!(tiny_sweep(&out, &["--resume"]).status.success());
    assert_eq!(
        std::fs::read(&results).unwrap(),
        before,
        "nothing ran, nothing rewritten"
    );

    let file = results.to_str().unwrap();
    let answer = harness()
        .args([
            "recommend",
            "--scenario",
            "config",
            "--read-ratio",
            "1",
            "--threads",
            "1",
        ])
        .args(["--size", "64", "--from", file])
        .output()
        .unwrap();
    assert!(
        answer.status.success(),
        "{}",
        String::from_utf8_lossy(&answer.stderr)
    );

    let mut json: Value = serde_json::from_slice(&before).unwrap();
    json["trials"][0]["result"]["ops_per_sec"] = Value::from(-1e9);
    std::fs::write(&results, json.to_string()).unwrap();
    refused(
        &["report", out.to_str().unwrap()],
        "finite and not negative",
    );
    refused(
        &[
            "recommend",
            "--scenario",
            "config",
            "--read-ratio",
            "1",
            "--threads",
            "1",
            "--size",
            "64",
            "--from",
            file,
        ],
        "finite and not negative",
    );
}

#[cfg(unix)]
#[test]
fn an_interrupt_exits_130_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_harness"))
        .args([
            "sweep",
            "--duration",
            "50ms",
            "--warmup",
            "0s",
            "--calibrate-duration",
            "10ms",
        ])
        .args(["--strategy", "mutex", "--threads", "1", "--repeat", "100"])
        .arg("--out")
        .arg(&out)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    while !out.join("results.json").exists() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert_eq!(child.wait().unwrap().code(), Some(130));
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|name| !name.starts_with(".tmp")),
        "{names:?}"
    );
}

/// A valid register history to mutate.
const VALID: &str = r#"{"model": "register", "ops": [
 {"client": 0, "call": 0, "return": 2, "input": {"op": "write", "value": 1}, "output": {}},
 {"client": 1, "call": 1, "return": 3, "input": {"op": "read"}, "output": {"value": 1}},
 {"client": 0, "call": 4, "return": null, "input": {"op": "cas", "from": 1, "to": 2}, "output": null}]}"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Whatever bytes a mutation leaves, parsing answers without panicking.
    #[test]
    fn the_parser_never_panics_on_a_mutated_history(
        edits in prop::collection::vec((0..VALID.len(), any::<u8>(), 0..3u8), 1..6)
    ) {
        let mut bytes = VALID.as_bytes().to_vec();
        for (at, byte, kind) in edits {
            let at = at.min(bytes.len().saturating_sub(1));
            match kind {
                0 => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ => { bytes.remove(at); }
            }
            if bytes.is_empty() { break; }
        }
        let text = String::from_utf8_lossy(&bytes);
        let parsed = std::panic::catch_unwind(|| harness::check::format::parse(&text));
        prop_assert!(parsed.is_ok(), "panicked on {text}");
        if let Ok(Err(err)) = parsed {
            prop_assert!(!err.to_string().contains('\n'), "{err}");
        }
    }
}

#[test]
fn mutated_histories_through_the_cli_exit_0_1_or_2_with_one_line_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let cuts = [10, 40, 90, 150, VALID.len() - 3];
    for cut in cuts {
        for text in [
            &VALID[..cut],
            &VALID.replacen("\"return\": 2", "\"return\": -2", 1),
        ] {
            let output = check_text(dir.path(), text);
            let code = output.status.code().unwrap();
            assert!((0..=2).contains(&code), "{code}");
            if code == 2 {
                assert_eq!(String::from_utf8_lossy(&output.stderr).lines().count(), 1);
            }
        }
    }
}
