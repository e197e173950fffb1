//! The task's state word: flag bits and a reference count in one `AtomicUsize`.
//!
//! | bit | flag | set means |
//! |---|---|---|
//! | 0 | `RUNNING` | a thread owns the future: it is polling it or dropping it |
//! | 1 | `COMPLETE` | the future is gone; the stage holds the output (or a `JoinError`) until the `JoinHandle` takes it |
//! | 2 | `NOTIFIED` | a `Runnable` for this task exists (queued, or about to be) |
//! | 3 | `CANCELLED` | abort or shutdown was requested; the next owner of the future drops it |
//! | 4 | `JOIN_INTEREST` | a `JoinHandle` is alive and will read the output |
//! | 5 | `JOIN_WAKER` | the join-waker slot is written and belongs to the task side |
//! | 6.. | reference count | one per `Runnable`, `Waker`, `JoinHandle`, `AbortHandle` and task-list entry |
//!
//! Every transition is one compare-exchange (or one read-modify-write) on this word, so a
//! thread that observes a state also owns the consequences it implies. docs/architecture.md
//! draws the transitions.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};

pub(crate) const RUNNING: usize = 1 << 0;
pub(crate) const COMPLETE: usize = 1 << 1;
pub(crate) const NOTIFIED: usize = 1 << 2;
pub(crate) const CANCELLED: usize = 1 << 3;
pub(crate) const JOIN_INTEREST: usize = 1 << 4;
pub(crate) const JOIN_WAKER: usize = 1 << 5;
pub(crate) const REF_ONE: usize = 1 << 6;
const REF_MASK: usize = !(REF_ONE - 1);

/// A snapshot of the state word.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Snapshot(pub(crate) usize);

impl Snapshot {
    pub(crate) fn has(self, flag: usize) -> bool {
        self.0 & flag != 0
    }

    pub(crate) fn is_idle(self) -> bool {
        self.0 & (RUNNING | COMPLETE) == 0
    }

    pub(crate) fn ref_count(self) -> usize {
        (self.0 & REF_MASK) / REF_ONE
    }
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("running", &self.has(RUNNING))
            .field("complete", &self.has(COMPLETE))
            .field("notified", &self.has(NOTIFIED))
            .field("cancelled", &self.has(CANCELLED))
            .field("join_interest", &self.has(JOIN_INTEREST))
            .field("join_waker", &self.has(JOIN_WAKER))
            .field("refs", &self.ref_count())
            .finish()
    }
}

/// What the runner must do after trying to start a poll.
pub(crate) enum StartRun {
    /// Poll the future.
    Poll,
    /// Abort was requested: drop the future and complete with a cancelled error.
    Cancel,
    /// Someone else owns the future or it is gone: just drop this `Runnable`'s reference.
    Skip,
}

/// What the runner must do after a poll returned `Pending`.
pub(crate) enum AfterPending {
    /// The task went idle; the runner's reference was released (`true`: it was the last).
    Idle { last_ref: bool },
    /// The task was woken during the poll: schedule the `Runnable` again (its reference moves on).
    Notified,
    /// Abort was requested during the poll: the runner still owns the future and drops it.
    Cancel,
}

/// What a wake asks the waker to do.
pub(crate) enum WakeAction {
    /// Nothing: the task is already queued, running or finished.
    Nothing,
    /// Submit a new `Runnable` (a reference was taken for it).
    Submit,
}

pub(crate) struct State(AtomicUsize);

impl State {
    /// A new task: queued once (its first `Runnable`), watched by its `JoinHandle`.
    pub(crate) fn new(refs: usize) -> State {
        State(AtomicUsize::new(
            NOTIFIED | JOIN_INTEREST | (refs * REF_ONE),
        ))
    }

    pub(crate) fn load(&self) -> Snapshot {
        Snapshot(self.0.load(Acquire))
    }

    fn update<R>(&self, mut f: impl FnMut(Snapshot) -> (Option<usize>, R)) -> R {
        let mut current = self.0.load(Acquire);
        loop {
            let (next, result) = f(Snapshot(current));
            let Some(next) = next else { return result };
            match self.0.compare_exchange_weak(current, next, AcqRel, Acquire) {
                Ok(_) => return result,
                Err(actual) => current = actual,
            }
        }
    }

    /// `Runnable::run`: take the future from the queue into the runner's hands.
    pub(crate) fn start_run(&self) -> StartRun {
        self.update(|s| {
            debug_assert!(
                s.has(NOTIFIED),
                "running a task that was not notified: {s:?}"
            );
            if !s.is_idle() {
                // Cancelled by a shutdown that already owns (or dropped) the future.
                return (None, StartRun::Skip);
            }
            let next = (s.0 & !NOTIFIED) | RUNNING;
            let action = if s.has(CANCELLED) {
                StartRun::Cancel
            } else {
                StartRun::Poll
            };
            (Some(next), action)
        })
    }

    /// The poll returned `Pending`: give the future back, or keep it for a reschedule or a cancel.
    pub(crate) fn after_pending(&self) -> AfterPending {
        self.update(|s| {
            debug_assert!(s.has(RUNNING));
            if s.has(CANCELLED) {
                // Keep RUNNING: we drop the future ourselves, on this thread.
                return (None, AfterPending::Cancel);
            }
            if s.has(NOTIFIED) {
                // Woken while we polled: we run it again later. The runner's reference
                // passes to the new `Runnable`, so the count does not move.
                return (Some(s.0 & !RUNNING), AfterPending::Notified);
            }
            debug_assert!(s.ref_count() > 0);
            let next = (s.0 & !RUNNING) - REF_ONE;
            (
                Some(next),
                AfterPending::Idle {
                    last_ref: Snapshot(next).ref_count() == 0,
                },
            )
        })
    }

