//! `config` and `ledger` against deliberately simple reference twins, and
//! against themselves in every representation.
//!
//! Each twin is written the obvious way (a `Vec<bool>` whose enabled count is
//! counted, a `BTreeMap` of `i128` balances with the refusal rules spelled out
//! one by one) and driven by the same operations as the model: after every
//! operation the outputs must be equal, the model's observable content must
//! be the twin's, the model's invariants must hold, and every read must
//! pass the model's own `check_read` (a read of a valid state is never
//! flagged as torn). Operations come both from proptest (unknown flags and
//! players, zero and huge amounts, self-transfers, on small sizes) and from
//! the scenario's own generator.

use std::collections::BTreeMap;
use std::fmt::Debug;

use proptest::collection::vec;
use proptest::prelude::*;
use scenarios::config::{
    Config, ConfigRead, ConfigReadOutput, ConfigScenario, ConfigWrite, ConfigWriteOutput, FlagId,
    LogLevel,
};
use scenarios::ledger::{
    Ledger, LedgerRead, LedgerReadOutput, LedgerScenario, LedgerVariant, LedgerWrite,
    LedgerWriteOutput, Refusal, player,
};
use scenarios::{Imbl, KeyDist, Map, Op, Output, Repr, Rpds, Scenario, Seq, Std, Workload};

/// Cases per property: enough to find a wrong rule, few enough for a debug run of seconds.
const CASES: u32 = 64;
/// Operations per sequence, at most.
const MAX_OPS: usize = 200;

// What a state shows: the projection both a model and its twin are compared by.

/// A scenario whose state can be projected onto plain, comparable content.
trait Observed: Scenario {
    type Content: Debug + PartialEq;
    fn content(&self, state: &Self::State) -> Self::Content;
}

/// What a configuration shows.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ConfigContent {
    version: u64,
    log_level: LogLevel,
    timeout_ms: u32,
    flags: Vec<bool>,
    enabled: usize,
}

impl<R: Repr> Observed for ConfigScenario<R> {
    type Content = ConfigContent;

    fn content(&self, config: &Config<R>) -> ConfigContent {
        ConfigContent {
            version: config.version,
            log_level: config.log_level,
            timeout_ms: config.timeout_ms,
            flags: config.flags.iter().copied().collect(),
            enabled: config.enabled,
        }
    }
}

/// What a ledger shows.
#[derive(Clone, Debug, PartialEq, Eq)]
struct LedgerContent {
    players: BTreeMap<String, u64>,
    total: u64,
    version: u64,
}

impl<R: Repr> Observed for LedgerScenario<R> {
    type Content = LedgerContent;

    fn content(&self, ledger: &Ledger<R>) -> LedgerContent {
        LedgerContent {
            players: ledger
                .players
                .iter()
                .map(|(name, credits)| (name.clone(), *credits))
                .collect(),
            total: ledger.total,
            version: ledger.version,
        }
    }
}

/// A reference implementation of scenario `S`.
trait Twin<S: Observed> {
    fn read(&self, op: &S::Read) -> S::ReadOutput;
    fn write(&mut self, op: &S::Write) -> S::WriteOutput;
    fn content(&self) -> S::Content;
}

/// Runs `ops` on the model and on `twin` side by side, comparing after every operation.
fn matches_twin<S: Observed>(
    s: &S,
    size: usize,
    mut twin: impl Twin<S>,
    ops: impl IntoIterator<Item = Op<S>>,
) -> Result<(), TestCaseError> {
    let mut state = s.initial_state(size);
    prop_assert_eq!(s.content(&state), twin.content(), "initial state");
    prop_assert!(s.check_invariants(&state).is_ok(), "initial state");
    for (n, op) in ops.into_iter().enumerate() {
        let expected = match &op {
            Op::Read(read) => Output::Read(twin.read(read)),
            Op::Write(write) => Output::Write(twin.write(write)),
        };
        let output = s.apply(&mut state, &op);
        if let (Op::Read(read), Output::Read(out)) = (&op, &output) {
            if let Err(violation) = s.check_read(read, out) {
                return Err(TestCaseError::fail(format!(
                    "op {n}: {op:?} read from a valid state: {violation}"
                )));
            }
        }
        prop_assert_eq!(output, expected, "op {}: {:?}", n, op);
        prop_assert_eq!(
            s.content(&state),
            twin.content(),
            "after op {}: {:?}",
            n,
            op
        );
        if let Err(violation) = s.check_invariants(&state) {
            return Err(TestCaseError::fail(format!(
                "after op {n}: {op:?}: {violation}"
            )));
        }
    }
    Ok(())
}

