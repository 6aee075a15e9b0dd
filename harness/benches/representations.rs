//! The micro-costs that explain the strategies' results, for every registered
//! scenario in every representation (std, imbl, rpds) and several sizes:
//!
//! * `read`: one read of the model, what every strategy pays inside its
//!   read (a lock, a snapshot load) — the floor under read-mostly throughput;
//! * `write`: one write applied in place, what a lock strategy pays while it
//!   holds the lock;
//! * `publish`: one write as a snapshot strategy pays it — copy the whole
//!   state, apply the write, drop the copy. With std collections the copy is
//!   O(size); with persistent ones it is O(1) plus the path the write copies,
//!   which is why `arc-swap`, `cas-*`, `actor` and `staging` fall behind the
//!   locks as writes and sizes grow on std and not on imbl or rpds;
//! * `diff`: what `cas-merge` pays to find one write's changes between two
//!   versions. imbl skips the subtrees both versions share, so its cost
//!   follows the change; std and rpds compare entry by entry.
//!
//! Reads and writes cycle through a pre-generated ring of the scenario's own
//! operations (uniform keys), so every key is exercised, not one hot path.
//! Groups are `scenario/cost` (`ledger/publish`), and each charts every
//! representation against the size. Both the scenarios and the
//! representations come from the registry, so a new one is benched without
//! editing this file.
//!
//! `cargo bench -p harness --bench representations`; with
//! `HARNESS_BENCH_QUICK=1` the quick mode of [`budget`] (size 1 000 only,
//! shorter samples). Criterion's HTML report lands in `target/criterion/`.

mod budget;

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, criterion_group, criterion_main};
use harness::catalog::builtin::{self as registry, ScenarioOptions, ScenarioVisitor};
use harness::check::Memoizable;
use scenarios::{Increments, KeyDist, Mergeable, Op, Scenario, Workload, repr};

/// Operations pre-generated per benchmark.
const RING_LEN: usize = 4093;

/// The seed of the operations.
const SEED: u64 = 1;

/// State sizes (each scenario's own unit: flags, routes, players, books):
/// one where a full copy is still cheap, and one where it dominates.
fn sizes() -> &'static [usize] {
    budget::pick(&[1_000, 100_000], &[1_000])
}

/// One micro-cost, benched for every scenario, representation and size.
#[derive(Clone, Copy, Debug)]
enum Cost {
    Read,
    Write,
    Publish,
    Diff,
}

const COSTS: [Cost; 4] = [Cost::Read, Cost::Write, Cost::Publish, Cost::Diff];

impl Cost {
    fn name(self) -> &'static str {
        match self {
            Cost::Read => "read",
            Cost::Write => "write",
            Cost::Publish => "publish",
            Cost::Diff => "diff",
        }
    }
}

fn micro_costs(c: &mut Criterion) {
    for scenario in registry::NAMES {
        for cost in COSTS {
            let mut group = c.benchmark_group(format!("{scenario}/{}", cost.name()));
            for repr in repr::NAMES {
                let options = ScenarioOptions {
                    repr: (*repr).to_owned(),
                    ..ScenarioOptions::default()
                };
                let bench = OneRepr {
                    group: &mut group,
                    cost,
                    repr,
                };
                registry::visit(scenario, &options, bench)
                    .expect("every registered scenario builds in every representation");
            }
            group.finish();
        }
    }
}

/// Benches one cost of one scenario in one representation, at every size.
struct OneRepr<'g, 'c> {
    group: &'g mut BenchmarkGroup<'c, WallTime>,
    cost: Cost,
    repr: &'static str,
}

impl ScenarioVisitor for OneRepr<'_, '_> {
    type Output = ();

    fn visit<S: Increments + Mergeable>(self, scenario: S)
    where
        S::State: Memoizable,
    {
        for &size in sizes() {
            let id = BenchmarkId::new(self.repr, size);
            match self.cost {
                Cost::Read => read(self.group, id, &scenario, size),
                Cost::Write => write(self.group, id, &scenario, size),
                Cost::Publish => publish(self.group, id, &scenario, size),
                Cost::Diff => diff(self.group, id, &scenario, size),
            }
        }
    }
}

fn read<S: Scenario>(
    group: &mut BenchmarkGroup<WallTime>,
    id: BenchmarkId,
    scenario: &S,
    size: usize,
) {
    let state = scenario.initial_state(size);
    let reads = reads(scenario, size);
    let mut ring = reads.iter().cycle();
    group.bench_function(id, |b| {
        b.iter(|| scenario.read(&state, ring.next().expect("a cycle never ends")));
    });
}

fn write<S: Scenario>(
    group: &mut BenchmarkGroup<WallTime>,
    id: BenchmarkId,
    scenario: &S,
    size: usize,
) {
    let mut state = scenario.initial_state(size);
    let writes = writes(scenario, size);
    let mut ring = writes.iter().cycle();
    group.bench_function(id, |b| {
        b.iter(|| scenario.write(&mut state, ring.next().expect("a cycle never ends")));
    });
}

fn publish<S: Scenario>(
    group: &mut BenchmarkGroup<WallTime>,
    id: BenchmarkId,
    scenario: &S,
    size: usize,
) {
    let state = scenario.initial_state(size);
    let writes = writes(scenario, size);
    let mut ring = writes.iter().cycle();
    group.bench_function(id, |b| {
        b.iter(|| {
            let mut next = state.clone();
            black_box(scenario.write(&mut next, ring.next().expect("a cycle never ends")));
            next
        });
    });
}

/// The diff between the initial state and the state after the first
/// generated write that changes it.
fn diff<S: Mergeable>(
    group: &mut BenchmarkGroup<WallTime>,
    id: BenchmarkId,
    scenario: &S,
    size: usize,
) {
    let previous = scenario.initial_state(size);
    let next = writes(scenario, size)
        .iter()
        .find_map(|op| {
            let mut next = previous.clone();
            scenario.write(&mut next, op);
            (!scenario.diff(&previous, &next).is_empty()).then_some(next)
        })
        .expect("some generated write changes the state");
    group.bench_function(id, |b| {
        b.iter(|| scenario.diff(&previous, &next));
    });
}

fn reads<S: Scenario>(scenario: &S, size: usize) -> Vec<S::Read> {
    ops(scenario, size, 1.0)
        .filter_map(|op| match op {
            Op::Read(read) => Some(read),
            Op::Write(_) => None,
        })
        .collect()
}

fn writes<S: Scenario>(scenario: &S, size: usize) -> Vec<S::Write> {
    ops(scenario, size, 0.0)
        .filter_map(|op| match op {
            Op::Write(write) => Some(write),
            Op::Read(_) => None,
        })
        .collect()
}

/// A ring's worth of the scenario's operations at `read_ratio` (0 or 1: all writes or all reads).
fn ops<S: Scenario>(scenario: &S, size: usize, read_ratio: f64) -> impl Iterator<Item = Op<S>> {
    let workload = Workload::new(read_ratio, KeyDist::Uniform).expect("0 and 1 are valid ratios");
    scenario.generate(size, &workload, SEED).take(RING_LEN)
}

criterion_group! {
    name = benches;
    config = budget::criterion(budget::Timing {
        warm_up: Duration::from_millis(200),
        measurement: Duration::from_millis(600),
        samples: 20,
    });
    targets = micro_costs
}
criterion_main!(benches);
