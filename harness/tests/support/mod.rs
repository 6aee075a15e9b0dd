//! Helpers the CLI test suites share.

use assert_cmd::Command;

/// The `harness` binary.
pub fn harness() -> Command {
    Command::cargo_bin("harness").unwrap()
}

/// Runs `args` and checks: exit code 2, one line on stderr containing
/// `expected`, nothing on stdout, no panic.
pub fn refused(args: &[&str], expected: &str) {
    let out = harness()
        .args(args)
        .assert()
        .code(2)
        .stdout("")
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{args:?} printed:\n{stderr}");
    assert!(stderr.contains(expected), "{args:?} printed: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