// The config twin.

// A reload seed stands for the bits of the model's own SplitMix64: the
// twin shares the bit source, not the logic under test.
use scenarios::config::SplitMix64;

#[derive(Clone, Debug)]
struct ConfigTwin {
    version: u64,
    log_level: LogLevel,
    timeout_ms: u32,
    flags: Vec<bool>,
}

impl ConfigTwin {
    /// `size` flags, loaded from seed 0, at version 0.
    fn new(size: usize) -> Self {
        let mut twin = Self {
            version: 0,
            log_level: LogLevel::Info,
            timeout_ms: 0,
            flags: vec![false; size],
        };
        twin.load(0);
        twin
    }

    /// Log level, then timeout, then every flag in order, from the seed's bits.
    fn load(&mut self, seed: u64) {
        let mut bits = SplitMix64(seed);
        self.log_level = match bits.next() % 4 {
            0 => LogLevel::Error,
            1 => LogLevel::Warn,
            2 => LogLevel::Info,
            _ => LogLevel::Debug,
        };
        self.timeout_ms = 100 + u32::try_from(bits.next() % 9_900).unwrap();
        for flag in &mut self.flags {
            *flag = bits.next() & 1 == 1;
        }
    }

    /// Counted, never kept.
    fn enabled(&self) -> usize {
        self.flags.iter().filter(|&&on| on).count()
    }
}

impl<R: Repr> Twin<ConfigScenario<R>> for ConfigTwin {
    fn read(&self, op: &ConfigRead) -> ConfigReadOutput {
        match op {
            ConfigRead::Request(id) => ConfigReadOutput::Request {
                log_level: self.log_level,
                timeout_ms: self.timeout_ms,
                flag: self.flags.get(id.0 as usize).copied(),
            },
            ConfigRead::Summary => ConfigReadOutput::Summary {
                version: self.version,
                log_level: self.log_level,
                enabled: self.enabled(),
            },
        }
    }

    fn write(&mut self, op: &ConfigWrite) -> ConfigWriteOutput {
        match op {
            ConfigWrite::Flip(id) => {
                // An unknown flag is reported and is not a write: no version.
                let Some(flag) = self.flags.get_mut(id.0 as usize) else {
                    return ConfigWriteOutput::UnknownFlag(*id);
                };
                *flag = !*flag;
                let now = *flag;
                self.version += 1;
                ConfigWriteOutput::Flipped {
                    version: self.version,
                    now,
                }
            }
            ConfigWrite::Reload { seed } => {
                self.load(*seed);
                self.version += 1;
                ConfigWriteOutput::Reloaded {
                    version: self.version,
                }
            }
        }
    }

    fn content(&self) -> ConfigContent {
        ConfigContent {
            version: self.version,
            log_level: self.log_level,
            timeout_ms: self.timeout_ms,
            flags: self.flags.clone(),
            enabled: self.enabled(),
        }
    }
}

// The ledger twin.

#[derive(Clone, Debug)]
struct LedgerTwin {
    /// Wide enough that no sum of `u64` amounts here can wrap.
    balances: BTreeMap<String, i128>,
    version: u64,
}

impl LedgerTwin {
    fn new(variant: LedgerVariant, size: usize) -> Self {
        let opening = match variant {
            LedgerVariant::Mixed => 1_000,
            LedgerVariant::CreditOne => 0,
        };
        Self {
            balances: (0..size).map(|i| (player(i), opening)).collect(),
            version: 0,
        }
    }

    fn total(&self) -> i128 {
        self.balances.values().sum()
    }

    fn change(&mut self, op: &LedgerWrite) -> Result<LedgerWriteOutput, Refusal> {
        let unknown = |name: &String| Refusal::UnknownPlayer(name.clone());
        match op {
            LedgerWrite::Credit { player, amount } => {
                let balance = self
                    .balances
                    .get_mut(player)
                    .ok_or_else(|| unknown(player))?;
                *balance += i128::from(*amount);
                Ok(LedgerWriteOutput::Balance(credits(*balance)))
            }
            LedgerWrite::Debit { player, amount } => {
                let balance = self
                    .balances
                    .get_mut(player)
                    .ok_or_else(|| unknown(player))?;
                if *balance < i128::from(*amount) {
                    return Err(Refusal::Overdraw {
                        balance: credits(*balance),
                        amount: *amount,
                    });
                }
                *balance -= i128::from(*amount);
                Ok(LedgerWriteOutput::Balance(credits(*balance)))
            }
            LedgerWrite::Transfer { from, to, amount } => {
                // The order of the checks is part of the output: self first,
                // then the sender, then the receiver, then the funds.
                if from == to {
                    return Err(Refusal::SamePlayer);
                }
                let available = *self.balances.get(from).ok_or_else(|| unknown(from))?;
                if !self.balances.contains_key(to) {
                    return Err(unknown(to));
                }
                if available < i128::from(*amount) {
                    return Err(Refusal::Overdraw {
                        balance: credits(available),
                        amount: *amount,
                    });
                }
                let from_now = available - i128::from(*amount);
                let to_now = self.balances[to] + i128::from(*amount);
                self.balances.insert(from.clone(), from_now);
                self.balances.insert(to.clone(), to_now);
                Ok(LedgerWriteOutput::Transferred {
                    from: credits(from_now),
                    to: credits(to_now),
                })
            }
        }
    }
}

