//! The model-checking shims behave like the crates they stand in for: the
//! same generated operation sequences run on a shim and on the real crate
//! give the same results. (Their behaviour between threads is what loom
//! and shuttle then explore.)

use std::sync::Arc;

use harness::sync::shim;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum SwapOp {
    Load,
    Store(i64),
    Swap(i64),
    /// Compare-and-swap against the `n`th value loaded so far (modulo).
    CompareAndSwap(usize, i64),
    Rcu(i64),
}

fn swap_op() -> impl Strategy<Value = SwapOp> {
    prop_oneof![
        Just(SwapOp::Load),
        any::<i8>().prop_map(|v| SwapOp::Store(v.into())),
        any::<i8>().prop_map(|v| SwapOp::Swap(v.into())),
        (any::<usize>(), any::<i8>()).prop_map(|(n, v)| SwapOp::CompareAndSwap(n, v.into())),
        any::<i8>().prop_map(|v| SwapOp::Rcu(v.into())),
    ]
}

/// What an operation returned: a value and, for compare-and-swap, whether it stored.
type Seen = (i64, bool);

/// Runs `ops` on `swap`; a macro because the two `ArcSwap`s share a shape
/// but no trait.
macro_rules! swap_trace {
    ($swap:expr, $ops:expr) => {{
        let swap = $swap;
        let mut loaded = vec![swap.load_full()];
        $ops.iter()
            .map(|op| match *op {
                SwapOp::Load => {
                    loaded.push(swap.load_full());
                    (**swap.load(), false)
                }
                SwapOp::Store(v) => {
                    swap.store(Arc::new(v));
                    (v, false)
                }
                SwapOp::Swap(v) => (*swap.swap(Arc::new(v)), false),
                SwapOp::CompareAndSwap(n, v) => {
                    let expected = &loaded[n % loaded.len()];
                    let found = swap.compare_and_swap(expected, Arc::new(v));
                    (**found, Arc::ptr_eq(&found, expected))
                }
                SwapOp::Rcu(delta) => (*swap.rcu(|x| **x + delta), false),
            })
            .collect::<Vec<Seen>>()
    }};
}

#[derive(Clone, Debug)]
enum ChanOp {
    Send(u8),
    TryRecv,
    /// Blocking receive, issued only when it cannot block forever.
    Recv,
    CloneSender,
    DropSender(usize),
    DropReceiver,
}

fn chan_op() -> impl Strategy<Value = ChanOp> {
    prop_oneof![
        3 => any::<u8>().prop_map(ChanOp::Send),
        2 => Just(ChanOp::TryRecv),
        2 => Just(ChanOp::Recv),
        1 => Just(ChanOp::CloneSender),
        1 => any::<usize>().prop_map(ChanOp::DropSender),
        1 => Just(ChanOp::DropReceiver),
    ]
}

/// The two channel implementations behind one interface, so one driver
/// runs the same sequence on both.
trait Channel {
    type Tx: Clone;
    type Rx;
    fn open(capacity: Option<usize>) -> (Self::Tx, Self::Rx);
    fn send(tx: &Self::Tx, v: u8) -> Result<(), u8>;
    fn try_recv(rx: &Self::Rx) -> Result<u8, &'static str>;
    fn recv(rx: &Self::Rx) -> Option<u8>;
}

struct Real;
struct Shim;

impl Channel for Real {
    type Tx = crossbeam_channel::Sender<u8>;
    type Rx = crossbeam_channel::Receiver<u8>;
    fn open(capacity: Option<usize>) -> (Self::Tx, Self::Rx) {
        capacity.map_or_else(crossbeam_channel::unbounded, crossbeam_channel::bounded)
    }
    fn send(tx: &Self::Tx, v: u8) -> Result<(), u8> {
        tx.send(v).map_err(|e| e.0)
    }
    fn try_recv(rx: &Self::Rx) -> Result<u8, &'static str> {
        rx.try_recv().map_err(|e| match e {
            crossbeam_channel::TryRecvError::Empty => "empty",
            crossbeam_channel::TryRecvError::Disconnected => "disconnected",
        })
    }
    fn recv(rx: &Self::Rx) -> Option<u8> {
        rx.recv().ok()
    }
}

