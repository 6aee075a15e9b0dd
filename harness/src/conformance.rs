//! The checks every strategy must pass, written once and run for each.
//!
//! They are public so that a strategy defined in another crate can be held
//! to the same standard (see `examples/custom_strategy.rs`):
//!
//! * [`sequential_equivalence`]: one thread, a seeded operation sequence; the
//!   strategy must give exactly the pure model's outputs and end in the
//!   model's state;
//! * [`concurrent_increments`]: many threads write increments while readers
//!   check every state they see; no increment may be lost, every seen state
//!   must hold the scenario's invariants, and no reader may see the count go
//!   backwards.

use std::fmt::Debug;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use scenarios::{Increments, KeyDist, Scenario, Workload};

use crate::runner::panic_message;
use crate::strategy::{Strategy, StrategyHandle, StrategyOptions};

/// How a strategy departed from the model.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConformanceError {
    /// [`sequential_equivalence`]: an operation's output differs from the model's.
    #[error("operation {index} ({op}): model gave {expected}, strategy gave {actual}")]
    OutputMismatch {
        /// The operation's position in the sequence, from 0.
        index: usize,
        /// The operation, as `Debug` prints it.
        op: String,
        /// The model's output, as `Debug` prints it.
        expected: String,
        /// The strategy's output, as `Debug` prints it.
        actual: String,
    },
    /// [`sequential_equivalence`]: every output matched, but the final state
    /// differs from the model's.
    #[error("after {ops} operations the strategy's state differs from the model's")]
    StateMismatch {
        /// The number of operations applied.
        ops: usize,
    },
    /// [`concurrent_increments`]: the final count is not the number of
    /// increments acknowledged.
    #[error("{count} increments counted, {expected} acknowledged: {lost} lost")]
    LostUpdates {
        /// Increments acknowledged to the writers.
        expected: u64,
        /// The count in the final state ([`Increments::count`]).
        count: u64,
        /// `expected - count`; negative if the state counted more than were acknowledged.
        lost: i128,
    },
    /// [`concurrent_increments`]: a state read breaks the scenario's invariants;
    /// holds the violation's message.
    #[error("a reader saw a state breaking an invariant: {0}")]
    Invariant(String),
    /// [`concurrent_increments`]: a thread read a smaller count than it had read before.
    #[error("a reader saw the count go back from {before} to {after}")]
    WentBack {
        /// The count the thread read last.
        before: u64,
        /// The smaller count it read next.
        after: u64,
    },
    /// [`concurrent_increments`]: a writer or reader thread panicked; holds
    /// the panic's message.
    #[error("a thread panicked: {0}")]
    Panicked(String),
}

/// Runs `ops` seeded operations (half reads, half writes) through strategy
/// `T`, alternating between two handles, and compares each output and the
/// final state with the pure model.
pub fn sequential_equivalence<S: Scenario, T: Strategy<S>>(
    scenario: S,
    size: usize,
    ops: usize,
    seed: u64,
) -> Result<(), ConformanceError>
where
    S::State: PartialEq,
{
    let scenario = Arc::new(scenario);
    let mut model = scenario.initial_state(size);
    let strategy = T::new(
        Arc::clone(&scenario),
        model.clone(),
        &StrategyOptions::default(),
    );
    let mut handles = [strategy.handle(), strategy.handle()];
    let workload = Workload::new(0.5, KeyDist::Uniform).expect("0.5 is a valid ratio");
    for (index, op) in scenario
        .generate(size, &workload, seed)
        .take(ops)
        .enumerate()
    {
        let expected = scenario.apply(&mut model, &op);
        let actual = handles[index % 2].apply(&scenario, &op);
        if actual != expected {
            return Err(ConformanceError::OutputMismatch {
                index,
                op: format!("{op:?}"),
                expected: format!("{expected:?}"),
                actual: format!("{actual:?}"),
            });
        }
    }
    if handles[0].read(|state| state == &model) {
        Ok(())
    } else {
        Err(ConformanceError::StateMismatch { ops })
    }
}

