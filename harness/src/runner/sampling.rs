//! Which operations the runner times.
//!
//! A timer read costs ~25 ns here (`harness calibrate` prints it), an
//! `arc-swap` read ~1.5 ns: timing one read in 64 costs a third of that
//! read's throughput, while timing one actor write (~16 µs) in 64 throws away
//! latency samples for nothing. So by default the rate adapts: the runner
//! times the first operation of each block, and sizes blocks so each lasts
//! about [`TARGET_BLOCK_NS`]. Two timer reads per ~20 µs of work cost
//! under 0.3% whatever the operation, and the stop flag, looked at once per
//! block, is seen within ~20 µs (or one operation, if that is longer).

use serde::{Deserialize, Serialize};

/// A block of operations (one timed) lasts about this long when sampling adapts.
pub const TARGET_BLOCK_NS: u64 = 20_000;

/// The longest block: the stop flag is looked at at least this often.
pub const MAX_BLOCK: u64 = 1 << 16;

/// How often an operation's latency is timed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sampling {
    /// One operation per ~[`TARGET_BLOCK_NS`] of work.
    #[default]
    Adaptive,
    /// Exactly one operation in this many (a power of two up to [`MAX_BLOCK`]).
    Every(u64),
}

impl Sampling {
    /// Why this sampling cannot be used, if it cannot.
    pub fn check(self) -> Result<(), String> {
        match self {
            Sampling::Every(n) if !n.is_power_of_two() || n > MAX_BLOCK => Err(format!(
                "latency sampling must time one operation in a power of two from 1 to {MAX_BLOCK}, not {n}"
            )),
            _ => Ok(()),
        }
    }

    /// The block length to start with: adaptive blocks start at one
    /// operation (and double while short), so a slow operation is not
    /// repeated 64 times before the rate adapts.
    pub(super) fn first_block(self) -> u64 {
        match self {
            Sampling::Adaptive => 1,
            Sampling::Every(n) => n,
        }
    }

    /// The next block's length, given that the last one of `block` operations took `block_ns`.
    pub(super) fn next_block(self, block: u64, block_ns: u64) -> u64 {
        match self {
            Sampling::Every(n) => n,
            Sampling::Adaptive if block_ns < TARGET_BLOCK_NS / 2 => (block * 2).min(MAX_BLOCK),
            Sampling::Adaptive if block_ns > TARGET_BLOCK_NS * 2 => (block / 2).max(1),
            Sampling::Adaptive => block,
        }
    }
}

impl std::fmt::Display for Sampling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Sampling::Adaptive => write!(f, "adaptive (one per ~{} µs)", TARGET_BLOCK_NS / 1000),
            Sampling::Every(n) => write!(f, "1 in {n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adaptive_blocks_grow_when_short_and_shrink_when_long() {
        let adaptive = Sampling::Adaptive;
        assert_eq!(adaptive.next_block(64, 100), 128);
        assert_eq!(adaptive.next_block(MAX_BLOCK, 100), MAX_BLOCK);
        assert_eq!(adaptive.next_block(64, TARGET_BLOCK_NS), 64);
        assert_eq!(adaptive.next_block(64, TARGET_BLOCK_NS * 3), 32);
        assert_eq!(adaptive.next_block(1, 1_000_000), 1);
    }

    #[test]
    fn fixed_sampling_keeps_its_rate_and_refuses_unbounded_ones() {
        assert_eq!(Sampling::Every(8).next_block(8, 1), 8);
        assert!(Sampling::Every(64).check().is_ok());
        assert!(Sampling::Every(48).check().is_err());
        assert!(Sampling::Every(MAX_BLOCK * 2).check().is_err());
    }
}
