//! The laws a three-way merge relies on, for `config` and `ledger` in every
//! representation, over states reached by generated writes:
//!
//! 1. `diff` then `apply_changes` rebuilds the newer state, whether the diff
//!    spans one write or several, and the older one from a diff taken
//!    backwards (a broken strategy can publish an older state after a newer);
//! 2. two writes from the same state whose diffs do not conflict (validating
//!    writes) commute: merging either onto the other gives the same state;
//! 3. validating writes reports a conflict exactly when the non-commuting
//!    leaves of the two diffs overlap;
//! 4. validating reads, a merge that does not conflict is the serial run:
//!    the merged state is the other write followed by this one, and this
//!    write's output is the one it computed on the common ancestor.

use std::collections::{BTreeSet, HashSet};

use proptest::prelude::*;
use scenarios::config::{
    Config, ConfigChange, ConfigScenario, ConfigWrite, ConfigWriteOutput, FlagId,
};
use scenarios::ledger::{
    Ledger, LedgerChange, LedgerScenario, LedgerVariant, LedgerWrite, LedgerWriteOutput, Refusal,
    player,
};
use scenarios::merge::conflicts;
use scenarios::{
    Imbl, KeyDist, Map, Mergeable, Op, Repr, Rpds, Scenario, Seq, Std, Validate, Workload,
};

/// Cases per property.
const CASES: u32 = 64;

fn config_in<R: Repr>() -> ConfigScenario<R> {
    ConfigScenario::default()
}

fn ledger_in<R: Repr>(variant: LedgerVariant) -> LedgerScenario<R> {
    LedgerScenario::with(variant)
}

/// `from` after `op`, and the op's output.
fn written<S: Scenario>(s: &S, from: &S::State, op: &S::Write) -> (S::State, S::WriteOutput) {
    let mut state = from.clone();
    let output = s.write(&mut state, op);
    (state, output)
}

/// `from` with `changes` applied.
fn applied<S: Mergeable>(s: &S, from: &S::State, changes: &[S::Change]) -> S::State {
    let mut state = from.clone();
    s.apply_changes(&mut state, changes);
    state
}

/// The leaves `changes` set outright (not by a delta that adds up).
fn contested<S: Mergeable>(s: &S, changes: &[S::Change]) -> HashSet<S::Leaf> {
    changes
        .iter()
        .filter(|change| !s.commutes(change))
        .map(|change| s.leaf(change))
        .collect()
}

/// `count` writes (no reads) from the scenario's own generator.
fn generated_writes<S: Scenario>(
    s: &S,
    size: usize,
    dist: KeyDist,
    seed: u64,
    count: usize,
) -> Vec<S::Write> {
    let only_writes = Workload::new(0.0, dist).unwrap();
    s.generate(size, &only_writes, seed)
        .take(count)
        .map(|op| match op {
            Op::Write(write) => write,
            Op::Read(read) => panic!("a write-only workload drew {read:?}"),
        })
        .collect()
}

/// Law 1: the states `initial`, then after each of `writes`; every diff
/// between two of them, spanning any number of writes, applied to the older
/// rebuilds the newer, and taken backwards, applied to the newer rebuilds
/// the older.
fn diffs_rebuild<S: Mergeable>(
    s: &S,
    initial: S::State,
    writes: &[S::Write],
) -> Result<(), TestCaseError>
where
    S::State: PartialEq,
{
    let mut states = vec![initial];
    for op in writes {
        let (next, _) = written(s, states.last().unwrap(), op);
        states.push(next);
    }
    for (i, older) in states.iter().enumerate() {
        prop_assert!(s.diff(older, &older.clone()).is_empty());
        for (span, newer) in states[i + 1..].iter().enumerate() {
            let changes = s.diff(older, newer);
            prop_assert_eq!(
                &applied(s, older, &changes),
                newer,
                "writes {}..={} {:?}: {:?}",
                i,
                i + span,
                &writes[i..=i + span],
                changes
            );
            let backwards = s.diff(newer, older);
            prop_assert_eq!(&applied(s, newer, &backwards), older, "{:?}", backwards);
        }
    }
    Ok(())
}

/// Two writes computed on the same state.
type WritePair<S> = (<S as Scenario>::Write, <S as Scenario>::Write);

/// How a pair of writes from the same state fared.
#[derive(Clone, Copy, Debug, Default)]
struct Pair {
    /// Conflict validating writes.
    on_writes: bool,
    /// Conflict validating reads (this write `a` onto `b`).
    on_reads: bool,
    /// `b` changed the state.
    b_changed: bool,
}

