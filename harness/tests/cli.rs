//! The `harness` binary as a user meets it: defaults, formats, files, and
//! one-line errors with exit code 2 for every kind of bad input.

use assert_cmd::Command;
use harness::check::consistency::Consistency;
use serde_json::Value;

mod common;
use common::{harness, refused};

/// A short run of every strategy, for the format tests.
fn quick(format: &str) -> Command {
    let mut cmd = harness();
    cmd.args([
        "run",
        "--threads",
        "2",
        "--duration",
        "100ms",
        "--warmup",
        "0s",
    ])
    .args(["--format", format]);
    cmd
}

#[test]
fn the_default_run_prints_a_table_of_every_strategy() {
    let out = harness().arg("run").assert().success().get_output().clone();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.starts_with("scenario config"), "{table}");
    for name in harness::strategy::registry::NAMES {
        assert!(
            table.contains(&format!("| {name} ")),
            "{name} missing:\n{table}"
        );
    }
    assert!(!table.contains("FAILED"), "{table}");
}

#[test]
fn json_output_parses_and_carries_environment_and_arguments() {
    let out = quick("json")
        .args(["--seed", "9"])
        .assert()
        .success()
        .get_output()
        .clone();
    let json: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json["schema_version"], harness::report::SCHEMA_VERSION);
    assert_eq!(json["arguments"]["seed"], 9);
    assert_eq!(json["arguments"]["latency_sampling"], "adaptive");
    assert_eq!(json["arguments"]["threads"], 2);
    assert!(json["environment"]["logical_cores"].as_u64().unwrap() >= 1);
    assert!(
        json["environment"]["rustc"]
            .as_str()
            .unwrap()
            .starts_with("rustc")
    );
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), harness::strategy::registry::NAMES.len());
    for result in results {
        assert_eq!(result["status"], "ok", "{result}");
        assert!(result["ops_per_sec"].as_f64().unwrap() > 0.0, "{result}");
        for percentile in ["p50_ns", "p99_ns", "p999_ns", "max_ns"] {
            assert!(result["latency_ns"]["read"][percentile].as_u64().unwrap() > 0);
        }
    }
}

#[test]
fn csv_output_has_a_header_and_a_row_per_strategy() {
    let out = quick("csv")
        .args(["--strategy", "mutex,actor"])
        .assert()
        .success()
        .get_output()
        .clone();
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert!(headers.iter().any(|h| h == "read_p99_ns"));
    let rows: Vec<_> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[1][1], "actor");
}

