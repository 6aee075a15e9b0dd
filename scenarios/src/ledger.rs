//! `ledger`: players and their credits, the "pure core, thin service" example.
//!
//! Reads find a few players by name (their credits from one consistent
//! state) or total all credits. Writes credit or debit a player, or transfer
//! an amount between two players; a debit or transfer that would overdraw is
//! refused with an error output. A transfer never changes the total, so a
//! reader that sees a changed total saw half a transfer.
//!
//! The total read carries two figures that every state agrees on: the
//! credits counted player by player, and the running total the state keeps
//! in step with every credit and debit. A reader that counts balances while
//! a transfer is half applied gets a count that differs from the running
//! total, so [`Scenario::check_read`] can tell a torn read from its output
//! alone, without knowing which state it was read from.
//!
//! Variants: `mixed` (the default: credits, debits and transfers between
//! `size` players) and `credit-one`, the classic lost-update experiment in
//! which every write adds one credit to player 0: with N acknowledged writes
//! the player must end with exactly N credits. Combined with a slow update
//! (`--write-delay 200us`), a naive read-compute-store wrapper loses most of
//! them.

use std::marker::PhantomData;
use std::str::FromStr;

use crate::merge::Mergeable;
use crate::repr::{EntryDiff, Map, Repr, Std};
use crate::scenario::{Increments, InvariantViolation, Op, Scenario};
use crate::workload::GenContext;

/// Credits each player starts with in the `mixed` variant.
const MIXED_OPENING_BALANCE: u64 = 1_000;
/// Share of reads that total every credit (the rest find players by name).
const TOTAL_SHARE: f64 = 1.0 / 20.0;

/// The variant names, in the order `--variant` lists them.
pub const VARIANTS: &[&str] = &["mixed", "credit-one"];

/// Which workload the ledger runs, chosen with `--variant` (names in [`VARIANTS`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LedgerVariant {
    /// `mixed`: credits, debits and transfers between `size` players, who
    /// start with 1,000 credits each.
    #[default]
    Mixed,
    /// `credit-one`: every write credits player 0 with 1 and every read finds
    /// player 0; players start with no credits.
    CreditOne,
}

impl FromStr for LedgerVariant {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "mixed" => Ok(Self::Mixed),
            "credit-one" => Ok(Self::CreditOne),
            other => Err(other.to_owned()),
        }
    }
}

/// The `ledger` scenario, with its state in representation `R`.
#[derive(Clone, Copy, Debug, Default)]
pub struct LedgerScenario<R = Std> {
    variant: LedgerVariant,
    repr: PhantomData<R>,
}

impl LedgerScenario<Std> {
    /// The scenario in `variant`, with std collections.
    pub fn new(variant: LedgerVariant) -> Self {
        Self::with(variant)
    }
}

impl<R: Repr> LedgerScenario<R> {
    /// The scenario in `variant`, with its state in representation `R`.
    pub fn with(variant: LedgerVariant) -> Self {
        Self {
            variant,
            repr: PhantomData,
        }
    }
}

/// Credits by player name, and the total every credit and debit keeps in step.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ledger<R: Repr = Std> {
    /// Each player's credits, by name ([`player`]).
    pub players: R::Map<String, u64>,
    /// Sum of all credits; transfers leave it unchanged.
    pub total: u64,
    /// Number of writes applied, refused ones included.
    pub version: u64,
}

/// A read of the ledger.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LedgerRead {
    /// The credits of these players, from one state.
    Find(Vec<String>),
    /// The sum of every player's credits, counted player by player, and
    /// the running total.
    Total,
}

/// What a [`LedgerRead`] returns, all from one state.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LedgerReadOutput {
    /// Each name asked for, in order, with its credits; `None` for a name
    /// that is not a player.
    Found(Vec<(String, Option<u64>)>),
    /// The answer to [`LedgerRead::Total`].
    Total {
        /// The balances added up, player by player.
        counted: u64,
        /// The running total the ledger keeps; equal to `counted` in every
        /// state a reader may see.
        total: u64,
        /// The number of players.
        players: usize,
    },
}

/// A write to the ledger. Every write, refused ones included, bumps
/// [`Ledger::version`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LedgerWrite {
    /// Adds credits to a player (and to the total).
    Credit {
        /// The player's name.
        player: String,
        /// Credits to add.
        amount: u64,
    },
    /// Takes credits from a player (and from the total); refused if the
    /// player has fewer.
    Debit {
        /// The player's name.
        player: String,
        /// Credits to take.
        amount: u64,
    },
    /// Moves credits from one player to another; the total is unchanged.
    Transfer {
        /// The payer's name.
        from: String,
        /// The payee's name; must differ from `from`.
        to: String,
        /// Credits to move; refused if `from` has fewer.
        amount: u64,
    },
}

