//! `config`: a service configuration read on every request and reloaded rarely.
//!
//! The state is a log level, a request timeout and a map of feature flags
//! (`size` = number of flags). A read is what one request handler does with
//! the configuration: load it once, read the log level, the timeout and one
//! feature flag (keys from the workload's distribution); 1 read in 20 instead
//! summarizes the whole state (version, log level, flags on). Writes flip one
//! flag (15 in 16) or reload every value at once (1 in 16). Each write (but a
//! flip of an unknown flag, which changes nothing) bumps `version`, so the
//! version counts acknowledged writes and a lost update shows as a version
//! that is too small.

use std::marker::PhantomData;

use serde::{Deserialize, Serialize};

use crate::merge::Mergeable;
use crate::repr::{Repr, Seq, Std};
use crate::scenario::{Increments, InvariantViolation, Scenario};
use crate::workload::GenContext;

/// Share of reads that summarize the whole state (the rest serve a request).
const SUMMARY_SHARE: f64 = 1.0 / 20.0;
/// Share of writes that reload the whole configuration (the rest flip one flag).
const RELOAD_SHARE: f64 = 1.0 / 16.0;
/// Timeouts stay in this range, in milliseconds.
const TIMEOUT_RANGE_MS: std::ops::RangeInclusive<u32> = 1..=60_000;

/// The `config` scenario, with its state in representation `R`.
#[derive(Clone, Copy, Debug)]
pub struct ConfigScenario<R = Std> {
    repr: PhantomData<R>,
}

impl<R> Default for ConfigScenario<R> {
    fn default() -> Self {
        Self { repr: PhantomData }
    }
}

impl ConfigScenario<Std> {
    /// The scenario with std collections.
    pub fn new() -> Self {
        Self::default()
    }
}

/// The service's log level: one of the configuration's values, set by each reload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LogLevel {
    /// Log errors only.
    Error,
    /// Log warnings and errors.
    Warn,
    /// Log informational messages too.
    Info,
    /// Log everything, debug messages included.
    Debug,
}

impl LogLevel {
    const ALL: [LogLevel; 4] = [
        LogLevel::Error,
        LogLevel::Warn,
        LogLevel::Info,
        LogLevel::Debug,
    ];
}

/// A feature flag's identity. Services declare their flags up front (an enum
/// or constants), so flag ids are dense and the map from flag to value is a
/// vector indexed by id (as `enum-map` does): a lookup is one bounds check,
/// not a hash or a tree walk whose cost would drown the cost of sharing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FlagId(pub u32);

impl std::fmt::Display for FlagId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "feature-{:06}", self.0)
    }
}

/// The shared configuration.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Config<R: Repr = Std> {
    /// Number of writes applied since the initial state.
    pub version: u64,
    /// The current log level.
    pub log_level: LogLevel,
    /// The request timeout in milliseconds; always in `1..=60_000` (a reload
    /// sets it in `100..10_000`).
    pub timeout_ms: u32,
    /// Whether each flag is on, indexed by [`FlagId`].
    pub flags: R::Seq<bool>,
    /// How many flags are on; kept in step with `flags` by every write.
    pub enabled: usize,
}

/// A read of the configuration.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConfigRead {
    /// What one request handler reads: log level, timeout and one feature flag.
    Request(FlagId),
    /// Version, log level and enabled-flag count, from one state.
    Summary,
}

/// What a [`ConfigRead`] returns, all from one state.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConfigReadOutput {
    /// The answer to [`ConfigRead::Request`].
    Request {
        /// The log level.
        log_level: LogLevel,
        /// The request timeout, in milliseconds.
        timeout_ms: u32,
        /// Whether the flag is on; `None` if the id is not one of the flags.
        flag: Option<bool>,
    },
    /// The answer to [`ConfigRead::Summary`].
    Summary {
        /// Writes applied so far ([`Config::version`]).
        version: u64,
        /// The log level.
        log_level: LogLevel,
        /// How many flags are on.
        enabled: usize,
    },
}

/// A write to the configuration.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConfigWrite {
    /// Turn one flag on if it was off and off if it was on.
    Flip(FlagId),
    /// Replace every value with the configuration derived from `seed`.
    Reload {
        /// Seeds the [`SplitMix64`] the new values are drawn from; a seed
        /// always gives the same values.
        seed: u64,
    },
}

