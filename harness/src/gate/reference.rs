//! The reference workload every figure is divided by: the scenario's pure
//! model replayed with no sharing at all.
//!
//! Each of the point's threads owns a private copy of the initial state and
//! replays the same operations the runner's worker with that index replays
//! (the same seeded stream, [`thread_seed`]), calling `Scenario::read` and
//! `Scenario::write` directly: no lock, no atomic, no handle. A write takes
//! the strategy's [`WritePath`]: in place, or, for the snapshot strategies,
//! to a copy of the whole state that then replaces it (as an `Arc`, the old
//! one dropped), so the replay pays the same clone and allocator round trip
//! per write as the strategy does. It does the same work per operation as
//! the strategy, on the same data, in the same caches, so whatever makes
//! this machine (or this moment) faster or slower at the model, its memory
//! copies and its allocator moves both alike, and the ratio keeps only what
//! the strategy adds: locks, atomics, handles, retries.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use scenarios::{Op, Scenario, Workload};

use crate::runner::{RING_LEN, thread_seed};
use crate::strategy::WritePath;

/// Operations between two looks at the stop flag.
const BLOCK: usize = 64;

/// Operations done by `threads` unshared replays of `scenario`'s model
/// running for `duration` (summed over threads).
pub fn unshared_ops<S: Scenario>(
    scenario: &S,
    path: WritePath,
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
                scope.spawn(move || match path {
                    WritePath::InPlace => replay(scenario, state, ops, stop, ready),
                    WritePath::CopyOnWrite => replay_copying(scenario, state, ops, stop, ready),
                })
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
///
/// Kept apart from [`replay_copying`], loop and all: when both were one
/// loop over a closure, the in-place reference ran 1.5 times faster on the
/// config mix and its trials spread twice as wide (median absolute
/// deviation 14% against 6%), which moved every lock's figure.
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

/// One thread, writing as a snapshot strategy does: each write applies to
/// a copy of the current state, which then takes its place (the old one is
/// dropped); reads see the current one.
fn replay_copying<S: Scenario>(
    scenario: &S,
    state: S::State,
    ops: &[Op<S>],
    stop: &AtomicBool,
    ready: &Barrier,
) -> u64 {
    ready.wait();
    let mut current = Arc::new(state);
    let mut done: u64 = 0;
    for block in ops.chunks(BLOCK).cycle() {
        for op in block {
            match op {
                Op::Read(read) => {
                    black_box(scenario.read(&current, read));
                }
                Op::Write(write) => {
                    let mut next = S::State::clone(&current);
                    black_box(scenario.write(&mut next, write));
                    current = Arc::new(next);
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
    fn both_write_paths_replay_whole_blocks_on_every_thread() {
        let workload = Workload::new(0.5, KeyDist::Uniform).unwrap();
        for path in [WritePath::InPlace, WritePath::CopyOnWrite] {
            let ops = unshared_ops(
                &ConfigScenario::new(),
                path,
                &workload,
                2,
                8,
                1,
                Duration::from_millis(5),
            );
            assert!(ops >= 2 * BLOCK as u64, "{path:?}: {ops}");
        }
    }
}
