//! Recording a history from a real concurrent run of a strategy.
//!
//! Each thread keeps its own buffer and reads a monotonic clock (the
//! system-wide `CLOCK_MONOTONIC` behind `Instant`, a vDSO read) just before
//! each call and just after each return: no lock, no shared counter, nothing
//! that would order the threads' operations and hide a bug. Recording is
//! never on in throughput runs.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use scenarios::{Op, Output, Scenario, Workload};

use super::history::Operation;
use crate::runner::{RunFailure, panic_message, thread_seed};
use crate::strategy::{Strategy, StrategyHandle, StrategyOptions, Written};

/// A recorded history of scenario `S`.
pub type ScenarioHistory<S> = Vec<Operation<Op<S>, Output<S>>>;

/// A recorded run: its history and the state it ended in.
pub struct Recording<S: Scenario> {
    /// Every client's operations, client by client, each in its own order.
    pub history: ScenarioHistory<S>,
    /// Writes posted to be applied later (`actor-post`): accepted, so
    /// counted as acknowledged, though the history shows no output.
    pub posted: u64,
    /// The final state, read after every writer finished and pending
    /// publications were flushed.
    pub last: S::State,
}

/// What to record.
#[derive(Clone, Debug)]
pub struct RecordConfig {
    /// Client threads, each with its own strategy handle.
    pub threads: usize,
    /// Operations each client runs.
    pub ops_per_thread: usize,
    /// Size of the initial state.
    pub size: usize,
    /// The read ratio and key distribution of the operations generated.
    pub workload: Workload,
    /// Seed of the operations; each client's is derived with [`thread_seed`].
    pub seed: u64,
    /// The strategy's own options.
    pub options: StrategyOptions,
    /// The watchdog: a run whose clients have not all finished by then is
    /// reported as stuck (a deadlock, or a livelock) and abandoned.
    pub timeout: Duration,
}

/// Runs strategy `T` on `scenario` with every thread recording its operations.
pub fn record<S: Scenario, T: Strategy<S>>(
    scenario: &Arc<S>,
    config: &RecordConfig,
) -> Result<Recording<S>, RunFailure> {
    let strategy = catch_unwind(AssertUnwindSafe(|| {
        T::new(
            Arc::clone(scenario),
            scenario.initial_state(config.size),
            &config.options,
        )
    }))
    .map_err(|panic| RunFailure(format!("setup panicked: {}", panic_message(&*panic))))?;
    let origin = Instant::now();
    // Write-locked until every client exists; `true` once they may start,
    // `false` if one could not be started (the others then return at once).
    let start = Arc::new(RwLock::new(false));
    let mut go = start.write().expect("a new lock is not poisoned");
    let (finished, done) = mpsc::channel::<usize>();
    let threads: Vec<thread::JoinHandle<_>> = (0..config.threads)
        .map(|client| {
            let ops: Vec<Op<S>> = scenario
                .generate(
                    config.size,
                    &config.workload,
                    thread_seed(config.seed, client),
                )
                .take(config.ops_per_thread)
                .collect();
            let mut handle = strategy.handle();
            let (scenario, start) = (Arc::clone(scenario), Arc::clone(&start));
            let finished = finished.clone();
            let worker = thread::Builder::new().name(format!("worker-{client}"));
            worker.spawn(move || {
                if !*start
                    .read()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                {
                    return (Vec::new(), 0);
                }
                let clock = || origin.elapsed().as_nanos() as u64;
                let mut posted = 0;
                let recorded = ops
                    .into_iter()
                    .map(|op| {
                        let call = clock();
                        let performed = perform(&*scenario, &mut handle, &op);
                        let ret = clock();
                        let output = match performed {
                            Performed::Seen(output) => Some(output),
                            Performed::Aborted => None,
                            Performed::Posted => {
                                posted += 1;
                                None
                            }
                        };
                        Operation {
                            client: client as u64,
                            call,
                            ret: Some(ret),
                            input: op,
                            output,
                        }
                    })
                    .collect::<Vec<_>>();
                let _ = finished.send(client);
                (recorded, posted)
            })
        })
        .collect::<Result<_, _>>()
        .map_err(|err| RunFailure(format!("cannot start a client thread: {err}")))?;
    *go = true;
    drop(go);
    drop(finished);
    watch(&done, config)?;
    let (mut history, mut posted) = (Vec::new(), 0);
    for (client, thread) in threads.into_iter().enumerate() {
        let (ops, client_posted) = thread.join().map_err(|panic| {
            RunFailure(format!(
                "client {client} panicked: {}",
                panic_message(&*panic)
            ))
        })?;
        history.extend(ops);
        posted += client_posted;
    }
    strategy.flush();
    let last = strategy.handle().read(S::State::clone);
    Ok(Recording {
        history,
        posted,
        last,
    })
}

/// Waits for every client to finish, or for the watchdog's timeout. A
/// client that panicked also counts as finished: joining reports it.
fn watch(done: &mpsc::Receiver<usize>, config: &RecordConfig) -> Result<(), RunFailure> {
    let deadline = super::deadline_after(config.timeout);
    let mut finished = 0;
    while finished < config.threads {
        let left = deadline.saturating_duration_since(Instant::now());
        match done.recv_timeout(left) {
            Ok(_) => finished += 1,
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                return Err(RunFailure(format!(
                    "stuck: {} of {} clients made no progress for {} (deadlock?); the run was abandoned",
                    config.threads - finished,
                    config.threads,
                    humantime::format_duration(config.timeout)
                )));
            }
        }
    }
    Ok(())
}

/// One operation; an aborted or posted write has no observed output.
fn perform<S: Scenario, H: StrategyHandle<S>>(
    scenario: &S,
    handle: &mut H,
    op: &Op<S>,
) -> Performed<S> {
    match op {
        Op::Read(read) => Performed::Seen(Output::Read(
            handle.read(|state| scenario.read(state, read)),
        )),
        Op::Write(write) => match handle.submit(write) {
            Written::Applied(output) => Performed::Seen(Output::Write(output)),
            Written::Aborted => Performed::Aborted,
            Written::Posted => Performed::Posted,
        },
    }
}

enum Performed<S: Scenario> {
    Seen(Output<S>),
    Aborted,
    Posted,
}
