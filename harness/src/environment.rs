//! The machine and build a result was measured on; recorded in every result
//! so numbers are never separated from where they came from.

use serde::{Deserialize, Serialize};

use crate::machine::Machine;

/// The machine, toolchain and build a result was produced with, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Environment {
    /// The `model name` of `/proc/cpuinfo`, or `unknown`.
    pub cpu_model: String,
    /// Threads the process may run in parallel (`available_parallelism`, 1 if unknown).
    pub logical_cores: usize,
    /// The OS's `PRETTY_NAME` from `/etc/os-release`, else Rust's OS name (e.g. `linux`).
    pub os: String,
    /// The kernel release from `/proc/sys/kernel/osrelease`; `None` where it cannot be read.
    pub kernel: Option<String>,
    /// The target architecture the harness was built for, e.g. `x86_64`.
    pub arch: String,
    /// The `rustc --version` line of the compiler that built the harness, or `unknown`.
    pub rustc: String,
    /// `release` or `debug`; debug numbers are not representative.
    pub build_profile: String,
    /// The harness crate's version.
    pub harness_version: String,
    /// The commit (`git rev-parse HEAD`) the harness was built from; `None` when
    /// it was built outside a git repository or without git.
    pub git_commit: Option<String>,
    /// When the result was produced, RFC 3339 in UTC.
    pub timestamp: String,
    /// The machine in detail, with its fingerprint (empty in files written
    /// before it was recorded).
    #[serde(default)]
    pub machine: Machine,
}

impl Environment {
    /// Reads the environment of this process.
    pub fn capture() -> Self {
        Self {
            cpu_model: cpu_model().unwrap_or_else(|| "unknown".to_owned()),
            logical_cores: std::thread::available_parallelism().map_or(1, usize::from),
            os: os_name(),
            kernel: read_trimmed("/proc/sys/kernel/osrelease"),
            arch: std::env::consts::ARCH.to_owned(),
            rustc: env!("HARNESS_RUSTC_VERSION").to_owned(),
            build_profile: if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            }
            .to_owned(),
            harness_version: env!("CARGO_PKG_VERSION").to_owned(),
            git_commit: option_env!("HARNESS_GIT_COMMIT").map(str::to_owned),
            timestamp: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            machine: Machine::capture(),
        }
    }
}

fn cpu_model() -> Option<String> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    cpuinfo
        .lines()
        .find(|line| line.starts_with("model name"))
        .and_then(|line| line.split_once(':'))
        .map(|(_, model)| model.trim().to_owned())
}

fn os_name() -> String {
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|release| {
            release.lines().find_map(|line| {
                line.strip_prefix("PRETTY_NAME=")
                    .map(|name| name.trim_matches('"').to_owned())
            })
        })
        .unwrap_or_else(|| std::env::consts::OS.to_owned())
}

fn read_trimmed(path: &str) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|text| text.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_what_the_build_and_machine_say() {
        let env = Environment::capture();
        assert!(env.logical_cores >= 1);
        assert!(env.rustc.starts_with("rustc "), "{}", env.rustc);
        assert_eq!(env.build_profile, "debug");
        assert!(env.timestamp.ends_with('Z'));
        assert_eq!(env.machine.logical_cores, env.logical_cores);
        assert!(!env.machine.fingerprint.is_empty());
    }
}