/// What a [`LedgerWrite`] returns.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LedgerWriteOutput {
    /// The new balance of the player credited or debited.
    Balance(u64),
    /// A transfer was made.
    Transferred {
        /// The payer's new balance.
        from: u64,
        /// The payee's new balance.
        to: u64,
    },
    /// The write was refused and changed nothing but the version.
    Refused(Refusal),
}

/// Why a ledger write was refused.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// This name is not a player.
    UnknownPlayer(String),
    /// The debit or transfer asks for more than the player has.
    Overdraw {
        /// The player's credits, unchanged.
        balance: u64,
        /// The credits asked for.
        amount: u64,
    },
    /// The credit would take a balance or the total past `u64::MAX`.
    Overflow,
    /// A transfer from a player to the same player.
    SamePlayer,
}

/// The name of player `index`.
pub fn player(index: usize) -> String {
    format!("player-{index:06}")
}

impl<R: Repr> LedgerScenario<R> {
    fn opening_balance(&self) -> u64 {
        match self.variant {
            LedgerVariant::Mixed => MIXED_OPENING_BALANCE,
            LedgerVariant::CreditOne => 0,
        }
    }
}

impl<R: Repr> Scenario for LedgerScenario<R> {
    type State = Ledger<R>;
    type Read = LedgerRead;
    type Write = LedgerWrite;
    type ReadOutput = LedgerReadOutput;
    type WriteOutput = LedgerWriteOutput;

    fn name(&self) -> &'static str {
        "ledger"
    }

    fn initial_state(&self, size: usize) -> Ledger<R> {
        let balance = self.opening_balance();
        Ledger {
            players: (0..size).map(|i| (player(i), balance)).collect(),
            total: balance * size as u64,
            version: 0,
        }
    }

    fn read(&self, ledger: &Ledger<R>, op: &LedgerRead) -> LedgerReadOutput {
        match op {
            LedgerRead::Find(names) => LedgerReadOutput::Found(
                names
                    .iter()
                    .map(|name| (name.clone(), ledger.players.get(name).copied()))
                    .collect(),
            ),
            LedgerRead::Total => LedgerReadOutput::Total {
                counted: ledger.players.iter().map(|(_, credits)| credits).sum(),
                total: ledger.total,
                players: ledger.players.len(),
            },
        }
    }

    fn write(&self, ledger: &mut Ledger<R>, op: &LedgerWrite) -> LedgerWriteOutput {
        ledger.version += 1;
        let outcome = match op {
            LedgerWrite::Credit { player, amount } => credit(ledger, player, *amount),
            LedgerWrite::Debit { player, amount } => debit(ledger, player, *amount),
            LedgerWrite::Transfer { from, to, amount } => transfer(ledger, from, to, *amount),
        };
        outcome.unwrap_or_else(LedgerWriteOutput::Refused)
    }

    fn check_invariants(&self, ledger: &Ledger<R>) -> Result<(), InvariantViolation> {
        let counted: u64 = ledger.players.iter().map(|(_, credits)| credits).sum();
        if counted == ledger.total {
            Ok(())
        } else {
            Err(InvariantViolation(format!(
                "ledger v{} holds {counted} credits but its total says {}",
                ledger.version, ledger.total
            )))
        }
    }

    /// The players an operation reads or changes; a total reads them all.
    /// (A credit's `Overflow` refusal depends on the total, so strictly on
    /// every player; the generated amounts never come near it.)
    fn keys(&self, op: &Op<Self>) -> Vec<String> {
        match op {
            Op::Read(LedgerRead::Find(players)) => players.clone(),
            Op::Read(LedgerRead::Total) => Vec::new(),
            Op::Write(LedgerWrite::Credit { player, .. } | LedgerWrite::Debit { player, .. }) => {
                vec![player.clone()]
            }
            Op::Write(LedgerWrite::Transfer { from, to, .. }) => vec![from.clone(), to.clone()],
        }
    }

    /// A total read must count as many credits as the running total says.
    fn check_read(
        &self,
        _: &LedgerRead,
        output: &LedgerReadOutput,
    ) -> Result<(), InvariantViolation> {
        match output {
            LedgerReadOutput::Total { counted, total, .. } if counted != total => {
                Err(InvariantViolation(format!(
                    "a total read counted {counted} credits but the ledger's total says {total}: \
                     a write was half applied"
                )))
            }
            _ => Ok(()),
        }
    }

    fn generate_read(&self, ctx: &mut GenContext) -> LedgerRead {
        if self.variant == LedgerVariant::CreditOne {
            return LedgerRead::Find(vec![player(0)]);
        }
        if ctx.chance(TOTAL_SHARE) {
            return LedgerRead::Total;
        }
        let count = 1 + ctx.below(4) as usize;
        LedgerRead::Find((0..count).map(|_| player(ctx.key())).collect())
    }

    fn generate_write(&self, ctx: &mut GenContext) -> LedgerWrite {
        if self.variant == LedgerVariant::CreditOne {
            return LedgerWrite::Credit {
                player: player(0),
                amount: 1,
            };
        }
        let amount = 1 + ctx.below(100);
        match ctx.below(4) {
            0 => LedgerWrite::Credit {
                player: player(ctx.key()),
                amount,
            },
            1 => LedgerWrite::Debit {
                player: player(ctx.key()),
                amount,
            },
            _ => LedgerWrite::Transfer {
                from: player(ctx.key()),
                to: player(ctx.key()),
                amount,
            },
        }
    }

    fn summary(&self, ledger: &Ledger<R>) -> Option<String> {
        let first = ledger
            .players
            .iter()
            .next()
            .map(|(name, credits)| format!("{name} has {credits}, "))
            .unwrap_or_default();
        Some(format!(
            "{first}{} credits in total over {} players after {} writes",
            ledger.total,
            ledger.players.len(),
            ledger.version
        ))
    }
}

