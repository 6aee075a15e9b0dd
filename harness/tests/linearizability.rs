//! The linearizability checker on histories with known answers.

use std::time::Duration;

use harness::check::history::Operation;
use harness::check::linearizability::{Verdict, check};
use harness::check::specs::{KeyValue, KvInput, KvOutput, Register, RegisterInput, RegisterOutput};
use proptest::prelude::*;

type RegOp = Operation<RegisterInput, RegisterOutput>;

fn op(client: u64, call: u64, ret: u64, input: RegisterInput, output: RegisterOutput) -> RegOp {
    Operation {
        client,
        call,
        ret: Some(ret),
        input,
        output: Some(output),
    }
}

fn write(client: u64, call: u64, ret: u64, value: i64) -> RegOp {
    op(
        client,
        call,
        ret,
        RegisterInput::Write { value },
        RegisterOutput::Written {},
    )
}

fn read(client: u64, call: u64, ret: u64, value: Option<i64>) -> RegOp {
    op(
        client,
        call,
        ret,
        RegisterInput::Read,
        RegisterOutput::Read { value },
    )
}

fn verdict(history: &[RegOp], budget: Duration) -> Verdict<Register> {
    check(&Register, history, budget, 2)
}

fn is_linearizable(history: &[RegOp]) -> bool {
    match verdict(history, Duration::from_secs(10)) {
        Verdict::Linearizable => true,
        Verdict::NotLinearizable(_) => false,
        Verdict::Unknown(reason) => panic!("no verdict: {reason}"),
    }
}

#[test]
fn a_read_of_a_value_never_written_is_not_linearizable() {
    assert!(!is_linearizable(&[
        write(0, 0, 1, 1),
        read(1, 2, 3, Some(5))
    ]));
}

#[test]
fn overlapping_operations_may_take_effect_in_either_order() {
    let history = [
        write(0, 0, 10, 1),
        read(1, 1, 2, None),
        read(1, 3, 4, Some(1)),
    ];
    assert!(is_linearizable(&history));
    let stale = [write(0, 0, 1, 1), read(1, 2, 3, None)];
    assert!(!is_linearizable(&stale));
}

#[test]
fn an_unreturned_write_may_or_may_not_take_effect_after_its_call() {
    let mut pending = write(0, 5, 0, 9);
    pending.ret = None;
    pending.output = None;
    assert!(is_linearizable(&[pending.clone(), read(1, 6, 7, Some(9))]));
    assert!(is_linearizable(&[pending.clone(), read(1, 6, 7, None)]));
    assert!(!is_linearizable(&[pending, read(1, 1, 2, Some(9))]));
}

#[test]
fn a_timed_out_write_takes_effect_before_its_return_or_never() {
    let mut timeout = write(0, 5, 8, 9);
    timeout.output = None;
    assert!(is_linearizable(&[timeout.clone(), read(1, 9, 10, None)]));
    assert!(is_linearizable(&[timeout.clone(), read(1, 6, 7, Some(9))]));
    let later = [
        timeout.clone(),
        read(1, 9, 10, Some(9)),
        read(1, 11, 12, None),
    ];
    assert!(!is_linearizable(&later), "an effect cannot be undone");
}

#[test]
fn many_concurrent_clients_are_decided_because_states_are_memoized() {
    // 16 clients write the same value at once, then a read sees a value
    // none wrote. Without (set, state) memoization the search would try 16!
    // orders; with it, at most 2^16 sets.
    let mut history: Vec<RegOp> = (0..16).map(|c| write(c, 0, 100, 1)).collect();
    history.push(read(99, 101, 102, Some(2)));
    assert!(matches!(
        verdict(&history, Duration::from_secs(20)),
        Verdict::NotLinearizable(_)
    ));
}

#[test]
fn past_the_budget_the_verdict_is_unknown() {
    let mut history: Vec<RegOp> = (0..22).map(|c| write(c, 0, 100, c as i64)).collect();
    history.push(read(99, 101, 102, Some(-1)));
    assert!(matches!(
        verdict(&history, Duration::from_millis(1)),
        Verdict::Unknown(_)
    ));
}