/// What a [`ConfigWrite`] returns.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConfigWriteOutput {
    /// The flag was flipped.
    Flipped {
        /// The version this write made.
        version: u64,
        /// Whether the flag is now on.
        now: bool,
    },
    /// Every value was reloaded.
    Reloaded {
        /// The version this write made.
        version: u64,
    },
    /// A flip of an id that is not one of the flags; nothing changed, not
    /// even the version.
    UnknownFlag(FlagId),
}

/// The id of the flag at `index` (its position in [`Config::flags`]).
pub fn flag(index: usize) -> FlagId {
    FlagId(u32::try_from(index).expect("at most u32::MAX flags"))
}

impl<R: Repr> Scenario for ConfigScenario<R> {
    type State = Config<R>;
    type Read = ConfigRead;
    type Write = ConfigWrite;
    type ReadOutput = ConfigReadOutput;
    type WriteOutput = ConfigWriteOutput;

    fn name(&self) -> &'static str {
        "config"
    }

    fn initial_state(&self, size: usize) -> Config<R> {
        let mut config = Config {
            version: 0,
            log_level: LogLevel::Info,
            timeout_ms: 0,
            flags: std::iter::repeat_n(false, size).collect(),
            enabled: 0,
        };
        reload(&mut config, 0);
        config
    }

    fn read(&self, config: &Config<R>, op: &ConfigRead) -> ConfigReadOutput {
        match op {
            ConfigRead::Request(id) => ConfigReadOutput::Request {
                log_level: config.log_level,
                timeout_ms: config.timeout_ms,
                flag: config.flags.get(id.0 as usize).copied(),
            },
            ConfigRead::Summary => ConfigReadOutput::Summary {
                version: config.version,
                log_level: config.log_level,
                enabled: config.enabled,
            },
        }
    }

    fn write(&self, config: &mut Config<R>, op: &ConfigWrite) -> ConfigWriteOutput {
        match op {
            ConfigWrite::Flip(name) => {
                let index = name.0 as usize;
                let Some(&was) = config.flags.get(index) else {
                    return ConfigWriteOutput::UnknownFlag(*name);
                };
                let now = !was;
                config.flags.set(index, now);
                if now {
                    config.enabled += 1;
                } else {
                    config.enabled -= 1;
                }
                config.version += 1;
                ConfigWriteOutput::Flipped {
                    version: config.version,
                    now,
                }
            }
            ConfigWrite::Reload { seed } => {
                reload(config, *seed);
                config.version += 1;
                ConfigWriteOutput::Reloaded {
                    version: config.version,
                }
            }
        }
    }

    fn check_invariants(&self, config: &Config<R>) -> Result<(), InvariantViolation> {
        let counted = config.flags.iter().filter(|&&on| on).count();
        if counted != config.enabled {
            return Err(InvariantViolation(format!(
                "config v{} says {} flags are on but {counted} are",
                config.version, config.enabled
            )));
        }
        if !TIMEOUT_RANGE_MS.contains(&config.timeout_ms) {
            return Err(InvariantViolation(format!(
                "config v{} has timeout {} ms, outside {TIMEOUT_RANGE_MS:?}",
                config.version, config.timeout_ms
            )));
        }
        Ok(())
    }

    /// A request read shows the timeout, which every state keeps in range.
    fn check_read(
        &self,
        _: &ConfigRead,
        output: &ConfigReadOutput,
    ) -> Result<(), InvariantViolation> {
        match output {
            ConfigReadOutput::Request { timeout_ms, .. }
                if !TIMEOUT_RANGE_MS.contains(timeout_ms) =>
            {
                Err(InvariantViolation(format!(
                    "a request read a timeout of {timeout_ms} ms, outside {TIMEOUT_RANGE_MS:?}"
                )))
            }
            _ => Ok(()),
        }
    }

    fn summary(&self, config: &Config<R>) -> Option<String> {
        Some(format!(
            "version {}, {} of {} flags on",
            config.version,
            config.enabled,
            config.flags.len()
        ))
    }

    fn generate_read(&self, ctx: &mut GenContext) -> ConfigRead {
        if ctx.chance(SUMMARY_SHARE) {
            ConfigRead::Summary
        } else {
            ConfigRead::Request(flag(ctx.key()))
        }
    }

    fn generate_write(&self, ctx: &mut GenContext) -> ConfigWrite {
        if ctx.chance(RELOAD_SHARE) {
            ConfigWrite::Reload {
                seed: ctx.below(u64::MAX),
            }
        } else {
            ConfigWrite::Flip(flag(ctx.key()))
        }
    }
}

