//! Building the harness at another git revision, for the A/B gate.
//!
//! The revision is checked out as a detached git worktree under
//! `<target>/gate-against/worktrees/<commit>` and built with cargo, with
//! the same profile as the running binary, into a target directory of its
//! own (`<target>/gate-against/target`): sharing the current one would
//! replace the current binary at `<target>/<profile>/harness` with the old
//! one. The first time, that directory is seeded with a copy of the current
//! profile's compiled dependencies, so only the two workspace crates are
//! compiled again; later builds reuse it, and a worktree already at the
//! commit is reused too. `<target>` is the directory the running binary
//! was built in (`<target>/<profile>/harness`), or the repository's `target`
//! when it was not built by cargo. The build runs the cargo that `$CARGO`
//! names (CI points it at `ci/cargo`), or `cargo` on the `PATH`; its output
//! goes to standard error.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A built revision.
#[derive(Clone, Debug)]
pub struct Built {
    /// The full commit the revision resolved to.
    pub commit: String,
    /// The harness binary built from it.
    pub binary: PathBuf,
}

/// Why a revision could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RevisionError {
    /// Not inside a git checkout; holds git's error.
    #[error("--against needs a git checkout: {0}")]
    NotARepository(String),
    /// The revision names no commit of the repository.
    #[error("unknown revision '{0}': name a commit, tag or branch of this repository")]
    Unknown(String),
    /// The worktree could not be checked out.
    #[error("cannot check out {commit} into '{dir}': {why}", dir = .dir.display())]
    Checkout {
        /// The commit to check out.
        commit: String,
        /// The worktree's directory.
        dir: PathBuf,
        /// What failed.
        why: String,
    },
    /// Cargo could not build the harness at the commit.
    #[error("building the harness at {commit} failed ({why}); cargo's output is above")]
    Build {
        /// The commit built.
        commit: String,
        /// What failed.
        why: String,
    },
}

/// Checks out and builds `revision`; cargo's output goes to standard error.
pub fn build(revision: &str) -> Result<Built, RevisionError> {
    let root =
        git(None, &["rev-parse", "--show-toplevel"]).map_err(RevisionError::NotARepository)?;
    let root = PathBuf::from(root);
    let commit = git(
        Some(&root),
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{revision}^{{commit}}"),
        ],
    )
    .map_err(|_| RevisionError::Unknown(revision.to_owned()))?;
    let layout = Layout::of_current_binary(&root);
    let base = layout.target.join("gate-against");
    let worktree = base.join("worktrees").join(&commit);
    check_out(&root, &commit, &worktree)?;
    let target = base.join("target");
    seed(&layout, &target);
    compile(&layout, &worktree, &target, &commit)?;
    Ok(Built {
        binary: target.join(&layout.profile_dir).join(binary_name()),
        commit,
    })
}

/// Where the running binary was built, and with which profile.
struct Layout {
    target: PathBuf,
    /// The profile's directory under the target: `release`, `debug`, ...
    profile_dir: String,
}

impl Layout {
    fn of_current_binary(root: &Path) -> Layout {
        let built_by_cargo = std::env::current_exe().ok().and_then(|exe| {
            let profile = exe.parent()?;
            let layout = Layout {
                target: profile.parent()?.to_owned(),
                profile_dir: profile.file_name()?.to_string_lossy().into_owned(),
            };
            profile.join("deps").is_dir().then_some(layout)
        });
        built_by_cargo.unwrap_or_else(|| Layout {
            target: root.join("target"),
            profile_dir: "release".to_owned(),
        })
    }

    /// The `--profile` that builds into [`Self::profile_dir`].
    fn profile(&self) -> &str {
        match self.profile_dir.as_str() {
            "debug" => "dev",
            other => other,
        }
    }
}

/// A detached worktree of `commit` at `dir`, reusing one already there.
fn check_out(root: &Path, commit: &str, dir: &Path) -> Result<(), RevisionError> {
    let is_worktree = dir.join(".git").exists();
    if is_worktree && git(Some(dir), &["rev-parse", "HEAD"]).as_deref() == Ok(commit) {
        return Ok(());
    }
    let failed = |why: String| RevisionError::Checkout {
        commit: commit.to_owned(),
        dir: dir.to_owned(),
        why,
    };
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|err| failed(err.to_string()))?;
    }
    git(Some(root), &["worktree", "prune"]).map_err(failed)?;
    let dir_arg = dir.to_string_lossy();
    git(
        Some(root),
        &["worktree", "add", "--detach", "--force", &dir_arg, commit],
    )
    .map(drop)
    .map_err(failed)
}

/// Copies the current profile's compiled dependencies into `target` the
/// first time; a failed copy only makes the build slower.
fn seed(layout: &Layout, target: &Path) {
    let from = layout.target.join(&layout.profile_dir);
    let to = target.join(&layout.profile_dir);
    if to.exists() || !from.join("deps").is_dir() {
        return;
    }
    if std::fs::create_dir_all(&to).is_err() {
        return;
    }
    for part in ["deps", "build", ".fingerprint"] {
        let source = from.join(part);
        if source.exists() {
            let copied = Command::new("cp")
                .args(["-a", "--reflink=auto"])
                .arg(&source)
                .arg(&to)
                .status();
            if !copied.is_ok_and(|status| status.success()) {
                eprintln!(
                    "note: could not reuse the compiled dependencies in '{}'",
                    source.display()
                );
            }
        }
    }
}

fn compile(
    layout: &Layout,
    worktree: &Path,
    target: &Path,
    commit: &str,
) -> Result<(), RevisionError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!(
        "building the harness at {commit} (profile {})",
        layout.profile()
    );
    let status = Command::new(cargo)
        .args([
            "build",
            "--locked",
            "-p",
            "harness",
            "--bin",
            "harness",
            "--profile",
        ])
        .arg(layout.profile())
        .env("CARGO_TARGET_DIR", target)
        .current_dir(worktree)
        .stdin(Stdio::null())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .status();
    let failed = |why: String| RevisionError::Build {
        commit: commit.to_owned(),
        why,
    };
    match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(failed(format!("cargo {status}"))),
        Err(err) => Err(failed(format!("cannot run cargo: {err}"))),
    }
}

fn binary_name() -> String {
    format!("harness{}", std::env::consts::EXE_SUFFIX)
}

/// Runs git with `args` (in `dir`, if given); its trimmed output, or its error.
fn git(dir: Option<&Path>, args: &[&str]) -> Result<String, String> {
    let mut command = Command::new("git");
    if let Some(dir) = dir {
        command.arg("-C").arg(dir);
    }
    let output = command
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(stderr
            .lines()
            .next()
            .unwrap_or("git failed")
            .trim()
            .to_owned())
    }
}
