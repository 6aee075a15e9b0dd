use super::*;
use crate::check::specs::Register;
use crate::check::specs::register_ops::{RegisterOp, read, write};

/// `history` judged under `prefix` alone.
fn judged_prefix(history: &[RegisterOp]) -> Judgement<Register> {
    judge(
        &Register,
        history,
        &[Consistency::Prefix],
        Duration::from_secs(5),
        1,
    )
}

/// Which contracts `history` keeps, strongest first.
fn kept(history: &[RegisterOp]) -> Vec<Consistency> {
    let judgement = judge(
        &Register,
        history,
        &Consistency::ALL,
        Duration::from_secs(5),
        1,
    );
    Consistency::ALL
        .into_iter()
        .filter(|&contract| {
            judgement
                .held(contract)
                .unwrap_or_else(|| panic!("{contract} undecided"))
        })
        .collect()
}

#[test]
fn another_clients_stale_read_is_sequential_and_prefix_but_not_linearizable() {
    let history = [write(0, 0, 1, 1), read(1, 2, 3, None)];
    assert_eq!(
        kept(&history),
        [Consistency::Sequential, Consistency::Prefix]
    );
}

#[test]
fn missing_ones_own_write_is_prefix_only() {
    let history = [write(0, 0, 1, 1), read(0, 2, 3, None)];
    assert_eq!(kept(&history), [Consistency::Prefix]);
}

#[test]
fn a_read_going_back_in_time_keeps_no_contract() {
    let history = [
        write(0, 0, 1, 1),
        write(0, 2, 3, 2),
        read(1, 4, 5, Some(2)),
        read(1, 6, 7, Some(1)),
    ];
    assert_eq!(kept(&history), []);
}

#[test]
fn a_value_nobody_wrote_keeps_no_contract() {
    let history = [write(0, 0, 1, 1), read(1, 0, 5, Some(7))];
    assert_eq!(kept(&history), []);
}

#[test]
fn writes_out_of_real_time_order_are_sequential_but_not_prefix() {
    // Client 2 reads 2, then 1: only write 2 before write 1 explains it,
    // which real time between the writes forbids (prefix, linearizable)
    // but client order alone does not (sequential).
    let history = [
        write(1, 0, 1, 1),
        write(0, 2, 3, 2),
        read(2, 4, 5, Some(2)),
        read(2, 6, 7, Some(1)),
    ];
    assert_eq!(kept(&history), [Consistency::Sequential]);
}

#[test]
fn a_linearizable_history_has_no_staleness() {
    let history = [
        write(0, 0, 1, 1),
        read(1, 2, 3, Some(1)),
        read(0, 4, 5, Some(1)),
    ];
    let judgement = judged_prefix(&history);
    let summary = judgement.staleness.expect("prefix held").summary();
    assert_eq!((summary.reads, summary.max, summary.p99), (2, 0, 0));
}

#[test]
fn staleness_counts_the_returned_writes_a_read_missed() {
    // Client 1 still reads 1 after writes 2 and 3 returned: 2 writes missed.
    // Its first read missed nothing (no write had returned).
    let history = [
        read(1, 0, 1, None),
        write(0, 2, 3, 1),
        write(0, 4, 5, 2),
        write(0, 6, 7, 3),
        read(1, 8, 9, Some(1)),
        read(2, 10, 11, Some(3)),
    ];
    let judgement = judged_prefix(&history);
    assert_eq!(judgement.held(Consistency::Prefix), Some(true));
    let summary = judgement.staleness.expect("prefix held").summary();
    assert_eq!((summary.reads, summary.max, summary.p99), (3, 2, 2));
}

#[test]
fn a_read_is_placed_as_late_as_its_output_allows() {
    // Writes 5, 5: the read of 5 after both returned is explained by the
    // first, but the second gives the same value, so nothing was missed.
    let history = [
        write(0, 0, 1, 5),
        write(0, 2, 3, 5),
        read(1, 4, 5, Some(5)),
        read(1, 6, 7, None),
    ];
    let judgement = judged_prefix(&history);
    assert_eq!(judgement.held(Consistency::Prefix), Some(false));
    let history = [write(0, 0, 1, 5), write(0, 2, 3, 5), read(1, 4, 5, Some(5))];
    let judgement = judged_prefix(&history);
    assert_eq!(judgement.staleness.expect("held").summary().max, 0);
}

#[test]
fn an_uncertain_write_may_never_have_happened_under_every_contract() {
    let mut lost = write(0, 0, 1, 1);
    lost.output = None;
    let history = [lost, read(0, 2, 3, None), read(1, 4, 5, None)];
    assert_eq!(kept(&history), Consistency::ALL);
}

#[test]
fn a_violation_is_cut_to_the_shortest_failing_prefix_in_call_order() {
    let mut history = vec![
        write(0, 0, 1, 1),
        write(0, 2, 3, 2),
        read(1, 4, 5, Some(2)),
        read(1, 6, 7, Some(1)),
    ];
    for k in 0..20 {
        history.push(write(2, 10 + 2 * k, 11 + 2 * k, 9));
    }
    let judgement = judged_prefix(&history);
    let Some(Outcome::Violated(violation)) = judgement.prefix else {
        panic!("prefix must fail");
    };
    assert_eq!((violation.ops.len(), violation.of), (4, 24));
    assert_eq!(
        violation.ops[violation.stuck.expect("a read was stuck")],
        history[3]
    );
}

#[test]
fn an_operation_running_at_the_cut_is_pending_in_the_violation() {
    // The first read sees the write called after it: fine as a whole, but
    // a cut keeping that read's output and not the write would fail.
    let history = [
        read(1, 0, 100, Some(5)),
        write(0, 10, 20, 5),
        read(2, 110, 111, Some(5)),
        read(2, 120, 121, None),
    ];
    let judgement = judged_prefix(&history);
    let Some(Outcome::Violated(violation)) = judgement.prefix else {
        panic!("prefix must fail");
    };
    assert_eq!(violation.ops.len(), 4);
    assert_eq!(
        violation.ops[violation.stuck.expect("a read was stuck")],
        history[3]
    );
}