impl Channel for Shim {
    type Tx = shim::channel::Sender<u8>;
    type Rx = shim::channel::Receiver<u8>;
    fn open(capacity: Option<usize>) -> (Self::Tx, Self::Rx) {
        capacity.map_or_else(shim::channel::unbounded, shim::channel::bounded)
    }
    fn send(tx: &Self::Tx, v: u8) -> Result<(), u8> {
        tx.send(v).map_err(|e| e.0)
    }
    fn try_recv(rx: &Self::Rx) -> Result<u8, &'static str> {
        rx.try_recv().map_err(|e| match e {
            shim::channel::TryRecvError::Empty => "empty",
            shim::channel::TryRecvError::Disconnected => "disconnected",
        })
    }
    fn recv(rx: &Self::Rx) -> Option<u8> {
        rx.recv().ok()
    }
}

/// Runs `ops` on one thread, skipping any that would block forever, and
/// returns what each observed.
fn drive<C: Channel>(capacity: Option<usize>, ops: &[ChanOp]) -> Vec<String> {
    let (tx, rx) = C::open(capacity);
    let mut senders = vec![tx];
    let mut receiver = Some(rx);
    let mut queued = 0usize;
    let mut seen = Vec::new();
    for op in ops {
        let outcome = match (op, &receiver) {
            (ChanOp::Send(v), _) if !senders.is_empty() => {
                let full = receiver.is_some() && capacity.is_some_and(|c| queued >= c);
                if full {
                    continue;
                }
                let sent = C::send(&senders[0], *v);
                queued += usize::from(sent.is_ok());
                format!("send {sent:?}")
            }
            (ChanOp::TryRecv, Some(rx)) => {
                let got = C::try_recv(rx);
                queued -= usize::from(got.is_ok());
                format!("try_recv {got:?}")
            }
            (ChanOp::Recv, Some(rx)) if queued > 0 || senders.is_empty() => {
                let got = C::recv(rx);
                queued -= usize::from(got.is_some());
                format!("recv {got:?}")
            }
            (ChanOp::CloneSender, _) if !senders.is_empty() => {
                senders.push(senders[0].clone());
                "clone".into()
            }
            (ChanOp::DropSender(n), _) if !senders.is_empty() => {
                senders.remove(n % senders.len());
                "drop sender".into()
            }
            (ChanOp::DropReceiver, Some(_)) => {
                receiver = None;
                "drop receiver".into()
            }
            _ => continue,
        };
        seen.push(outcome);
    }
    seen
}

fn backoff_trace(spins: &[bool]) -> (Vec<bool>, Vec<bool>) {
    let real = crossbeam_utils::Backoff::new();
    let shim = shim::backoff::Backoff::new();
    spins
        .iter()
        .map(|&spin| {
            if spin {
                real.spin();
                shim.spin();
            } else {
                real.snooze();
                shim.snooze();
            }
            (real.is_completed(), shim.is_completed())
        })
        .unzip()
}

proptest! {
    #[test]
    fn arc_swap_shim_matches_arc_swap(ops in prop::collection::vec(swap_op(), 0..60)) {
        prop_assert_eq!(
            swap_trace!(shim::arc_swap::ArcSwap::from_pointee(0i64), ops),
            swap_trace!(arc_swap::ArcSwap::from_pointee(0i64), ops)
        );
    }

    #[test]
    fn channel_shim_matches_crossbeam_channel(
        capacity in prop::option::of(1usize..4),
        ops in prop::collection::vec(chan_op(), 0..60),
    ) {
        prop_assert_eq!(drive::<Shim>(capacity, &ops), drive::<Real>(capacity, &ops));
    }

    #[test]
    fn backoff_shim_completes_when_crossbeams_does(spins in prop::collection::vec(any::<bool>(), 0..30)) {
        let (real, shim) = backoff_trace(&spins);
        prop_assert_eq!(shim, real);
    }
}

#[test]
fn parking_lot_shim_locks_like_parking_lot() {
    let real = parking_lot::Mutex::new(1);
    let shim = shim::parking_lot::Mutex::new(1);
    *real.lock() += 1;
    *shim.lock() += 1;
    assert_eq!(*shim.lock(), *real.lock());
    let real = parking_lot::RwLock::new(vec![1]);
    let shim = shim::parking_lot::RwLock::new(vec![1]);
    real.write().push(2);
    shim.write().push(2);
    assert_eq!(*shim.read(), *real.read());
}
