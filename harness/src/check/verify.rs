//! Verification as one call: record concurrent runs of a strategy, check
//! each for lost updates and inconsistent reads (linear time) and for the
//! contracts ([`consistency`](super::consistency)) against the scenario
//! itself, and stop at the first problem; and, in a short phase of its
//! own, classify whether its reads wait for a slow writer
//! ([`blocking`](super::blocking)). A strategy is held to the contract it
//! promises ([`Strategy::promise`]) unless the configuration names one;
//! the report also says the strongest contract every run kept, and how
//! stale reads were under `prefix`.
//!
//! ```no_run
//! use std::time::Duration;
//! use harness::check::verify::{VerifyConfig, verify};
//! use harness::slowed::Slowed;
//! use harness::strategy::MutexStrategy;
//! use scenarios::ledger::{LedgerScenario, LedgerVariant};
//!
//! let report = verify::<_, MutexStrategy<_>>(
//!     Slowed::new(LedgerScenario::new(LedgerVariant::Mixed)),
//!     &VerifyConfig::default(),
//! );
//! assert!(report.verified(), "{}", report.describe());
//! ```
//!
//! The strategy may be any type implementing the public `Strategy` trait,
//! defined in any crate.

use std::sync::Arc;
use std::time::{Duration, Instant};

use scenarios::{Increments, KeyDist, Workload};

use super::Memoizable;
use super::anomalies::{InconsistentReads, LostUpdates, inconsistent_reads, lost_updates};
use super::blocking::{ProbeConfig, ReadProbe, probe_reads};
use super::consistency::{Consistency, Judgement, Outcome, Staleness, judge};
use super::html::page;
use super::linearizability::Verdict;
use super::record::{RecordConfig, record};
use super::render::{timeline, violation_text};
use super::scenario_spec::ScenarioSpec;
use crate::runner::RunFailure;
use crate::slowed::Slow;
use crate::strategy::{Strategy, StrategyOptions};

/// How hard to try.
#[derive(Clone, Debug)]
pub struct VerifyConfig {
    /// Client threads per recorded run.
    pub threads: usize,
    /// Operations each client thread records per run.
    pub ops_per_thread: usize,
    /// Recorded runs; run `k` uses seed `seed + k`.
    pub runs: usize,
    /// A small state makes operations collide.
    pub size: usize,
    /// The read/write mix and key distribution of the operations generated.
    pub workload: Workload,
    /// The seed of the first run (and of the read probe).
    pub seed: u64,
    /// The options the strategy is built with.
    pub options: StrategyOptions,
    /// Watchdog per run.
    pub timeout: Duration,
    /// Checker time per run.
    pub budget: Duration,
    /// How long the read probe's one slow write pauses.
    pub probe_delay: Duration,
    /// The contract every run must keep; `None`: the one the strategy promises.
    pub consistency: Option<Consistency>,
}

impl Default for VerifyConfig {
    fn default() -> Self {
        Self {
            threads: 3,
            ops_per_thread: 200,
            runs: 5,
            size: 3,
            workload: Workload::new(0.5, KeyDist::Uniform).expect("a valid ratio"),
            seed: 1,
            options: StrategyOptions::default(),
            timeout: Duration::from_secs(10),
            budget: Duration::from_secs(10),
            probe_delay: ProbeConfig::default().delay,
            consistency: None,
        }
    }
}

impl VerifyConfig {
    /// The read probe's configuration: same state size, seed, options and
    /// watchdog as the recorded runs.
    pub fn probe(&self) -> ProbeConfig {
        ProbeConfig {
            delay: self.probe_delay,
            size: self.size,
            seed: self.seed,
            options: self.options.clone(),
            timeout: self.timeout,
        }
    }
}

/// What verification found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// Every run kept the contract.
    Verified,
    /// A run lost acknowledged writes; `counterexample` is the search's.
    LostUpdates {
        /// How many writes were acknowledged and how many the final state counts.
        lost: LostUpdates,
        /// The timeline of a history that is not linearizable; `None` when the
        /// search found it linearizable or ran out of budget.
        counterexample: Option<String>,
    },
    /// A read showed a state that never existed; `counterexample` is the search's.
    InconsistentReads {
        /// How many reads were inconsistent, and the first of them.
        found: InconsistentReads,
        /// The timeline of a history that is not linearizable; `None` when the
        /// search found it linearizable or ran out of budget.
        counterexample: Option<String>,
    },
    /// A run broke the contract.
    Violated {
        /// The contract broken: the one the runs were held to.
        contract: Consistency,
        /// The history that breaks it, as text.
        counterexample: String,
    },
    /// The checker's budget ran out; holds the checker's reason.
    Unknown(String),
    /// The run itself failed: a panic, or a watchdog timeout; holds the failure's message.
    Failed(String),
}