#[test]
fn the_counterexample_is_shrunk_to_the_operations_that_matter() {
    let history = [
        read(2, 0, 1, None),
        write(0, 2, 3, 1),
        read(2, 4, 5, Some(1)),
        write(0, 6, 7, 2),
        read(1, 8, 9, Some(1)),
        read(2, 10, 11, Some(2)),
    ];
    let Verdict::NotLinearizable(found) = verdict(&history, Duration::from_secs(10)) else {
        panic!("a stale read of 1 after 2 was written");
    };
    assert_eq!(found.ops.len(), 3, "{:#?}", found.ops);
    assert_eq!(found.ops[found.stuck], read(1, 8, 9, Some(1)));
    assert_eq!(found.state, Some(2));
}

#[test]
fn keys_are_checked_as_independent_parts() {
    let mut history = Vec::new();
    for key in 0..200u64 {
        let name = format!("k{key}");
        history.push(Operation {
            client: key % 8,
            call: key * 10,
            ret: Some(key * 10 + 5),
            input: KvInput::Append {
                key: name.clone(),
                value: "x".into(),
            },
            output: Some(KvOutput::Done {}),
        });
        let seen = if key == 123 { "xx" } else { "x" };
        history.push(Operation {
            client: key % 8 + 8,
            call: key * 10 + 6,
            ret: Some(key * 10 + 7),
            input: KvInput::Get { key: name },
            output: Some(KvOutput::Got { value: seen.into() }),
        });
    }
    let Verdict::NotLinearizable(found) = check(&KeyValue, &history, Duration::from_secs(10), 2)
    else {
        panic!("key k123 shows an append twice");
    };
    assert!(
        found.ops.iter().all(|op| op.input.key() == "k123"),
        "{:?}",
        found.ops
    );
}

/// A register history produced by running `inputs` one after another.
fn sequential(inputs: &[RegisterInput]) -> Vec<RegOp> {
    use harness::check::history::Spec;
    let mut state = Register.init();
    inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let (next, output) = Register.step(&state, input);
            state = next;
            let t = i as u64 * 2;
            op(i as u64 % 3, t, t + 1, input.clone(), output)
        })
        .collect()
}