/// Laws 2 to 4 for writes `a` and `b`, both computed on `previous`. `plain`
/// names the leaves a diff contests, computed from the changes themselves
/// without `leaf` or `commutes`.
fn check_pair<S: Mergeable>(
    s: &S,
    previous: &S::State,
    a: &S::Write,
    b: &S::Write,
    plain: impl Fn(&[S::Change]) -> BTreeSet<String>,
) -> Result<Pair, TestCaseError>
where
    S::State: PartialEq,
{
    let (after_a, output_a) = written(s, previous, a);
    let (after_b, _) = written(s, previous, b);
    let (da, db) = (s.diff(previous, &after_a), s.diff(previous, &after_b));
    let read_a = s.read_set(previous, a);

    // Law 3: a conflict validating writes is an overlap of contested leaves,
    // in either direction and whatever was read.
    let on_writes = conflicts(s, &db, &da, &read_a, Validate::Writes);
    let overlap = !contested(s, &da).is_disjoint(&contested(s, &db));
    prop_assert_eq!(
        on_writes,
        overlap,
        "{:?} and {:?}: {:?} / {:?}",
        a,
        b,
        da,
        db
    );
    prop_assert_eq!(on_writes, conflicts(s, &da, &db, &[], Validate::Writes));
    let (plain_a, plain_b) = (plain(&da), plain(&db));
    prop_assert_eq!(
        on_writes,
        !plain_a.is_disjoint(&plain_b),
        "{:?} and {:?}: {:?} / {:?}",
        a,
        b,
        plain_a,
        plain_b
    );

    // Law 2: disjoint diffs commute.
    if !on_writes {
        prop_assert_eq!(
            applied(s, &after_b, &da),
            applied(s, &after_a, &db),
            "{:?} and {:?}",
            a,
            b
        );
    }

    // Law 4: a merge validated on reads is `b` then `a`, with `a`'s output.
    let on_reads = conflicts(s, &db, &da, &read_a, Validate::Reads);
    prop_assert!(on_reads || !on_writes, "reads validate at least the writes");
    if !on_reads {
        let (b_then_a, output_after_b) = written(s, &after_b, a);
        prop_assert_eq!(&output_after_b, &output_a, "{:?} after {:?}", a, b);
        prop_assert_eq!(applied(s, &after_b, &da), b_then_a, "{:?} after {:?}", a, b);
    }
    Ok(Pair {
        on_writes,
        on_reads,
        b_changed: !db.is_empty(),
    })
}

/// Walks `pairs` from `previous`: checks each pair on the current state, then
/// applies both writes and moves on.
fn check_pairs<S: Mergeable>(
    s: &S,
    mut previous: S::State,
    pairs: &[WritePair<S>],
    plain: impl Fn(&[S::Change]) -> BTreeSet<String> + Copy,
) -> Result<Vec<Pair>, TestCaseError>
where
    S::State: PartialEq,
{
    let mut seen = Vec::with_capacity(pairs.len());
    for (a, b) in pairs {
        seen.push(check_pair(s, &previous, a, b, plain)?);
        s.write(&mut previous, a);
        s.write(&mut previous, b);
    }
    Ok(seen)
}

/// The config leaves a diff sets outright: flags, log level, timeout.
fn config_plain(changes: &[ConfigChange]) -> BTreeSet<String> {
    changes
        .iter()
        .filter_map(|change| match change {
            ConfigChange::Flag(index, _) => Some(format!("flag {index}")),
            ConfigChange::LogLevel(_) => Some("log level".to_owned()),
            ConfigChange::Timeout(_) => Some("timeout".to_owned()),
            ConfigChange::Enabled(_) | ConfigChange::Version(_) => None,
        })
        .collect()
}

/// The ledger leaves a diff sets outright: player balances.
fn ledger_plain(changes: &[LedgerChange]) -> BTreeSet<String> {
    changes
        .iter()
        .filter_map(|change| match change {
            LedgerChange::Balance(name, _) => Some(name.clone()),
            LedgerChange::Total(_) | LedgerChange::Version(_) => None,
        })
        .collect()
}

// Where states and writes come from.

fn any_dist() -> impl Strategy<Value = KeyDist> {
    prop_oneof![
        Just(KeyDist::Uniform),
        (0.5f64..1.5).prop_map(|theta| KeyDist::Zipf { theta }),
    ]
}

/// A generated history: size, key distribution, seed, how many writes to
/// apply first, and how many to check after.
#[derive(Clone, Copy, Debug)]
struct History {
    size: usize,
    dist: KeyDist,
    seed: u64,
    warmup: usize,
    checked: usize,
}