#[test]
fn an_operation_count_replaces_the_duration() {
    let out = harness()
        .args([
            "run",
            "--strategy",
            "rwlock",
            "--threads",
            "2",
            "--ops",
            "5000",
        ])
        .args(["--warmup", "0s", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["results"][0]["ops"], 5000);
    assert_eq!(json["arguments"]["ops"], 5000);
}

#[test]
fn out_writes_the_file_and_nothing_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("result.json");
    quick("json")
        .args(["--strategy", "pl-mutex", "--out"])
        .arg(&path)
        .assert()
        .success()
        .stdout("");
    let json: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(json["results"][0]["strategy"], "pl-mutex");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn unknown_names_are_refused_with_the_valid_ones() {
    refused(
        &["run", "--scenario", "chess"],
        "unknown scenario 'chess': valid are all, config, routing, ledger, library",
    );
    refused(
        &["run", "--strategy", "mutex,spinlock"],
        "unknown strategy 'spinlock': valid are all, mutex, pl-mutex, rwlock, pl-rwlock, arc-swap, actor, actor-post, cas-retry, cas-merge, staging, left-right",
    );
    refused(
        &["run", "--format", "xml"],
        "[possible values: table, json, csv]",
    );
    refused(&["fly"], "unrecognized subcommand 'fly'");
    refused(&[], "no command given: valid are run");
    refused(&["run", "--colour"], "unexpected argument '--colour'");
}

#[test]
fn out_of_range_numbers_are_refused() {
    refused(&["run", "--threads", "0"], "from 1 to 1024");
    refused(&["run", "--threads", "many"], "from 1 to 1024");
    refused(&["run", "--read-ratio", "1.5"], "from 0 to 1");
    refused(&["run", "--read-ratio", "-0.1"], "from 0 to 1");
    refused(&["run", "--size", "0"], "from 1 to");
    refused(&["run", "--ops", "0"], "from 1 to 10000000000");
    refused(&["run", "--publish-every", "0"], "from 1 to 1000000");
}

#[test]
fn unparsable_durations_and_distributions_are_refused() {
    refused(&["run", "--duration", "soon"], "such as 5s, 500ms");
    refused(&["run", "--duration", "0s"], "above zero");
    refused(&["run", "--warmup", "-1s"], "such as 5s, 500ms");
    refused(
        &["run", "--dist", "normal"],
        "valid are uniform, zipf, zipf:THETA with THETA > 0",
    );
    refused(&["run", "--dist", "zipf:0"], "valid are uniform, zipf");
    refused(
        &["run", "--ops", "10", "--duration", "1s"],
        "cannot be used with",
    );
}

#[test]
fn an_unwritable_destination_is_refused_before_running() {
    refused(
        &["run", "--out", "/nonexistent-dir/result.json"],
        "cannot write '/nonexistent-dir/result.json'",
    );
}

#[test]
fn unknown_representations_and_variants_are_refused() {
    refused(
        &["run", "--repr", "im"],
        "unknown representation 'im': valid are std, imbl, rpds",
    );
    refused(
        &["run", "--scenario", "ledger", "--variant", "fast"],
        "unknown variant 'fast' of scenario ledger: valid are mixed, credit-one",
    );
    refused(
        &["run", "--scenario", "config", "--variant", "fast"],
        "unknown variant 'fast' of scenario config",
    );
    refused(
        &["run", "--scenario", "all", "--variant", "mixed"],
        "--variant needs one --scenario",
    );
    refused(&["run", "--write-delay", "slow"], "such as 5s, 500ms");
}

#[test]
fn every_scenario_runs_in_every_representation() {
    for repr in ["std", "imbl", "rpds"] {
        let out = harness()
            .args([
                "run",
                "--scenario",
                "all",
                "--repr",
                repr,
                "--strategy",
                "mutex,arc-swap",
            ])
            .args([
                "--threads",
                "2",
                "--ops",
                "2000",
                "--warmup",
                "0s",
                "--format",
                "json",
            ])
            .assert()
            .success()
            .get_output()
            .clone();
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["arguments"]["repr"], repr);
        let results = json["results"].as_array().unwrap();
        let scenarios: Vec<&str> = results
            .iter()
            .map(|r| r["scenario"].as_str().unwrap())
            .collect();
        for name in harness::catalog::builtin::NAMES {
            assert_eq!(
                scenarios.iter().filter(|s| *s == name).count(),
                2,
                "{scenarios:?}"
            );
        }
        assert!(
            results
                .iter()
                .all(|r| r["status"] == "ok" && r["ops"] == 2000)
        );
    }
}

#[test]
fn the_classic_lost_update_experiment_ends_with_every_credit() {
    let out = harness()
        .args([
            "run",
            "--scenario",
            "ledger",
            "--variant",
            "credit-one",
            "--size",
            "1",
        ])
        .args([
            "--threads",
            "10",
            "--ops",
            "1000",
            "--read-ratio",
            "0",
            "--warmup",
            "0s",
        ])
        .args(["--write-delay", "20us", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), harness::strategy::registry::NAMES.len());
    for result in results {
        let state = result["final_state"].as_str().unwrap();
        assert!(state.starts_with("player-000000 has 1000,"), "{result}");
    }
}

#[test]
fn help_and_version_succeed() {
    harness().arg("--help").assert().success();
    harness().args(["run", "--help"]).assert().success();
    harness().arg("--version").assert().success();
}

/// The committed example histories and their expected verdicts.
const HISTORIES: [(&str, &str); 6] = [
    ("register-ok.json", "linearizable"),
    ("register-uncertain.json", "linearizable"),
    ("kv-ok.json", "linearizable"),
    ("register-stale-read.json", "not linearizable"),
    ("register-timeout-too-early.json", "not linearizable"),
    ("kv-lost-append.json", "not linearizable"),
];

/// Histories and whether each keeps linearizable, sequential and prefix consistency.
const CONTRACTS: [(&str, [bool; 3]); 3] = [
    // Client 0 writes 1, then client 1 reads null.
    ("register-stale-read.json", [false, true, true]),
    // Client 0 writes 1, then client 0 reads null.
    ("register-own-write-missed.json", [false, false, true]),
    // Client 0 writes 1 then 2; client 1 then reads 2, then 1.
    ("register-read-goes-back.json", [false, false, false]),
];

#[test]
fn check_history_holds_each_history_to_the_contract_asked_for() {
    for (name, kept) in CONTRACTS {
        for (contract, kept) in ["linearizable", "sequential", "prefix"]
            .into_iter()
            .zip(kept)
        {
            let out = harness()
                .args(["check-history", "--consistency", contract, &history(name)])
                .assert()
                .code(if kept { 0 } else { 1 })
                .get_output()
                .clone();
            let stdout = String::from_utf8(out.stdout).unwrap();
            let verdict = if kept {
                contract.to_owned()
            } else {
                format!("not {contract}")
            };
            assert!(
                stdout
                    .lines()
                    .next()
                    .unwrap()
                    .contains(&format!(": {verdict} (")),
                "{name}, {contract}: {stdout}"
            );
        }
    }
    let out = harness()
        .args([
            "check-history",
            "--consistency",
            "prefix",
            "--format",
            "json",
        ])
        .arg(history("register-stale-read.json"))
        .assert()
        .success()
        .get_output()
        .clone();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["staleness"]["max"], 1, "{json}");
    refused(
        &["check-history", "--consistency", "causal", "x.json"],
        "linearizable, sequential, prefix",
    );
}