/// The outcome of [`verify`].
#[derive(Clone, Debug)]
pub struct VerifyReport {
    /// Runs done, including the one that found a problem.
    pub runs: usize,
    /// Operations recorded and checked, over every run.
    pub ops_checked: usize,
    /// Time spent checking the recorded histories (not recording them), over every run.
    pub checker_time: Duration,
    /// The seed of the last run.
    pub seed: u64,
    /// The first problem a run found, or [`Finding::Verified`] if none did.
    pub finding: Finding,
    /// Whether reads wait for a slow writer, or why the probe failed.
    pub read_probe: Result<ReadProbe, RunFailure>,
    /// The counterexample as a page ([`page`]), if
    /// linearizability failed.
    pub page: Option<String>,
    /// The contract the runs were held to.
    pub contract: Consistency,
    /// The contracts every run checked kept, strongest first, among
    /// linearizability, the one held to and the one promised (a
    /// linearizable history keeps the other two; the others are only
    /// searched for when asked, since refuting `sequential` on a long
    /// history can take the whole budget).
    pub kept: Vec<Consistency>,
    /// Under `prefix`, over every run that kept it.
    pub staleness: Option<Staleness>,
}

impl VerifyReport {
    /// Every run kept the contract. Reads that wait for writers do not
    /// count against it: waiting is a cost, not a wrong answer.
    pub fn verified(&self) -> bool {
        self.finding == Finding::Verified
    }

    /// A one-line verdict.
    pub fn verdict(&self) -> String {
        let run = self.runs;
        match &self.finding {
            Finding::Verified => format!("kept {}", self.contract),
            Finding::LostUpdates { lost, .. } => format!("{lost} (run {run})"),
            Finding::InconsistentReads { found, .. } => format!("{found} (run {run})"),
            Finding::Violated { contract, .. } => format!("NOT {contract} (run {run})"),
            Finding::Unknown(_) => format!("unknown (run {run})"),
            Finding::Failed(_) => format!("failed (run {run})"),
        }
    }

    /// Whether reads wait for a slow writer, with the worst read measured,
    /// in one line.
    pub fn reads(&self) -> String {
        match &self.read_probe {
            Ok(probe) => probe.to_string(),
            Err(failure) => format!("probe failed: {failure}"),
        }
    }

