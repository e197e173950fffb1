//! loom models of the task state machine's races. Run with `cargo xtask loom -p weave-core`.
//!
//! Each model's scheduler holds a loom `Arc`: loom fails a model that leaks one, so every
//! model also checks that the task allocation is freed exactly once.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{Arc, Mutex};
use crate::loom::thread;
use crate::task::{self, JoinHandle, Runnable, Schedule, TaskList, TaskRef};

/// A queue of runnables; panics if a task is ever queued twice at once.
#[derive(Clone)]
struct Queue(Arc<Mutex<VecDeque<Runnable>>>);

impl Queue {
    fn new() -> Queue {
        Queue(Arc::new(Mutex::new(VecDeque::new())))
    }
    fn run_all(&self) {
        loop {
            let next = self.0.lock().unwrap().pop_front();
            match next {
                Some(r) => {
                    r.run();
                }
                None => break,
            }
        }
    }
}

impl Schedule for Queue {
    fn schedule(&self, task: Runnable) {
        let mut q = self.0.lock().unwrap();
        assert!(
            q.iter().all(|r| r.id() != task.id()),
            "a task was queued twice at once"
        );
        q.push_back(task);
    }
}

/// A queue scheduler whose tasks leave `1` when they finish.
#[derive(Clone)]
struct Sched(Queue, Arc<TaskList>);

impl Schedule for Sched {
    fn schedule(&self, t: Runnable) {
        self.0.schedule(t);
    }
    fn release(&self, t: TaskRef<'_>) {
        self.1.remove(t);
    }
}

/// A future that completes once `ready` is set, registering its waker meanwhile.
#[derive(Clone)]
struct Gate {
    ready: Arc<AtomicBool>,
    waker: Arc<Mutex<Option<Waker>>>,
}

