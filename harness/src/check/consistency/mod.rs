//! Three contracts a concurrent history may keep, each checked from the
//! same recorded history against the same spec:
//!
//! * `linearizable`: one total order of all operations that respects real
//!   time and gives every observed output ([`linearizability`]);
//! * `sequential`: one total order that respects each client's own order
//!   (not real time across clients) and gives every output;
//! * `prefix`: the writes alone are linearizable (each applied once, in an
//!   order consistent with real time among writes); every read
//!   gives what the spec gives after some prefix of that order; each
//!   client's reads see prefixes that never shrink. A client need not see
//!   its own writes at once, and a read may keep seeing an old prefix, so
//!   a lost write shows only through an output that depends on it (`verify`
//!   also counts writes against the final state).
//!
//! A linearizable history keeps the other two, so they are searched only
//! when linearizability fails. Neither of the other two implies the other,
//! and neither is compositional (a history may keep one on every key and
//! not as a whole), so each is searched on the whole history. Under
//! `prefix`, the *staleness* of a read is how many writes had returned
//! before it was called yet are missing from the prefix it saw (each read
//! placed as late as its client's later reads allow); a linearizable
//! history's is 0.
//!
//! [`linearizability`]: super::linearizability

mod prefix;
mod sequential;
mod staleness;

use std::time::{Duration, Instant};

use serde::Serialize;

pub use self::staleness::{Staleness, StalenessSummary};
use super::history::{Operation, Spec};
use super::linearizability::{Verdict, check};

/// A contract, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Consistency {
    /// One order of all operations that respects real time and gives every output.
    Linearizable,
    /// One order that respects each client's own order and gives every output.
    Sequential,
    /// Writes linearizable; each read sees a prefix of them, never shrinking per client.
    Prefix,
}

impl Consistency {
    /// Every contract, strongest first.
    pub const ALL: [Consistency; 3] = [Self::Linearizable, Self::Sequential, Self::Prefix];

    /// The contract's name, as `--consistency` and reports spell it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Linearizable => "linearizable",
            Self::Sequential => "sequential",
            Self::Prefix => "prefix",
        }
    }
}

impl std::fmt::Display for Consistency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether a history keeps one contract (other than linearizability,
/// whose [`Verdict`] carries a shrunk counterexample).
#[derive(Clone, Debug)]
pub enum Outcome<M: Spec> {
    /// The history keeps the contract.
    Held,
    /// The history breaks it; the violation cut to where it was found.
    Violated(Violation<M>),
    /// The budget ran out first.
    Unknown(String),
}

/// A history that breaks a contract, cut at the earliest time that
/// bisection found it already broken: the operations called by then, in
/// call order, those still running pending.
#[derive(Clone, Debug)]
pub struct Violation<M: Spec> {
    /// The contract broken.
    pub contract: Consistency,
    /// The operations called by the cut, in call order.
    pub ops: Vec<Operation<M::Input, M::Output>>,
    /// How many operations the whole history had.
    pub of: usize,
    /// The operation (index into `ops`) the search's deepest dead end could not place.
    pub stuck: Option<usize>,
}

/// One history judged against the contracts asked for.
#[derive(Clone, Debug)]
pub struct Judgement<M: Spec> {
    /// The linearizability check's verdict, always made.
    pub linearizability: Verdict<M>,
    /// `None` when not asked for.
    pub sequential: Option<Outcome<M>>,
    /// `None` when not asked for.
    pub prefix: Option<Outcome<M>>,
    /// When the history is linearizable (all 0), or under `prefix` when it held.
    pub staleness: Option<Staleness>,
}

impl<M: Spec> Judgement<M> {
    /// Whether `contract` held; `None` if undecided or not asked for.
    pub fn held(&self, contract: Consistency) -> Option<bool> {
        let outcome = match contract {
            Consistency::Linearizable => {
                return match self.linearizability {
                    Verdict::Linearizable => Some(true),
                    Verdict::NotLinearizable(_) => Some(false),
                    Verdict::Unknown(_) => None,
                };
            }
            Consistency::Sequential => self.sequential.as_ref()?,
            Consistency::Prefix => self.prefix.as_ref()?,
        };
        match outcome {
            Outcome::Held => Some(true),
            Outcome::Violated(_) => Some(false),
            Outcome::Unknown(_) => None,
        }
    }
}

/// Checks `history` against `spec` for linearizability and for each
/// contract of `asked`, each within `budget`.
pub fn judge<M: Spec>(
    spec: &M,
    history: &[Operation<M::Input, M::Output>],
    asked: &[Consistency],
    budget: Duration,
    threads: usize,
) -> Judgement<M> {
    let linearizability = check(spec, history, budget, threads);
    let linearizable = matches!(linearizability, Verdict::Linearizable);
    let mut staleness = None;
    let mut outcome = |contract: Consistency| {
        if !asked.contains(&contract) {
            return None;
        }
        if linearizable {
            return Some(Outcome::Held);
        }
        let (outcome, measured) = weaker(spec, history, contract, budget);
        staleness = staleness.take().or(measured);
        Some(outcome)
    };
    let sequential = outcome(Consistency::Sequential);
    let prefix = outcome(Consistency::Prefix);
    if linearizable {
        staleness = Some(Staleness::none(spec, history));
    }
    Judgement {
        linearizability,
        sequential,
        prefix,
        staleness,
    }
}

/// Where a bounded search stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Searched {
    Held,
    Violated,
    Undecided,
}