fn history(name: &str) -> String {
    format!("{}/tests/histories/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn check_history_gives_each_file_its_verdict_and_exit_code() {
    for (name, expected) in HISTORIES {
        let code = if expected == "linearizable" { 0 } else { 1 };
        let out = harness()
            .args(["check-history", &history(name)])
            .assert()
            .code(code)
            .get_output()
            .clone();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let first = stdout.lines().next().unwrap();
        assert!(
            first.contains(&format!(": {expected} (")),
            "{name}: {first}"
        );
        if code == 1 {
            assert!(stdout.contains("minimal counterexample"), "{stdout}");
            assert!(stdout.contains("cannot be placed"), "{stdout}");
        }
    }
}

#[test]
fn check_history_reports_many_files_as_one_json_array() {
    let files: Vec<String> = HISTORIES.iter().map(|(name, _)| history(name)).collect();
    let out = harness()
        .arg("check-history")
        .args(&files)
        .args(["--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let verdicts: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["verdict"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = HISTORIES.iter().map(|(_, v)| *v).collect();
    assert_eq!(verdicts, expected);
    let stale = &json[3]["counterexample"];
    assert_eq!(stale["ops"].as_array().unwrap().len(), 2);
    assert_eq!(stale["cannot_place"], 1);
}

#[test]
fn malformed_histories_name_the_operation_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            r#"{"model": "queue", "ops": []}"#,
            "unknown model 'queue': valid are register, kv",
        ),
        (r#"{"model": "kv"}"#, "field 'ops'"),
        (
            r#"{"model": "register", "ops": [{"client": 0, "call": 1, "return": 2, "input": {"op": "read"}, "output": {"value": 1}}, {"client": 1, "call": 3, "return": 4, "input": {"op": "pop"}, "output": null}]}"#,
            "operation 1, field 'input.op': expected one of read, write, cas",
        ),
        (
            r#"{"model": "register", "ops": [{"client": 0, "call": 5, "return": 2, "input": {"op": "read"}, "output": null}]}"#,
            "operation 0, field 'return': must not be before the call",
        ),
        (
            r#"{"model": "kv", "ops": [{"client": 0, "call": 1, "return": 2, "input": {"op": "get", "key": "a"}, "output": {"value": 3}}]}"#,
            "operation 0, field 'output.value': expected a string",
        ),
        ("not json", "not JSON"),
    ];
    for (index, (text, expected)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("bad{index}.json"));
        std::fs::write(&path, text).unwrap();
        let path = path.to_str().unwrap();
        refused(&["check-history", path], expected);
    }
    refused(
        &["check-history", "/nonexistent.json"],
        "cannot read '/nonexistent.json'",
    );
    refused(&["check-history"], "required");
}