impl<R: Repr> Increments for ConfigScenario<R> {
    fn increment(&self, size: usize, n: u64) -> ConfigWrite {
        ConfigWrite::Flip(flag((n % size.max(1) as u64) as usize))
    }

    fn count(&self, config: &Config<R>) -> u64 {
        config.version
    }
}

/// A leaf of a [`Config`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConfigLeaf {
    /// The flag at this index of [`Config::flags`].
    Flag(usize),
    /// [`Config::log_level`].
    LogLevel,
    /// [`Config::timeout_ms`].
    Timeout,
    /// The counter [`Config::enabled`].
    Enabled,
    /// The counter [`Config::version`].
    Version,
}

/// A change to one leaf of a [`Config`]; counters change by deltas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigChange {
    /// The flag at this index is set to this value.
    Flag(usize, bool),
    /// The log level is set to this one.
    LogLevel(LogLevel),
    /// The timeout is set to this many milliseconds.
    Timeout(u32),
    /// Flags added to the enabled count (negative when flags were turned off).
    Enabled(i64),
    /// Writes added to the version, modulo 2^64, so that a diff from a
    /// newer state to an older one (which a broken strategy can publish)
    /// wraps instead of overflowing.
    Version(u64),
}

impl<R: Repr> Mergeable for ConfigScenario<R> {
    type Leaf = ConfigLeaf;
    type Change = ConfigChange;

    /// Flags are a sequence, compared element by element (O(size)).
    fn diff(&self, from: &Config<R>, to: &Config<R>) -> Vec<ConfigChange> {
        let mut changes: Vec<ConfigChange> = from
            .flags
            .iter()
            .zip(to.flags.iter())
            .enumerate()
            .filter(|(_, (was, now))| was != now)
            .map(|(index, (_, &now))| ConfigChange::Flag(index, now))
            .collect();
        if from.log_level != to.log_level {
            changes.push(ConfigChange::LogLevel(to.log_level));
        }
        if from.timeout_ms != to.timeout_ms {
            changes.push(ConfigChange::Timeout(to.timeout_ms));
        }
        if from.enabled != to.enabled {
            changes.push(ConfigChange::Enabled(
                to.enabled as i64 - from.enabled as i64,
            ));
        }
        if from.version != to.version {
            changes.push(ConfigChange::Version(to.version.wrapping_sub(from.version)));
        }
        changes
    }

    fn leaf(&self, change: &ConfigChange) -> ConfigLeaf {
        match change {
            ConfigChange::Flag(index, _) => ConfigLeaf::Flag(*index),
            ConfigChange::LogLevel(_) => ConfigLeaf::LogLevel,
            ConfigChange::Timeout(_) => ConfigLeaf::Timeout,
            ConfigChange::Enabled(_) => ConfigLeaf::Enabled,
            ConfigChange::Version(_) => ConfigLeaf::Version,
        }
    }

    fn commutes(&self, change: &ConfigChange) -> bool {
        matches!(change, ConfigChange::Enabled(_) | ConfigChange::Version(_))
    }

    fn apply_changes(&self, config: &mut Config<R>, changes: &[ConfigChange]) {
        for change in changes {
            match *change {
                ConfigChange::Flag(index, on) => {
                    config.flags.set(index, on);
                }
                ConfigChange::LogLevel(level) => config.log_level = level,
                ConfigChange::Timeout(ms) => config.timeout_ms = ms,
                ConfigChange::Enabled(delta) => {
                    config.enabled = (config.enabled as i64 + delta) as usize;
                }
                ConfigChange::Version(delta) => config.version = config.version.wrapping_add(delta),
            }
        }
    }

    /// Every write's output reports the version it made, so every write
    /// reads the version: concurrent config writes never merge under
    /// [`crate::Validate::Reads`].
    fn read_set(&self, _: &Config<R>, op: &ConfigWrite) -> Vec<ConfigLeaf> {
        match op {
            ConfigWrite::Flip(id) => vec![ConfigLeaf::Flag(id.0 as usize), ConfigLeaf::Version],
            ConfigWrite::Reload { .. } => vec![ConfigLeaf::Version],
        }
    }
}

/// Sets every value (not the version) to the configuration derived from `seed`.
fn reload<R: Repr>(config: &mut Config<R>, seed: u64) {
    let mut bits = SplitMix64(seed);
    config.log_level = LogLevel::ALL[(bits.next() % 4) as usize];
    config.timeout_ms = 100 + (bits.next() % 9_900) as u32;
    config.enabled = 0;
    config.flags = (0..config.flags.len())
        .map(|_| bits.next() & 1 == 1)
        .collect();
    config.enabled = config.flags.iter().filter(|&&on| on).count();
}

