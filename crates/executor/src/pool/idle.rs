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
//!
//! Work a running worker queues on itself (a spawn, a wake, a yield) needs no rule 3: that
//! worker runs it anyway before it parks, so a missed wake only delays help. Those pushes
//! read `state` without the fence (`worker_to_notify_for_local`).

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
        self.pop_sleeper()
    }

    /// [`worker_to_notify`](Idle::worker_to_notify) for work a running worker queued on
    /// itself, without the fence. That work cannot be stranded: its worker pops its own
    /// queues (and the injector its overflow went to) before it ever parks. So rule 3 is not
    /// needed, and a stale `state` (a sleeper missed just as it parks) costs parallelism for
    /// a moment, never a task. Dropping the fence is what makes a yield or a spawn on a worker
    /// cheap: a `SeqCst` fence is a full pipeline drain on x86, once per task.
    pub(crate) fn worker_to_notify_for_local(&self) -> Option<usize> {
        if !self.should_notify(self.state.load(Relaxed)) {
            return None;
        }
        self.pop_sleeper()
    }

    fn pop_sleeper(&self) -> Option<usize> {
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

#[cfg(all(test, loom))]
mod loom_tests {
    use weave_core::loom::sync::atomic::{AtomicBool, Ordering::SeqCst};
    use weave_core::loom::sync::Arc;
    use weave_core::loom::thread;

    use super::*;

    /// Worker 0 queues a task on itself and notifies without the fence while worker 1, the
    /// last searcher, parks and re-checks. Whatever interleaving: the counters stay
    /// consistent with the sleeper list, and worker 1 is woken at most once.
    #[test]
    fn loom_local_notify_racing_the_last_searcher_parking() {
        loom::model(|| {
            let idle = Arc::new(Idle::new(2));
            let queued = Arc::new(AtomicBool::new(false));
            assert!(idle.try_start_searching());
            let searcher = {
                let (idle, queued) = (idle.clone(), queued.clone());
                thread::spawn(move || {
                    if idle.park(1, true) && {
                        fence(SeqCst);
                        queued.load(Relaxed)
                    } {
                        idle.worker_to_notify()
                    } else {
                        None
                    }
                })
            };
            queued.store(true, Relaxed);
            let by_producer = idle.worker_to_notify_for_local();
            let by_searcher = searcher.join().unwrap();
            assert!(
                by_producer.is_none() || by_searcher.is_none(),
                "woken twice"
            );
            let woken = by_producer.or(by_searcher);
            let (searching, unparked) = Idle::counts(idle.state.load(SeqCst));
            let sleepers = idle.sleepers.lock().unwrap().clone();
            assert_eq!(unparked + sleepers.len(), 2);
            match woken {
                Some(worker) => {
                    assert_eq!(worker, 1);
                    assert_eq!((searching, unparked), (1, 2));
                }
                None => {
                    assert_eq!(sleepers, [1]);
                    assert_eq!((searching, unparked), (0, 1));
                }
            }
        });
    }
}