/// Small states, so that writes often meet on a leaf.
fn any_history() -> impl Strategy<Value = History> {
    (1usize..10, any_dist(), any::<u64>(), 0usize..40, 1usize..40).prop_map(
        |(size, dist, seed, warmup, checked)| History {
            size,
            dist,
            seed,
            warmup,
            checked,
        },
    )
}

impl History {
    /// The state after the warm-up writes, and the writes after them.
    fn play<S: Scenario>(&self, s: &S) -> (S::State, Vec<S::Write>) {
        let mut writes = generated_writes(
            s,
            self.size,
            self.dist,
            self.seed,
            self.warmup + self.checked,
        );
        let after = writes.split_off(self.warmup);
        let mut state = s.initial_state(self.size);
        for op in &writes {
            s.write(&mut state, op);
        }
        (state, after)
    }

    /// The checked writes in consecutive pairs.
    fn pairs<S: Scenario>(&self, s: &S) -> (S::State, Vec<WritePair<S>>) {
        let (state, writes) = self.play(s);
        let pairs = writes
            .chunks_exact(2)
            .map(|pair| (pair[0].clone(), pair[1].clone()))
            .collect();
        (state, pairs)
    }
}

/// Any config write on `size` flags, unknown flags included.
fn any_config_write(size: usize) -> impl Strategy<Value = ConfigWrite> {
    let size = u32::try_from(size).unwrap();
    prop_oneof![
        6 => (0..size + 2).prop_map(|id| ConfigWrite::Flip(FlagId(id))),
        1 => any::<u64>().prop_map(|seed| ConfigWrite::Reload { seed }),
    ]
}

fn any_name(size: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (0..size + 1).prop_map(player),
        1 => Just("nobody".to_owned()),
    ]
}

/// Any ledger write on `size` players: unknown players, zero and huge
/// amounts, self-transfers.
fn any_ledger_write(size: usize) -> impl Strategy<Value = LedgerWrite> {
    let amount = || {
        prop_oneof![
            1 => Just(0u64),
            6 => 1u64..2_000,
            1 => Just(u64::MAX >> 10),
        ]
    };
    prop_oneof![
        1 => (any_name(size), amount())
            .prop_map(|(player, amount)| LedgerWrite::Credit { player, amount }),
        1 => (any_name(size), amount())
            .prop_map(|(player, amount)| LedgerWrite::Debit { player, amount }),
        2 => (any_name(size), any_name(size), amount())
            .prop_map(|(from, to, amount)| LedgerWrite::Transfer { from, to, amount }),
    ]
}

/// A history, and pairs of arbitrary writes to check on its final state.
fn history_and_pairs<W: std::fmt::Debug, T: Strategy<Value = W>>(
    write: fn(usize) -> T,
) -> impl Strategy<Value = (History, Vec<(W, W)>)> {
    any_history().prop_flat_map(move |history| {
        let pair = (write(history.size), write(history.size));
        (Just(history), proptest::collection::vec(pair, 1..8))
    })
}

fn variants() -> [LedgerVariant; 2] {
    [LedgerVariant::Mixed, LedgerVariant::CreditOne]
}

fn config_pairs<R: Repr>(
    history: &History,
    arbitrary: &[(ConfigWrite, ConfigWrite)],
) -> Result<(), TestCaseError> {
    let s = config_in::<R>();
    let (state, pairs) = history.pairs(&s);
    let mut seen = check_pairs(&s, state.clone(), &pairs, config_plain)?;
    seen.extend(check_pairs(&s, state, arbitrary, config_plain)?);
    for pair in seen {
        // Every write's output reports the version it made, so validating
        // reads, config writes merge only past a write that changed nothing.
        prop_assert_eq!(pair.on_reads, pair.b_changed, "{:?}", pair);
    }
    Ok(())
}

