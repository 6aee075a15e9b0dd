//! crossbeam's `Backoff`, as a yield: under a model checker a spinning
//! thread must give the scheduler a chance to run the thread it waits for.

use std::cell::Cell;

use super::primitives::thread;

/// crossbeam's limits: `spin` counts up to the first, `snooze` to the
/// second, and past the second [`Backoff::is_completed`] says to block.
const SPIN_LIMIT: u32 = 6;
const YIELD_LIMIT: u32 = 10;

/// crossbeam's `Backoff`: every step yields to the scheduler once, and the
/// steps are counted to the same limits.
#[derive(Default)]
pub struct Backoff {
    step: Cell<u32>,
}

impl Backoff {
    /// A backoff at its first step.
    pub fn new() -> Self {
        Self::default()
    }

    /// Back to the first step.
    pub fn reset(&self) {
        self.step.set(0);
    }

    /// Yields, counting a step up to the spin limit.
    pub fn spin(&self) {
        self.wait_up_to(SPIN_LIMIT);
    }

    /// Yields, counting a step up to the yield limit.
    pub fn snooze(&self) {
        self.wait_up_to(YIELD_LIMIT);
    }

    /// Whether the steps passed the yield limit, so the caller should block
    /// instead.
    pub fn is_completed(&self) -> bool {
        self.step.get() > YIELD_LIMIT
    }

    fn wait_up_to(&self, limit: u32) {
        thread::yield_now();
        if self.step.get() <= limit {
            self.step.set(self.step.get() + 1);
        }
    }
}
