//! Small concurrent cases, in Lincheck's shape: a sequential prefix, a
//! parallel part where each of 2–3 threads runs a few operations, and a
//! sequential suffix. [`check_case`] runs one on a fresh strategy with
//! threads from the `sync` facade and checks that some interleaving of the
//! parallel part (each thread in its own order) explains every output and
//! the final state.
//!
//! Built with `--cfg loom` or `--cfg shuttle`, the facade's threads and locks
//! are the model checker's, so calling [`check_case`] inside `loom::model`
//! or `shuttle::check_random` explores the schedules of the strategy's own
//! code. Without a clock there is no real-time order to respect, so the
//! condition is sequential consistency; with one operation per thread or
//! any mutant that loses a write, that is what fails.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Arc;

use scenarios::{Op, Output, Scenario, Workload};

use crate::check::Memoizable;
use crate::runner::thread_seed;
use crate::strategy::{Strategy, StrategyHandle, StrategyOptions};
use crate::sync::thread;

/// Operations before, during and after the parallel part, on a state of `size`.
pub struct Case<S: Scenario> {
    /// Size of the initial state.
    pub size: usize,
    /// Operations run one after another before the threads start.
    pub prefix: Vec<Op<S>>,
    /// Each thread's operations.
    pub threads: Vec<Vec<Op<S>>>,
    /// Operations run one after another after every thread finished.
    pub suffix: Vec<Op<S>>,
}

impl<S: Scenario> Case<S> {
    /// `threads` threads of `ops` operations each, generated from `seed`,
    /// with no prefix or suffix.
    pub fn generate(
        scenario: &S,
        size: usize,
        workload: &Workload,
        threads: usize,
        ops: usize,
        seed: u64,
    ) -> Self {
        let threads = (0..threads)
            .map(|t| {
                let seed = thread_seed(seed, t);
                scenario.generate(size, workload, seed).take(ops).collect()
            })
            .collect();
        Self {
            size,
            prefix: Vec::new(),
            threads,
            suffix: Vec::new(),
        }
    }
}

/// What one execution of a case produced.
pub struct Outcome<S: Scenario> {
    /// The prefix's outputs, in order.
    pub prefix: Vec<Output<S>>,
    /// Each thread's outputs, in its order.
    pub outputs: Vec<Vec<Output<S>>>,
    /// The suffix's outputs, in order.
    pub suffix: Vec<Output<S>>,
    /// The state after the suffix, pending publications flushed.
    pub last: S::State,
}

/// Runs `case` once on a fresh `T`, checks the outcome, and panics with a
/// description of the case and what it produced if no interleaving explains
/// it (model checkers report a panic with the schedule that caused it).
pub fn check_case<S: Scenario, T: Strategy<S>>(
    scenario: &Arc<S>,
    case: &Case<S>,
    options: &StrategyOptions,
) where
    S::State: Memoizable,
{
    let outcome = run_case::<S, T>(scenario, case, options);
    if let Err(unexplained) = explain(&**scenario, case, &outcome) {
        panic!("{unexplained}");
    }
}

/// Runs `case` once: the prefix, one facade thread per parallel thread,
/// the suffix, then reads the final state.
pub fn run_case<S: Scenario, T: Strategy<S>>(
    scenario: &Arc<S>,
    case: &Case<S>,
    options: &StrategyOptions,
) -> Outcome<S>
where
    S::State: Memoizable,
{
    let strategy = T::new(
        Arc::clone(scenario),
        scenario.initial_state(case.size),
        options,
    );
    let sequential = |ops: &[Op<S>]| -> Vec<Output<S>> {
        let mut handle = strategy.handle();
        ops.iter().map(|op| handle.apply(scenario, op)).collect()
    };
    let prefix = sequential(&case.prefix);
    let workers: Vec<_> = case
        .threads
        .iter()
        .map(|ops| {
            let (mut handle, ops) = (strategy.handle(), ops.clone());
            let scenario = Arc::clone(scenario);
            thread::spawn(move || -> Vec<Output<S>> {
                ops.iter().map(|op| handle.apply(&scenario, op)).collect()
            })
        })
        .collect();
    let outputs = workers
        .into_iter()
        .map(|worker| worker.join().expect("a case thread panicked"))
        .collect();
    let suffix = sequential(&case.suffix);
    strategy.flush();
    let last = strategy.handle().read(S::State::clone);
    Outcome {
        prefix,
        outputs,
        suffix,
        last,
    }
}

