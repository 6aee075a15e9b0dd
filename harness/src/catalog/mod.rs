//! Names to types, in one place: "scenario M, built with options O, run
//! with strategy N" as one object.
//!
//! Strategies and scenarios are generic types, and the command line, sweep,
//! gate and plan choose them by name at run time. Instead of each of them
//! matching names to types, a scenario is turned once into a [`Runnable`]:
//! an object that holds, per strategy it is offered to, the
//! monomorphized functions that measure it, probe its reads and verify it.
//! Everything above this module asks a `Runnable` and never names a type.
//!
//! What a scenario is offered depends on what it implements, chosen when it
//! is turned into a `Runnable`: [`measured`] needs only [`Scenario`] (every
//! strategy but `cas-merge`, measured and probed); [`verified`] adds
//! `verify` ([`Increments`] and a state that is `Eq + Hash`); [`mergeable`]
//! adds `cas-merge` ([`Mergeable`]). A [`Catalog`] maps names to builders:
//! this project's scenarios are all three ([`builtin`]); a scenario brought
//! from outside is added the same way (`harness/examples/custom_scenario.rs`).
//!
//! Every scenario runs wrapped in [`Slowed`], so `--write-delay` and the
//! read probe's slow write work for any scenario.

pub mod builtin;

pub use builtin::{ScenarioError, ScenarioOptions};

use std::sync::Arc;
use std::time::Duration;

use scenarios::{Increments, Mergeable, Scenario, Workload};

use crate::check::Memoizable;
use crate::check::blocking::ProbeConfig;
use crate::check::verify::{VerifyConfig, VerifyReport, verify};
use crate::gate::reference::unshared_ops;
use crate::plan::{self, Blocking};
use crate::runner::{self, Measurement, RunConfig, RunFailure};
use crate::slowed::Slowed;
use crate::strategy::registry::{self as strategy_registry, StrategyVisitor, UnknownStrategy};
use crate::strategy::{Strategy, WritePath, mutants};

/// A scenario, built, with every strategy it is offered to.
pub trait Runnable: Send + Sync {
    /// The scenario's name.
    fn name(&self) -> &'static str;

    /// The real strategies it is offered to, in the registry's order.
    fn strategies(&self) -> Vec<&'static str>;

    /// Whether `strategy` can be measured on it (and verified, if `verify`).
    fn offers(&self, strategy: &str, verify: bool) -> Result<(), Unavailable>;

    /// Runs `strategy` through the runner.
    fn measure(
        &self,
        strategy: &str,
        config: &RunConfig,
    ) -> Result<Result<Measurement, RunFailure>, Unavailable>;

    /// Runs the read probe on `strategy`.
    fn probe(&self, strategy: &str, config: &ProbeConfig) -> Result<Blocking, Unavailable>;

    /// Verifies `strategy`, a real one or a mutant.
    fn verify(&self, strategy: &str, config: &VerifyConfig) -> Result<VerifyReport, Unavailable>;

    /// Operations the gate's reference workload does on the unshared state
    /// in `duration`, one state per thread, writes applied along `path`.
    fn unshared_ops(&self, path: WritePath, job: &UnsharedJob) -> u64;
}

/// The gate's reference workload, as [`Runnable::unshared_ops`] runs it.
#[derive(Clone, Debug)]
pub struct UnsharedJob {
    /// The operations' mix.
    pub workload: Workload,
    /// Threads, each on its own state.
    pub threads: usize,
    /// The size of each state.
    pub size: usize,
    /// The seed of the first thread's operations.
    pub seed: u64,
    /// How long it runs.
    pub duration: Duration,
}

/// Why a strategy cannot run on a scenario.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    /// No strategy or mutant has that name.
    #[error(transparent)]
    Unknown(#[from] UnknownStrategy),
    /// The strategy needs more than the scenario implements.
    #[error("{strategy} is not offered for scenario {scenario}: it needs {needs}")]
    NotOffered {
        /// The strategy asked for.
        strategy: String,
        /// The scenario's name.
        scenario: &'static str,
        /// What the scenario would have to implement.
        needs: &'static str,
    },
}

