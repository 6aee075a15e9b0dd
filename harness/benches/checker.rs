//! How long the linearizability checker takes on simulated histories
//! (linearizable by construction, see `harness::check::simulate`): one
//! register, 1 000 operations from 8 clients (one part: no key splits it);
//! the same from 5 clients that crash now and then (Jepsen's etcd shape);
//! a key-value store with 50 clients on 8 keys, as is and with one get
//! changed to a value never written (check and shrinking).
//!
//! `cargo bench -p harness --bench checker`; with `HARNESS_BENCH_QUICK=1`
//! the quick mode of [`budget`] (10 samples over 0.3 s).

mod budget;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use harness::check::linearizability::{Verdict, check};
use harness::check::simulate::{Simulation, corrupt_one_get, kv_input, register_input, simulate};
use harness::check::specs::{KeyValue, Register};

fn simulation(ops: usize, clients: u64, crash_chance: f64) -> Simulation {
    Simulation {
        ops,
        clients,
        crash_chance,
        seed: 7,
    }
}

fn register_history(c: &mut Criterion) {
    let history = simulate(&Register, &simulation(1_000, 8, 0.0), register_input(4));
    assert!(matches!(
        check(&Register, &history, Duration::from_secs(60), 2),
        Verdict::Linearizable
    ));
    c.bench_function("check/register/1000 ops/8 clients", |b| {
        b.iter(|| black_box(check(&Register, &history, Duration::from_secs(60), 2)));
    });
}

/// Jepsen's etcd shape: 5 clients, some crashing with a write in flight.
fn crashed_clients(c: &mut Criterion) {
    let history = simulate(&Register, &simulation(1_000, 5, 0.02), register_input(5));
    c.bench_function("check/register/1000 ops/5 clients, 2% crash", |b| {
        b.iter(|| black_box(check(&Register, &history, Duration::from_secs(60), 2)));
    });
}

/// 50 clients appending to 8 keys; then one get changed to a value never
/// written: the check ends at the first failing part, and shrinks it.
fn kv_50_clients(c: &mut Criterion) {
    let history = simulate(&KeyValue, &simulation(2_000, 50, 0.0), kv_input(8));
    c.bench_function("check/kv/2000 ops/50 clients", |b| {
        b.iter(|| black_box(check(&KeyValue, &history, Duration::from_secs(60), 2)));
    });
    let mut bad = history.clone();
    corrupt_one_get(&mut bad, 100);
    assert!(matches!(
        check(&KeyValue, &bad, Duration::from_secs(60), 2),
        Verdict::NotLinearizable(_)
    ));
    c.bench_function("check/kv/2000 ops/50 clients, one bad get", |b| {
        b.iter(|| black_box(check(&KeyValue, &bad, Duration::from_secs(60), 2)));
    });
}

criterion_group! {
    name = benches;
    config = budget::criterion(budget::Timing {
        warm_up: Duration::from_secs(3),
        measurement: Duration::from_secs(5),
        samples: 20,
    });
    targets = register_history, crashed_clients, kv_50_clients
}
criterion_main!(benches);