/// Whether some interleaving of `case`'s threads, each in program order,
/// gives `outcome`'s outputs and final state; a description if none does.
pub fn explain<S: Scenario>(
    scenario: &S,
    case: &Case<S>,
    outcome: &Outcome<S>,
) -> Result<(), String>
where
    S::State: Memoizable,
{
    let mut search = Interleavings {
        scenario,
        case,
        outcome,
        seen: HashSet::new(),
    };
    let start = vec![0; case.threads.len()];
    let explained = replay(
        scenario,
        scenario.initial_state(case.size),
        &case.prefix,
        &outcome.prefix,
    )
    .is_some_and(|state| search.explains(&start, state));
    if explained {
        Ok(())
    } else {
        Err(describe(case, outcome))
    }
}

/// The state after `ops` from `state`, if they give exactly `outputs`.
fn replay<S: Scenario>(
    scenario: &S,
    mut state: S::State,
    ops: &[Op<S>],
    outputs: &[Output<S>],
) -> Option<S::State>
where
    S::State: Memoizable,
{
    ops.iter()
        .zip(outputs)
        .all(|(op, output)| scenario.apply(&mut state, op) == *output)
        .then_some(state)
}

struct Interleavings<'a, S: Scenario> {
    scenario: &'a S,
    case: &'a Case<S>,
    outcome: &'a Outcome<S>,
    seen: HashSet<(Vec<usize>, S::State)>,
}

impl<S: Scenario> Interleavings<'_, S>
where
    S::State: Memoizable,
{
    /// Depth-first: with thread `t` at operation `at[t]`, can the rest be
    /// ordered to match?
    fn explains(&mut self, at: &[usize], state: S::State) -> bool {
        if at
            .iter()
            .zip(&self.case.threads)
            .all(|(&i, ops)| i == ops.len())
        {
            let (suffix, outputs) = (&self.case.suffix, &self.outcome.suffix);
            return replay(self.scenario, state, suffix, outputs)
                .is_some_and(|last| last == self.outcome.last);
        }
        if !self.seen.insert((at.to_vec(), state.clone())) {
            return false;
        }
        (0..at.len()).any(|t| {
            let Some(op) = self.case.threads[t].get(at[t]) else {
                return false;
            };
            let mut next = state.clone();
            let output = self.scenario.apply(&mut next, op);
            if output != self.outcome.outputs[t][at[t]] {
                return false;
            }
            let mut after = at.to_vec();
            after[t] += 1;
            self.explains(&after, next)
        })
    }
}

fn describe<S: Scenario>(case: &Case<S>, outcome: &Outcome<S>) -> String
where
    S::State: Memoizable,
{
    let mut text = String::from("no interleaving explains this execution:\n");
    let mut part = |name: &str, ops: &[Op<S>], outputs: &[Output<S>]| {
        for (op, output) in ops.iter().zip(outputs) {
            let _ = writeln!(text, "  {name}: {op:?} → {output:?}");
        }
    };
    part("before", &case.prefix, &outcome.prefix);
    for (t, (ops, outputs)) in case.threads.iter().zip(&outcome.outputs).enumerate() {
        part(&format!("thread {t}"), ops, outputs);
    }
    part("after", &case.suffix, &outcome.suffix);
    let _ = write!(text, "  final state: {:?}", outcome.last);
    text
}

/// Explores the schedules of `f` with the model checker the crate was built
/// for: every schedule up to loom's preemption bound (`LOOM_MAX_PREEMPTIONS`,
/// 2 if unset), or `iterations` schedules from each of shuttle's random
/// and PCT schedulers. A failing schedule panics; shuttle prints it first,
/// to replay with `shuttle::replay`.
#[cfg(any(loom, shuttle))]
pub fn explore(iterations: usize, f: impl Fn() + Sync + Send + 'static) {
    #[cfg(loom)]
    {
        let _ = iterations;
        let mut builder = loom::model::Builder::new();
        builder.preemption_bound.get_or_insert(2);
        builder.check(f);
    }
    #[cfg(shuttle)]
    {
        /// Bugs PCT looks for involve up to this many ordering constraints.
        const PCT_DEPTH: usize = 3;
        let f = Arc::new(f);
        let random = Arc::clone(&f);
        shuttle::check_random(move || random(), iterations);
        shuttle::check_pct(move || f(), iterations, PCT_DEPTH);
    }
}