/// Scenarios by name: the built-in ones, and any a user adds.
pub struct Catalog {
    entries: Vec<(&'static str, BuildFn)>,
}

/// Builds a scenario from its options.
pub type BuildFn =
    Box<dyn Fn(&ScenarioOptions) -> Result<Box<dyn Runnable>, ScenarioError> + Send + Sync>;

impl Catalog {
    /// No scenario yet.
    pub fn empty() -> Self {
        Self {
            entries: Vec::new(),
        }
    }

    /// This project's scenarios ([`builtin::NAMES`]).
    pub fn builtin() -> Self {
        let mut catalog = Self::empty();
        for &name in builtin::NAMES {
            catalog.add(name, move |options| builtin::build(name, options));
        }
        catalog
    }

    /// Adds (or replaces) the scenario called `name`.
    pub fn add<F>(&mut self, name: &'static str, build: F) -> &mut Self
    where
        F: Fn(&ScenarioOptions) -> Result<Box<dyn Runnable>, ScenarioError> + Send + Sync + 'static,
    {
        self.entries.retain(|(known, _)| *known != name);
        self.entries.push((name, Box::new(build)));
        self
    }

    /// Every name, in the order added.
    pub fn names(&self) -> Vec<&'static str> {
        self.entries.iter().map(|(name, _)| *name).collect()
    }

    /// The scenario called `name`, built as `options` say.
    pub fn build(
        &self,
        name: &str,
        options: &ScenarioOptions,
    ) -> Result<Box<dyn Runnable>, ScenarioError> {
        let (_, build) = self
            .entries
            .iter()
            .find(|(known, _)| *known == name)
            .ok_or_else(|| ScenarioError::Unknown {
                name: name.to_owned(),
                valid: self.names().join(", "),
            })?;
        build(options)
    }
}

/// `scenario`, measured with every strategy that needs no more than
/// [`Scenario`]; every write pausing for `write_delay`.
pub fn measured<S: Scenario>(scenario: S, write_delay: Duration) -> Box<dyn Runnable> {
    let mut entry = Entry::new(scenario, write_delay, Tier::Measured);
    entry.offer_any(Measure);
    Box::new(entry)
}

/// As [`measured`], and verified too.
pub fn verified<S>(scenario: S, write_delay: Duration) -> Box<dyn Runnable>
where
    S: Increments,
    S::State: Memoizable,
{
    let mut entry = Entry::new(scenario, write_delay, Tier::Verified);
    entry.offer_any(Verify);
    Box::new(entry)
}

/// As [`verified`], with `cas-merge` (and the mutants
/// that merge) offered too.
pub fn mergeable<S>(scenario: S, write_delay: Duration) -> Box<dyn Runnable>
where
    S: Increments + Mergeable,
    S::State: Memoizable,
{
    let mut entry = Entry::new(scenario, write_delay, Tier::Mergeable);
    for &name in strategy_registry::NAMES.iter().chain(mutants::NAMES) {
        let offer = strategy_registry::visit(name, Verify)
            .ok()
            .or_else(|| mutants::visit(name, Verify))
            .expect("every listed name resolves");
        entry.offers.push(offer);
    }
    Box::new(entry)
}

/// How much a scenario implements, which decides what it is offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Measured,
    Verified,
    Mergeable,
}

/// One strategy on scenario `S`: its monomorphized functions.
struct Offer<S: Scenario> {
    name: &'static str,
    measure: fn(&Arc<Slowed<S>>, &RunConfig) -> Result<Measurement, RunFailure>,
    probe: fn(&Slowed<S>, &ProbeConfig) -> Blocking,
    verify: Option<VerifyFn<S>>,
}

/// Verifies one strategy on scenario `S`.
type VerifyFn<S> = fn(Slowed<S>, &VerifyConfig) -> VerifyReport;

struct Entry<S: Scenario> {
    scenario: Arc<Slowed<S>>,
    tier: Tier,
    /// The real strategies in the registry's order, then the mutants.
    offers: Vec<Offer<S>>,
}

impl<S: Scenario> Entry<S> {
    fn new(scenario: S, write_delay: Duration, tier: Tier) -> Self {
        Self {
            scenario: Arc::new(Slowed::by(scenario, write_delay)),
            tier,
            offers: Vec::new(),
        }
    }

