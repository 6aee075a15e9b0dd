//! Histories made by simulation, linearizable by construction: clients
//! call, take effect on one spec state at a random moment, and return, in
//! a seeded random interleaving. A client may crash with an operation in
//! flight (it never returns, and may or may not have taken effect); a new
//! client takes its place, as in Jepsen's process model. The checker's
//! bench, its tests and `examples/history_corpus.rs` use these.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::history::{Operation, Spec};
use super::specs::{KvInput, KvOutput, RegisterInput};

/// The shape of a simulated history.
#[derive(Clone, Copy, Debug)]
pub struct Simulation {
    /// Operations in the history.
    pub ops: usize,
    /// Clients at once (each runs one operation at a time).
    pub clients: u64,
    /// Chance that a client crashes with its operation in flight, per operation.
    pub crash_chance: f64,
    /// Seed of the inputs, the interleaving and the crashes.
    pub seed: u64,
}

/// A client's operation in flight: its index and whether it took effect yet.
struct InFlight {
    op: usize,
    done: bool,
}

/// Simulates `simulation` against `spec`, the inputs drawn by `input`.
pub fn simulate<M: Spec>(
    spec: &M,
    simulation: &Simulation,
    mut input: impl FnMut(&mut ChaCha8Rng) -> M::Input,
) -> Vec<Operation<M::Input, M::Output>> {
    let mut rng = ChaCha8Rng::seed_from_u64(simulation.seed);
    let mut state = spec.init();
    let mut history: Vec<Operation<M::Input, M::Output>> = Vec::with_capacity(simulation.ops);
    let mut slots: Vec<(u64, Option<InFlight>)> =
        (0..simulation.clients).map(|c| (c, None)).collect();
    let mut next_client = simulation.clients;
    let mut now = 0;
    while history.len() < simulation.ops || slots.iter().any(|(_, flight)| flight.is_some()) {
        now += 1;
        let slot = rng.random_range(0..slots.len());
        let (client, flight) = &mut slots[slot];
        match flight {
            None if history.len() < simulation.ops => {
                history.push(Operation {
                    client: *client,
                    call: now,
                    ret: None,
                    input: input(&mut rng),
                    output: None,
                });
                *flight = Some(InFlight {
                    op: history.len() - 1,
                    done: false,
                });
            }
            None => {}
            Some(_) if rng.random_bool(simulation.crash_chance) => {
                *flight = None;
                *client = next_client;
                next_client += 1;
            }
            Some(InFlight { op, done }) if !*done => {
                let (next, output) = spec.step(&state, &history[*op].input);
                state = next;
                history[*op].output = Some(output);
                *done = true;
            }
            Some(InFlight { op, .. }) => {
                history[*op].ret = Some(now);
                *flight = None;
            }
        }
    }
    // A crashed operation's output was never seen, whether or not it took effect.
    for op in &mut history {
        if op.ret.is_none() {
            op.output = None;
        }
    }
    history
}

/// Register inputs: reads, writes and compare-and-sets over `values` values.
pub fn register_input(values: i64) -> impl FnMut(&mut ChaCha8Rng) -> RegisterInput {
    move |rng| match rng.random_range(0..3) {
        0 => RegisterInput::Read,
        1 => RegisterInput::Write {
            value: rng.random_range(0..values),
        },
        _ => RegisterInput::Cas {
            from: rng.random_range(0..values),
            to: rng.random_range(0..values),
        },
    }
}

/// Key-value inputs over `keys` keys: gets, puts and appends (half of the
/// writes), each value distinct.
pub fn kv_input(keys: usize) -> impl FnMut(&mut ChaCha8Rng) -> KvInput {
    let mut written = 0u64;
    move |rng| {
        let key = format!("k{}", rng.random_range(0..keys));
        written += 1;
        let value = format!("{written}.");
        match rng.random_range(0..4) {
            0 | 1 => KvInput::Get { key },
            2 => KvInput::Put { key, value },
            _ => KvInput::Append { key, value },
        }
    }
}

/// Changes the output of the `which`-th get that returned (counting from the
/// start, wrapping) to a value no operation writes: the one operation that
/// makes the history not linearizable. Its index, if there is a get.
pub fn corrupt_one_get(
    history: &mut [Operation<KvInput, KvOutput>],
    which: usize,
) -> Option<usize> {
    let gets: Vec<usize> = (0..history.len())
        .filter(|&i| matches!(history[i].input, KvInput::Get { .. }) && history[i].output.is_some())
        .collect();
    let index = *gets.get(which % gets.len().max(1))?;
    history[index].output = Some(KvOutput::Got {
        value: "never written".to_owned(),
    });
    Some(index)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::check::linearizability::{Verdict, check};
    use crate::check::specs::{KeyValue, Register};

    #[test]
    fn simulated_histories_are_linearizable_and_crashes_never_return() {
        let simulation = Simulation {
            ops: 300,
            clients: 5,
            crash_chance: 0.05,
            seed: 3,
        };
        let history = simulate(&Register, &simulation, register_input(4));
        assert_eq!(history.len(), 300);
        let crashed: Vec<_> = history.iter().filter(|op| op.ret.is_none()).collect();
        assert!(!crashed.is_empty());
        assert!(crashed.iter().all(|op| op.output.is_none()));
        assert!(matches!(
            check(&Register, &history, Duration::from_secs(60), 1),
            Verdict::Linearizable
        ));
    }

    #[test]
    fn one_corrupted_get_is_the_whole_counterexample() {
        let simulation = Simulation {
            ops: 400,
            clients: 10,
            crash_chance: 0.0,
            seed: 5,
        };
        let mut history = simulate(&KeyValue, &simulation, kv_input(3));
        let bad = corrupt_one_get(&mut history, 7).expect("there are gets");
        let Verdict::NotLinearizable(found) =
            check(&KeyValue, &history, Duration::from_secs(60), 2)
        else {
            panic!("a get of a value never written is not linearizable");
        };
        assert_eq!(found.ops, vec![history[bad].clone()]);
    }
}
