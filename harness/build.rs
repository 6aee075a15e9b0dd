//! Records the compiler version and git commit for the `Environment` every
//! result carries.

use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let version = output(Command::new(rustc).arg("--version")).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=HARNESS_RUSTC_VERSION={version}");

    if let Some(commit) = output(Command::new("git").args(["rev-parse", "HEAD"])) {
        println!("cargo:rustc-env=HARNESS_GIT_COMMIT={commit}");
    }
    // Only files that exist: cargo treats a missing one as always changed,
    // which rebuilt the crate on every build in a repository without
    // packed-refs (a fresh `git init`, or a worktree of one).
    for path in ["HEAD", "packed-refs"] {
        if let Some(file) = output(Command::new("git").args(["rev-parse", "--git-path", path])) {
            rerun_if_changed(&file);
        }
    }
    if let Some(branch) = output(Command::new("git").args(["symbolic-ref", "-q", "HEAD"])) {
        if let Some(file) = output(Command::new("git").args(["rev-parse", "--git-path", &branch])) {
            rerun_if_changed(&file);
        }
    }
}

/// Watches `file` if it exists: cargo counts a watched file that is missing
/// as changed, so watching a repository's absent `packed-refs` rebuilt the
/// crate (with fat LTO, minutes) on every build.
fn rerun_if_changed(file: &str) {
    if std::path::Path::new(file).exists() {
        println!("cargo:rerun-if-changed={file}");
    }
}

fn output(command: &mut Command) -> Option<String> {
    let out = command.output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_owned())
}
