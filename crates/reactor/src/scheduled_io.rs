//! `ScheduledIo`: the shared state of one registration, between the driver (which reports
//! events) and the tasks using the source (which wait and clear).
//!
//! The readiness word ([`crate::ready`]) is one atomic. Wakers sit in one slot per direction
//! behind a mutex: a reader and a writer task (the two halves of a split socket) never
//! evict each other; two tasks waiting in the same direction do, the later one wins (as in
//! tokio's `poll_read_ready`). The no-lost-wakeup argument:
//!
//! - the driver updates the word (an RMW), then takes the lock to take the wakers;
//! - a task that found no readiness takes the lock, stores its waker, and re-reads the word
//!   while holding the lock.
//!
//! If the driver's lock comes after the task's, it finds the waker. If it comes before, the
//! word update happened before the task's re-read, which therefore sees the readiness.

use std::io;
use std::task::{Context, Poll, Waker};

use weave_core::loom::sync::atomic::{AtomicUsize, Ordering::AcqRel, Ordering::Acquire};
use weave_core::loom::sync::Mutex;

use crate::ready::{self, Direction, Ready, ReadyEvent, SHUTDOWN};

#[derive(Default)]
struct Waiters {
    reader: Option<Waker>,
    writer: Option<Waker>,
}

/// One registration's readiness and waiters.
pub(crate) struct ScheduledIo {
    readiness: AtomicUsize,
    waiters: Mutex<Waiters>,
}

impl Default for ScheduledIo {
    fn default() -> Self {
        ScheduledIo {
            readiness: AtomicUsize::new(0),
            waiters: Mutex::new(Waiters::default()),
        }
    }
}

/// The error a wait gives once the reactor is gone.
pub(crate) fn reactor_gone() -> io::Error {
    io::Error::other("the Weave reactor driving this I/O source has shut down")
}

impl ScheduledIo {
    /// Records an OS event and moves the wakers it concerns into `wake` (the caller wakes
    /// them after releasing its locks).
    pub(crate) fn set_readiness(&self, event: Ready, wake: &mut Vec<Waker>) {
        let mut current = self.readiness.load(Acquire);
        loop {
            let next = ready::with_event(current, event);
            // AcqRel: a task that later reads this word must also see what preceded the
            // event (nothing of ours, but the waker protocol below relies on this RMW).
            match self
                .readiness
                .compare_exchange_weak(current, next, AcqRel, Acquire)
            {
                Ok(_) => break,
                Err(actual) => current = actual,
            }
        }
        let mut waiters = self.waiters.lock().unwrap();
        if event.intersects(Direction::Read.mask()) {
            wake.extend(waiters.reader.take());
        }
        if event.intersects(Direction::Write.mask()) {
            wake.extend(waiters.writer.take());
        }
    }

    /// Marks the reactor gone and hands out every waker: waits fail from now on.
    pub(crate) fn shutdown(&self, wake: &mut Vec<Waker>) {
        self.readiness.fetch_or(SHUTDOWN, AcqRel);
        let mut waiters = self.waiters.lock().unwrap();
        wake.extend(waiters.reader.take());
        wake.extend(waiters.writer.take());
    }

    /// The readiness in `direction` if there is any, else `None`; an error if shut down.
    fn check(&self, direction: Direction) -> Option<io::Result<ReadyEvent>> {
        let word = self.readiness.load(Acquire);
        if word & SHUTDOWN != 0 {
            return Some(Err(reactor_gone()));
        }
        let ready = ready::ready(word) & direction.mask();
        if ready.is_empty() {
            return None;
        }
        Some(Ok(ReadyEvent {
            tick: ready::tick(word),
            ready,
        }))
    }

    /// Ready if the source is ready in `direction`; otherwise stores the task's waker in that
    /// direction's slot and returns `Pending`.
    pub(crate) fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<io::Result<ReadyEvent>> {
        if let Some(result) = self.check(direction) {
            return Poll::Ready(result);
        }
        let mut waiters = self.waiters.lock().unwrap();
        let slot = match direction {
            Direction::Read => &mut waiters.reader,
            Direction::Write => &mut waiters.writer,
        };
        match slot {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            _ => *slot = Some(cx.waker().clone()),
        }
        // Re-read under the lock: see the module docs.
        match self.check(direction) {
            Some(result) => Poll::Ready(result),
            None => Poll::Pending,
        }
    }

    /// After `WouldBlock`: forget the readiness the task acted on, unless a newer event came.
    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        let mut current = self.readiness.load(Acquire);
        while let Some(next) = ready::cleared(current, event) {
            match self
                .readiness
                .compare_exchange_weak(current, next, AcqRel, Acquire)
            {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
        // The tick moved: a newer edge arrived after the task's snapshot; keep it.
    }

    /// The readiness flags now (for tests and `Debug`).
    #[cfg(loom)]
    pub(crate) fn ready_now(&self) -> Ready {
        ready::ready(self.readiness.load(Acquire))
    }
}

impl std::fmt::Debug for ScheduledIo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let word = self.readiness.load(Acquire);
        f.debug_struct("ScheduledIo")
            .field("ready", &ready::ready(word))
            .field("tick", &ready::tick(word))
            .field("shutdown", &(word & SHUTDOWN != 0))
            .finish()
    }
}