    /// The strongest contracts every run kept (`linearizable` alone when
    /// it was, since it implies the others), or `none`.
    pub fn kept(&self) -> String {
        match self.kept.as_slice() {
            [] => "none".to_owned(),
            [Consistency::Linearizable, ..] => Consistency::Linearizable.to_string(),
            kept => kept
                .iter()
                .map(|contract| contract.name())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// Max and p99 of the writes reads missed, or `-` when `prefix` did not hold.
    pub fn staleness(&self) -> String {
        self.staleness
            .as_ref()
            .map_or("-".to_owned(), |staleness| staleness.summary().to_string())
    }

    /// What backs a verdict other than a kept contract: the counterexample,
    /// or the reason.
    pub fn evidence(&self) -> Option<String> {
        Some(match &self.finding {
            Finding::Verified => return None,
            Finding::LostUpdates { counterexample, .. } => counterexample
                .clone()
                .unwrap_or_else(|| format!("seed {}", self.seed)),
            Finding::InconsistentReads {
                found,
                counterexample,
            } => {
                let first = format!(
                    "seed {}\nfirst inconsistent read: {}: {}",
                    self.seed, found.first, found.reason
                );
                match counterexample {
                    Some(counterexample) => format!("{first}\n{counterexample}"),
                    None => first,
                }
            }
            Finding::Violated { counterexample, .. } => {
                format!("seed {}\n{counterexample}", self.seed)
            }
            Finding::Unknown(reason) | Finding::Failed(reason) => reason.clone(),
        })
    }

    /// The verdict with its evidence.
    pub fn describe(&self) -> String {
        match self.evidence() {
            None => self.verdict(),
            Some(evidence) => format!("{}\n{evidence}", self.verdict()),
        }
    }
}

/// Verifies strategy `T` on `scenario`: probes whether its reads wait for
/// a slow writer, then records and checks runs.
pub fn verify<S, T>(scenario: S, config: &VerifyConfig) -> VerifyReport
where
    S: Increments + Slow,
    S::State: Memoizable,
    T: Strategy<S>,
{
    let spec = ScenarioSpec {
        scenario: scenario.slowed(Duration::ZERO),
        size: config.size,
    };
    let read_probe = probe_reads::<S, T>(&scenario, &config.probe());
    let scenario = Arc::new(scenario);
    let mut report = VerifyReport {
        runs: 0,
        ops_checked: 0,
        checker_time: Duration::ZERO,
        seed: config.seed,
        finding: Finding::Verified,
        read_probe,
        page: None,
        contract: config
            .consistency
            .unwrap_or_else(|| T::promise(&config.options)),
        kept: Vec::new(),
        staleness: None,
    };
    let mut kept_by_all = Consistency::ALL.map(|_| true);
    for run in 0..config.runs {
        report.runs += 1;
        report.seed = config.seed.wrapping_add(run as u64);
        let Some(judgement) = verify_run::<S, T>(&scenario, &spec, config, &mut report) else {
            break;
        };
        for (kept, contract) in kept_by_all.iter_mut().zip(Consistency::ALL) {
            *kept &= judgement.held(contract) == Some(true);
        }
        if let Some(staleness) = &judgement.staleness {
            report
                .staleness
                .get_or_insert_with(Staleness::default)
                .merge(staleness);
        }
        if report.finding != Finding::Verified {
            break;
        }
    }
    if report.ops_checked > 0 {
        report.kept = Consistency::ALL
            .into_iter()
            .zip(kept_by_all)
            .filter_map(|(contract, kept)| kept.then_some(contract))
            .collect();
    }
    if !report.kept.contains(&Consistency::Prefix)
        && !report.kept.contains(&Consistency::Linearizable)
    {
        report.staleness = None;
    }
    report
}

/// Records and checks one run, setting the report's finding; the
/// judgement, unless the run itself failed.
fn verify_run<S: Increments, T: Strategy<S>>(
    scenario: &Arc<S>,
    spec: &ScenarioSpec<S>,
    config: &VerifyConfig,
    report: &mut VerifyReport,
) -> Option<Judgement<ScenarioSpec<S>>>
where
    S::State: Memoizable,
{
    let record_config = RecordConfig {
        threads: config.threads,
        ops_per_thread: config.ops_per_thread,
        size: config.size,
        workload: config.workload,
        seed: report.seed,
        options: config.options.clone(),
        timeout: config.timeout,
    };
    let recording = match record::<S, T>(scenario, &record_config) {
        Ok(recording) => recording,
        Err(failure) => {
            report.finding = Finding::Failed(failure.0);
            return None;
        }
    };
    report.ops_checked += recording.history.len();
    let started = Instant::now();
    let lost = lost_updates(&**scenario, &recording);
    let inconsistent = inconsistent_reads(&**scenario, &recording.history);
    let asked = [report.contract, T::promise(&config.options)];
    let judgement = judge(spec, &recording.history, &asked, config.budget, 2);
    report.checker_time += started.elapsed();
    let counterexample = match &judgement.linearizability {
        Verdict::NotLinearizable(found) => {
            let title = format!("{} · seed {}", scenario.name(), report.seed);
            report.page = Some(page(spec, found, &title));
            Some(timeline(spec, found))
        }
        _ => None,
    };
    report.finding = if let Some(lost) = lost {
        Finding::LostUpdates {
            lost,
            counterexample,
        }
    } else if let Some(found) = inconsistent {
        Finding::InconsistentReads {
            found,
            counterexample,
        }
    } else {
        held_to(spec, &judgement, report.contract, counterexample)
    };
    Some(judgement)
}

/// Whether `judgement` keeps `contract`, as a finding.
fn held_to<S: Increments>(
    spec: &ScenarioSpec<S>,
    judgement: &Judgement<ScenarioSpec<S>>,
    contract: Consistency,
    linearizability_counterexample: Option<String>,
) -> Finding
where
    S::State: Memoizable,
{
    let outcome = match contract {
        Consistency::Linearizable => {
            return match &judgement.linearizability {
                Verdict::Linearizable => Finding::Verified,
                Verdict::NotLinearizable(_) => Finding::Violated {
                    contract,
                    counterexample: linearizability_counterexample.expect("made from it"),
                },
                Verdict::Unknown(reason) => Finding::Unknown(reason.clone()),
            };
        }
        Consistency::Sequential => judgement.sequential.as_ref(),
        Consistency::Prefix => judgement.prefix.as_ref(),
    };
    match outcome.expect("the contract held to is asked for") {
        Outcome::Held => Finding::Verified,
        Outcome::Violated(violation) => Finding::Violated {
            contract,
            counterexample: violation_text(spec, violation),
        },
        Outcome::Unknown(reason) => Finding::Unknown(reason.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::blocking::ReadClass;

    fn report(finding: Finding) -> VerifyReport {
        VerifyReport {
            runs: 2,
            ops_checked: 1200,
            checker_time: Duration::from_millis(3),
            seed: 2,
            finding,
            read_probe: Ok(ReadProbe {
                class: ReadClass::NeverWait,
                delay: Duration::from_millis(200),
                reads_during_write: 200,
                worst_read: Some(Duration::from_micros(40)),
                write_took: Duration::from_millis(200),
            }),
            page: None,
            contract: Consistency::Linearizable,
            kept: Vec::new(),
            staleness: None,
        }
    }

    #[test]
    fn an_inconsistent_read_is_a_finding_with_the_read_and_the_reason() {
        let found = InconsistentReads {
            inconsistent: 3,
            reads: 150,
            first: "client 1 [2,8] Total → Total { counted: 2990, total: 3000, players: 3 }"
                .to_owned(),
            reason: "a total read counted 2990 credits".to_owned(),
        };
        let report = report(Finding::InconsistentReads {
            found,
            counterexample: Some("minimal counterexample: …".to_owned()),
        });
        assert!(!report.verified());
        assert_eq!(
            report.verdict(),
            "inconsistent reads: 3 of 150 show a state that never existed (run 2)"
        );
        assert_eq!(
            report.evidence().unwrap(),
            "seed 2\nfirst inconsistent read: client 1 [2,8] Total → Total { counted: 2990, \
             total: 3000, players: 3 }: a total read counted 2990 credits\nminimal \
             counterexample: …"
        );
    }
}
