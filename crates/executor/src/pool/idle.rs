//! Which workers sleep, and how many search for work: wakes only as many workers as can
//! find something to do, without ever leaving a task stranded.
//!
//! `state` packs two counters: workers *unparked* (awake) and, among them, workers
//! *searching* (awake with an empty queue, looking to steal). The rules:
//!
//! 1. A new task wakes a sleeper only if nobody is searching: a searcher will find it.
//! 2. At most half the workers search at once (throttling: more thieves only collide).
//! 3. The last searcher to stop searching, when it goes to sleep, checks every queue once
//!    more and wakes a worker if it finds work.
//!
//! Rule 3 closes the race where a task arrives just as the last searcher gives up. It is
//! the store-buffer (Dekker) pattern: the producer writes a queue then reads `state`; the
//! parking worker writes `state` then reads the queues. A `SeqCst` fence between the write
//! and the read on both sides guarantees that at least one of them sees the other's write:
//! either the producer sees the searcher gone (and wakes a sleeper), or the searcher's
//! re-check finds the task. Fences keep the producer's fast path a local instruction (an
//! earlier version read `state` with an RMW, which bounced its cache line between workers on
//! every spawn), and loom models `SeqCst` fences exactly (not `SeqCst` accesses). The idea comes
//! from tokio's scheduler and Go's runtime (`spinning` M's).

use weave_core::loom::sync::atomic::{fence, AtomicUsize, Ordering::*};
use weave_core::loom::sync::Mutex;

const SEARCHING_MASK: usize = 0xffff;
const UNPARKED_ONE: usize = 1 << 16;

pub(crate) struct Idle {
    state: AtomicUsize,
    sleepers: Mutex<Vec<usize>>,
    workers: usize,
}

impl Idle {
    pub(crate) fn new(workers: usize) -> Idle {
        assert!(workers < SEARCHING_MASK, "too many workers");
        Idle {
            state: AtomicUsize::new(workers * UNPARKED_ONE),
            sleepers: Mutex::new(Vec::with_capacity(workers)),
            workers,
        }
    }

    fn counts(state: usize) -> (usize, usize) {
        (state & SEARCHING_MASK, state / UNPARKED_ONE)
    }

    /// A worker to wake for new work, if one should be woken (rule 1). The chosen worker is
    /// counted as unparked and searching before it even wakes.
    pub(crate) fn worker_to_notify(&self) -> Option<usize> {
        // The fence pairs with the one in `park` (see the module docs).
        fence(SeqCst);
        if !self.should_notify(self.state.load(Relaxed)) {
            return None;
        }
        let mut sleepers = self.sleepers.lock().unwrap();
        // Re-check under the lock (which orders us after every `park`): another notifier
        // may have beaten us to it.
        if !self.should_notify(self.state.load(Acquire)) {
            return None;
        }
        let worker = sleepers.pop()?;
        self.state.fetch_add(UNPARKED_ONE | 1, AcqRel);
        Some(worker)
    }

    fn should_notify(&self, state: usize) -> bool {
        let (searching, unparked) = Self::counts(state);
        searching == 0 && unparked < self.workers
    }

    /// Tries to start searching (rule 2).
    pub(crate) fn try_start_searching(&self) -> bool {
        let (searching, unparked) = Self::counts(self.state.load(Acquire));
        if 2 * searching >= unparked.max(1) {
            return false;
        }
        self.state.fetch_add(1, AcqRel);
        true
    }

    /// Stops searching (found work). True if this was the last searcher, which must then
    /// wake another worker so the remaining work keeps being looked for.
    pub(crate) fn stop_searching(&self) -> bool {
        let prev = self.state.fetch_sub(1, AcqRel);
        Self::counts(prev).0 == 1
    }

    /// Records `worker` as asleep. True if it was the last searcher: it must then issue a
    /// `SeqCst` fence and re-check the queues (rule 3).
    pub(crate) fn park(&self, worker: usize, searching: bool) -> bool {
        let mut sleepers = self.sleepers.lock().unwrap();
        let dec = UNPARKED_ONE + usize::from(searching);
        let prev = self.state.fetch_sub(dec, AcqRel);
        sleepers.push(worker);
        searching && Self::counts(prev).0 == 1
    }

    /// True if `worker` still sleeps (a wake-up without a notification).
    pub(crate) fn is_parked(&self, worker: usize) -> bool {
        self.sleepers.lock().unwrap().contains(&worker)
    }
}
