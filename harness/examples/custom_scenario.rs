//! Your own shared state, measured and verified without touching the crates:
//! a tutorial in one file.
//!
//! The question a service engineer brings is about *their* state. Here it is
//! a session cache: the live session of each user, a token counter and a
//! clock that expires sessions. Handlers look sessions up on every request;
//! logins, logouts and the clock's ticks write. Which sharing strategy
//! should hold it?
//!
//! **1. Describe the state as a pure sequential scenario.** [`SessionCache`]
//! implements [`Scenario`]: the state type, the read and write types, their
//! outputs, `initial_state`, `read`, `write` and the two generators. That is
//! the whole required part, **10 items**, and it is enough to be *measured*
//! by every strategy that needs nothing more (all but `cas-merge`). No
//! threads, locks or atomics: the harness brings those. Everything else has
//! a default: the name (the type's; this one overrides it), invariants (none; overriding
//! `check_invariants` lets the checkers find more, as here), the
//! inconsistent-read check, the keys for checking a history part by part,
//! and the write delay of `--write-delay` (the harness wraps any scenario).
//!
//! **2. Opt in to verification.** [`Increments`] (2 items: a write that
//! counts, and the count) turns on the lost-update check, and
//! `#[derive(PartialEq, Eq, Hash)]` on the state lets the checkers memoize
//! the states they reach; without it `catalog::verified` does not compile,
//! with an error that says so. **12 items** in all to be *verified*.
//! Implementing `Mergeable` (a three-way merge of states) would also offer
//! `cas-merge`; this scenario does not, and the catalog says so.
//!
//! **3. Register it and use it.** `tutorial::catalog` adds it to a
//! [`Catalog`] under a name; what the catalog builds is a
//! [`Runnable`](harness::catalog::Runnable) that measures, probes and
//! verifies each strategy it is offered to, the same object `harness run`,
//! `verify`, `sweep` and the gate use for the built-in scenarios. `main`
//! then measures every strategy offered, verifies each (recorded concurrent
//! runs checked for lost updates, inconsistent reads and linearizability),
//! and sweeps them into an HTML report.
//!
//! **4. Model-check it.** Strategies take their primitives from
//! `harness::sync`, so under `--cfg loom` or `--cfg shuttle` the tests at the
//! bottom explore the schedules of small concurrent cases on this scenario
//! (and catch the seeds' racy wrapper losing a login).
//!
//! ```text
//! cargo run --release -p harness --example custom_scenario [OUT_DIR]
//! cargo test -p harness --example custom_scenario
//! RUSTFLAGS="--cfg loom" cargo test -p harness --example custom_scenario
//! RUSTFLAGS="--cfg shuttle" cargo test -p harness --example custom_scenario
//! ```

use std::collections::BTreeMap;

use scenarios::{GenContext, Increments, InvariantViolation, Scenario};

/// The scenario's name in the catalog, the reports and the sweep.
pub const NAME: &str = "sessions";

/// How many clock ticks a session lives without a new login.
const TTL: u64 = 8;

/// The session cache's state: each user's live session, the next token and
/// the clock. `Eq + Hash` only because the checkers need it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Sessions {
    /// The live session of each user who has one.
    live: BTreeMap<u32, Session>,
    /// The token the next login gets.
    next_token: u64,
    /// Ticks so far.
    clock: u64,
    /// Writes applied, refused ones included: what the lost-update check counts.
    writes: u64,
}

/// One live session.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Session {
    token: u64,
    /// The tick at which it expires.
    expires: u64,
}

/// What a request handler asks.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionRead {
    /// The token of a user's live session.
    Lookup(u32),
    /// How many sessions are live.
    Live,
}

/// What a read gives.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionReadOutput {
    /// The user's token, if they have a live session.
    Token(Option<u64>),
    /// The number of live sessions.
    Live(usize),
}

/// What changes the cache.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionWrite {
    /// Starts (or replaces) a user's session.
    Login(u32),
    /// Ends a user's session.
    Logout(u32),
    /// Advances the clock and drops the sessions that expire.
    Tick,
}

/// What a write gives.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionWriteOutput {
    /// The new session's token.
    Started(u64),
    /// Whether there was a session to end.
    Ended(bool),
    /// How many sessions expired.
    Expired(usize),
}

/// The scenario: a cache of `size` users' sessions.
#[derive(Clone, Copy, Debug, Default)]
pub struct SessionCache;

impl Scenario for SessionCache {
    type State = Sessions;
    type Read = SessionRead;
    type Write = SessionWrite;
    type ReadOutput = SessionReadOutput;
    type WriteOutput = SessionWriteOutput;