    /// The future is gone and the stage holds the output. Returns the state before.
    pub(crate) fn complete(&self) -> Snapshot {
        let prev = Snapshot(self.0.fetch_xor(RUNNING | COMPLETE, AcqRel));
        debug_assert!(prev.has(RUNNING) && !prev.has(COMPLETE));
        prev
    }

    /// A waker fired (`by_value`: the waker's own reference is consumed).
    pub(crate) fn wake(&self, by_value: bool) -> (WakeAction, bool) {
        self.update(|s| {
            if s.has(COMPLETE) || s.has(NOTIFIED) {
                // Finished, or a `Runnable` already exists: it will see our wake.
                return drop_waker_ref(s, by_value, WakeAction::Nothing);
            }
            if s.has(RUNNING) {
                // The runner reschedules it when the poll returns.
                let next = s.0 | NOTIFIED;
                let next = if by_value { next - REF_ONE } else { next };
                // The runner holds a reference, so ours was not the last.
                return (Some(next), (WakeAction::Nothing, false));
            }
            // Idle: queue it. The new `Runnable` takes the waker's reference (by value) or a new one.
            let next = s.0 | NOTIFIED;
            let next = if by_value { next } else { next + REF_ONE };
            (Some(next), (WakeAction::Submit, false))
        })
    }

    /// Abort: mark cancelled; if idle, queue it so its executor drops the future on its own thread.
    pub(crate) fn abort(&self) -> WakeAction {
        self.update(|s| {
            if s.has(COMPLETE) || s.has(CANCELLED) {
                return (None, WakeAction::Nothing);
            }
            if s.has(RUNNING) || s.has(NOTIFIED) {
                // The runner, or the queued `Runnable`, sees CANCELLED and drops the future.
                return (Some(s.0 | CANCELLED | NOTIFIED), WakeAction::Nothing);
            }
            // Idle: queue a `Runnable` (with a reference of its own) to do the drop.
            (
                Some((s.0 | CANCELLED | NOTIFIED) + REF_ONE),
                WakeAction::Submit,
            )
        })
    }

    /// Shutdown (or a dropped `Runnable`): mark cancelled and, if idle, take the future to drop it here.
    /// Returns true when the caller now owns the future.
    pub(crate) fn shutdown(&self) -> bool {
        self.update(|s| {
            let mut next = s.0 | CANCELLED;
            let take = s.is_idle();
            if take {
                next |= RUNNING;
            }
            (Some(next), take)
        })
    }

    /// Takes one more reference (a waker clone).
    pub(crate) fn ref_inc(&self) {
        let prev = self.0.fetch_add(REF_ONE, Relaxed);
        // A count this large means a leak of billions of wakers; stop before it wraps.
        if prev > isize::MAX as usize {
            std::process::abort();
        }
    }

    /// Drops one reference; true if it was the last.
    pub(crate) fn ref_dec(&self) -> bool {
        let prev = Snapshot(self.0.fetch_sub(REF_ONE, AcqRel));
        debug_assert!(prev.ref_count() >= 1);
        prev.ref_count() == 1
    }

    /// `JoinHandle` poll: publish a freshly written join waker. Fails once the task completed.
    pub(crate) fn set_join_waker(&self) -> Result<(), Snapshot> {
        self.update(|s| {
            debug_assert!(s.has(JOIN_INTEREST) && !s.has(JOIN_WAKER));
            if s.has(COMPLETE) {
                return (None, Err(s));
            }
            (Some(s.0 | JOIN_WAKER), Ok(()))
        })
    }

    /// `JoinHandle` poll: take the join-waker slot back to replace its waker. Fails once complete.
    pub(crate) fn unset_join_waker(&self) -> Result<(), Snapshot> {
        self.update(|s| {
            // Completion first: the task side clears JOIN_WAKER once it has woken the waker
            // (`unset_join_waker_after_complete`), so after COMPLETE the flag may be gone.
            if s.has(COMPLETE) {
                return (None, Err(s));
            }
            debug_assert!(s.has(JOIN_INTEREST) && s.has(JOIN_WAKER));
            (Some(s.0 & !JOIN_WAKER), Ok(()))
        })
    }

    /// The completer is done with the join waker. Returns the state before.
    pub(crate) fn unset_join_waker_after_complete(&self) -> Snapshot {
        Snapshot(self.0.fetch_and(!JOIN_WAKER, AcqRel))
    }

    /// `JoinHandle` drop. Before completion the handle also takes back the waker slot;
    /// after it, the handle owns the output. Returns the state before.
    pub(crate) fn drop_join_interest(&self) -> Snapshot {
        self.update(|s| {
            debug_assert!(s.has(JOIN_INTEREST));
            let next = if s.has(COMPLETE) {
                s.0 & !JOIN_INTEREST
            } else {
                s.0 & !(JOIN_INTEREST | JOIN_WAKER)
            };
            (Some(next), s)
        })
    }
}

fn drop_waker_ref(
    s: Snapshot,
    by_value: bool,
    action: WakeAction,
) -> (Option<usize>, (WakeAction, bool)) {
    if by_value {
        let next = s.0 - REF_ONE;
        (Some(next), (action, Snapshot(next).ref_count() == 0))
    } else {
        (None, (action, false))
    }
}