impl Gate {
    fn new() -> Gate {
        Gate {
            ready: Arc::new(AtomicBool::new(false)),
            waker: Arc::new(Mutex::new(None)),
        }
    }
    fn open(&self) {
        self.ready.store(true, SeqCst);
        let waker = self.waker.lock().unwrap().take();
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl Future for Gate {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        *self.waker.lock().unwrap() = Some(cx.waker().clone());
        if self.ready.load(SeqCst) {
            return Poll::Ready(());
        }
        Poll::Pending
    }
}

/// Counts drops of a value.
struct DropCount(Arc<AtomicUsize>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

fn poll_handle<T>(h: &mut JoinHandle<T>, waker: &Waker) -> Poll<Result<T, task::JoinError>> {
    Pin::new(h).poll(&mut Context::from_waker(waker))
}

#[test]
fn loom_wake_racing_poll_is_never_lost() {
    loom::model(|| {
        let q = Queue::new();
        let gate = Gate::new();
        let (r, mut h) = task::spawn(gate.clone(), q.clone());
        let opener = {
            let gate = gate.clone();
            thread::spawn(move || gate.open())
        };
        r.run();
        opener.join().unwrap();
        q.run_all();
        assert!(h.is_finished(), "a wake racing the poll was lost");
        assert!(poll_handle(&mut h, Waker::noop()).is_ready());
        drop(gate.waker.lock().unwrap().take());
    });
}

#[test]
fn loom_join_handle_drop_racing_completion_drops_output_once() {
    loom::model(|| {
        let q = Queue::new();
        let drops = Arc::new(AtomicUsize::new(0));
        let d = drops.clone();
        let (r, h) = task::spawn(async move { DropCount(d) }, q.clone());
        let dropper = thread::spawn(move || drop(h));
        r.run();
        dropper.join().unwrap();
        assert_eq!(drops.load(SeqCst), 1);
    });
}

#[test]
fn loom_abort_racing_poll_drops_future_once() {
    loom::model(|| {
        let q = Queue::new();
        let drops = Arc::new(AtomicUsize::new(0));
        let guard = DropCount(drops.clone());
        let gate = Gate::new();
        let g = gate.clone();
        let (r, mut h) = task::spawn(
            async move {
                let _guard = guard;
                g.await;
            },
            q.clone(),
        );
        let aborter = h.abort_handle();
        let t = thread::spawn(move || aborter.abort());
        r.run();
        t.join().unwrap();
        q.run_all();
        assert_eq!(drops.load(SeqCst), 1);
        match poll_handle(&mut h, Waker::noop()) {
            Poll::Ready(Err(e)) => assert!(e.is_cancelled()),
            other => panic!("expected cancelled, got {other:?}"),
        }
        drop(gate.waker.lock().unwrap().take());
    });
}

#[test]
fn loom_waker_clones_on_other_threads_free_the_task_once() {
    loom::model(|| {
        let q = Queue::new();
        let gate = Gate::new();
        let (r, h) = task::spawn(gate.clone(), q.clone());
        let w1 = r.waker();
        let w2 = w1.clone();
        drop(h);
        let t1 = thread::spawn(move || w1.wake());
        let t2 = thread::spawn(move || drop(w2));
        r.run();
        t1.join().unwrap();
        t2.join().unwrap();
        gate.open();
        q.run_all();
    });
}

/// A waker that records it was woken (std atomics: loom only needs to see the task's own).
struct Flag(std::sync::atomic::AtomicBool);

impl Flag {
    fn new() -> std::sync::Arc<Flag> {
        std::sync::Arc::new(Flag(std::sync::atomic::AtomicBool::new(false)))
    }

    fn is_set(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl std::task::Wake for Flag {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn loom_join_waker_registration_racing_completion() {
    loom::model(|| {
        let q = Queue::new();
        let (r, mut h) = task::spawn(async { 7 }, q.clone());
        let runner = thread::spawn(move || r.run());
        let flag = Flag::new();
        let waker = Waker::from(flag.clone());
        let first = poll_handle(&mut h, &waker);
        runner.join().unwrap();
        if first.is_pending() {
            assert!(
                flag.is_set(),
                "completion did not wake the registered JoinHandle"
            );
            assert!(matches!(poll_handle(&mut h, &waker), Poll::Ready(Ok(7))));
        }
    });
}

/// A `JoinHandle` polled first with one waker, then with another (a `JoinSet` does this),
/// while the task completes and takes its join waker back: the swap must see the completion
/// and read the output, never find the waker slot in a state it did not expect.
#[test]
fn loom_join_waker_swap_racing_completion() {
    loom::model(|| {
        let q = Queue::new();
        let (r, mut h) = task::spawn(async { 7 }, q.clone());
        let first = Waker::noop();
        assert!(poll_handle(&mut h, first).is_pending());
        let runner = thread::spawn(move || r.run());
        let flag = Flag::new();
        let second = Waker::from(flag.clone());
        let swapped = poll_handle(&mut h, &second);
        runner.join().unwrap();
        match swapped {
            Poll::Ready(result) => assert!(matches!(result, Ok(7))),
            Poll::Pending => {
                assert!(
                    flag.is_set(),
                    "completion did not wake the newly registered waker"
                );
                assert!(matches!(poll_handle(&mut h, &second), Poll::Ready(Ok(7))));
            }
        }
    });
}

#[test]
fn loom_task_list_shutdown_racing_wake() {
    loom::model(|| {
        let q = Queue::new();
        let list = Arc::new(TaskList::new());
        let drops = Arc::new(AtomicUsize::new(0));
        let guard = DropCount(drops.clone());
        let gate = Gate::new();
        let g = gate.clone();
        // SAFETY: `Sched` holds the list's `Arc`, so it outlives the task.
        let (r, mut h) = unsafe {
            list.spawn(
                async move {
                    let _guard = guard;
                    g.await;
                },
                Sched(q.clone(), list.clone()),
                task::Builder::new(),
            )
        };
        r.unwrap().run();
        let opener = {
            let gate = gate.clone();
            thread::spawn(move || gate.open())
        };
        list.close_and_shutdown();
        opener.join().unwrap();
        q.run_all();
        assert_eq!(drops.load(SeqCst), 1);
        assert!(matches!(
            poll_handle(&mut h, Waker::noop()),
            Poll::Ready(Err(e)) if e.is_cancelled()
        ));
        drop(gate.waker.lock().unwrap().take());
    });
}

#[test]
fn loom_first_wait_racing_list_close_drops_future_once() {
    loom::model(|| {
        let q = Queue::new();
        let list = Arc::new(TaskList::new());
        let drops = Arc::new(AtomicUsize::new(0));
        let guard = DropCount(drops.clone());
        // SAFETY: `Sched` holds the list's `Arc`, so it outlives the task.
        let (r, mut h) = unsafe {
            list.spawn(
                async move {
                    let _guard = guard;
                    std::future::pending::<()>().await;
                },
                Sched(q.clone(), list.clone()),
                task::Builder::new(),
            )
        };
        let runner = thread::spawn(move || r.unwrap().run());
        list.close_and_shutdown();
        runner.join().unwrap();
        // Linked before the close (shutdown dropped it) or refused by the closed list (the
        // runner dropped it): either way exactly once, and never left behind in the list.
        assert_eq!(drops.load(SeqCst), 1);
        assert!(list.is_empty());
        assert!(matches!(
            poll_handle(&mut h, Waker::noop()),
            Poll::Ready(Err(e)) if e.is_cancelled()
        ));
    });
}