    /// Optional: the default would be the type's name, `SessionCache`.
    fn name(&self) -> &'static str {
        NAME
    }

    /// Every user logged in once, in order.
    fn initial_state(&self, size: usize) -> Sessions {
        let users = u32::try_from(size).unwrap_or(u32::MAX);
        let live = (0..users)
            .map(|user| {
                let token = u64::from(user);
                (
                    user,
                    Session {
                        token,
                        expires: TTL,
                    },
                )
            })
            .collect();
        Sessions {
            live,
            next_token: u64::from(users),
            clock: 0,
            writes: 0,
        }
    }

    fn read(&self, state: &Sessions, op: &SessionRead) -> SessionReadOutput {
        match op {
            SessionRead::Lookup(user) => {
                SessionReadOutput::Token(state.live.get(user).map(|session| session.token))
            }
            SessionRead::Live => SessionReadOutput::Live(state.live.len()),
        }
    }

    fn write(&self, state: &mut Sessions, op: &SessionWrite) -> SessionWriteOutput {
        state.writes += 1;
        match op {
            SessionWrite::Login(user) => {
                let token = state.next_token;
                state.next_token += 1;
                let expires = state.clock + TTL;
                state.live.insert(*user, Session { token, expires });
                SessionWriteOutput::Started(token)
            }
            SessionWrite::Logout(user) => {
                SessionWriteOutput::Ended(state.live.remove(user).is_some())
            }
            SessionWrite::Tick => {
                state.clock += 1;
                let before = state.live.len();
                let clock = state.clock;
                state.live.retain(|_, session| session.expires > clock);
                SessionWriteOutput::Expired(before - state.live.len())
            }
        }
    }

    /// Lookups by user from the workload's key distribution; 1 in 16 counts.
    fn generate_read(&self, ctx: &mut GenContext) -> SessionRead {
        if ctx.chance(1.0 / 16.0) {
            SessionRead::Live
        } else {
            SessionRead::Lookup(user(ctx))
        }
    }

    /// Logins (3 in 4), logouts, and 1 tick in 16.
    fn generate_write(&self, ctx: &mut GenContext) -> SessionWrite {
        if ctx.chance(1.0 / 16.0) {
            SessionWrite::Tick
        } else if ctx.chance(0.75) {
            SessionWrite::Login(user(ctx))
        } else {
            SessionWrite::Logout(user(ctx))
        }
    }

    /// Optional: what every reachable state has, so the checkers catch a
    /// strategy that builds another.
    fn check_invariants(&self, state: &Sessions) -> Result<(), InvariantViolation> {
        for (user, session) in &state.live {
            if session.expires <= state.clock || session.expires > state.clock + TTL {
                return Err(InvariantViolation(format!(
                    "user {user}'s session expires at {} with the clock at {}",
                    session.expires, state.clock
                )));
            }
            if session.token >= state.next_token {
                return Err(InvariantViolation(format!(
                    "user {user} holds token {} before it was issued",
                    session.token
                )));
            }
        }
        Ok(())
    }
}

/// A user drawn from the workload's key distribution.
fn user(ctx: &mut GenContext) -> u32 {
    u32::try_from(ctx.key()).unwrap_or(u32::MAX)
}

/// Opt-in: a login is a write that counts, and the state counts every write.
impl Increments for SessionCache {
    fn increment(&self, size: usize, n: u64) -> SessionWrite {
        SessionWrite::Login(u32::try_from(n % size.max(1) as u64).unwrap_or(0))
    }

    fn count(&self, state: &Sessions) -> u64 {
        state.writes
    }
}

#[cfg(not(any(loom, shuttle)))]
mod tutorial {
    use std::path::{Path, PathBuf};
    use std::time::Duration;

    use harness::calibrate::{CalibrateConfig, calibrate};
    use harness::catalog::{self, Catalog, Runnable, ScenarioError, ScenarioOptions};
    use harness::check::verify::VerifyConfig;
    use harness::environment::Environment;
    use harness::report::{self, format_nanos};
    use harness::runner::{RunConfig, Sampling, StopAfter};
    use harness::strategy::StrategyOptions;
    use harness::sweep::{self, Settings, SweepArguments, SweepResults};
    use scenarios::{KeyDist, Workload};

    use super::{NAME, SessionCache};