/// How often (in steps) a search looks at the clock.
const CLOCK_EVERY: u64 = 1024;

/// Whether a search at `steps` is past `deadline` (looked at every [`CLOCK_EVERY`] steps).
fn dead_end(steps: u64, deadline: Instant) -> bool {
    steps % CLOCK_EVERY == 0 && Instant::now() > deadline
}

/// The state after placing `operation` on `state`: applied (`choice` 0),
/// if the spec gives its observed output, or as having had no effect
/// (`choice` 1), if it is uncertain.
fn placed<M: Spec>(
    spec: &M,
    state: &M::State,
    operation: &Operation<M::Input, M::Output>,
    choice: u8,
) -> Option<M::State> {
    match choice {
        0 => {
            let (next, output) = spec.step(state, &operation.input);
            let explained = operation.output.as_ref().is_none_or(|seen| *seen == output);
            explained.then_some(next)
        }
        _ if operation.uncertain() => Some(state.clone()),
        _ => None,
    }
}

/// Fewest steps a bisection probe gets.
const LEAST_PROBE_STEPS: u64 = 100_000;

/// A contract weaker than linearizability, searched on the whole history;
/// under `prefix`, the staleness of the explanation found.
fn weaker<M: Spec>(
    spec: &M,
    history: &[Operation<M::Input, M::Output>],
    contract: Consistency,
    budget: Duration,
) -> (Outcome<M>, Option<Staleness>) {
    let deadline = super::deadline_after(budget);
    let found = search(spec, history, contract, u64::MAX, deadline);
    let outcome = match found.searched {
        Searched::Held => Outcome::Held,
        Searched::Undecided => Outcome::Unknown(format!(
            "time budget exhausted after {} steps of the {contract} search",
            found.steps
        )),
        Searched::Violated => Outcome::Violated(cut(spec, history, contract, &found)),
    };
    let staleness = found
        .explanation
        .map(|explanation| staleness::measure(spec, history, &explanation));
    (outcome, staleness)
}

/// The shortest failing cut that bisection finds over the return times,
/// each probe bounded by steps (so the result depends on the history alone).
fn cut<M: Spec>(
    spec: &M,
    history: &[Operation<M::Input, M::Output>],
    contract: Consistency,
    whole: &Found,
) -> Violation<M> {
    let mut order: Vec<usize> = (0..history.len()).collect();
    order.sort_by_key(|&i| (history[i].call, i));
    let mut times: Vec<u64> = history.iter().filter_map(|op| op.ret).collect();
    times.sort_unstable();
    times.dedup();
    let limit = whole.steps.saturating_mul(2).max(LEAST_PROBE_STEPS);
    let far = super::deadline_after(Duration::MAX);
    let (mut fits, mut fails) = (0, times.len());
    let mut stuck = whole
        .stuck
        .and_then(|stuck| order.iter().position(|&i| i == stuck));
    while fits < fails {
        let middle = (fits + fails) / 2;
        let probe = search(
            spec,
            &cut_at(history, &order, times[middle]),
            contract,
            limit,
            far,
        );
        if probe.searched == Searched::Violated {
            fails = middle;
            stuck = probe.stuck;
        } else {
            fits = middle + 1;
        }
    }
    Violation {
        contract,
        ops: cut_at(
            history,
            &order,
            times.get(fails).copied().unwrap_or(u64::MAX),
        ),
        of: history.len(),
        stuck,
    }
}

/// The history (`order` is its call order) as it stood at time `at`: the
/// operations called by then, in call order, those still running pending
/// (they may or may not take effect, their outputs unseen). Keeping such an
/// output could make it depend on a write called after `at` and left out,
/// and so fail a cut of a history that keeps the contract.
fn cut_at<I: Clone, O: Clone>(
    history: &[Operation<I, O>],
    order: &[usize],
    at: u64,
) -> Vec<Operation<I, O>> {
    order
        .iter()
        .map(|&i| &history[i])
        .take_while(|operation| operation.call <= at)
        .map(|operation| {
            let mut operation = operation.clone();
            if operation.ret.is_none_or(|ret| ret > at) {
                operation.ret = None;
                operation.output = None;
            }
            operation
        })
        .collect()
}

/// What a bounded search of a weaker contract found.
struct Found {
    searched: Searched,
    steps: u64,
    /// The operation its deepest dead end could not place.
    stuck: Option<usize>,
    /// Under `prefix`, when it held: the write order and where each read was taken.
    explanation: Option<prefix::Explanation>,
}

/// Runs the `contract` search on `ops` for at most `max_steps`.
fn search<M: Spec>(
    spec: &M,
    ops: &[Operation<M::Input, M::Output>],
    contract: Consistency,
    max_steps: u64,
    deadline: Instant,
) -> Found {
    match contract {
        Consistency::Linearizable => unreachable!("linearizability has its own search"),
        Consistency::Sequential => {
            let mut search = sequential::Sequential::new(spec, ops);
            let searched = search.advance(max_steps, deadline);
            Found {
                searched,
                steps: search.steps(),
                stuck: search.stuck(),
                explanation: None,
            }
        }
        Consistency::Prefix => {
            let mut search = prefix::Prefix::new(spec, ops);
            let searched = search.advance(max_steps, deadline);
            Found {
                searched,
                steps: search.steps(),
                stuck: search.stuck(),
                explanation: (searched == Searched::Held).then(|| search.explanation()),
            }
        }
    }
}

#[cfg(test)]
mod tests;
