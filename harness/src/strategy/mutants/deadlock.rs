//! `deadlock` (mutant): two locks taken in opposite orders. The state sits
//! behind lock `a`, an audit log behind lock `b`; handles with an even
//! number take `a` then `b` to write, odd ones take `b` then `a`. Two
//! writers of different parity that each hold their first lock wait for
//! each other forever. The verifier's watchdog must name it and give up.

use scenarios::Scenario;

use crate::strategy::{Strategy, StrategyHandle, StrategyOptions};
use crate::sync::{Arc, AtomicUsize, Mutex, Ordering, thread};

/// The `deadlock` mutant: writers of different handle parity take two locks
/// in opposite orders.
pub struct Deadlock<S: Scenario> {
    shared: Arc<Shared<S>>,
    handles: AtomicUsize,
}

struct Shared<S: Scenario> {
    scenario: Arc<S>,
    state: Mutex<S::State>,
    audit: Mutex<u64>,
}

/// A thread's handle on [`Deadlock`]; its number's parity fixes its lock order.
pub struct DeadlockHandle<S: Scenario> {
    shared: Arc<Shared<S>>,
    state_first: bool,
}

impl<S: Scenario> Strategy<S> for Deadlock<S> {
    type Handle = DeadlockHandle<S>;

    fn new(scenario: Arc<S>, initial: S::State, _: &StrategyOptions) -> Self {
        let shared = Shared {
            scenario,
            state: Mutex::new(initial),
            audit: Mutex::new(0),
        };
        Self {
            shared: Arc::new(shared),
            handles: AtomicUsize::new(0),
        }
    }

    fn handle(&self) -> DeadlockHandle<S> {
        let number = self.handles.fetch_add(1, Ordering::Relaxed);
        DeadlockHandle {
            shared: Arc::clone(&self.shared),
            state_first: number % 2 == 0,
        }
    }
}

impl<S: Scenario> StrategyHandle<S> for DeadlockHandle<S> {
    fn read<R>(&mut self, f: impl FnOnce(&S::State) -> R) -> R {
        f(&self.shared.state.lock().expect("not poisoned"))
    }

    fn write(&mut self, op: &S::Write) -> S::WriteOutput {
        let shared = &*self.shared;
        let (mut state, mut audit) = if self.state_first {
            let state = shared.state.lock().expect("not poisoned");
            thread::yield_now();
            (state, shared.audit.lock().expect("not poisoned"))
        } else {
            let audit = shared.audit.lock().expect("not poisoned");
            thread::yield_now();
            (shared.state.lock().expect("not poisoned"), audit)
        };
        *audit += 1;
        shared.scenario.write(&mut state, op)
    }
}