    /// A catalog of this one scenario: measured, and verified.
    pub fn catalog() -> Catalog {
        let mut catalog = Catalog::empty();
        catalog.add(
            NAME,
            |options: &ScenarioOptions| -> Result<Box<dyn Runnable>, ScenarioError> {
                options.expect_plain(NAME)?;
                Ok(catalog::verified(SessionCache, options.write_delay))
            },
        );
        catalog
    }

    pub fn main() {
        let out = std::env::args_os()
            .nth(1)
            .map_or_else(|| PathBuf::from("target/custom_scenario"), PathBuf::from);
        let catalog = catalog();
        let sessions = catalog
            .build(NAME, &ScenarioOptions::default())
            .expect("the scenario builds with the default options");
        let strategies = sessions.strategies();
        println!("{NAME}: offered to {}", strategies.join(", "));
        if let Err(refused) = sessions.offers("cas-merge", false) {
            println!("{refused}");
        }
        measure(sessions.as_ref(), &strategies);
        verify(sessions.as_ref(), &strategies);
        let page = sweep_into(&catalog, &strategies, &out);
        println!("sweep: wrote {}", page.display());
    }

    /// Runs every strategy for a second at 2 threads, 90% reads.
    fn measure(sessions: &dyn Runnable, strategies: &[&'static str]) {
        let config = RunConfig {
            threads: 2,
            size: 64,
            workload: Workload::new(0.9, KeyDist::Uniform).expect("a valid ratio"),
            stop: StopAfter::Elapsed(Duration::from_secs(1)),
            warmup: Duration::from_millis(200),
            seed: 1,
            sampling: Sampling::Adaptive,
            options: StrategyOptions::default(),
        };
        println!("\nmeasured: 2 threads, 90% reads, 64 users, 1 s each");
        for &strategy in strategies {
            let measured = sessions.measure(strategy, &config).expect("offered");
            match measured {
                Ok(m) => {
                    let read = m
                        .latency
                        .read
                        .map_or("-".to_owned(), |read| format_nanos(read.p99_ns));
                    println!(
                        "  {strategy:<11} {:>8.2}M ops/s   read p99 {read}",
                        m.ops_per_sec / 1e6
                    );
                }
                Err(failure) => println!("  {strategy:<11} failed: {failure}"),
            }
        }
    }

    /// Verifies every strategy, each held to the contract it promises.
    fn verify(sessions: &dyn Runnable, strategies: &[&'static str]) {
        println!("\nverified: 3 threads x 200 operations, up to 5 runs each");
        let mut failed = Vec::new();
        for &strategy in strategies {
            let report = sessions
                .verify(strategy, &VerifyConfig::default())
                .expect("offered and verifiable");
            println!(
                "  {strategy:<11} {} · reads {}",
                report.verdict(),
                report.reads()
            );
            if !report.verified() {
                failed.push(report.describe());
            }
        }
        assert!(failed.is_empty(), "{}", failed.join("\n"));
    }

    /// Sweeps every strategy over 1-2 threads and three read ratios into
    /// `out`, with the runner's calibration atop the page (how much of a
    /// hand-written loop's speed it keeps), and renders the page; returns
    /// its path.
    fn sweep_into(catalog: &Catalog, strategies: &[&'static str], out: &Path) -> PathBuf {
        let arguments = SweepArguments {
            scenarios: vec![NAME.to_owned()],
            strategies: strategies.iter().map(|&s| s.to_owned()).collect(),
            reprs: vec!["std".to_owned()],
            sizes: vec![64],
            threads: vec![1, 2],
            read_ratios: vec![0.5, 0.9, 1.0],
            repeat: 3,
            duration_s: 0.1,
            warmup_s: 0.05,
            variant: None,
            write_delay_s: 0.0,
            dist: KeyDist::Uniform.to_string(),
            seed: 1,
            publish_every: 1,
            on_conflict: "retry".to_owned(),
            validate: "reads".to_owned(),
            latency_sampling: Sampling::Adaptive,
        };
        sweep::check_options(catalog, &arguments).expect("every point can run");
        std::fs::create_dir_all(out).expect("the output directory can be made");
        let path = out.join(sweep::RESULTS_FILE);
        let command_line = std::env::args().collect();
        let mut results = SweepResults::new(Environment::capture(), arguments, command_line);
        let calibration = CalibrateConfig::for_reports(Duration::from_millis(100));
        results.calibration = calibrate(&calibration).ok();
        let settings = Settings {
            dist: KeyDist::Uniform,
            options: StrategyOptions::default(),
        };
        println!("\nsweep: 10 strategies x 2 thread counts x 3 read ratios x 3 trials of 0.1 s");
        sweep::run(catalog, &mut results, &settings, &path, &mut Quiet).expect("the sweep runs");
        report::render_sweep(out, &results).expect("the page renders")
    }

    /// Says nothing while the sweep runs.
    struct Quiet;

    impl sweep::Observer for Quiet {
        fn begin(&mut self, _: usize) {}
        fn starting(&mut self, _: &sweep::Point, _: usize) {}
        fn finished(&mut self, _: &sweep::Trial) {}
    }
}

#[cfg(not(any(loom, shuttle)))]
fn main() {
    tutorial::main();
}

#[cfg(any(loom, shuttle))]
fn main() {}

#[cfg(all(test, not(any(loom, shuttle))))]
mod tests {
    use harness::catalog::{Runnable, ScenarioOptions};
    use harness::check::verify::VerifyConfig;
    use harness::conformance::sequential_equivalence;
    use harness::strategy::MutexStrategy;

    use super::tutorial::catalog;
    use super::*;

    fn sessions() -> Box<dyn Runnable> {
        catalog().build(NAME, &ScenarioOptions::default()).unwrap()
    }

    #[test]
    fn a_strategy_gives_the_scenarios_own_outputs() {
        sequential_equivalence::<_, MutexStrategy<_>>(SessionCache, 16, 2_000, 3).unwrap();
    }

    #[test]
    fn every_strategy_but_cas_merge_is_offered_and_cas_merge_says_why() {
        let offered = sessions().strategies();
        assert_eq!(offered.len(), 10, "{offered:?}");
        assert!(!offered.contains(&"cas-merge"));
        let refused = sessions().offers("cas-merge", false).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "cas-merge is not offered for scenario sessions: it needs Mergeable \
             (a three-way merge of its states)"
        );
    }

    #[test]
    fn a_representation_it_does_not_have_is_refused() {
        let options = ScenarioOptions {
            repr: "imbl".to_owned(),
            ..ScenarioOptions::default()
        };
        let refused = catalog().build(NAME, &options).err().expect("refused");
        assert_eq!(
            refused.to_string(),
            "scenario sessions has one representation: std, not 'imbl'"
        );
    }

    #[test]
    fn arc_swap_verifies_and_a_racy_swap_loses_logins() {
        let config = VerifyConfig {
            runs: 2,
            ..VerifyConfig::default()
        };
        let report = sessions().verify("arc-swap", &config).unwrap();
        assert!(report.verified(), "{}", report.describe());
        let slow = catalog()
            .build(
                NAME,
                &ScenarioOptions {
                    write_delay: std::time::Duration::from_micros(50),
                    ..ScenarioOptions::default()
                },
            )
            .unwrap();
        let report = slow.verify("racy-swap", &VerifyConfig::default()).unwrap();
        assert!(!report.verified(), "{}", report.describe());
    }
}

#[cfg(all(test, any(loom, shuttle)))]
mod model_check {
    use harness::check::interleavings::{Case, check_case, explore};
    use harness::strategy::mutants::RacySwap;
    use harness::strategy::{ArcSwapRcu, MutexStrategy, StrategyOptions};
    use harness::sync::Arc;
    use scenarios::{KeyDist, Workload};

    use super::*;

    /// Two threads of two writes each on two users: logins collide on the
    /// token counter, so a lost update changes an output.
    fn case() -> Arc<Case<SessionCache>> {
        let workload = Workload::new(0.0, KeyDist::Uniform).unwrap();
        Arc::new(Case::generate(&SessionCache, 2, &workload, 2, 2, 7))
    }

    /// The cases can fail: the seeds' naive wrapper, which loses updates, is caught.
    #[test]
    #[should_panic]
    fn a_racy_swap_on_sessions_is_caught() {
        let (scenario, case) = (Arc::new(SessionCache), case());
        explore(1_000, move || {
            check_case::<_, RacySwap<_>>(&scenario, &case, &StrategyOptions::default());
        });
    }

    #[test]
    fn every_explored_schedule_of_a_mutex_on_sessions_is_explained() {
        let (scenario, case) = (Arc::new(SessionCache), case());
        explore(1_000, move || {
            check_case::<_, MutexStrategy<_>>(&scenario, &case, &StrategyOptions::default());
        });
    }

    #[test]
    fn every_explored_schedule_of_arc_swap_on_sessions_is_explained() {
        let (scenario, case) = (Arc::new(SessionCache), case());
        explore(1_000, move || {
            check_case::<_, ArcSwapRcu<_>>(&scenario, &case, &StrategyOptions::default());
        });
    }
}