    /// Offers every strategy and mutant that needs no more than [`Scenario`].
    fn offer_any<V>(&mut self, visitor: V)
    where
        V: StrategyVisitor<Slowed<S>, Output = Offer<S>> + Copy,
    {
        for &name in strategy_registry::NAMES {
            let offer = strategy_registry::visit_any(name, visitor).expect("a listed name");
            self.offers.extend(offer);
        }
        if self.tier >= Tier::Verified {
            for &name in mutants::NAMES {
                self.offers
                    .extend(mutants::visit_any(name, visitor).flatten());
            }
        }
    }

    fn offer(&self, strategy: &str) -> Result<&Offer<S>, Unavailable> {
        if let Some(offer) = self.offers.iter().find(|offer| offer.name == strategy) {
            return Ok(offer);
        }
        let known =
            strategy_registry::NAMES.contains(&strategy) || mutants::NAMES.contains(&strategy);
        if !known {
            return Err(UnknownStrategy(strategy.to_owned()).into());
        }
        let needs = match self.tier {
            Tier::Measured if mutants::NAMES.contains(&strategy) => {
                "Increments and a State that is Eq + Hash (mutants exist for verify)"
            }
            _ => "Mergeable (a three-way merge of its states)",
        };
        Err(self.not_offered(strategy, needs))
    }

    /// The function that verifies `strategy`, if it is offered and verifiable.
    fn verifier(&self, strategy: &str) -> Result<VerifyFn<S>, Unavailable> {
        self.offer(strategy)?.verify.ok_or_else(|| {
            self.not_offered(
                strategy,
                "Increments and a State that is Eq + Hash to be verified",
            )
        })
    }

    fn not_offered(&self, strategy: &str, needs: &'static str) -> Unavailable {
        Unavailable::NotOffered {
            strategy: strategy.to_owned(),
            scenario: self.scenario.name(),
            needs,
        }
    }
}

impl<S: Scenario> Runnable for Entry<S> {
    fn name(&self) -> &'static str {
        self.scenario.name()
    }

    fn strategies(&self) -> Vec<&'static str> {
        self.offers
            .iter()
            .map(|offer| offer.name)
            .filter(|name| strategy_registry::NAMES.contains(name))
            .collect()
    }

    fn offers(&self, strategy: &str, verify: bool) -> Result<(), Unavailable> {
        if verify {
            self.verifier(strategy).map(|_| ())
        } else {
            self.offer(strategy).map(|_| ())
        }
    }

    fn measure(
        &self,
        strategy: &str,
        config: &RunConfig,
    ) -> Result<Result<Measurement, RunFailure>, Unavailable> {
        Ok((self.offer(strategy)?.measure)(&self.scenario, config))
    }

    fn probe(&self, strategy: &str, config: &ProbeConfig) -> Result<Blocking, Unavailable> {
        Ok((self.offer(strategy)?.probe)(&self.scenario, config))
    }

    fn verify(&self, strategy: &str, config: &VerifyConfig) -> Result<VerifyReport, Unavailable> {
        Ok(self.verifier(strategy)?(
            Slowed::clone(&self.scenario),
            config,
        ))
    }

    fn unshared_ops(&self, path: WritePath, job: &UnsharedJob) -> u64 {
        unshared_ops(
            &*self.scenario,
            path,
            &job.workload,
            job.threads,
            job.size,
            job.seed,
            job.duration,
        )
    }
}

/// Makes the offer of a strategy that is measured and probed.
#[derive(Clone, Copy)]
struct Measure;

impl<S: Scenario> StrategyVisitor<Slowed<S>> for Measure {
    type Output = Offer<S>;

    fn visit<T: Strategy<Slowed<S>>>(self, name: &'static str) -> Offer<S> {
        Offer {
            name,
            measure: runner::run::<Slowed<S>, T>,
            probe: plan::probe::<Slowed<S>, T>,
            verify: None,
        }
    }
}

/// Makes the offer of a strategy that is measured, probed and verified.
#[derive(Clone, Copy)]
struct Verify;

impl<S> StrategyVisitor<Slowed<S>> for Verify
where
    S: Increments,
    S::State: Memoizable,
{
    type Output = Offer<S>;

    fn visit<T: Strategy<Slowed<S>>>(self, name: &'static str) -> Offer<S> {
        Offer {
            verify: Some(verify::<Slowed<S>, T>),
            ..Measure.visit::<T>(name)
        }
    }
}