/// SplitMix64 (Steele, Lea and Flood, 2014): the deterministic bit source a
/// reload seed stands for, so a seed always means the same values. Public
/// so reference models can derive the same reload without copying it.
#[derive(Clone, Copy, Debug)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// Advances the generator and returns its next 64 bits.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{KeyDist, Op, Workload};

    #[test]
    fn initial_state_has_size_flags_and_holds_invariants() {
        let config = ConfigScenario::new().initial_state(50);
        assert_eq!(config.flags.len(), 50);
        assert_eq!(config.version, 0);
        ConfigScenario::new().check_invariants(&config).unwrap();
    }

    #[test]
    fn flip_toggles_and_bumps_version() {
        let s = ConfigScenario::new();
        let mut config = s.initial_state(4);
        let before = config.flags[2];
        let out = s.write(&mut config, &ConfigWrite::Flip(flag(2)));
        assert_eq!(
            out,
            ConfigWriteOutput::Flipped {
                version: 1,
                now: !before
            }
        );
        let ConfigReadOutput::Request { flag: now, .. } =
            s.read(&config, &ConfigRead::Request(flag(2)))
        else {
            panic!("a request read answers a request");
        };
        assert_eq!(now, Some(!before));
        s.check_invariants(&config).unwrap();
    }

    #[test]
    fn unknown_flag_changes_nothing() {
        let s = ConfigScenario::new();
        let mut config = s.initial_state(4);
        let before = config.clone();
        let out = s.write(&mut config, &ConfigWrite::Flip(FlagId(u32::MAX)));
        assert_eq!(out, ConfigWriteOutput::UnknownFlag(FlagId(u32::MAX)));
        assert_eq!(config, before);
        assert_eq!(
            s.read(&config, &ConfigRead::Request(FlagId(u32::MAX))),
            ConfigReadOutput::Request {
                log_level: config.log_level,
                timeout_ms: config.timeout_ms,
                flag: None
            }
        );
    }

    #[test]
    fn reload_is_deterministic_per_seed() {
        let s = ConfigScenario::new();
        let mut a = s.initial_state(64);
        let mut b = s.initial_state(64);
        s.write(&mut a, &ConfigWrite::Flip(flag(3)));
        s.write(&mut a, &ConfigWrite::Reload { seed: 9 });
        s.write(&mut b, &ConfigWrite::Reload { seed: 9 });
        assert_eq!(a.flags, b.flags);
        assert_eq!(a.timeout_ms, b.timeout_ms);
        assert_eq!(a.version, 2);
        s.check_invariants(&a).unwrap();
    }

    #[test]
    fn invariant_catches_a_torn_enabled_count() {
        let mut config = ConfigScenario::new().initial_state(8);
        config.enabled += 1;
        assert!(ConfigScenario::new().check_invariants(&config).is_err());
    }

    #[test]
    fn check_read_accepts_reads_of_a_valid_state_and_refuses_a_timeout_out_of_range() {
        let s = ConfigScenario::new();
        let config = s.initial_state(4);
        for read in [ConfigRead::Request(flag(1)), ConfigRead::Summary] {
            let output = s.read(&config, &read);
            assert_eq!(s.check_read(&read, &output), Ok(()), "{output:?}");
        }
        let unset = ConfigReadOutput::Request {
            log_level: LogLevel::Info,
            timeout_ms: 0,
            flag: Some(true),
        };
        let violation = s
            .check_read(&ConfigRead::Request(flag(1)), &unset)
            .unwrap_err();
        assert!(violation.0.contains("timeout of 0 ms"), "{violation}");
    }

    #[test]
    fn increments_count_every_write() {
        let s = ConfigScenario::new();
        let mut config = s.initial_state(3);
        for n in 0..10 {
            s.write(&mut config, &s.increment(3, n));
        }
        assert_eq!(s.count(&config), 10);
    }

    #[test]
    fn generated_stream_is_reproducible_and_follows_the_mix() {
        let s = ConfigScenario::new();
        let workload = Workload::new(0.75, KeyDist::Uniform).unwrap();
        let a: Vec<_> = s.generate(100, &workload, 5).take(4_000).collect();
        let b: Vec<_> = s.generate(100, &workload, 5).take(4_000).collect();
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        let reads = a.iter().filter(|op| matches!(op, Op::Read(_))).count();
        assert!((2_800..3_200).contains(&reads), "{reads} reads of 4000");
    }
}