/// A balance as the model reports it.
fn credits(balance: i128) -> u64 {
    u64::try_from(balance).expect("twin balances stay within u64")
}

impl<R: Repr> Twin<LedgerScenario<R>> for LedgerTwin {
    fn read(&self, op: &LedgerRead) -> LedgerReadOutput {
        match op {
            LedgerRead::Find(names) => LedgerReadOutput::Found(
                names
                    .iter()
                    .map(|name| (name.clone(), self.balances.get(name).copied().map(credits)))
                    .collect(),
            ),
            // The twin keeps no running total: both figures are counted.
            LedgerRead::Total => LedgerReadOutput::Total {
                counted: credits(self.total()),
                total: credits(self.total()),
                players: self.balances.len(),
            },
        }
    }

    fn write(&mut self, op: &LedgerWrite) -> LedgerWriteOutput {
        // Every write counts, refused or not.
        self.version += 1;
        self.change(op).unwrap_or_else(LedgerWriteOutput::Refused)
    }

    fn content(&self) -> LedgerContent {
        LedgerContent {
            players: self
                .balances
                .iter()
                .map(|(name, &balance)| (name.clone(), credits(balance)))
                .collect(),
            total: credits(self.total()),
            version: self.version,
        }
    }
}

// Arbitrary operations.

fn any_flag(size: usize) -> impl Strategy<Value = FlagId> {
    let size = u32::try_from(size).unwrap();
    prop_oneof![
        8 => (0..size + 3).prop_map(FlagId),
        1 => Just(FlagId(u32::MAX)),
    ]
}

fn any_config_op(size: usize) -> impl Strategy<Value = Op<ConfigScenario>> {
    prop_oneof![
        3 => any_flag(size).prop_map(|id| Op::Read(ConfigRead::Request(id))),
        1 => Just(Op::Read(ConfigRead::Summary)),
        5 => any_flag(size).prop_map(|id| Op::Write(ConfigWrite::Flip(id))),
        1 => any::<u64>().prop_map(|seed| Op::Write(ConfigWrite::Reload { seed })),
    ]
}

/// A size of 0 to 7 flags and up to [`MAX_OPS`] operations on it.
fn arbitrary_config_ops() -> impl Strategy<Value = (usize, Vec<Op<ConfigScenario>>)> {
    (0usize..8).prop_flat_map(|size| (Just(size), vec(any_config_op(size), 0..=MAX_OPS)))
}

fn any_name(size: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (0..size + 2).prop_map(player),
        1 => Just("nobody".to_owned()),
        1 => Just(String::new()),
    ]
}

/// The largest single credit drawn: huge, yet [`MAX_OPS`] of them on one
/// player stay within `u64` (a credit past `u64::MAX` panics in the model,
/// which has no overflow refusal).
const HUGE_CREDIT: u64 = u64::MAX >> 10;

fn any_credit() -> impl Strategy<Value = u64> {
    prop_oneof![
        2 => Just(0),
        6 => 1u64..1_500,
        1 => Just(HUGE_CREDIT),
        1 => 1..=HUGE_CREDIT,
    ]
}

/// Debits and transfers can ask for anything: what is too much is refused.
fn any_amount() -> impl Strategy<Value = u64> {
    prop_oneof![
        2 => Just(0),
        6 => 1u64..1_500,
        1 => Just(u64::MAX),
        1 => any::<u64>(),
    ]
}

fn any_ledger_write(size: usize) -> impl Strategy<Value = LedgerWrite> {
    prop_oneof![
        2 => (any_name(size), any_credit())
            .prop_map(|(player, amount)| LedgerWrite::Credit { player, amount }),
        2 => (any_name(size), any_amount())
            .prop_map(|(player, amount)| LedgerWrite::Debit { player, amount }),
        3 => (any_name(size), any_name(size), any_amount())
            .prop_map(|(from, to, amount)| LedgerWrite::Transfer { from, to, amount }),
        1 => (any_name(size), any_amount()).prop_map(|(name, amount)| LedgerWrite::Transfer {
            from: name.clone(),
            to: name,
            amount,
        }),
    ]
}

