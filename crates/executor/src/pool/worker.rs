//! The worker loop: find a task (LIFO slot, local queue, injector, steal), run it, sleep
//! when there is none.

use std::cell::{Cell, RefCell};
use std::ptr;

use weave_core::loom::sync::atomic::{fence, Ordering::SeqCst};
use weave_core::loom::sync::Arc;
use weave_core::loom::thread;
use weave_core::task::RunOutcome;
use weave_core::{enter, Runnable};

use super::park::WorkerParker;
use super::queue::{Local, CAPACITY};
use super::Shared;
use crate::context::{self, Current};

/// Every this many ticks a worker serves the injector before its own queue, so tasks from
/// outside are not starved by a worker that keeps feeding itself.
const INJECT_INTERVAL: u32 = 61;
/// At most this many LIFO-slot tasks run back to back before the slot's task is queued
/// normally: two tasks waking each other must not starve the rest of the queue. The same
/// bound as the `LocalExecutor`'s hand-offs, for the same reason: a pair of tasks bouncing
/// messages stays on one core with its channel in cache. Measured on ping_pong (1,000 pairs,
/// four interleaved report runs each, 2026-12-07): weave_mt / tokio_mt was 0.93–1.16 with 3
/// (tokio's bound) and 0.81–0.89 with 15.
const MAX_LIFO_POLLS: u32 = 15;
/// How many turns a searcher takes (yielding its thread, or turning the driver every other
/// turn) and looks again before parking: about
/// 10-20 µs when the core is otherwise idle, the order of a wake-up's latency. One under
/// loom and miri, which only need the path explored (miri runs each turn far slower). The
/// price is CPU while nearly idle: ten tasks each sleeping 1 ms 200 times used 18-22 ms of
/// CPU against 10-14 ms without the search (tokio 12 ms); 8 yields cost almost nothing idle
/// and did as well on spawn_many_local, but lost the two-worker TCP echo gain (0.87-0.92x
/// tokio with 32, 0.96-1.01x with 8).
const SEARCH_YIELDS: u32 = if cfg!(any(loom, miri)) { 1 } else { 32 };

struct Core {
    local: Local,
    lifo: Option<Runnable>,
    /// The LIFO task was woken (not spawned) by the running task: it leaves the slot if
    /// that task finishes (`Place::NextIfWaiting`).
    lifo_if_waiting: bool,
    searching: bool,
    /// While parked, tasks woken on this thread (by the driver) go to the injector, where
    /// the other workers can see them.
    parked: bool,
    tick: u32,
    rand: u32,
}

struct WorkerContext {
    shared: Arc<Shared>,
    index: usize,
    core: RefCell<Core>,
}

weave_core::loom::thread_local! {
    static WORKER: Cell<*const WorkerContext> = const { Cell::new(ptr::null()) };
}

/// Where a task scheduled on a worker goes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// The LIFO slot: a task spawned by the running task runs next.
    Next,
    /// The LIFO slot, unless the running task then finishes: a task it woke and waits for
    /// runs next (ping-pong), but a parent woken by a finishing child queues behind the
    /// other children (a parent awaiting 100,000 children in order would otherwise run
    /// after each of them).
    NextIfWaiting,
    /// The back of the local queue (a task that woke itself: it yielded).
    Back,
}

/// Schedules `task` on `shared`'s pool: into this worker's queues when called on one of its
/// workers, into the injector otherwise.
pub(super) fn schedule(shared: &Arc<Shared>, task: Runnable, place: Place) {
    let task = WORKER.with(|worker| {
        // SAFETY: `WORKER` points at a live `WorkerContext` while its worker loop runs on
        // this thread, and is null otherwise.
        match unsafe { worker.get().as_ref() } {
            Some(cx) if ptr::eq(&*cx.shared, &**shared) => cx.schedule_local(task, place),
            _ => Some(task),
        }
    });
    if let Some(task) = task {
        shared.schedule_remote(task);
    }
}

impl WorkerContext {
    /// Returns the task back if it cannot be queued locally right now.
    fn schedule_local(&self, task: Runnable, place: Place) -> Option<Runnable> {
        let Ok(mut core) = self.core.try_borrow_mut() else {
            return Some(task);
        };
        if core.parked || self.shared.is_shutdown() {
            return Some(task);
        }
        let overflowed = if place == Place::Back {
            core.local.push_back(task, &*self.shared.inject);
            true
        } else {
            core.lifo_if_waiting = place == Place::NextIfWaiting;
            match core.lifo.replace(task) {
                Some(previous) => {
                    core.local.push_back(previous, &*self.shared.inject);
                    true
                }
                // The slot's task runs right after the current one: nobody to wake.
                None => false,
            }
        };
        drop(core);
        if overflowed {
            self.shared.notify_parked();
        }
        None
    }

    fn next_task(&self) -> Option<Runnable> {
        let mut core = self.core.borrow_mut();
        core.tick = core.tick.wrapping_add(1);
        if core.tick % INJECT_INTERVAL == 0 {
            if let Some(task) = self.shared.inject.pop() {
                return Some(task);
            }
        }
        if let Some(task) = core.lifo.take() {
            return Some(task);
        }
        if let Some(task) = core.local.pop() {
            return Some(task);
        }
        // Refill from the injector: a fair share, at most half our queue.
        let share = self.shared.inject.len() / self.shared.remotes.len() + 1;
        self.shared
            .inject
            .pop_into(&mut core.local, share.min(CAPACITY / 2))
    }