impl<R: Repr> Increments for LedgerScenario<R> {
    fn increment(&self, size: usize, n: u64) -> LedgerWrite {
        LedgerWrite::Credit {
            player: player((n % size.max(1) as u64) as usize),
            amount: 1,
        }
    }

    fn count(&self, ledger: &Ledger<R>) -> u64 {
        ledger.version
    }
}

/// A leaf of a [`Ledger`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LedgerLeaf {
    /// The balance of the player with this name.
    Player(String),
    /// The counter [`Ledger::total`].
    Total,
    /// The counter [`Ledger::version`].
    Version,
}

/// A change to one leaf of a [`Ledger`]; counters change by deltas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LedgerChange {
    /// The player's new balance, or `None` if the player is gone.
    Balance(String, Option<u64>),
    /// Credits added to the total (negative when credits were taken).
    Total(i128),
    /// Writes added to the version, modulo 2^64, so that a diff from a
    /// newer state to an older one (which a broken strategy can publish)
    /// wraps instead of overflowing.
    Version(u64),
}

impl<R: Repr> Mergeable for LedgerScenario<R> {
    type Leaf = LedgerLeaf;
    type Change = LedgerChange;

    fn diff(&self, from: &Ledger<R>, to: &Ledger<R>) -> Vec<LedgerChange> {
        let mut changes: Vec<LedgerChange> = from
            .players
            .diff(&to.players)
            .into_iter()
            .map(|entry| match entry {
                EntryDiff::Set(name, credits) => {
                    LedgerChange::Balance(name.clone(), Some(*credits))
                }
                EntryDiff::Removed(name) => LedgerChange::Balance(name.clone(), None),
            })
            .collect();
        if to.total != from.total {
            changes.push(LedgerChange::Total(
                i128::from(to.total) - i128::from(from.total),
            ));
        }
        if to.version != from.version {
            changes.push(LedgerChange::Version(to.version.wrapping_sub(from.version)));
        }
        changes
    }

    fn leaf(&self, change: &LedgerChange) -> LedgerLeaf {
        match change {
            LedgerChange::Balance(name, _) => LedgerLeaf::Player(name.clone()),
            LedgerChange::Total(_) => LedgerLeaf::Total,
            LedgerChange::Version(_) => LedgerLeaf::Version,
        }
    }

    fn commutes(&self, change: &LedgerChange) -> bool {
        !matches!(change, LedgerChange::Balance(..))
    }