fn any_ledger_op(size: usize) -> impl Strategy<Value = Op<LedgerScenario>> {
    prop_oneof![
        2 => vec(any_name(size), 0..4).prop_map(|names| Op::Read(LedgerRead::Find(names))),
        1 => Just(Op::Read(LedgerRead::Total)),
        5 => any_ledger_write(size).prop_map(Op::Write),
    ]
}

/// 0 to 5 players and up to [`MAX_OPS`] operations on them.
fn arbitrary_ledger_ops() -> impl Strategy<Value = (usize, Vec<Op<LedgerScenario>>)> {
    (0usize..6).prop_flat_map(|size| (Just(size), vec(any_ledger_op(size), 0..=MAX_OPS)))
}

// Generated operations.

fn any_workload() -> impl Strategy<Value = Workload> {
    let dist = prop_oneof![
        Just(KeyDist::Uniform),
        (0.2f64..2.0).prop_map(|theta| KeyDist::Zipf { theta }),
    ];
    (0.0f64..=1.0, dist).prop_map(|(read_ratio, dist)| Workload::new(read_ratio, dist).unwrap())
}

fn generated<S: Scenario>(
    s: &S,
    size: usize,
    workload: &Workload,
    seed: u64,
    len: usize,
) -> Vec<Op<S>> {
    s.generate(size, workload, seed).take(len).collect()
}

// Every representation.

/// An operation's output, comparable across representations.
#[derive(Debug, PartialEq)]
enum Seen<R, W> {
    Read(R),
    Write(W),
}

/// One step of a run: the output, the content after it and the summary after it.
type Step<S> = (
    Seen<<S as Scenario>::ReadOutput, <S as Scenario>::WriteOutput>,
    <S as Observed>::Content,
    Option<String>,
);

/// `ops` run on `s` from its initial state of `size`, step by step.
fn run<S, T>(s: &S, size: usize, ops: &[Op<T>]) -> Result<Vec<Step<S>>, TestCaseError>
where
    S: Observed,
    T: Scenario<Read = S::Read, Write = S::Write>,
{
    let mut state = s.initial_state(size);
    let mut steps = Vec::with_capacity(ops.len());
    for op in ops {
        let op: Op<S> = match op {
            Op::Read(read) => Op::Read(read.clone()),
            Op::Write(write) => Op::Write(write.clone()),
        };
        let seen = match s.apply(&mut state, &op) {
            Output::Read(out) => Seen::Read(out),
            Output::Write(out) => Seen::Write(out),
        };
        prop_assert!(s.check_invariants(&state).is_ok(), "{:?}", op);
        steps.push((seen, s.content(&state), s.summary(&state)));
    }
    Ok(steps)
}

fn config_in<R: Repr>() -> ConfigScenario<R> {
    ConfigScenario::default()
}

fn ledger_in<R: Repr>(variant: LedgerVariant) -> LedgerScenario<R> {
    LedgerScenario::with(variant)
}

fn config_representations_agree(
    size: usize,
    ops: &[Op<ConfigScenario>],
) -> Result<(), TestCaseError> {
    let std = run(&config_in::<Std>(), size, ops)?;
    prop_assert_eq!(&std, &run(&config_in::<Imbl>(), size, ops)?);
    prop_assert_eq!(&std, &run(&config_in::<Rpds>(), size, ops)?);
    Ok(())
}

