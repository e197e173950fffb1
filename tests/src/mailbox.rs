//! `mailbox`: the smallest channel that can be awaited, made of a `Mutex` and a `Waker`.
//!
//! It uses no Weave primitive on purpose: when a test built on it hangs, the lost wakeup
//! is the executor's, not the channel's.

use std::future::poll_fn;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

struct Slot<T> {
    value: Option<T>,
    waker: Option<Waker>,
    closed: bool,
}

/// Creates a one-slot channel. The receiver gets `None` once the sender is dropped, so a
/// sender moved into a future wakes its receiver when that future is destroyed.
///
/// ```
/// let (tx, mut rx) = weave_tests::mailbox();
/// tx.send(1);
/// assert_eq!(futures::executor::block_on(rx.recv()), Some(1));
/// drop(tx);
/// assert_eq!(futures::executor::block_on(rx.recv()), None);
/// ```
pub fn mailbox<T>() -> (Sender<T>, Receiver<T>) {
    let slot = Arc::new(Mutex::new(Slot {
        value: None,
        waker: None,
        closed: false,
    }));
    (Sender { slot: slot.clone() }, Receiver { slot })
}

/// The sending half of a [`mailbox`].
pub struct Sender<T> {
    slot: Arc<Mutex<Slot<T>>>,
}

/// The receiving half of a [`mailbox`].
pub struct Receiver<T> {
    slot: Arc<Mutex<Slot<T>>>,
}

impl<T> Sender<T> {
    /// Puts `value` in the slot and wakes the receiver.
    ///
    /// Panics if the previous value was not received yet: the tests using it take turns.
    #[track_caller]
    pub fn send(&self, value: T) {
        let waker = {
            let mut slot = self.slot.lock().unwrap();
            assert!(
                slot.value.is_none(),
                "mailbox already full: the receiver missed a value"
            );
            slot.value = Some(value);
            slot.waker.take()
        };
        // Wake outside the lock: the receiver may run on this very thread.
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waker = {
            // A poisoned lock only means another test thread panicked; still close.
            let mut slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
            slot.closed = true;
            slot.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Receiver<T> {
    /// Waits for the next value; `None` once the slot is empty and the sender is gone.
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// The poll behind [`recv`](Receiver::recv): registers `cx`'s waker when empty.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut slot = self.slot.lock().unwrap();
        if let Some(value) = slot.value.take() {
            return Poll::Ready(Some(value));
        }
        if slot.closed {
            return Poll::Ready(None);
        }
        match &mut slot.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            waker => *waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl<T> std::fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<T> std::fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}
