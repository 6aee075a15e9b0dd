//! The reference workload every figure is divided by: the scenario's pure
//! model replayed with no sharing at all.
//!
//! Each of the point's threads owns a private copy of the initial state and
//! replays the same operations the runner's worker with that index replays
//! (the same seeded stream, [`thread_seed`]), calling `Scenario::read` and
//! `Scenario::write` directly: no lock, no atomic, no handle. It does the
//! same work per operation as the strategy, on the same data, in the same
//! caches, so whatever makes this machine (or this moment) faster or slower
//! at the model moves both alike, and the ratio keeps only what the
//! strategy adds.

use std::hint::black_box;
use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use scenarios::{Op, Scenario, Workload};

use crate::runner::{RING_LEN, thread_seed};

/// Operations between two looks at the stop flag.
const BLOCK: usize = 64;

/// Operations done by `threads` unshared replays of `scenario`'s model
/// running for `duration` (summed over threads).
pub fn unshared_ops<S: Scenario>(
    scenario: &S,
    workload: &Workload,
    threads: usize,
    size: usize,
    seed: u64,
    duration: Duration,
) -> u64 {
    let rings: Vec<Vec<Op<S>>> = (0..threads)
        .map(|index| {
            scenario
                .generate(size, workload, thread_seed(seed, index))
                .take(RING_LEN)
                .collect()
        })
        .collect();
    let stop = AtomicBool::new(false);
    let ready = Barrier::new(threads + 1);
    thread::scope(|scope| {
        let workers: Vec<_> = rings
            .iter()
            .map(|ops| {
                let (stop, ready) = (&stop, &ready);
                let state = scenario.initial_state(size);
                scope.spawn(move || replay(scenario, state, ops, stop, ready))
            })
            .collect();
        ready.wait();
        thread::sleep(duration);
        stop.store(true, Ordering::Release);
        workers
            .into_iter()
            .map(|worker| worker.join().expect("the pure model does not panic"))
            .sum()
    })
}

/// One thread: applies its operations to its own state until told to stop.
fn replay<S: Scenario>(
    scenario: &S,
    mut state: S::State,
    ops: &[Op<S>],
    stop: &AtomicBool,
    ready: &Barrier,
) -> u64 {
    ready.wait();
    let mut done: u64 = 0;
    // At least one block, so a thread the scheduler starts late still counts.
    for block in ops.chunks(BLOCK).cycle() {
        for op in block {
            match op {
                Op::Read(read) => {
                    black_box(scenario.read(&state, read));
                }
                Op::Write(write) => {
                    black_box(scenario.write(&mut state, write));
                }
            }
        }
        done += block.len() as u64;
        if stop.load(Ordering::Acquire) {
            break;
        }
    }
    done
}

#[cfg(test)]
mod tests {
    use scenarios::KeyDist;
    use scenarios::config::ConfigScenario;

    use super::*;

    #[test]
    fn every_thread_replays_operations() {
        let workload = Workload::new(0.5, KeyDist::Uniform).unwrap();
        let ops = unshared_ops(
            &ConfigScenario::new(),
            &workload,
            2,
            8,
            1,
            Duration::from_millis(5),
        );
        assert!(ops > 0);
    }
}
