//! Writes a corpus of simulated histories in `harness check-history`'s
//! format, in the shapes of Porcupine's own test corpus, to compare
//! checkers on the same files:
//!
//! * `etcd-000.json` … `etcd-101.json`: one register, 5 clients, ~80
//!   operations, clients crashing with an operation in flight (they never
//!   return); four in five have one read made stale (it returns a value
//!   written earlier), so they are not linearizable;
//! * `kv-c01-ok.json`, `kv-c10-ok.json`, `kv-c50-ok.json` and their `-bad`
//!   twins: a key-value store with 1, 10 and 50 clients appending to and
//!   reading 8 keys (100, 400 and 2 000 operations); each `-bad` has one get
//!   changed to a value never written: a failure in one small part.
//!
//! With `--large`, also `register-large.json` (about 50 MB, 490 000
//! operations from 8 clients, linearizable) and `kv-one-bad-get.json`
//! (420 000 operations from 50 clients on 64 keys, one get of a value never
//! written: its minimal counterexample is that one operation).
//!
//! ```text
//! cargo run --release -p harness --example history_corpus -- DIR [--large]
//! harness check-history DIR/*.json
//! ```

use std::path::{Path, PathBuf};

use harness::check::format::AnyHistory;
use harness::check::history::Operation;
use harness::check::simulate::{Simulation, corrupt_one_get, kv_input, register_input, simulate};
use harness::check::specs::{KeyValue, Register, RegisterInput, RegisterOutput};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let large = args.iter().any(|arg| arg == "--large");
    let dirs: Vec<&String> = args.iter().filter(|arg| *arg != "--large").collect();
    let [dir] = dirs.as_slice() else {
        eprintln!("usage: history_corpus DIR [--large]");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    if let Err(err) = std::fs::create_dir_all(&dir) {
        eprintln!("error: cannot create '{}': {err}", dir.display());
        std::process::exit(2);
    }
    for seed in 0..102 {
        let mut history = simulate(&Register, &shape(80, 5, 0.03, seed), register_input(5));
        if seed % 5 != 0 {
            make_one_read_stale(&mut history, seed as usize);
        }
        write(
            &dir,
            &format!("etcd-{seed:03}.json"),
            AnyHistory::Register(history),
        );
    }
    for (clients, ops) in [(1, 100), (10, 400), (50, 2_000)] {
        let history = simulate(&KeyValue, &shape(ops, clients, 0.0, clients), kv_input(8));
        let mut bad = history.clone();
        corrupt_one_get(&mut bad, ops / 2);
        write(
            &dir,
            &format!("kv-c{clients:02}-ok.json"),
            AnyHistory::Kv(history),
        );
        write(
            &dir,
            &format!("kv-c{clients:02}-bad.json"),
            AnyHistory::Kv(bad),
        );
    }
    if large {
        let history = simulate(
            &Register,
            &shape(490_000, 8, 0.0, 1),
            register_input(1_000_000),
        );
        write(&dir, "register-large.json", AnyHistory::Register(history));
        let mut history = simulate(&KeyValue, &shape(420_000, 50, 0.0, 2), kv_input(64));
        corrupt_one_get(&mut history, 150_000);
        write(&dir, "kv-one-bad-get.json", AnyHistory::Kv(history));
    }
}

fn shape(ops: usize, clients: u64, crash_chance: f64, seed: u64) -> Simulation {
    Simulation {
        ops,
        clients,
        crash_chance,
        seed,
    }
}

/// Makes the `which`-th read (wrapping) that follows a change of value
/// return the value before it: a stale read.
fn make_one_read_stale(history: &mut [Operation<RegisterInput, RegisterOutput>], which: usize) {
    let mut seen: Vec<Option<i64>> = Vec::new();
    let mut stale = Vec::new();
    let mut by_return: Vec<usize> = (0..history.len())
        .filter(|&i| history[i].ret.is_some())
        .collect();
    by_return.sort_by_key(|&i| history[i].ret);
    for i in by_return {
        if let Some(RegisterOutput::Read { value }) = history[i].output {
            if let Some(&older) = seen.iter().rev().find(|&&v| v != value) {
                stale.push((i, older));
            }
            if seen.last() != Some(&value) {
                seen.push(value);
            }
        }
    }
    if let Some(&(i, older)) = stale.get(which % stale.len().max(1)) {
        history[i].output = Some(RegisterOutput::Read { value: older });
    }
}

fn write(dir: &Path, name: &str, history: AnyHistory) {
    let path = dir.join(name);
    let text = serde_json::to_string(&history.to_json()).expect("histories serialize");
    if let Err(err) = std::fs::write(&path, text) {
        eprintln!("error: cannot write '{}': {err}", path.display());
        std::process::exit(1);
    }
}
