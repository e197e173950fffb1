//! A waker slot that the owner of a timer and the driver firing it may touch at once.
//!
//! This is the algorithm of `futures::task::AtomicWaker` (itself from tokio), rebuilt on
//! `weave_core::loom` so the timer's loom models check it too. The owner `register`s its
//! task's waker on every poll; the driver `take`s it when the timer fires. A three-state
//! word decides who may touch the cell: the registering side holds `REGISTERING`, the
//! firing side sets `WAKING`; a register that finds `WAKING` wakes its own waker instead.

use std::task::Waker;

use weave_core::loom::cell::UnsafeCell;
use weave_core::loom::sync::atomic::{AtomicUsize, Ordering::AcqRel, Ordering::Acquire};

/// Nobody touches the cell.
const WAITING: usize = 0;
/// The owner is writing the cell.
const REGISTERING: usize = 0b01;
/// The driver is taking the cell (or asked the registering owner to wake).
const WAKING: usize = 0b10;

pub(crate) struct AtomicWaker {
    state: AtomicUsize,
    waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: the cell is only accessed by the side that won the state word (REGISTERING or
// WAKING alone), so it is never touched from two threads at once; `Waker` is `Send + Sync`.
unsafe impl Send for AtomicWaker {}
// SAFETY: as above.
unsafe impl Sync for AtomicWaker {}

impl AtomicWaker {
    pub(crate) fn new() -> AtomicWaker {
        AtomicWaker {
            state: AtomicUsize::new(WAITING),
            waker: UnsafeCell::new(None),
        }
    }

    /// Stores `waker` (unless the stored one already wakes the same task).
    pub(crate) fn register(&self, waker: &Waker) {
        match self
            .state
            .compare_exchange(WAITING, REGISTERING, Acquire, Acquire)
        {
            Ok(_) => {
                // SAFETY: holding REGISTERING (and not WAKING) gives this thread the cell.
                self.waker.with_mut(|cell| unsafe {
                    match &mut *cell {
                        Some(old) if old.will_wake(waker) => {}
                        slot => *slot = Some(waker.clone()),
                    }
                });
                match self
                    .state
                    .compare_exchange(REGISTERING, WAITING, AcqRel, Acquire)
                {
                    Ok(_) => {}
                    Err(_) => {
                        // A `take` came while we wrote (state is REGISTERING | WAKING): it
                        // left the cell to us, so the wake-up is ours to deliver.
                        // SAFETY: the state still holds REGISTERING, the cell is ours.
                        let woken = self.waker.with_mut(|cell| unsafe { (*cell).take() });
                        self.state.swap(WAITING, AcqRel);
                        if let Some(waker) = woken {
                            waker.wake();
                        }
                    }
                }
            }
            Err(WAKING) => {
                // The driver is taking the old waker right now: make sure this poll's task
                // runs again so it sees the timer fired.
                waker.wake_by_ref();
            }
            Err(_) => {
                // REGISTERING: only the timer's owner registers and it holds `&mut`, so this
                // means a concurrent register, which cannot happen; nothing to do.
            }
        }
    }

    /// Takes the stored waker, for the driver to wake outside its lock.
    pub(crate) fn take(&self) -> Option<Waker> {
        match self.state.fetch_or(WAKING, AcqRel) {
            WAITING => {
                // SAFETY: we moved the state from WAITING to WAKING, so the cell is ours.
                let waker = self.waker.with_mut(|cell| unsafe { (*cell).take() });
                self.state.fetch_and(!WAKING, AcqRel);
                waker
            }
            // A register is in progress (it will see WAKING and wake itself) or another
            // take is running.
            _ => None,
        }
    }
}

impl Drop for AtomicWaker {
    fn drop(&mut self) {
        // Freeing the slot is a write to it. Saying so lets loom report a timer freed while
        // the driver still takes its waker (a use after free in a real build) as a data
        // race; in a normal build this compiles to nothing.
        self.waker.with_mut(|_| {});
    }
}
