//! Capacity planning as a user meets it: `harness run` ending with the
//! ranked table and recommendation, and `harness recommend` answering from
//! a small sweep made here. Nothing here asserts how fast anything is:
//! which strategy wins is whatever this machine measured.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::{harness, refused_by};
use serde_json::Value;

/// A short run of two strategies that differ in whether reads wait.
fn short_run(extra: &[&str]) -> Command {
    let mut cmd = harness();
    cmd.args(["run", "--scenario", "routing", "--threads", "2"])
        .args(["--duration", "100ms", "--warmup", "0s"])
        .args(["--strategy", "mutex,arc-swap"])
        .args(extra);
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().clone();
    String::from_utf8(out.stdout).unwrap()
}

/// The cells of the ranked table's row for `strategy` on `scenario`.
fn ranked_row<'a>(text: &'a str, scenario: &str, strategy: &str) -> Vec<&'a str> {
    let title = format!("ranking · scenario {scenario} ");
    let ranking = &text[text.find(&title).expect(text)..];
    let line = ranking
        .lines()
        .find(|l| l.contains(&format!("| {strategy} ")))
        .unwrap_or_else(|| panic!("no {strategy} row:\n{text}"));
    line.trim_matches('|').split('|').map(str::trim).collect()
}

#[test]
fn a_run_ends_with_the_ranking_and_a_recommendation() {
    let text = stdout(&mut short_run(&[]));
    let (mutex, arc_swap) = (
        ranked_row(&text, "routing", "mutex"),
        ranked_row(&text, "routing", "arc-swap"),
    );
    let mut places = [mutex[0], arc_swap[0]];
    places.sort_unstable();
    assert_eq!(places, ["1", "2"], "{text}");
    // A mutex's reader waits out a 200 ms write; an arc-swap reader does
    // not, though a loaded machine may preempt it long enough to blur it.
    assert!(mutex[9].starts_with("wait (worst "), "{text}");
    assert!(
        arc_swap[9].starts_with("never wait (worst ") || arc_swap[9].starts_with("unclear"),
        "{text}"
    );
    let paragraph = text.lines().last().unwrap();
    assert!(
        paragraph.starts_with("On routing at 2 threads, read ratio 0.9, size 64, std repr"),
        "{text}"
    );
    assert!(
        paragraph.contains(", use ") || paragraph.contains(" is within noise of "),
        "{paragraph}"
    );
}

#[test]
fn the_json_carries_the_plan_and_zero_probe_delay_skips_the_probe() {
    let out = stdout(&mut short_run(&["--format", "json", "--probe-delay", "0s"]));
    let json: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(json["results"].as_array().unwrap().len(), 2);
    let plans = json["plans"].as_array().unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0]["scenario"], "routing");
    let ranking = plans[0]["ranking"].as_array().unwrap();
    assert_eq!(ranking[0]["rank"], 1);
    assert_eq!(ranking[1]["rank"], 2);
    assert!(
        ranking[0]["ops_per_sec"].as_f64().unwrap() >= ranking[1]["ops_per_sec"].as_f64().unwrap()
    );
    for ranked in ranking {
        assert_eq!(ranked["blocking"]["class"], "not_probed", "{ranked}");
        assert!(ranked["read"]["p999_ns"].as_u64().unwrap() > 0, "{ranked}");
    }
    let recommendation = plans[0]["recommendation"].as_str().unwrap();
    assert!(
        recommendation.contains("Its reads were not probed for waiting"),
        "{recommendation}"
    );
}

#[test]
fn a_write_only_run_ranks_without_a_read_tail() {
    let text = stdout(harness().args([
        "run",
        "--scenario",
        "ledger",
        "--threads",
        "2",
        "--ops",
        "2000",
        "--read-ratio",
        "0",
        "--warmup",
        "0s",
        "--strategy",
        "mutex,actor",
        "--probe-delay",
        "20ms",
    ]));
    let row = ranked_row(&text, "ledger", "actor");
    assert_eq!((row[5], row[6]), ("-", "-"), "{text}");
    assert!(text.contains("no reads in this mix"), "{text}");
}

