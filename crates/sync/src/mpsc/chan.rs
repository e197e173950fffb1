//! The state both channel flavours share, and the receiving half's logic.
//!
//! # Design
//!
//! Messages go into a `VecDeque` behind a spin lock. Senders hold the lock for one `push_back`;
//! the receiver does not pop one message per lock: when its private buffer runs dry it
//! *swaps* the shared deque with its empty one, taking every queued message in one short
//! critical section (and handing the senders an already-allocated buffer). Under load the
//! receiver touches the lock once per batch, so senders rarely contend with it.
//!
//! Capacity (bounded flavour) is a [`Semaphore`]: a sender takes a permit before pushing and
//! the receiver gives it back when it hands the message to the user, so a message in the
//! receiver's private buffer still counts against the bound. Waiting senders queue on the
//! semaphore, which serves them in order (with its bounded barging) and makes the
//! `send`/`reserve` cancellation exact.

use std::collections::VecDeque;
use std::task::{ready, Context, Poll, Waker};

use weave_core::budget;
use weave_core::loom::sync::atomic::{AtomicUsize, Ordering};

use crate::semaphore::Semaphore;
use crate::spin_lock::SpinLock;
use crate::util::keep_spent;

use super::error::TryRecvError;

pub(super) struct Chan<T> {
    /// A spin lock: held for a `push_back` or a swap (see `spin_lock`'s docs).
    state: SpinLock<State<T>>,
    /// Capacity permits; `None` for the unbounded flavour.
    pub(super) bound: Option<Semaphore>,
    senders: AtomicUsize,
}

struct State<T> {
    queue: VecDeque<T>,
    rx_waker: Option<Waker>,
    /// `close` was called or the receiver dropped: new sends fail.
    rx_closed: bool,
    /// The receiver dropped: even sends on permits taken earlier fail.
    rx_dropped: bool,
    /// The last sender dropped.
    senders_gone: bool,
}

impl<T> Chan<T> {
    pub(super) fn new(bound: Option<usize>) -> Self {
        Self {
            state: SpinLock::new(State {
                queue: VecDeque::new(),
                rx_waker: None,
                rx_closed: false,
                rx_dropped: false,
                senders_gone: false,
            }),
            bound: bound.map(Semaphore::new),
            senders: AtomicUsize::new(1),
        }
    }

