//! The micro-costs behind the strategies' results, per representation:
//!
//! * `publish`: what one write costs a snapshot strategy — copy the whole
//!   state, apply one credit, drop the copy — on a ledger of 1 000, 10 000
//!   and 100 000 players. With std collections the copy is O(size); with
//!   persistent ones it is O(1) plus the path the write copies.
//! * `diff`: what `cas-merge` pays to find one changed player between two
//!   versions, at 1 000 and 100 000 players. imbl skips the subtrees both
//!   versions share, so its cost follows the change; std and rpds compare
//!   entry by entry.
//!
//! `cargo bench -p harness --bench representations`; criterion's HTML report
//! lands in `target/criterion/`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use scenarios::ledger::{LedgerScenario, LedgerVariant, LedgerWrite, player};
use scenarios::{Imbl, Mergeable, Repr, Rpds, Scenario, Std};

fn ledger<R: Repr>() -> LedgerScenario<R> {
    LedgerScenario::with(LedgerVariant::Mixed, Duration::ZERO)
}

fn one_credit(size: usize) -> LedgerWrite {
    LedgerWrite::Credit {
        player: player(size / 2),
        amount: 1,
    }
}

fn publish_one<R: Repr>(c: &mut Criterion, size: usize) {
    let scenario = ledger::<R>();
    let state = scenario.initial_state(size);
    let op = one_credit(size);
    c.benchmark_group("publish").bench_with_input(
        BenchmarkId::new(R::NAME, size),
        &size,
        |b, _| {
            b.iter(|| {
                let mut next = state.clone();
                black_box(scenario.write(&mut next, &op));
                next
            });
        },
    );
}

fn diff_one<R: Repr>(c: &mut Criterion, size: usize) {
    let scenario = ledger::<R>();
    let previous = scenario.initial_state(size);
    let mut next = previous.clone();
    scenario.write(&mut next, &one_credit(size));
    assert_eq!(
        scenario.diff(&previous, &next).len(),
        3,
        "a balance, the total, the version"
    );
    c.benchmark_group("diff")
        .bench_with_input(BenchmarkId::new(R::NAME, size), &size, |b, _| {
            b.iter(|| black_box(scenario.diff(&previous, &next)));
        });
}

fn publish(c: &mut Criterion) {
    for size in [1_000, 10_000, 100_000] {
        publish_one::<Std>(c, size);
        publish_one::<Imbl>(c, size);
        publish_one::<Rpds>(c, size);
    }
}

fn diff(c: &mut Criterion) {
    for size in [1_000, 100_000] {
        diff_one::<Std>(c, size);
        diff_one::<Imbl>(c, size);
        diff_one::<Rpds>(c, size);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    targets = publish, diff
}
criterion_main!(benches);