fn ledger_representations_agree(
    variant: LedgerVariant,
    size: usize,
    ops: &[Op<LedgerScenario>],
) -> Result<(), TestCaseError> {
    let std = run(&ledger_in::<Std>(variant), size, ops)?;
    prop_assert_eq!(&std, &run(&ledger_in::<Imbl>(variant), size, ops)?);
    prop_assert_eq!(&std, &run(&ledger_in::<Rpds>(variant), size, ops)?);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn config_arbitrary_operations_match_the_twin((size, ops) in arbitrary_config_ops()) {
        matches_twin(&ConfigScenario::new(), size, ConfigTwin::new(size), ops)?;
    }

    #[test]
    fn config_generated_operations_match_the_twin(
        size in 1usize..50,
        workload in any_workload(),
        seed in any::<u64>(),
        len in 0..=MAX_OPS,
    ) {
        let s = ConfigScenario::new();
        matches_twin(&s, size, ConfigTwin::new(size), generated(&s, size, &workload, seed, len))?;
    }

    /// The same arbitrary operations on both variants: they differ in the
    /// opening balance.
    #[test]
    fn ledger_arbitrary_operations_match_the_twin((size, ops) in arbitrary_ledger_ops()) {
        for variant in [LedgerVariant::Mixed, LedgerVariant::CreditOne] {
            let s = LedgerScenario::new(variant);
            matches_twin(&s, size, LedgerTwin::new(variant, size), ops.clone())?;
        }
    }

    #[test]
    fn ledger_generated_operations_match_the_twin(
        size in 1usize..50,
        workload in any_workload(),
        seed in any::<u64>(),
        len in 0..=MAX_OPS,
    ) {
        for variant in [LedgerVariant::Mixed, LedgerVariant::CreditOne] {
            let s = LedgerScenario::new(variant);
            let ops = generated(&s, size, &workload, seed, len);
            matches_twin(&s, size, LedgerTwin::new(variant, size), ops)?;
        }
    }

    #[test]
    fn config_representations_agree_on_arbitrary_operations(
        (size, ops) in arbitrary_config_ops(),
    ) {
        config_representations_agree(size, &ops)?;
    }

    #[test]
    fn config_representations_agree_on_generated_operations(
        size in 1usize..50,
        workload in any_workload(),
        seed in any::<u64>(),
        len in 0..=MAX_OPS,
    ) {
        let ops = generated(&ConfigScenario::new(), size, &workload, seed, len);
        config_representations_agree(size, &ops)?;
    }

    #[test]
    fn ledger_representations_agree_on_arbitrary_operations(
        (size, ops) in arbitrary_ledger_ops(),
    ) {
        ledger_representations_agree(LedgerVariant::Mixed, size, &ops)?;
        ledger_representations_agree(LedgerVariant::CreditOne, size, &ops)?;
    }

    #[test]
    fn ledger_representations_agree_on_generated_operations(
        size in 1usize..50,
        workload in any_workload(),
        seed in any::<u64>(),
        len in 0..=MAX_OPS,
    ) {
        for variant in [LedgerVariant::Mixed, LedgerVariant::CreditOne] {
            let ops = generated(&ledger_in::<Std>(variant), size, &workload, seed, len);
            ledger_representations_agree(variant, size, &ops)?;
        }
    }
}

/// The twins are only worth something if they are not the models: a few
/// outputs checked by hand pin the rules both are compared on.
#[test]
fn twins_agree_with_hand_checked_outputs() {
    let mut ledger = LedgerTwin::new(LedgerVariant::Mixed, 2);
    let transfer = |from: usize, to: usize, amount| LedgerWrite::Transfer {
        from: player(from),
        to: player(to),
        amount,
    };
    let twin = &mut ledger as &mut dyn Twin<LedgerScenario>;
    assert_eq!(
        twin.write(&transfer(0, 1, 300)),
        LedgerWriteOutput::Transferred {
            from: 700,
            to: 1300
        }
    );
    assert_eq!(
        twin.write(&transfer(0, 1, 701)),
        LedgerWriteOutput::Refused(Refusal::Overdraw {
            balance: 700,
            amount: 701
        })
    );
    assert_eq!(
        twin.write(&transfer(7, 7, 1)),
        LedgerWriteOutput::Refused(Refusal::SamePlayer)
    );
    assert_eq!(
        twin.write(&transfer(0, 7, u64::MAX)),
        LedgerWriteOutput::Refused(Refusal::UnknownPlayer(player(7)))
    );
    assert_eq!(twin.content().version, 4);
    assert_eq!(twin.content().total, 2_000);

    let mut config = ConfigTwin::new(3);
    let twin = &mut config as &mut dyn Twin<ConfigScenario>;
    assert_eq!(
        twin.write(&ConfigWrite::Flip(FlagId(3))),
        ConfigWriteOutput::UnknownFlag(FlagId(3))
    );
    let ConfigWriteOutput::Flipped { version: 1, .. } = twin.write(&ConfigWrite::Flip(FlagId(0)))
    else {
        panic!("flag 0 exists");
    };
    let content = twin.content();
    assert!((100..10_000).contains(&content.timeout_ms));
    // The twin's reload is the model's: same seed, same content.
    let s = ConfigScenario::new();
    let mut model = s.initial_state(64);
    let mut twin = ConfigTwin::new(64);
    for seed in [0, 1, 42, u64::MAX] {
        let op = ConfigWrite::Reload { seed };
        assert_eq!(
            s.write(&mut model, &op),
            Twin::<ConfigScenario>::write(&mut twin, &op)
        );
        assert_eq!(s.content(&model), Twin::<ConfigScenario>::content(&twin));
    }
}
