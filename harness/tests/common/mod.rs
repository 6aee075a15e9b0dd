//! What the command-line test files share: the binary, and the check that
//! bad input is refused the way DESIGN.md asks (exit code 2, one line on
//! stderr naming the problem, nothing on stdout, no panic).

// Each test file compiles this module on its own and uses part of it.
#![allow(dead_code)]

use assert_cmd::Command;

pub fn harness() -> Command {
    Command::cargo_bin("harness").unwrap()
}

/// Runs `harness ARGS` and checks that it is refused with `expected` in the message.
pub fn refused(args: &[&str], expected: &str) {
    refused_by(harness().args(args), expected);
}

/// Runs `cmd` and checks that it is refused with `expected` in the message.
pub fn refused_by(cmd: &mut Command, expected: &str) {
    let out = cmd.assert().code(2).stdout("").get_output().clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{cmd:?} printed:\n{stderr}");
    assert!(stderr.contains(expected), "{cmd:?} printed: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Records a smoke-suite gate baseline at `path`.
pub fn record_smoke_baseline(path: &std::path::Path) {
    harness()
        .args([
            "gate",
            "--suite",
            "smoke",
            "--update-baseline",
            "--baseline",
        ])
        .arg(path)
        .assert()
        .success();
}
