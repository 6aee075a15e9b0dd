//! Test-only: a deliberate slowdown of one strategy, so `ci/prove-gate` can
//! show the gate catches a real regression and flags nothing else.
//!
//! Compiled only with the `gate-proof` cargo feature, which is not a
//! default: a normal build contains none of this, so no variable or flag
//! can slow a normal run. `ci/prove-gate` builds with the feature into its
//! own target directory and sets [`VARIABLE`] to `STRATEGY:PERCENT`, e.g.
//! `cas-retry:25%`.
//!
//! How: while the named strategy runs, every worker, after every
//! [`BLOCKS_PER_SPIN`] sampling blocks, spins for `p / (1 - p)` of the time
//! those blocks took (1/3 for 25%), so its throughput is multiplied by
//! `1 - p`. Timing groups of blocks rather than each block keeps the
//! knob's own timer reads out of the figure (one `Instant::now()` per few
//! microseconds of work at the fastest).

use std::cell::Cell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// `STRATEGY:PERCENT`: the strategy to slow down and by how much.
pub const VARIABLE: &str = super::paired::PROOF_SLOWDOWN_VARIABLE;

/// Sampling blocks between two looks at the clock.
const BLOCKS_PER_SPIN: u32 = 8;

/// A strategy to slow down, and the share of throughput to take away.
#[derive(Clone, Debug, PartialEq)]
pub struct Slowdown {
    /// The strategy's registry name.
    pub strategy: String,
    /// The share of throughput taken away, above 0 and below 1 (0.25 for 25%).
    pub fraction: f64,
}

/// The slowdown [`VARIABLE`] asks for: `Ok(None)` when it is unset.
pub fn from_env() -> Result<Option<Slowdown>, String> {
    static PARSED: OnceLock<Result<Option<Slowdown>, String>> = OnceLock::new();
    PARSED
        .get_or_init(|| match std::env::var(VARIABLE) {
            Err(_) => Ok(None),
            Ok(text) => parse(&text).map(Some),
        })
        .clone()
}

fn parse(text: &str) -> Result<Slowdown, String> {
    let invalid = || format!("{VARIABLE}='{text}': expected STRATEGY:PERCENT, e.g. cas-retry:25%");
    let (strategy, percent) = text.split_once(':').ok_or_else(invalid)?;
    crate::strategy::registry::parse_list(strategy).map_err(|err| err.to_string())?;
    let fraction = super::Threshold::parse(percent).map_err(|_| invalid())?.0;
    Ok(Slowdown {
        strategy: strategy.to_owned(),
        fraction,
    })
}

/// Extra time per unit of work while the slowed strategy runs (bits of an
/// `f64`; 0 when nothing is slowed).
static EXTRA: AtomicU64 = AtomicU64::new(0);

/// Slows the runner's workers while the returned guard lives, if `strategy`
/// is the one [`VARIABLE`] names.
pub fn slow_down_if_named(strategy: &str) -> impl Drop {
    let named = from_env().ok().flatten().filter(|s| s.strategy == strategy);
    if let Some(slowdown) = named {
        let extra = slowdown.fraction / (1.0 - slowdown.fraction);
        EXTRA.store(extra.to_bits(), Ordering::Release);
    }
    Reset
}

struct Reset;

impl Drop for Reset {
    fn drop(&mut self) {
        EXTRA.store(0, Ordering::Release);
    }
}

thread_local! {
    /// Blocks since the last spin, and when the last spin was meant to end.
    static GROUP: Cell<(u32, Option<Instant>)> = const { Cell::new((0, None)) };
}

/// Called by the runner's worker after every sampling block.
pub fn after_block() {
    let extra = f64::from_bits(EXTRA.load(Ordering::Relaxed));
    if extra == 0.0 {
        return;
    }
    let (blocks, since) = GROUP.get();
    if blocks + 1 < BLOCKS_PER_SPIN && since.is_some() {
        GROUP.set((blocks + 1, since));
        return;
    }
    let now = Instant::now();
    let until = since.map_or(now, |since| now + (now - since).mul_f64(extra));
    while Instant::now() < until {
        std::hint::spin_loop();
    }
    GROUP.set((0, Some(until.max(now))));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_names_a_strategy_and_a_percentage() {
        assert_eq!(
            parse("cas-retry:25%"),
            Ok(Slowdown {
                strategy: "cas-retry".into(),
                fraction: 0.25
            })
        );
        assert!(parse("cas-retry").is_err());
        assert!(parse("spinlock:25%").is_err());
        assert!(parse("mutex:125%").is_err());
    }
}