#[test]
fn verify_passes_every_real_strategy_and_catches_the_racy_mutant() {
    let out = harness()
        .args([
            "verify",
            "--scenario",
            "ledger",
            "--strategy",
            "all",
            "--runs",
            "2",
            "--probe-delay",
            "50ms",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("reads timed during one 50ms write"),
        "{stdout}"
    );
    for name in harness::strategy::registry::NAMES {
        let row = stdout
            .lines()
            .find(|line| line.starts_with(&format!("| {name} ")))
            .unwrap_or_else(|| panic!("{name}:\n{stdout}"));
        let classified = ["| wait (worst ", "| never wait (worst ", "| unclear ("]
            .iter()
            .any(|class| row.contains(class));
        assert!(classified, "{row}");
        let promise = harness::strategy::registry::promise(name, &Default::default()).unwrap();
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (held_to, kept, verdict) = (cells[6], cells[7], cells[9]);
        assert_eq!(held_to, promise.name(), "{row}");
        assert_eq!(verdict, format!("kept {promise}"), "{row}");
        if promise == Consistency::Linearizable {
            assert_eq!((kept, cells[8]), ("linearizable", "max 0 · p99 0"), "{row}");
        }
    }
    assert!(!stdout.contains("racy-swap"), "mutants are not part of all");

    let out = harness()
        .args(["verify", "--scenario", "ledger", "--strategy", "racy-swap"])
        .args(["--write-delay", "50us", "--runs", "5"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("lost updates: "), "{stdout}");
    assert!(stdout.contains("minimal counterexample"), "{stdout}");
    assert!(stdout.contains("cannot be placed"), "{stdout}");
}

#[test]
fn mutants_are_only_offered_to_verify() {
    refused(
        &["run", "--strategy", "racy-swap"],
        "unknown strategy 'racy-swap'",
    );
    refused(
        &["verify", "--scenario", "all"],
        "verify takes one scenario",
    );
    refused(
        &["verify", "--strategy", "spinlock"],
        "mutants (verify only): racy-swap, deadlock",
    );
}

#[test]
fn verify_catches_a_write_only_validated_merge_of_the_last_two_free_items() {
    let base = [
        "verify",
        "--scenario",
        "library",
        "--strategy",
        "cas-merge",
        "--size",
        "1",
    ];
    let load = [
        "--threads",
        "3",
        "--read-ratio",
        "0.2",
        "--ops",
        "300",
        "--write-delay",
        "50us",
    ];
    let out = harness()
        .args(base)
        .args(load)
        .args(["--validate", "writes", "--runs", "20"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("cannot be placed"), "{stdout}");
    harness()
        .args(base)
        .args(load)
        .args(["--validate", "reads", "--runs", "3"])
        .assert()
        .success();
}

#[test]
fn a_deadlocked_strategy_is_named_by_the_watchdog_not_waited_for() {
    let started = std::time::Instant::now();
    let out = harness()
        .args([
            "verify",
            "--scenario",
            "ledger",
            "--strategy",
            "deadlock",
            "--timeout",
            "1s",
        ])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("deadlock: stuck:"), "{stdout}");
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

#[test]
fn check_history_draws_a_page_for_each_failing_history_only() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("stale.html");
    harness()
        .args([
            "check-history",
            &history("register-stale-read.json"),
            "--html",
        ])
        .arg(&one)
        .assert()
        .code(1);
    let page = std::fs::read_to_string(&one).unwrap();
    assert!(
        page.contains("<svg") && page.contains("Cannot be placed next: #1"),
        "{page}"
    );

    let pages = dir.path().join("pages");
    let files: Vec<String> = HISTORIES.iter().map(|(name, _)| history(name)).collect();
    harness()
        .arg("check-history")
        .args(&files)
        .arg("--html")
        .arg(&pages)
        .assert()
        .code(1);
    let mut written: Vec<String> = std::fs::read_dir(&pages)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    let mut failing: Vec<String> = HISTORIES
        .iter()
        .filter(|(_, verdict)| *verdict != "linearizable")
        .map(|(name, _)| name.replace(".json", ".html"))
        .collect();
    failing.sort();
    assert_eq!(written, failing);
}

#[test]
fn check_history_refuses_pages_it_could_not_tell_apart_before_checking() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("register-ok.json");
    std::fs::copy(history("register-ok.json"), &other).unwrap();
    let out = harness()
        .args(["check-history", &history("register-ok.json")])
        .arg(&other)
        .arg("--html")
        .arg(dir.path().join("pages"))
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("two histories are named 'register-ok'"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing was checked");
}

#[test]
fn verify_draws_the_counterexample_of_a_strategy_that_fails() {
    let dir = tempfile::tempdir().unwrap();
    harness()
        .args([
            "verify",
            "--scenario",
            "ledger",
            "--strategy",
            "racy-swap,mutex",
        ])
        .args(["--write-delay", "50us", "--runs", "5", "--html"])
        .arg(dir.path())
        .assert()
        .code(1);
    let page = std::fs::read_to_string(dir.path().join("racy-swap.html")).unwrap();
    assert!(page.contains("Not linearizable: ledger"), "{page}");
    assert!(
        !dir.path().join("mutex.html").exists(),
        "mutex is verified: no page"
    );
}

#[test]
fn verify_takes_the_strategies_options() {
    let batched = ["verify", "--scenario", "ledger", "--strategy", "staging"];
    let short = ["--runs", "2", "--probe-delay", "20ms"];
    let out = harness()
        .args(batched)
        .args(["--publish-every", "8"])
        .args(short)
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("publish every 8"), "{stdout}");
    let row = stdout
        .lines()
        .find(|l| l.starts_with("| staging "))
        .unwrap();
    assert!(
        row.contains("| prefix  | prefix |"),
        "held to its promise: {row}"
    );
    assert!(!row.contains("max 0 "), "batched reads lag: {row}");
    let out = harness()
        .args(batched)
        .args(["--publish-every", "8", "--consistency", "linearizable"])
        .args(short)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("cannot be placed"),
        "batched publication is not linearizable: {stdout}"
    );
    harness()
        .args(batched)
        .args(["--publish-every", "1", "--consistency", "linearizable"])
        .args(short)
        .assert()
        .code(0);
    refused(&["verify", "--publish-every", "0"], "publish-every");
}