/// How a concurrent increment run went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IncrementReport {
    /// Increments acknowledged (all of them, unless the strategy may abort).
    pub increments: u64,
    /// States the readers saw and checked.
    pub reads_checked: u64,
}

/// `writers` threads each apply `per_writer` increments, reading back after
/// each; one more thread only reads until they finish. Every state read is
/// checked against the scenario's invariants and for the count going back;
/// at the end the count must equal the increments acknowledged (a strategy
/// that may abort writes is held to those it did not abort).
pub fn concurrent_increments<S: Increments, T: Strategy<S>>(
    scenario: S,
    size: usize,
    writers: usize,
    per_writer: u64,
    options: &StrategyOptions,
) -> Result<IncrementReport, ConformanceError> {
    let scenario = Arc::new(scenario);
    let strategy = T::new(Arc::clone(&scenario), scenario.initial_state(size), options);
    let writing = AtomicBool::new(true);
    let results: Vec<Result<(u64, u64), ConformanceError>> = thread::scope(|scope| {
        let writer_threads: Vec<_> = (0..writers as u64)
            .map(|writer| {
                let mut handle = strategy.handle();
                let scenario = &*scenario;
                scope.spawn(move || {
                    let mut reader = Reader::new(scenario);
                    let mut acknowledged = 0;
                    for i in 0..per_writer {
                        let op = scenario.increment(size, writer * per_writer + i);
                        acknowledged += u64::from(handle.submit(&op).accepted());
                        reader.check(&mut handle)?;
                    }
                    Ok((acknowledged, reader.checked))
                })
            })
            .collect();
        let mut handle = strategy.handle();
        let (scenario, writing) = (&*scenario, &writing);
        let reader_thread = scope.spawn(move || {
            let mut reader = Reader::new(scenario);
            while writing.load(Ordering::Acquire) {
                reader.check(&mut handle)?;
            }
            Ok((0, reader.checked))
        });
        let mut results: Vec<_> = writer_threads.into_iter().map(joined).collect();
        writing.store(false, Ordering::Release);
        results.push(joined(reader_thread));
        results
    });
    let (mut expected, mut reads_checked) = (0, 0);
    for result in results {
        let (acknowledged, checked) = result?;
        expected += acknowledged;
        reads_checked += checked;
    }

    strategy.flush();
    let count = strategy.handle().read(|state| scenario.count(state));
    if count != expected {
        return Err(ConformanceError::LostUpdates {
            expected,
            count,
            lost: i128::from(expected) - i128::from(count),
        });
    }
    Ok(IncrementReport {
        increments: expected,
        reads_checked,
    })
}

/// One thread's view: checks each state it reads and remembers the last count.
struct Reader<'s, S> {
    scenario: &'s S,
    last: u64,
    checked: u64,
}

impl<'s, S: Increments> Reader<'s, S> {
    fn new(scenario: &'s S) -> Self {
        Self {
            scenario,
            last: 0,
            checked: 0,
        }
    }

    fn check(&mut self, handle: &mut impl StrategyHandle<S>) -> Result<(), ConformanceError> {
        let scenario = self.scenario;
        let (count, invariants) =
            handle.read(|state| (scenario.count(state), scenario.check_invariants(state)));
        invariants.map_err(|violation| ConformanceError::Invariant(violation.0))?;
        if count < self.last {
            return Err(ConformanceError::WentBack {
                before: self.last,
                after: count,
            });
        }
        self.last = count;
        self.checked += 1;
        Ok(())
    }
}

fn joined<T: Debug>(
    handle: thread::ScopedJoinHandle<'_, Result<T, ConformanceError>>,
) -> Result<T, ConformanceError> {
    handle
        .join()
        .unwrap_or_else(|panic| Err(ConformanceError::Panicked(panic_message(&*panic))))
}
