//! loom models of the pool's concurrent parts. Run with `cargo xtask loom -p weave-executor`.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use weave_core::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use weave_core::loom::sync::{Arc, Mutex};
use weave_core::loom::thread;
use weave_core::task::{self, Id, Runnable};

use super::queue::{self, CAPACITY};
use super::test_sink::Sink;
use super::ThreadPool;

fn new_task() -> Runnable {
    let (runnable, _handle) = task::spawn(async {}, |_: Runnable| {});
    runnable
}

#[test]
fn loom_local_queue_push_pop_steal_loses_and_duplicates_nothing() {
    loom::model(|| {
        let (mut local, steal) = queue::new();
        let sink = Sink::default();
        let thief = thread::spawn(move || {
            let (mut mine, _) = queue::new();
            let mut ids = Vec::new();
            if let Some(task) = steal.steal_into(&mut mine) {
                ids.push(task.id());
                while let Some(task) = mine.pop() {
                    ids.push(task.id());
                }
            }
            ids
        });

        let mut pushed = Vec::new();
        let mut seen: Vec<Id> = Vec::new();
        // Fill past capacity (overflow path), popping one in between.
        for i in 0..CAPACITY + 1 {
            let task = new_task();
            pushed.push(task.id());
            local.push_back(task, &sink);
            if i == 1 {
                seen.extend(local.pop().map(|t| t.id()));
            }
        }
        while let Some(task) = local.pop() {
            seen.push(task.id());
        }
        seen.extend(thief.join().unwrap());
        seen.extend(sink.ids());

        let unique: HashSet<Id> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "a task was handed out twice");
        assert_eq!(unique, pushed.into_iter().collect(), "a task was lost");
    });
}

#[test]
fn loom_task_spawned_while_the_worker_parks_is_run() {
    loom::model(|| {
        let pool = ThreadPool::new(1);
        let handle = pool.spawn(async { 7 });
        assert_eq!(crate::block_on(handle).unwrap(), 7);
    });
}

/// Pending until opened; the opener wakes it from another thread.
#[derive(Clone)]
struct Gate {
    open: Arc<AtomicBool>,
    waker: Arc<Mutex<Option<Waker>>>,
}

impl Future for Gate {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        *self.waker.lock().unwrap() = Some(cx.waker().clone());
        if self.open.load(SeqCst) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

struct DropCount(Arc<AtomicUsize>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

#[test]
fn loom_shutdown_racing_a_wake_drops_the_future_once() {
    loom::model(|| {
        let pool = ThreadPool::new(1);
        let drops = Arc::new(AtomicUsize::new(0));
        let gate = Gate {
            open: Arc::new(AtomicBool::new(false)),
            waker: Arc::new(Mutex::new(None)),
        };
        let guard = DropCount(drops.clone());
        let g = gate.clone();
        let handle = pool.spawn(async move {
            let _guard = guard;
            g.await;
        });
        let opener = {
            let gate = gate.clone();
            thread::spawn(move || {
                gate.open.store(true, SeqCst);
                let waker = gate.waker.lock().unwrap().take();
                if let Some(w) = waker {
                    w.wake();
                }
            })
        };
        drop(pool);
        opener.join().unwrap();
        assert_eq!(
            drops.load(SeqCst),
            1,
            "the future was not dropped exactly once"
        );
        // Completed before the shutdown, or cancelled by it: never left pending.
        let _ = crate::block_on(handle);
        drop(gate.waker.lock().unwrap().take());
    });
}

/// A driver standing in for a timer: a turn (blocking or not) that finds the event `due`
/// wakes the task waiting for it, as a timer wheel fires a deadline that has passed.
struct EventDriver {
    park: weave_core::ThreadParker,
    event: Event,
}

#[derive(Clone, Default)]
struct Event {
    due: Arc<AtomicBool>,
    fired: Arc<AtomicBool>,
    waker: Arc<Mutex<Option<Waker>>>,
}

impl Event {
    fn deliver(&self) {
        if self.due.load(SeqCst) && !self.fired.swap(true, SeqCst) {
            if let Some(waker) = self.waker.lock().unwrap().take() {
                waker.wake();
            }
        }
    }
}

impl Future for Event {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        *self.waker.lock().unwrap() = Some(cx.waker().clone());
        if self.fired.load(SeqCst) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl weave_core::Park for EventDriver {
    type Unparker = weave_core::ThreadUnparker;

    fn unparker(&self) -> Self::Unparker {
        self.park.unparker()
    }

    fn park(&mut self) {
        self.event.deliver();
        self.park.park();
        self.event.deliver();
    }

    fn park_timeout(&mut self, timeout: std::time::Duration) {
        self.event.deliver();
        self.park.park_timeout(timeout);
        self.event.deliver();
    }
}

/// The event is due from the start, as a timer whose deadline passed while its task was
/// being polled: the worker's first driver turn after the task waits (its search turn, or its
/// sleep in the driver) fires it, and the woken task runs. (A third thread making the event
/// due later multiplied the interleavings past what CI can afford.)
#[test]
fn loom_event_delivered_by_a_driver_turn_runs_its_task() {
    loom::model(|| {
        let event = Event::default();
        event.due.store(true, SeqCst);
        let pool = ThreadPool::with_driver(
            1,
            EventDriver {
                park: weave_core::ThreadParker::new(),
                event: event.clone(),
            },
        );
        let handle = pool.spawn(event.clone());
        crate::block_on(handle).unwrap();
        // The driver (owned by the pool) holds the event: break the cycle through the waker.
        drop(event.waker.lock().unwrap().take());
    });
}