/// A sweep small enough for a test: two strategies, two values on every
/// axis, two trials per point, 20 ms each.
fn tiny_sweep(out: &Path) {
    harness()
        .args([
            "sweep",
            "--scenario",
            "routing",
            "--strategy",
            "mutex,arc-swap",
        ])
        .args([
            "--read-ratios",
            "0,1",
            "--threads",
            "1,2",
            "--sizes",
            "8,64",
        ])
        .args(["--repeat", "2", "--duration", "20ms", "--warmup", "0s"])
        .args(["--out", out.to_str().unwrap()])
        .assert()
        .success();
}

fn recommend(from: &Path, extra: &[&str]) -> Command {
    let mut cmd = harness();
    cmd.args(["recommend", "--from", from.to_str().unwrap()])
        .args(extra);
    cmd
}

const QUESTION: [&str; 8] = [
    "--scenario",
    "routing",
    "--read-ratio",
    "1",
    "--threads",
    "2",
    "--size",
    "64",
];

#[test]
fn recommend_answers_from_a_sweep_without_measuring() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = dir.path().join("tiny");
    tiny_sweep(&sweep);
    let text = stdout(&mut recommend(&sweep, &QUESTION));
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("routing · std repr · read ratio 1 · 2 threads · size 64 · from a sweep of 2 trials per point"),
        "{text}"
    );
    let best = lines.iter().find(|l| l.starts_with("best: ")).expect(&text);
    assert!(
        best.starts_with("best: mutex at ") || best.starts_with("best: arc-swap at "),
        "{text}"
    );
    assert!(best.contains(" ahead of "), "{text}");
    assert!(best.contains("their trials"), "{text}");
    for axis in [
        "- read ratio (2 threads, size 64, std): ",
        "- size (read ratio 1, 2 threads, std): ",
        "- threads (read ratio 1, size 64, std): ",
    ] {
        let line = lines.iter().find(|l| l.starts_with(axis)).expect(&text);
        let named = ["mutex", "arc-swap"].iter().any(|s| line.contains(s));
        assert!(named, "{line}");
    }

    let between = stdout(&mut recommend(
        &sweep,
        &[
            "--scenario",
            "routing",
            "--read-ratio",
            "0.8",
            "--threads",
            "2",
            "--size",
            "20",
        ],
    ));
    assert!(
        between.contains("note: read ratio 0.8 was not measured: using 1, the nearest measured (0.2 away; measured 0, 1)"),
        "{between}"
    );
    assert!(
        between.contains("note: size 20 was not measured: using 8, the nearest measured (12 away; measured 8, 64)"),
        "{between}"
    );

    let asked = |scenario: &str, threads: &str, size: &str| {
        let mut cmd = recommend(&sweep, &[]);
        cmd.args([
            "--scenario",
            scenario,
            "--read-ratio",
            "1",
            "--threads",
            threads,
        ])
        .args(["--size", size]);
        cmd
    };
    refused_by(
        &mut asked("config", "2", "64"),
        "scenario 'config' is not in the sweep: it holds routing",
    );
    refused_by(
        &mut asked("routing", "4", "64"),
        "threads 4 is outside the sweep, which measured threads 1, 2",
    );
    refused_by(
        &mut asked("routing", "2", "1000"),
        "size 1000 is outside the sweep, which measured size 8, 64",
    );
    refused_by(
        recommend(&sweep, &QUESTION).args(["--repr", "imbl"]),
        "representation 'imbl' is not in the sweep for routing: it holds std",
    );
    refused_by(
        &mut recommend(&dir.path().join("nope"), &QUESTION),
        &format!(
            "no sweep in '{}' (it has no results.json): valid are {}",
            dir.path().join("nope").display(),
            sweep.display()
        ),
    );
}

#[test]
fn recommend_refuses_bad_input_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    refused_by(
        &mut recommend(&dir.path().join("missing"), &QUESTION),
        "(it has no results.json): none found in",
    );
    let broken = dir.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(broken.join("results.json"), "{ not json").unwrap();
    refused_by(
        &mut recommend(&broken, &QUESTION),
        "is not a sweep's results file",
    );
    refused_by(
        &mut recommend(
            &broken,
            &["--scenario", "routing", "--threads", "2", "--size", "64"],
        ),
        "--read-ratio",
    );
    refused_by(
        &mut recommend(
            &broken,
            &[
                "--scenario",
                "routing",
                "--read-ratio",
                "2",
                "--threads",
                "2",
                "--size",
                "64",
            ],
        ),
        "from 0 to 1",
    );
}