fn ledger_pairs<R: Repr>(
    history: &History,
    arbitrary: &[(LedgerWrite, LedgerWrite)],
) -> Result<(), TestCaseError> {
    for variant in variants() {
        let s = ledger_in::<R>(variant);
        let (state, pairs) = history.pairs(&s);
        check_pairs(&s, state.clone(), &pairs, ledger_plain)?;
        check_pairs(&s, state, arbitrary, ledger_plain)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn config_diff_then_apply_rebuilds_every_span(history in any_history()) {
        fn law<R: Repr>(history: &History) -> Result<(), TestCaseError> {
            let s = config_in::<R>();
            let (state, writes) = history.play(&s);
            diffs_rebuild(&s, state, &writes)
        }
        law::<Std>(&history)?;
        law::<Imbl>(&history)?;
        law::<Rpds>(&history)?;
    }

    #[test]
    fn ledger_diff_then_apply_rebuilds_every_span(history in any_history()) {
        fn law<R: Repr>(history: &History) -> Result<(), TestCaseError> {
            for variant in variants() {
                let s = ledger_in::<R>(variant);
                let (state, writes) = history.play(&s);
                diffs_rebuild(&s, state, &writes)?;
            }
            Ok(())
        }
        law::<Std>(&history)?;
        law::<Imbl>(&history)?;
        law::<Rpds>(&history)?;
    }

    #[test]
    fn config_concurrent_writes_obey_the_merge_laws(
        (history, arbitrary) in history_and_pairs(any_config_write),
    ) {
        config_pairs::<Std>(&history, &arbitrary)?;
        config_pairs::<Imbl>(&history, &arbitrary)?;
        config_pairs::<Rpds>(&history, &arbitrary)?;
    }

    #[test]
    fn ledger_concurrent_writes_obey_the_merge_laws(
        (history, arbitrary) in history_and_pairs(any_ledger_write),
    ) {
        ledger_pairs::<Std>(&history, &arbitrary)?;
        ledger_pairs::<Imbl>(&history, &arbitrary)?;
        ledger_pairs::<Rpds>(&history, &arbitrary)?;
    }
}

// Explicit cases.

fn credit(index: usize, amount: u64) -> LedgerWrite {
    LedgerWrite::Credit {
        player: player(index),
        amount,
    }
}

fn debit(index: usize, amount: u64) -> LedgerWrite {
    LedgerWrite::Debit {
        player: player(index),
        amount,
    }
}

fn transfer(from: usize, to: usize, amount: u64) -> LedgerWrite {
    LedgerWrite::Transfer {
        from: player(from),
        to: player(to),
        amount,
    }
}

/// Whether `mine` conflicts with `theirs`, both from `previous`, under `validate`.
fn ledger_conflict<R: Repr>(
    s: &LedgerScenario<R>,
    previous: &Ledger<R>,
    theirs: &LedgerWrite,
    mine: &LedgerWrite,
    validate: Validate,
) -> bool {
    let (after_theirs, _) = written(s, previous, theirs);
    let (after_mine, _) = written(s, previous, mine);
    conflicts(
        s,
        &s.diff(previous, &after_theirs),
        &s.diff(previous, &after_mine),
        &s.read_set(previous, mine),
        validate,
    )
}

fn ledger_cases<R: Repr>() {
    let s = ledger_in::<R>(LedgerVariant::Mixed);
    let previous = s.initial_state(4);
    let both = |theirs: &LedgerWrite, mine: &LedgerWrite, expected: bool| {
        for validate in [Validate::Writes, Validate::Reads] {
            for (theirs, mine) in [(theirs, mine), (mine, theirs)] {
                assert_eq!(
                    ledger_conflict(&s, &previous, theirs, mine, validate),
                    expected,
                    "{} {mine:?} onto {theirs:?} validating {validate:?}",
                    R::NAME
                );
            }
        }
    };
    // Two credits to the same player conflict.
    both(&credit(1, 5), &credit(1, 7), true);
    // Credits to two different players do not, and merge into both credits.
    both(&credit(1, 5), &credit(2, 7), false);
    // A transfer touching a player credited concurrently conflicts, on
    // either end of the transfer.
    both(&transfer(0, 1, 100), &credit(1, 5), true);
    both(&transfer(0, 1, 100), &credit(0, 5), true);
    // A transfer between two other players does not.
    both(&transfer(0, 1, 100), &credit(2, 5), false);
    both(&transfer(0, 1, 100), &transfer(2, 3, 100), false);

    let (after_1, _) = written(&s, &previous, &credit(1, 5));
    let (after_2, _) = written(&s, &previous, &credit(2, 7));
    let mine = s.diff(&previous, &after_2);
    let merged = applied(&s, &after_1, &mine);
    assert_eq!(merged.players.get(&player(1)), Some(&1_005));
    assert_eq!(merged.players.get(&player(2)), Some(&1_007));
    assert_eq!((merged.total, merged.version), (4_012, 2));
    s.check_invariants(&merged).unwrap();

    // A refused debit changes only the version, so validating writes lets
    // it merge past the credit that would have let it through; validating
    // reads does not, because it read the balance the credit changed.
    let (poor, _) = written(&s, &previous, &debit(3, 1_000));
    let (theirs, mine) = (credit(3, 50), debit(3, 40));
    let (after_theirs, _) = written(&s, &poor, &theirs);
    let (after_mine, refused) = written(&s, &poor, &mine);
    assert_eq!(
        refused,
        LedgerWriteOutput::Refused(Refusal::Overdraw {
            balance: 0,
            amount: 40
        })
    );
    assert_eq!(s.diff(&poor, &after_mine), [LedgerChange::Version(1)]);
    assert!(!ledger_conflict(
        &s,
        &poor,
        &theirs,
        &mine,
        Validate::Writes
    ));
    assert!(ledger_conflict(&s, &poor, &theirs, &mine, Validate::Reads));
    let (_, serial) = written(&s, &after_theirs, &mine);
    assert_eq!(serial, LedgerWriteOutput::Balance(10));
}

#[test]
fn ledger_explicit_conflicts_in_every_representation() {
    ledger_cases::<Std>();
    ledger_cases::<Imbl>();
    ledger_cases::<Rpds>();
}

fn config_cases<R: Repr>() {
    let s = config_in::<R>();
    let previous: Config<R> = s.initial_state(8);
    let flip = |index| ConfigWrite::Flip(FlagId(index));
    let outcome = |theirs: &ConfigWrite, mine: &ConfigWrite, validate| {
        let (after_theirs, _) = written(&s, &previous, theirs);
        let (after_mine, _) = written(&s, &previous, mine);
        conflicts(
            &s,
            &s.diff(&previous, &after_theirs),
            &s.diff(&previous, &after_mine),
            &s.read_set(&previous, mine),
            validate,
        )
    };
    // Flips of two flags touch different leaves: they merge validating
    // writes, and the merge is both flips with both versions.
    assert!(!outcome(&flip(1), &flip(2), Validate::Writes));
    let (after_1, _) = written(&s, &previous, &flip(1));
    let (after_2, output_2) = written(&s, &previous, &flip(2));
    let merged = applied(&s, &after_1, &s.diff(&previous, &after_2));
    assert_eq!(merged.version, 2);
    s.check_invariants(&merged).unwrap();
    // But the flip's output says "version 1", which is not what it would
    // say after the other flip: validating reads, they conflict.
    assert_eq!(
        output_2,
        ConfigWriteOutput::Flipped {
            version: 1,
            now: !previous.flags.get(2).copied().unwrap()
        }
    );
    assert!(outcome(&flip(1), &flip(2), Validate::Reads));
    // Flips of the same flag conflict either way.
    assert!(outcome(&flip(3), &flip(3), Validate::Writes));
    assert!(outcome(&flip(3), &flip(3), Validate::Reads));
    // A reload sets the timeout, so two reloads that both move it conflict
    // validating writes.
    let (reload_a, reload_b) = (
        ConfigWrite::Reload { seed: 1 },
        ConfigWrite::Reload { seed: 2 },
    );
    let (after_a, _) = written(&s, &previous, &reload_a);
    let (after_b, _) = written(&s, &previous, &reload_b);
    assert_ne!(after_a.timeout_ms, previous.timeout_ms);
    assert_ne!(after_b.timeout_ms, previous.timeout_ms);
    assert!(outcome(&reload_a, &reload_b, Validate::Writes));
}

#[test]
fn config_explicit_conflicts_in_every_representation() {
    config_cases::<Std>();
    config_cases::<Imbl>();
    config_cases::<Rpds>();
}

/// The laws above only hold weight if both sides of each occur: over a long
/// generated history, pairs both merge and conflict, validating writes and
/// validating reads.
#[test]
fn generated_pairs_both_merge_and_conflict() {
    let history = History {
        size: 8,
        dist: KeyDist::Zipf { theta: 0.99 },
        seed: 11,
        warmup: 50,
        checked: 1_200,
    };
    let count = |seen: &[Pair]| {
        let writes = seen.iter().filter(|pair| pair.on_writes).count();
        let reads = seen.iter().filter(|pair| pair.on_reads).count();
        (seen.len(), writes, reads)
    };

    let s = ledger_in::<Std>(LedgerVariant::Mixed);
    let (state, pairs) = history.pairs(&s);
    let seen = check_pairs(&s, state, &pairs, ledger_plain).unwrap();
    let (all, on_writes, on_reads) = count(&seen);
    assert!(
        50 < on_writes && on_writes < on_reads && on_reads < all - 50,
        "ledger: of {all} pairs, {on_writes} conflict validating writes, {on_reads} validating reads"
    );

    let s = config_in::<Std>();
    let (state, pairs) = history.pairs(&s);
    let seen = check_pairs(&s, state, &pairs, config_plain).unwrap();
    let (all, on_writes, on_reads) = count(&seen);
    assert!(
        50 < on_writes && on_writes < all - 50 && on_reads == all,
        "config: of {all} pairs, {on_writes} conflict validating writes, {on_reads} validating reads"
    );
}
