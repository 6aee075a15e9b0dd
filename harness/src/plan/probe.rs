//! Whether a strategy's reads wait for a slow write, as a run reports it.
//!
//! The verifier's read probe ([`crate::check::blocking`]) is run once per
//! strategy after its measurement, rather than read from a table of known
//! classes: it costs one slowed write per strategy (200 ms by default; for
//! all ten strategies a run took 4.6 s with the probe and 3.0 s without, at
//! 100 ms of measuring each, against 25 s of measuring at the default 2 s
//! plus 0.5 s warm-up), and it measures the strategy as this run built it
//! (scenario, representation, size, options), so a new strategy or option
//! is classified without anyone updating a table.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::check::blocking::{ProbeConfig, ReadClass, ReadProbe, probe_reads};
use crate::report::format_nanos;
use crate::runner::RunFailure;
use crate::slowed::Slow;
use crate::strategy::Strategy;

/// The probe's verdict, or why there is none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockingClass {
    /// Reads went on during the slow write.
    NeverWait,
    /// Reads waited for the slow write.
    Wait,
    /// The probe could not tell (see [`ReadClass::Unclear`]).
    Unclear,
    /// The probe was not run (`--probe-delay 0s`, or the strategy failed).
    NotProbed,
    /// The probe itself failed (a panic, a deadlock).
    ProbeFailed,
}

/// What the read probe found for one strategy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocking {
    /// The verdict, or why there is none.
    pub class: BlockingClass,
    /// The slowest read that started during the slow write, in nanoseconds;
    /// `None` if no read did, or the probe did not measure.
    pub worst_read_ns: Option<u64>,
    /// How long the probe's one write paused, in nanoseconds; `None` if the
    /// probe did not measure.
    pub probe_delay_ns: Option<u64>,
    /// Why the probe failed; `None` unless it did.
    pub error: Option<String>,
}

impl Blocking {
    /// The probe was not run: no figures, no error.
    pub const NOT_PROBED: Self = Self {
        class: BlockingClass::NotProbed,
        worst_read_ns: None,
        probe_delay_ns: None,
        error: None,
    };

    /// A measured class, with the worst read and the delay it is judged against.
    pub fn measured(class: BlockingClass, worst_read: Option<Duration>, delay: Duration) -> Self {
        Self {
            class,
            worst_read_ns: worst_read.map(nanos),
            probe_delay_ns: Some(nanos(delay)),
            error: None,
        }
    }
}

impl From<Result<ReadProbe, RunFailure>> for Blocking {
    fn from(outcome: Result<ReadProbe, RunFailure>) -> Self {
        match outcome {
            Ok(probe) => {
                let class = match probe.class {
                    ReadClass::NeverWait => BlockingClass::NeverWait,
                    ReadClass::Wait => BlockingClass::Wait,
                    ReadClass::Unclear => BlockingClass::Unclear,
                };
                Self::measured(class, probe.worst_read, probe.delay)
            }
            Err(RunFailure(error)) => Self {
                class: BlockingClass::ProbeFailed,
                error: Some(error),
                ..Self::NOT_PROBED
            },
        }
    }
}

impl std::fmt::Display for BlockingClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NeverWait => "never wait",
            Self::Wait => "wait",
            Self::Unclear => "unclear",
            Self::NotProbed => "not probed",
            Self::ProbeFailed => "probe failed",
        })
    }
}

/// As `harness verify` shows it: `wait (worst 199.9ms)`.
impl std::fmt::Display for Blocking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.class, self.worst_read_ns) {
            (BlockingClass::NotProbed | BlockingClass::ProbeFailed, _) => self.class.fmt(f),
            (class, Some(worst)) => write!(f, "{class} (worst {})", format_nanos(worst)),
            (class, None) => write!(f, "{class} (no read during the write)"),
        }
    }
}

/// Runs the verifier's read probe on strategy `T`.
pub fn probe<S: Slow, T: Strategy<S>>(scenario: &S, config: &ProbeConfig) -> Blocking {
    probe_reads::<S, T>(scenario, config).into()
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_read_as_verify_prints_them() {
        let ms = Duration::from_millis;
        let wait = Blocking::measured(BlockingClass::Wait, Some(ms(199)), ms(200));
        assert_eq!(wait.to_string(), "wait (worst 199.0ms)");
        let none = Blocking::measured(BlockingClass::Unclear, None, ms(200));
        assert_eq!(none.to_string(), "unclear (no read during the write)");
        assert_eq!(Blocking::NOT_PROBED.to_string(), "not probed");
        let failed = Blocking::from(Err(RunFailure("stuck".into())));
        assert_eq!(failed.to_string(), "probe failed");
        assert_eq!(failed.error.as_deref(), Some("stuck"));
    }
}
