//! The slow update, for any scenario: [`Slowed`] pauses before every write.
//!
//! A write delay models an update that takes time (`--write-delay`): under
//! a lock it holds the lock, in an optimistic strategy it widens the window
//! in which another writer wins. The read probe runs readers against one
//! such write to see whether they wait for it. Scenarios know nothing of
//! it: the harness wraps every scenario it runs, so a scenario brought from
//! outside gets the delay without writing it.

use std::time::Duration;

use scenarios::{GenContext, Increments, InvariantViolation, Mergeable, Op, Scenario};

/// Scenario `S`, every write pausing for a delay first (none by default).
#[derive(Clone, Copy, Debug, Default)]
pub struct Slowed<S> {
    inner: S,
    delay: Duration,
}

impl<S: Scenario> Slowed<S> {
    /// `inner` with no delay.
    pub fn new(inner: S) -> Self {
        Self::by(inner, Duration::ZERO)
    }

    /// `inner` with every write pausing for `delay`.
    pub fn by(inner: S, delay: Duration) -> Self {
        Self { inner, delay }
    }

    /// The scenario without its delay.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// How long each write pauses.
    pub fn delay(&self) -> Duration {
        self.delay
    }
}

/// A scenario whose writes can be slowed: what the read probe and `verify`
/// need to run one slow write. [`Slowed`] is the one implementation.
pub trait Slow: Scenario {
    /// The same scenario with every write pausing for `delay` instead.
    fn slowed(&self, delay: Duration) -> Self;
}

impl<S: Scenario> Slow for Slowed<S> {
    fn slowed(&self, delay: Duration) -> Self {
        Self::by(self.inner.clone(), delay)
    }
}

impl<S: Scenario> Scenario for Slowed<S> {
    type State = S::State;
    type Read = S::Read;
    type Write = S::Write;
    type ReadOutput = S::ReadOutput;
    type WriteOutput = S::WriteOutput;

    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn initial_state(&self, size: usize) -> S::State {
        self.inner.initial_state(size)
    }

    fn read(&self, state: &S::State, op: &S::Read) -> S::ReadOutput {
        self.inner.read(state, op)
    }

    fn write(&self, state: &mut S::State, op: &S::Write) -> S::WriteOutput {
        if !self.delay.is_zero() {
            std::thread::sleep(self.delay);
        }
        self.inner.write(state, op)
    }

    fn check_invariants(&self, state: &S::State) -> Result<(), InvariantViolation> {
        self.inner.check_invariants(state)
    }

    fn check_read(&self, read: &S::Read, output: &S::ReadOutput) -> Result<(), InvariantViolation> {
        self.inner.check_read(read, output)
    }

    fn summary(&self, state: &S::State) -> Option<String> {
        self.inner.summary(state)
    }

    fn generate_read(&self, ctx: &mut GenContext) -> S::Read {
        self.inner.generate_read(ctx)
    }

    fn generate_write(&self, ctx: &mut GenContext) -> S::Write {
        self.inner.generate_write(ctx)
    }

    fn keys(&self, op: &Op<Self>) -> Vec<String> {
        self.inner.keys(&unwrapped(op))
    }
}

/// `op` as an operation of the inner scenario.
fn unwrapped<S: Scenario>(op: &Op<Slowed<S>>) -> Op<S> {
    match op {
        Op::Read(read) => Op::Read(read.clone()),
        Op::Write(write) => Op::Write(write.clone()),
    }
}

impl<S: Increments> Increments for Slowed<S> {
    fn increment(&self, size: usize, n: u64) -> S::Write {
        self.inner.increment(size, n)
    }

    fn count(&self, state: &S::State) -> u64 {
        self.inner.count(state)
    }
}

impl<S: Mergeable> Mergeable for Slowed<S> {
    type Leaf = S::Leaf;
    type Change = S::Change;

    fn diff(&self, from: &S::State, to: &S::State) -> Vec<S::Change> {
        self.inner.diff(from, to)
    }

    fn leaf(&self, change: &S::Change) -> S::Leaf {
        self.inner.leaf(change)
    }

    fn commutes(&self, change: &S::Change) -> bool {
        self.inner.commutes(change)
    }

    fn apply_changes(&self, state: &mut S::State, changes: &[S::Change]) {
        self.inner.apply_changes(state, changes);
    }

    fn read_set(&self, state: &S::State, op: &S::Write) -> Vec<S::Leaf> {
        self.inner.read_set(state, op)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use scenarios::config::ConfigScenario;
    use scenarios::{KeyDist, Workload};

    use super::*;

    #[test]
    fn a_slowed_write_pauses_and_gives_the_inner_output() {
        let inner = ConfigScenario::new();
        let slow = Slowed::new(inner).slowed(Duration::from_millis(20));
        let workload = Workload::new(0.0, KeyDist::Uniform).unwrap();
        let Some(Op::Write(write)) = inner.generate(8, &workload, 1).next() else {
            panic!("a write-only workload gives writes");
        };
        let (mut a, mut b) = (inner.initial_state(8), inner.initial_state(8));
        let start = Instant::now();
        let output = slow.write(&mut a, &write);
        assert!(start.elapsed() >= Duration::from_millis(20));
        assert_eq!(output, inner.write(&mut b, &write));
        assert_eq!(a, b);
        assert_eq!(slow.name(), "config");
    }
}
