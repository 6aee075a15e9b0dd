//! crossbeam-channel's `bounded` and `unbounded` channels as a queue under
//! one lock with one condition variable: sending, receiving and hanging up
//! are each one step of the model, and a blocked end waits on the condvar
//! so the checker sees who it waits for.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, PoisonError};

use super::primitives::{Condvar, Mutex, MutexGuard};

/// A channel holding any number of messages.
pub fn unbounded<T>() -> (Sender<T>, Receiver<T>) {
    open(usize::MAX)
}

/// A channel holding at most `capacity` messages; a send waits for room.
/// Zero-capacity (rendezvous) channels are not modelled.
pub fn bounded<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(capacity > 0, "the channel shim has no rendezvous channels");
    open(capacity)
}

fn open<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let chan = Arc::new(Chan {
        queue: Mutex::new(Queue {
            messages: VecDeque::new(),
            capacity,
            senders: 1,
            receiver: true,
        }),
        changed: Condvar::new(),
    });
    (
        Sender {
            chan: Arc::clone(&chan),
        },
        Receiver { chan },
    )
}

struct Chan<T> {
    queue: Mutex<Queue<T>>,
    changed: Condvar,
}

struct Queue<T> {
    messages: VecDeque<T>,
    capacity: usize,
    senders: usize,
    receiver: bool,
}

impl<T> Chan<T> {
    fn lock(&self) -> MutexGuard<'_, Queue<T>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(&self, queue: MutexGuard<'a, Queue<T>>) -> MutexGuard<'a, Queue<T>> {
        self.changed
            .wait(queue)
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// The sending end; clones share the channel, which stays connected while
/// any of them exists.
pub struct Sender<T> {
    chan: Arc<Chan<T>>,
}

/// The receiving end; dropping it disconnects the senders.
pub struct Receiver<T> {
    chan: Arc<Chan<T>>,
}

impl<T> Sender<T> {
    /// Queues `message`, waiting for room; fails once the receiver is gone.
    pub fn send(&self, message: T) -> Result<(), SendError<T>> {
        let mut queue = self.chan.lock();
        loop {
            if !queue.receiver {
                return Err(SendError(message));
            }
            if queue.messages.len() < queue.capacity {
                queue.messages.push_back(message);
                self.chan.changed.notify_all();
                return Ok(());
            }
            queue = self.chan.wait(queue);
        }
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.chan.lock().senders += 1;
        Self {
            chan: Arc::clone(&self.chan),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.chan.lock().senders -= 1;
        self.chan.changed.notify_all();
    }
}

impl<T> Receiver<T> {
    /// The next message, waiting for one; fails once every sender is gone
    /// and the queue is empty.
    pub fn recv(&self) -> Result<T, RecvError> {
        let mut queue = self.chan.lock();
        loop {
            if let Some(message) = queue.messages.pop_front() {
                self.chan.changed.notify_all();
                return Ok(message);
            }
            if queue.senders == 0 {
                return Err(RecvError);
            }
            queue = self.chan.wait(queue);
        }
    }

    /// The next message if one is queued.
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        let mut queue = self.chan.lock();
        match queue.messages.pop_front() {
            Some(message) => {
                self.chan.changed.notify_all();
                Ok(message)
            }
            None if queue.senders == 0 => Err(TryRecvError::Disconnected),
            None => Err(TryRecvError::Empty),
        }
    }

    /// The messages queued now, without waiting.
    pub fn try_iter(&self) -> impl Iterator<Item = T> + '_ {
        std::iter::from_fn(|| self.try_recv().ok())
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.chan.lock().receiver = false;
        self.chan.changed.notify_all();
    }
}

/// The receiver is gone; the message comes back.
#[derive(PartialEq, Eq)]
pub struct SendError<T>(pub T);

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SendError(..)")
    }
}

/// Every sender is gone and nothing is queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecvError;

/// Why [`Receiver::try_recv`] returned no message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TryRecvError {
    /// Nothing is queued, but a sender remains.
    Empty,
    /// Nothing is queued and every sender is gone.
    Disconnected,
}