    fn steal_work(&self) -> Option<Runnable> {
        let mut core = self.core.borrow_mut();
        if !core.searching {
            if !self.shared.idle.try_start_searching() {
                return None;
            }
            core.searching = true;
        }
        let count = self.shared.remotes.len();
        // xorshift: a cheap, decorrelated starting victim per attempt.
        let mut x = core.rand;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        core.rand = x;
        let start = x as usize % count;
        for i in 0..count {
            let victim = (start + i) % count;
            if victim == self.index {
                continue;
            }
            if let Some(task) = self.shared.remotes[victim]
                .steal
                .steal_into(&mut core.local)
            {
                return Some(task);
            }
        }
        let share = self.shared.inject.len() / count + 1;
        self.shared
            .inject
            .pop_into(&mut core.local, share.min(CAPACITY / 2))
    }

    /// A searcher that found nothing gives the other workers a few scheduler turns to
    /// produce work before it parks. While it searches, producers skip waking a sleeper
    /// (idle.rs, rule 1), so a worker feeding a steady trickle of tasks makes no syscall
    /// at all; parking at once instead cost one park/unpark cycle (an eventfd write, an
    /// `epoll_wait` and two context switches) per ~50 tasks on spawn_many_local.
    fn search_before_parking(&self) -> Option<Runnable> {
        if !self.core.borrow().searching {
            return None;
        }
        for turn in 0..SEARCH_YIELDS {
            // Every other turn looks at the driver instead of yielding: a timer or socket
            // that became ready is then served by this idle worker, which runs the woken
            // tasks from its own queue, rather than waiting for a busy worker's next poll
            // (every `event_interval` tasks) or a park/unpark round trip. Both are one
            // syscall. The yields remain so that a producer sharing this core gets to run,
            // and a turn whose driver is taken (a worker sleeps in it) yields instead, so
            // the search lasts as long as before.
            let polled = turn % 2 == 0 && self.shared.driver.as_ref().is_some_and(|d| d.poll());
            if !polled {
                thread::yield_now();
            }
            if self.shared.is_shutdown() {
                return None;
            }
            if let Some(task) = self.next_task().or_else(|| self.steal_work()) {
                return Some(task);
            }
        }
        None
    }

    fn stop_searching(&self) {
        let mut core = self.core.borrow_mut();
        if core.searching {
            core.searching = false;
            drop(core);
            if self.shared.idle.stop_searching() {
                // We were the last searcher and found work: others may exist, keep looking.
                self.shared.notify_parked();
            }
        }
    }

    fn run_task(&self, task: Runnable) {
        let mut outcome = task.run();
        let mut streak = 0;
        loop {
            let mut core = self.core.borrow_mut();
            let Some(next) = core.lifo.take() else { break };
            let finished_waker = outcome == RunOutcome::Finished && core.lifo_if_waiting;
            if streak >= MAX_LIFO_POLLS || finished_waker {
                core.local.push_back(next, &*self.shared.inject);
                drop(core);
                self.shared.notify_parked();
                break;
            }
            drop(core);
            streak += 1;
            outcome = next.run();
        }
        let tick = self.core.borrow().tick;
        if tick % self.shared.event_interval == 0 {
            if let Some(driver) = &self.shared.driver {
                driver.poll();
            }
        }
    }

    fn park(&self, parker: &mut WorkerParker) {
        let searching = {
            let mut core = self.core.borrow_mut();
            core.parked = true;
            std::mem::replace(&mut core.searching, false)
        };
        if self.shared.idle.park(self.index, searching) && {
            // Pairs with the producers' fence in `Idle::worker_to_notify` (idle.rs, rule 3).
            fence(SeqCst);
            self.shared.has_work()
        } {
            // The last searcher re-checks before sleeping (see idle.rs, rule 3).
            self.shared.notify_parked();
        }
        loop {
            parker.park();
            if self.shared.is_shutdown() {
                break;
            }
            if !self.shared.idle.is_parked(self.index) {
                // Notified: the notifier counted us as searching.
                self.core.borrow_mut().searching = true;
                break;
            }
        }
        self.core.borrow_mut().parked = false;
    }
}

pub(super) fn run(shared: Arc<Shared>, index: usize, local: Local, mut parker: WorkerParker) {
    let _enter = enter::enter("a ThreadPool worker");
    let _current = context::set_current(Current::Pool(super::ThreadPoolHandle {
        shared: shared.clone(),
    }));
    let cx = WorkerContext {
        shared,
        index,
        core: RefCell::new(Core {
            local,
            lifo: None,
            lifo_if_waiting: false,
            searching: false,
            parked: false,
            tick: 0,
            rand: 0x9e37_79b9 ^ (index as u32).wrapping_mul(0x85eb_ca6b) | 1,
        }),
    };
    WORKER.with(|w| w.set(&cx));
    while !cx.shared.is_shutdown() {
        if let Some(task) = cx.next_task().or_else(|| cx.steal_work()) {
            cx.stop_searching();
            cx.run_task(task);
            continue;
        }
        if let Some(task) = cx.search_before_parking() {
            cx.stop_searching();
            cx.run_task(task);
            continue;
        }
        cx.park(&mut parker);
    }
    WORKER.with(|w| w.set(ptr::null()));
    // Drop what is left queued here with the worker context gone, so tasks woken by those
    // drops go through the injector (which shutdown drains).
    let Core { local, lifo, .. } = cx.core.into_inner();
    drop(lifo);
    drop(local);
}