fn register_input() -> impl Strategy<Value = RegisterInput> {
    prop_oneof![
        Just(RegisterInput::Read),
        (0..3i64).prop_map(|value| RegisterInput::Write { value }),
        (0..3i64, 0..3i64).prop_map(|(from, to)| RegisterInput::Cas { from, to }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn every_sequential_history_is_linearizable(inputs in prop::collection::vec(register_input(), 0..40)) {
        prop_assert!(is_linearizable(&sequential(&inputs)));
    }
}

proptest! {
    // Each failure is shrunk, which may spend up to 200 ms deciding whether
    // the fault is one of ordering: fewer cases keep the suite quick.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn a_sequential_history_with_one_read_falsified_is_not(
        inputs in prop::collection::vec(register_input(), 1..40),
        pick in any::<prop::sample::Index>(),
    ) {
        let mut history = sequential(&inputs);
        let reads: Vec<usize> = (0..history.len())
            .filter(|&i| history[i].input == RegisterInput::Read)
            .collect();
        prop_assume!(!reads.is_empty());
        let i = reads[pick.index(reads.len())];
        let RegisterOutput::Read { value } = history[i].output.clone().unwrap() else { unreachable!() };
        history[i].output = Some(RegisterOutput::Read { value: Some(value.unwrap_or(0) + 100) });
        prop_assert!(!is_linearizable(&history));
    }
}

/// A part no search finishes: 24 concurrent puts with unobserved outputs
/// (each may or may not have taken effect: 2^24 sets, each with its own
/// state), then a get of a value none of them wrote.
fn hopeless_part(key: &str) -> Vec<Operation<KvInput, KvOutput>> {
    let mut ops: Vec<_> = (0..24)
        .map(|c| Operation {
            client: 1000 + c,
            call: 0,
            ret: Some(10_000),
            input: KvInput::Put {
                key: key.into(),
                value: format!("{c}"),
            },
            output: None,
        })
        .collect();
    ops.push(Operation {
        client: 2000,
        call: 10_001,
        ret: Some(10_002),
        input: KvInput::Get { key: key.into() },
        output: Some(KvOutput::Got {
            value: "nobody".into(),
        }),
    });
    ops
}

/// A longer part than the hopeless one that fails at its end: a stale get.
fn stale_part(key: &str) -> Vec<Operation<KvInput, KvOutput>> {
    let mut ops: Vec<_> = (0..60u64)
        .map(|i| Operation {
            client: 1,
            call: 2 * i,
            ret: Some(2 * i + 1),
            input: KvInput::Put {
                key: key.into(),
                value: format!("{i}"),
            },
            output: Some(KvOutput::Done {}),
        })
        .collect();
    ops.push(Operation {
        client: 2,
        call: 200,
        ret: Some(201),
        input: KvInput::Get { key: key.into() },
        output: Some(KvOutput::Got { value: "3".into() }),
    });
    ops
}

#[test]
fn a_part_that_never_finishes_does_not_keep_a_failing_part_waiting() {
    // One thread, and the hopeless part first in the history and smaller:
    // neither history order nor size order alone would reach the stale get.
    let mut history = hopeless_part("hard");
    history.extend(stale_part("easy"));
    let Verdict::NotLinearizable(found) = check(&KeyValue, &history, Duration::from_secs(20), 1)
    else {
        panic!("the stale get on 'easy' is found while 'hard' is still undecided");
    };
    assert!(
        found.ops.iter().all(|op| op.input.key() == "easy"),
        "{:?}",
        found.ops
    );
    // The put of "3" (so that the get's value has a writer), one put after
    // it, and the stale get.
    assert_eq!(found.ops.len(), 3, "{:?}", found.ops);
    assert_eq!(found.ops[0].input, stale_part("easy")[3].input);
    assert_eq!(found.ops[found.stuck], stale_part("easy")[60]);
}

#[test]
fn a_part_that_never_finishes_makes_the_verdict_unknown_not_linearizable() {
    let mut history = hopeless_part("hard");
    history.extend(stale_part("easy").into_iter().take(60));
    let verdict = check(&KeyValue, &history, Duration::from_millis(300), 2);
    let Verdict::Unknown(reason) = verdict else {
        panic!("undecided, not {verdict:?}");
    };
    assert!(
        reason.contains("1 of 2 independent parts undecided"),
        "{reason}"
    );
}

#[test]
fn the_same_history_gives_the_same_counterexample_on_every_run() {
    use harness::check::simulate::{Simulation, corrupt_one_get, kv_input, simulate};
    let simulation = Simulation {
        ops: 3_000,
        clients: 20,
        crash_chance: 0.0,
        seed: 11,
    };
    let mut history = simulate(&KeyValue, &simulation, kv_input(8));
    // Stale reads on several keys: more than one part fails, and which one a
    // thread finishes first must not matter.
    for which in [3, 40, 77, 120] {
        let gets: Vec<usize> = (0..history.len())
            .filter(|&i| matches!(history[i].input, KvInput::Get { .. }))
            .collect();
        let i = gets[which];
        history[i].output = Some(KvOutput::Got {
            value: String::new(),
        });
    }
    corrupt_one_get(&mut history, 200);
    let runs: Vec<_> = (0..10)
        .map(
            |_| match check(&KeyValue, &history, Duration::from_secs(30), 2) {
                Verdict::NotLinearizable(found) => (found.ops, found.stuck, found.shrinking),
                other => panic!("not linearizable, not {other:?}"),
            },
        )
        .collect();
    assert!(runs.iter().all(|run| *run == runs[0]), "{runs:#?}");
}
