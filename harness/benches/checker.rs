//! How long the linearizability checker takes on a linearizable
//! single-register history of 1 000 operations from 8 clients, up to 8 of
//! them in flight at once (every operation is in one part: no key splits
//! it). The history is simulated: clients call, take effect and return in a
//! random interleaving, so it is linearizable by construction.
//!
//! `cargo bench -p harness --bench checker`; with `HARNESS_BENCH_QUICK=1`
//! the quick mode of [`budget`] (10 samples over 0.3 s).

mod budget;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use harness::check::history::{Model, Operation};
use harness::check::linearizability::{Verdict, check};
use harness::check::models::{Register, RegisterInput, RegisterOutput};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

type RegOp = Operation<RegisterInput, RegisterOutput>;

/// A client's operation in flight: its index and whether it took effect yet.
struct InFlight {
    op: usize,
    done: bool,
}

fn simulated_history(ops: usize, clients: u64, seed: u64) -> Vec<RegOp> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut state = Register.init();
    let mut history: Vec<RegOp> = Vec::with_capacity(ops);
    let mut in_flight: Vec<Option<InFlight>> = (0..clients).map(|_| None).collect();
    let mut now = 0;
    while history.len() < ops || in_flight.iter().any(Option::is_some) {
        now += 1;
        let client = rng.random_range(0..clients) as usize;
        match &mut in_flight[client] {
            None if history.len() < ops => {
                let input = match rng.random_range(0..3) {
                    0 => RegisterInput::Read,
                    1 => RegisterInput::Write {
                        value: rng.random_range(0..4),
                    },
                    _ => RegisterInput::Cas {
                        from: rng.random_range(0..4),
                        to: rng.random_range(0..4),
                    },
                };
                history.push(Operation {
                    client: client as u64,
                    call: now,
                    ret: None,
                    input,
                    output: None,
                });
                in_flight[client] = Some(InFlight {
                    op: history.len() - 1,
                    done: false,
                });
            }
            None => {}
            Some(flight) if !flight.done => {
                let (next, output) = Register.step(&state, &history[flight.op].input);
                state = next;
                history[flight.op].output = Some(output);
                flight.done = true;
            }
            Some(flight) => {
                history[flight.op].ret = Some(now);
                in_flight[client] = None;
            }
        }
    }
    history
}

fn register_history(c: &mut Criterion) {
    let history = simulated_history(1_000, 8, 7);
    assert!(matches!(
        check(&Register, &history, Duration::from_secs(60), 2),
        Verdict::Linearizable
    ));
    c.bench_function("check/register/1000 ops/8 clients", |b| {
        b.iter(|| black_box(check(&Register, &history, Duration::from_secs(60), 2)));
    });
}

criterion_group! {
    name = benches;
    config = budget::criterion(budget::Timing {
        warm_up: Duration::from_secs(3),
        measurement: Duration::from_secs(5),
        samples: 20,
    });
    targets = register_history
}
criterion_main!(benches);