    fn apply_changes(&self, ledger: &mut Ledger<R>, changes: &[LedgerChange]) {
        for change in changes {
            match change {
                LedgerChange::Balance(name, Some(credits)) => {
                    ledger.players.insert(name.clone(), *credits);
                }
                LedgerChange::Balance(name, None) => {
                    ledger.players.remove(name);
                }
                LedgerChange::Total(delta) => {
                    ledger.total = u64::try_from(i128::from(ledger.total) + delta)
                        .expect("a merged total stays within u64");
                }
                LedgerChange::Version(delta) => {
                    ledger.version = ledger.version.wrapping_add(*delta)
                }
            }
        }
    }

    fn read_set(&self, _: &Ledger<R>, op: &LedgerWrite) -> Vec<LedgerLeaf> {
        match op {
            LedgerWrite::Credit { player, .. } | LedgerWrite::Debit { player, .. } => {
                vec![LedgerLeaf::Player(player.clone())]
            }
            LedgerWrite::Transfer { from, to, .. } => {
                vec![
                    LedgerLeaf::Player(from.clone()),
                    LedgerLeaf::Player(to.clone()),
                ]
            }
        }
    }
}

fn balance_mut<'a, R: Repr>(
    ledger: &'a mut Ledger<R>,
    name: &String,
) -> Result<&'a mut u64, Refusal> {
    ledger
        .players
        .get_mut(name)
        .ok_or_else(|| Refusal::UnknownPlayer(name.to_owned()))
}

fn balance<R: Repr>(ledger: &Ledger<R>, name: &String) -> Result<u64, Refusal> {
    ledger
        .players
        .get(name)
        .copied()
        .ok_or_else(|| Refusal::UnknownPlayer(name.to_owned()))
}

fn credit<R: Repr>(
    ledger: &mut Ledger<R>,
    name: &String,
    amount: u64,
) -> Result<LedgerWriteOutput, Refusal> {
    let now = balance(ledger, name)?
        .checked_add(amount)
        .ok_or(Refusal::Overflow)?;
    let total = ledger.total.checked_add(amount).ok_or(Refusal::Overflow)?;
    *balance_mut(ledger, name)? = now;
    ledger.total = total;
    Ok(LedgerWriteOutput::Balance(now))
}

fn debit<R: Repr>(
    ledger: &mut Ledger<R>,
    name: &String,
    amount: u64,
) -> Result<LedgerWriteOutput, Refusal> {
    let credits = balance_mut(ledger, name)?;
    if *credits < amount {
        return Err(Refusal::Overdraw {
            balance: *credits,
            amount,
        });
    }
    *credits -= amount;
    let now = *credits;
    ledger.total -= amount;
    Ok(LedgerWriteOutput::Balance(now))
}