    /// Queues `value`; gives it back if the receiver is closed. `reserved`: capacity was
    /// taken before any `close` (bounded flavour), so only a dropped receiver refuses it.
    pub(super) fn push(&self, value: T, reserved: bool) -> Result<(), T> {
        let waker = {
            let mut state = self.state.lock();
            if state.rx_dropped || (state.rx_closed && !reserved) {
                return Err(value);
            }
            state.queue.push_back(value);
            state.rx_waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// Returns one unit of capacity (after a reserved slot went unused or a message left).
    pub(super) fn release_capacity(&self) {
        if let Some(sem) = &self.bound {
            sem.release(1);
        }
    }

    pub(super) fn add_sender(&self) {
        self.senders.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn drop_sender(&self) {
        // AcqRel: the last sender's decrement sees every other sender's pushes (they are
        // under the lock anyway; this keeps the count itself exact).
        if self.senders.fetch_sub(1, Ordering::AcqRel) != 1 {
            return;
        }
        let waker = {
            let mut state = self.state.lock();
            state.senders_gone = true;
            state.rx_waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    pub(super) fn is_closed(&self) -> bool {
        self.state.lock().rx_closed
    }

    /// Messages queued and not yet taken by the receiver's buffer.
    fn shared_len(&self) -> usize {
        self.state.lock().queue.len()
    }
}

/// The receiving half's logic: the private buffer and the swap.
pub(super) struct RxCore<T> {
    pub(super) chan: weave_core::loom::sync::Arc<Chan<T>>,
    buf: VecDeque<T>,
    /// Slots of messages already handed out but not yet given back to the senders.
    unreleased: usize,
    /// Give slots back once this many accumulate (and always before waiting).
    release_batch: usize,
}

impl<T> RxCore<T> {
    pub(super) fn new(chan: weave_core::loom::sync::Arc<Chan<T>>, capacity: usize) -> Self {
        Self {
            chan,
            buf: VecDeque::new(),
            unreleased: 0,
            // Returning slots one at a time wakes a blocked sender per message; in batches
            // of 1/16 of the capacity a full channel wakes it ~16 times per round instead.
            release_batch: (capacity / 16).max(1),
        }
    }

    fn release(&mut self, n: usize) {
        if let Some(sem) = &self.chan.bound {
            self.unreleased += n;
            if self.unreleased >= self.release_batch {
                sem.release(std::mem::take(&mut self.unreleased));
            }
        }
    }

    /// Gives every held-back slot back (before the receiver looks for more or waits).
    fn flush(&mut self) {
        if self.unreleased > 0 {
            if let Some(sem) = &self.chan.bound {
                sem.release(std::mem::take(&mut self.unreleased));
            }
        }
    }

    fn take_local(&mut self) -> Option<T> {
        let value = self.buf.pop_front()?;
        self.release(1);
        Some(value)
    }

    /// Refills the private buffer from the shared queue. `Err(true)`: nothing there and
    /// nothing can come; `Err(false)`: nothing there yet (waker stored if `cx` given).
    #[inline(never)]
    fn refill(&mut self, cx: Option<&mut Context<'_>>) -> Result<(), bool> {
        self.flush();
        let mut state = self.chan.state.lock();
        if !state.queue.is_empty() {
            std::mem::swap(&mut self.buf, &mut state.queue);
            return Ok(());
        }
        if state.rx_closed || state.senders_gone {
            return Err(true);
        }
        if let Some(cx) = cx {
            match &state.rx_waker {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => state.rx_waker = Some(cx.waker().clone()),
            }
        }
        Err(false)
    }

    /// Inlined into the caller: with messages in the private buffer a receive is a budget
    /// unit and a `pop_front`; the shared queue is only touched by the out-of-line refill.
    #[inline]
    pub(super) fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let coop = ready!(budget::poll_proceed(cx));
        if self.buf.is_empty() {
            match self.refill(Some(cx)) {
                Ok(()) => {}
                Err(true) => return Poll::Ready(None),
                Err(false) => return Poll::Pending,
            }
        }
        keep_spent(coop);
        Poll::Ready(self.take_local())
    }

    pub(super) fn try_recv(&mut self) -> Result<T, TryRecvError> {
        if self.buf.is_empty() {
            match self.refill(None) {
                Ok(()) => {}
                Err(true) => return Err(TryRecvError::Disconnected),
                Err(false) => return Err(TryRecvError::Empty),
            }
        }
        Ok(self.take_local().expect("buffer refilled"))
    }

    pub(super) fn poll_recv_many(
        &mut self,
        cx: &mut Context<'_>,
        out: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        if limit == 0 {
            return Poll::Ready(0);
        }
        let coop = ready!(budget::poll_proceed(cx));
        if self.buf.is_empty() {
            match self.refill(Some(cx)) {
                Ok(()) => {}
                Err(true) => return Poll::Ready(0),
                Err(false) => return Poll::Pending,
            }
        }
        let n = limit.min(self.buf.len());
        out.extend(self.buf.drain(..n));
        self.release(n);
        coop.made_progress();
        Poll::Ready(n)
    }

    /// Closes the receiving side: sends fail from now on, waiting senders wake with an
    /// error, queued messages can still be received.
    pub(super) fn close(&mut self) {
        self.chan.state.lock().rx_closed = true;
        if let Some(sem) = &self.chan.bound {
            sem.close();
        }
    }

    pub(super) fn len(&self) -> usize {
        self.buf.len() + self.chan.shared_len()
    }
}

impl<T> Drop for RxCore<T> {
    fn drop(&mut self) {
        self.close();
        // Drop queued messages now (outside the lock: their destructors are user code), so a
        // sender's value is dropped exactly once: either `push` returned it or it is here.
        let queued = {
            let mut state = self.chan.state.lock();
            state.rx_dropped = true;
            std::mem::take(&mut state.queue)
        };
        drop(queued);
    }
}

// The receiver never pins its messages (they are only moved in and out of the buffer).
impl<T> Unpin for RxCore<T> {}