fn transfer<R: Repr>(
    ledger: &mut Ledger<R>,
    from: &String,
    to: &String,
    amount: u64,
) -> Result<LedgerWriteOutput, Refusal> {
    if from == to {
        return Err(Refusal::SamePlayer);
    }
    let available = balance(ledger, from)?;
    balance(ledger, to)?;
    if available < amount {
        return Err(Refusal::Overdraw {
            balance: available,
            amount,
        });
    }
    *balance_mut(ledger, from)? -= amount;
    let receiver = balance_mut(ledger, to)?;
    *receiver += amount;
    Ok(LedgerWriteOutput::Transferred {
        from: available - amount,
        to: *receiver,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repr::{Imbl, Rpds};
    use crate::{KeyDist, Op, Output, Workload};

    fn mixed() -> LedgerScenario {
        LedgerScenario::new(LedgerVariant::Mixed)
    }

    #[test]
    fn transfers_move_credits_and_keep_the_total() {
        let s = mixed();
        let mut ledger = s.initial_state(3);
        let out = s.write(
            &mut ledger,
            &LedgerWrite::Transfer {
                from: player(0),
                to: player(1),
                amount: 300,
            },
        );
        assert_eq!(
            out,
            LedgerWriteOutput::Transferred {
                from: 700,
                to: 1300
            }
        );
        assert_eq!(
            s.read(&ledger, &LedgerRead::Total),
            LedgerReadOutput::Total {
                counted: 3000,
                total: 3000,
                players: 3
            }
        );
        s.check_invariants(&ledger).unwrap();
    }

    #[test]
    fn a_total_read_of_a_valid_state_passes_check_read() {
        let s = mixed();
        let ledger = s.initial_state(3);
        for read in [LedgerRead::Total, LedgerRead::Find(vec![player(0)])] {
            let output = s.read(&ledger, &read);
            assert_eq!(s.check_read(&read, &output), Ok(()), "{output:?}");
        }
    }

    #[test]
    fn a_total_read_in_the_middle_of_a_transfer_fails_check_read() {
        let s = mixed();
        let mut ledger = s.initial_state(3);
        // The sender is debited, the receiver not credited yet.
        *ledger.players.get_mut(&player(0)).unwrap() -= 10;
        let output = s.read(&ledger, &LedgerRead::Total);
        assert_eq!(
            output,
            LedgerReadOutput::Total {
                counted: 2990,
                total: 3000,
                players: 3
            }
        );
        let violation = s.check_read(&LedgerRead::Total, &output).unwrap_err();
        assert!(violation.0.contains("counted 2990"), "{violation}");
    }

    #[test]
    fn overdrawing_unknown_and_self_transfers_are_refused_and_change_nothing() {
        let s = mixed();
        let mut ledger = s.initial_state(2);
        let before = ledger.players.clone();
        let refusals = [
            LedgerWrite::Transfer {
                from: player(0),
                to: player(1),
                amount: 1001,
            },
            LedgerWrite::Debit {
                player: player(1),
                amount: 5000,
            },
            LedgerWrite::Credit {
                player: "nobody".into(),
                amount: 1,
            },
            LedgerWrite::Transfer {
                from: player(1),
                to: player(1),
                amount: 1,
            },
        ];
        for op in &refusals {
            assert!(
                matches!(s.write(&mut ledger, op), LedgerWriteOutput::Refused(_)),
                "{op:?}"
            );
        }
        assert_eq!(ledger.players, before);
        assert_eq!(ledger.version, 4);
        s.check_invariants(&ledger).unwrap();
    }

    #[test]
    fn a_credit_past_u64_max_is_refused() {
        let s = mixed();
        let mut ledger = s.initial_state(2);
        let huge = LedgerWrite::Credit {
            player: player(0),
            amount: u64::MAX - 10,
        };
        assert_eq!(
            s.write(&mut ledger, &huge),
            LedgerWriteOutput::Refused(Refusal::Overflow)
        );
        s.check_invariants(&ledger).unwrap();
    }

    #[test]
    fn find_reports_known_and_unknown_players() {
        let s = mixed();
        let ledger = s.initial_state(2);
        assert_eq!(
            s.read(&ledger, &LedgerRead::Find(vec![player(1), "x".into()])),
            LedgerReadOutput::Found(vec![(player(1), Some(1000)), ("x".into(), None)])
        );
    }

    #[test]
    fn credit_one_counts_every_credit_on_player_zero() {
        let s = LedgerScenario::new(LedgerVariant::CreditOne);
        let mut ledger = s.initial_state(1);
        let workload = Workload::new(0.0, KeyDist::Uniform).unwrap();
        for op in s.generate(1, &workload, 3).take(1000) {
            s.apply(&mut ledger, &op);
        }
        assert_eq!(ledger.players.get(&player(0)), Some(&1000));
        assert_eq!(
            s.summary(&ledger).unwrap(),
            "player-000000 has 1000, 1000 credits in total over 1 players after 1000 writes"
        );
    }

    #[test]
    fn a_half_applied_transfer_breaks_the_invariant() {
        let s = mixed();
        let mut ledger = s.initial_state(2);
        *ledger.players.get_mut(&player(0)).unwrap() -= 10;
        assert!(s.check_invariants(&ledger).is_err());
    }

    #[test]
    fn invariants_hold_through_generated_operations() {
        let s = mixed();
        let mut ledger = s.initial_state(20);
        let workload = Workload::new(0.3, KeyDist::Zipf { theta: 0.99 }).unwrap();
        for op in s.generate(20, &workload, 9).take(5_000) {
            s.apply(&mut ledger, &op);
            s.check_invariants(&ledger).unwrap();
        }
    }

    #[test]
    fn outputs_do_not_depend_on_the_representation() {
        fn outputs<R: Repr>() -> Vec<String> {
            let s = LedgerScenario::<R>::with(LedgerVariant::Mixed);
            let mut ledger = s.initial_state(50);
            let workload = Workload::new(0.5, KeyDist::Uniform).unwrap();
            s.generate(50, &workload, 4)
                .take(2_000)
                .map(
                    |op: Op<LedgerScenario<R>>| match s.apply(&mut ledger, &op) {
                        Output::Read(out) => format!("{out:?}"),
                        Output::Write(out) => format!("{out:?}"),
                    },
                )
                .collect()
        }
        let std = outputs::<Std>();
        assert_eq!(std, outputs::<Imbl>());
        assert_eq!(std, outputs::<Rpds>());
    }
}
