//! Unit tests of the task state machine, driven by a minimal queue executor.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use super::*;
use crate::budget;

#[derive(Clone, Default)]
struct Queue(Arc<Mutex<VecDeque<Runnable>>>);

impl Queue {
    fn scheduler(&self) -> impl Schedule + Clone {
        let q = self.clone();
        move |r: Runnable| q.0.lock().unwrap().push_back(r)
    }
    fn pop(&self) -> Option<Runnable> {
        self.0.lock().unwrap().pop_front()
    }
    fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }
    fn run_all(&self) -> usize {
        let mut n = 0;
        while let Some(r) = self.pop() {
            r.run();
            n += 1;
        }
        n
    }
}

/// Counts live instances.
struct Tracked(Arc<AtomicUsize>);

impl Tracked {
    fn new(live: &Arc<AtomicUsize>) -> Tracked {
        live.fetch_add(1, SeqCst);
        Tracked(live.clone())
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.fetch_sub(1, SeqCst);
    }
}

/// Pending until `ready` is set; keeps its last waker in a shared slot.
#[derive(Clone, Default)]
struct Gate {
    ready: Arc<Mutex<bool>>,
    waker: Arc<Mutex<Option<Waker>>>,
}

impl Gate {
    fn open(&self) {
        *self.ready.lock().unwrap() = true;
        if let Some(w) = self.waker.lock().unwrap().take() {
            w.wake();
        }
    }
    fn wait(&self) -> impl Future<Output = ()> + Send + 'static {
        let gate = self.clone();
        std::future::poll_fn(move |cx| {
            if *gate.ready.lock().unwrap() {
                return Poll::Ready(());
            }
            *gate.waker.lock().unwrap() = Some(cx.waker().clone());
            Poll::Pending
        })
    }
}

/// A scheduler that queues into a `Queue` and leaves a `TaskList` when its task finishes.
struct Sched(Queue, Arc<TaskList>);

impl Schedule for Sched {
    fn schedule(&self, t: Runnable) {
        self.0 .0.lock().unwrap().push_back(t);
    }
    fn release(&self, t: TaskRef<'_>) {
        self.1.remove(t);
    }
}

fn poll_once<F: Future + Unpin>(f: &mut F) -> Poll<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    Pin::new(f).poll(&mut cx)
}

#[test]
fn runs_to_completion_and_returns_output() {
    let q = Queue::default();
    let (r, mut h) = spawn(async { 40 + 2 }, q.scheduler());
    assert!(!h.is_finished());
    r.run();
    assert!(h.is_finished());
    assert_eq!(poll_once(&mut h).map(Result::unwrap), Poll::Ready(42));
}

#[test]
fn wake_reschedules_exactly_once() {
    let q = Queue::default();
    let gate = Gate::default();
    let (r, mut h) = spawn(gate.wait(), q.scheduler());
    r.run();
    assert_eq!(q.len(), 0);
    let waker = gate.waker.lock().unwrap().clone().unwrap();
    waker.wake_by_ref();
    waker.wake_by_ref();
    assert_eq!(q.len(), 1, "two wakes of an idle task queue it once");
    gate.open();
    assert_eq!(q.len(), 1);
    q.run_all();
    assert!(poll_once(&mut h).is_ready());
}

#[test]
fn wake_during_poll_goes_through_yield_now() {
    struct Sched(Arc<AtomicUsize>, Queue);
    impl Schedule for Sched {
        fn schedule(&self, t: Runnable) {
            self.1 .0.lock().unwrap().push_back(t);
        }
        fn yield_now(&self, t: Runnable) {
            self.0.fetch_add(1, SeqCst);
            self.schedule(t);
        }
    }
    let q = Queue::default();
    let yields = Arc::new(AtomicUsize::new(0));
    let (r, h) = spawn(yield_now(), Sched(yields.clone(), q.clone()));
    r.run();
    assert_eq!(yields.load(SeqCst), 1);
    assert_eq!(q.run_all(), 1);
    assert!(h.is_finished());
}

#[test]
fn dropping_join_handle_first_drops_output_at_completion() {
    let q = Queue::default();
    let live = Arc::new(AtomicUsize::new(0));
    let l = live.clone();
    let (r, h) = spawn(async move { Tracked::new(&l) }, q.scheduler());
    drop(h);
    r.run();
    assert_eq!(live.load(SeqCst), 0);
}

#[test]
fn dropping_join_handle_after_completion_drops_output() {
    let q = Queue::default();
    let live = Arc::new(AtomicUsize::new(0));
    let l = live.clone();
    let (r, h) = spawn(async move { Tracked::new(&l) }, q.scheduler());
    r.run();
    assert_eq!(live.load(SeqCst), 1);
    drop(h);
    assert_eq!(live.load(SeqCst), 0);
}

#[test]
fn dropping_runnable_cancels_and_drops_future() {
    let q = Queue::default();
    let live = Arc::new(AtomicUsize::new(0));
    let tracked = Tracked::new(&live);
    let (r, mut h) = spawn(
        async move {
            let _t = tracked;
            std::future::pending::<()>().await
        },
        q.scheduler(),
    );
    drop(r);
    assert_eq!(live.load(SeqCst), 0);
    match poll_once(&mut h) {
        Poll::Ready(Err(e)) => assert!(e.is_cancelled()),
        other => panic!("expected cancelled, got {other:?}"),
    }
}

#[test]
fn abort_of_idle_task_schedules_it_to_drop_the_future() {
    let q = Queue::default();
    let live = Arc::new(AtomicUsize::new(0));
    let tracked = Tracked::new(&live);
    let (r, mut h) = spawn(
        async move {
            let _t = tracked;
            std::future::pending::<()>().await
        },
        q.scheduler(),
    );
    r.run();
    h.abort();
    // The future is dropped by the executor, not by the aborting thread.
    assert_eq!(live.load(SeqCst), 1);
    assert_eq!(q.len(), 1);
    h.abort(); // a second abort does nothing
    assert_eq!(q.len(), 1);
    q.run_all();
    assert_eq!(live.load(SeqCst), 0);
    assert!(matches!(poll_once(&mut h), Poll::Ready(Err(e)) if e.is_cancelled()));
}

#[test]
fn abort_after_completion_keeps_output() {
    let q = Queue::default();
    let (r, mut h) = spawn(async { 1 }, q.scheduler());
    r.run();
    h.abort_handle().abort();
    assert!(matches!(poll_once(&mut h), Poll::Ready(Ok(1))));
}

#[test]
fn panic_is_caught_into_join_error() {
    let q = Queue::default();
    let (r, mut h) = spawn(async { panic!("kaboom") }, q.scheduler());
    let id = h.id();
    r.run();
    match poll_once(&mut h) {
        Poll::Ready(Err(e)) => {
            assert!(e.is_panic());
            assert_eq!(e.id(), id);
            assert!(e.to_string().contains("kaboom"), "{e}");
            assert!(e.to_string().contains(&id.to_string()));
            let payload = e.into_panic();
            assert_eq!(*payload.downcast::<&str>().unwrap(), "kaboom");
        }
        other => panic!("expected a panic error, got {other:?}"),
    }
}

#[test]
fn join_handle_wakes_its_awaiter() {
    struct CountWake(AtomicUsize);
    impl std::task::Wake for CountWake {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    let q = Queue::default();
    let gate = Gate::default();
    let (r, mut h) = spawn(gate.wait(), q.scheduler());
    r.run();
    let counter = Arc::new(CountWake(AtomicUsize::new(0)));
    let waker = Waker::from(counter.clone());
    let mut cx = Context::from_waker(&waker);
    assert!(Pin::new(&mut h).poll(&mut cx).is_pending());
    // Re-polling with the same waker keeps it; a different one replaces it.
    assert!(Pin::new(&mut h).poll(&mut cx).is_pending());
    gate.open();
    q.run_all();
    assert_eq!(counter.0.load(SeqCst), 1);
    assert!(Pin::new(&mut h).poll(&mut cx).is_ready());
}

#[test]
fn task_list_shutdown_drops_idle_futures() {
    let q = Queue::default();
    let list = Arc::new(TaskList::with_shards(4));
    let live = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::new();
    for _ in 0..10 {
        let t = Tracked::new(&live);
        // SAFETY: `Sched` holds the list's `Arc`, so it outlives the task.
        let (r, h) = unsafe {
            list.spawn(
                async move {
                    let _t = t;
                    std::future::pending::<()>().await
                },
                Sched(q.clone(), list.clone()),
                Builder::new().name("idle"),
            )
        };
        q.0.lock().unwrap().push_back(r.unwrap());
        handles.push(h);
    }
    // SAFETY: as above.
    let (r, done) =
        unsafe { list.spawn(async { 5 }, Sched(q.clone(), list.clone()), Builder::new()) };
    q.0.lock().unwrap().push_back(r.unwrap());
    q.run_all();
    assert_eq!(list.len(), 10, "the finished task left the list");
    let mut seen = 0;
    list.for_each(|t| {
        assert_eq!(t.name(), Some("idle"));
        assert_eq!(t.status(), TaskStatus::Idle);
        seen += 1;
    });
    assert_eq!(seen, 10);
    list.close_and_shutdown();
    assert_eq!(live.load(SeqCst), 0);
    assert!(list.is_empty());
    for mut h in handles {
        assert!(matches!(poll_once(&mut h), Poll::Ready(Err(e)) if e.is_cancelled()));
    }
    let mut done = done;
    assert!(matches!(poll_once(&mut done), Poll::Ready(Ok(5))));
    // Spawning into a closed list cancels at once.
    // SAFETY: as above.
    let (r, mut h) =
        unsafe { list.spawn(async { 1 }, Sched(q.clone(), list.clone()), Builder::new()) };
    assert!(r.is_none());
    assert!(matches!(poll_once(&mut h), Poll::Ready(Err(e)) if e.is_cancelled()));
    // Break the list <-> scheduler cycle of the test.
    drop(list);
}

/// Tasks leave the list in an order unrelated to the one they joined in, vacated slots are
/// reused, and the list keeps exactly the tasks still waiting.
#[test]
fn task_list_keeps_exactly_the_waiting_tasks_whatever_order_they_leave_in() {
    let q = Queue::default();
    let list = Arc::new(TaskList::with_shards(2));
    let live = Arc::new(AtomicUsize::new(0));
    let spawn_waiter = |name: String| {
        let gate = Gate::default();
        let t = Tracked::new(&live);
        let wait = gate.wait();
        // SAFETY: `Sched` holds the list's `Arc`, so it outlives the task.
        let (r, h) = unsafe {
            list.spawn(
                async move {
                    let _t = t;
                    wait.await
                },
                Sched(q.clone(), list.clone()),
                Builder::new().name(name),
            )
        };
        q.0.lock().unwrap().push_back(r.unwrap());
        (gate, h)
    };
    let names = |list: &TaskList| {
        let mut names = Vec::new();
        list.for_each(|t| names.push(t.name().unwrap().to_owned()));
        names.sort();
        names
    };

    let mut tasks: Vec<_> = (0..30).map(|i| spawn_waiter(format!("{i:02}"))).collect();
    q.run_all();
    assert_eq!(list.len(), 30);
    // Every third task finishes, last first.
    for i in (0..30).step_by(3).rev() {
        tasks[i].0.open();
    }
    q.run_all();
    let mut expected: Vec<_> = (0..30)
        .filter(|i| i % 3 != 0)
        .map(|i| format!("{i:02}"))
        .collect();
    assert_eq!(names(&list), expected);
    assert_eq!(list.len(), 20);
    // New waiters take the vacated slots.
    for i in 30..40 {
        tasks.push(spawn_waiter(format!("{i:02}")));
        expected.push(format!("{i:02}"));
    }
    q.run_all();
    assert_eq!(names(&list), expected);
    // Every task finishes, in an interleaved order; the list ends empty.
    for i in (1..40).step_by(2).chain((0..40).step_by(2)) {
        tasks[i].0.open();
        q.run_all();
    }
    assert!(list.is_empty());
    assert_eq!(live.load(SeqCst), 0);
    for (_, mut h) in tasks {
        assert!(matches!(poll_once(&mut h), Poll::Ready(Ok(()))));
    }
    // An emptied list is reused as a fresh one.
    let (_gate, mut h) = spawn_waiter("again".into());
    q.run_all();
    assert_eq!(names(&list), ["again"]);
    list.close_and_shutdown();
    assert!(list.is_empty());
    assert!(matches!(poll_once(&mut h), Poll::Ready(Err(e)) if e.is_cancelled()));
    assert_eq!(live.load(SeqCst), 0);
}

#[test]
fn budget_makes_ready_resources_yield() {
    let q = Queue::default();
    let polls = Arc::new(AtomicUsize::new(0));
    let p = polls.clone();
    let (r, h) = spawn(
        async move {
            for _ in 0..1000 {
                consume_budget().await;
            }
        },
        q.scheduler(),
    );
    r.run();
    p.fetch_add(1, SeqCst);
    while let Some(r) = q.pop() {
        p.fetch_add(1, SeqCst);
        r.run();
    }
    assert!(h.is_finished());
    // 1000 units at 128 per poll: at least 8 polls.
    assert!(polls.load(SeqCst) >= 1000 / budget::INITIAL_BUDGET as usize);
}

#[test]
fn unconstrained_never_yields() {
    let q = Queue::default();
    let (r, h) = spawn(
        unconstrained(async {
            for _ in 0..1000 {
                consume_budget().await;
            }
        }),
        q.scheduler(),
    );
    r.run();
    assert!(h.is_finished());
    assert_eq!(q.len(), 0);
}

#[test]
fn current_task_id_is_visible_inside_the_poll() {
    let q = Queue::default();
    let (r, mut h) = spawn(async { id() }, q.scheduler());
    let expected = h.id();
    assert_eq!(try_id(), None);
    r.run();
    assert!(matches!(poll_once(&mut h), Poll::Ready(Ok(got)) if got == expected));
    assert_eq!(try_id(), None);
}

#[test]
fn builder_records_name_and_location() {
    let b = Builder::new().name("fetch");
    assert_eq!(b.get_name(), Some("fetch"));
    assert!(b.location().file().ends_with("tests.rs"));
}

#[test]
fn wakers_from_other_threads_are_freed() {
    let q = Queue::default();
    let gate = Gate::default();
    let (r, h) = spawn(gate.wait(), q.scheduler());
    let waker = r.waker();
    r.run();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let w = waker.clone();
            std::thread::spawn(move || {
                let w2 = w.clone();
                w2.wake();
                drop(w);
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    drop(waker);
    gate.open();
    q.run_all();
    assert!(h.is_finished());
}

#[test]
fn thread_parker_unpark_before_park_is_not_lost() {
    use crate::{Park, ThreadParker, Unpark};
    let mut parker = ThreadParker::new();
    parker.unparker().unpark();
    parker.park(); // returns at once
    let unparker = parker.unparker();
    let t = std::thread::spawn(move || unparker.unpark());
    parker.park();
    t.join().unwrap();
    parker.park_timeout(std::time::Duration::from_millis(1));
}

#[test]
fn a_panicking_join_waker_does_not_unwind_into_the_executor() {
    struct Explodes;
    impl std::task::Wake for Explodes {
        fn wake(self: Arc<Self>) {
            panic!("join waker exploded");
        }
    }
    let q = Queue::default();
    let gate = Gate::default();
    let (r, mut h) = spawn(gate.wait(), q.scheduler());
    r.run();
    let waker = Waker::from(Arc::new(Explodes));
    assert!(Pin::new(&mut h)
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    gate.open();
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    q.run_all(); // completes the task, whose join waker panics
    std::panic::set_hook(previous_hook);
    assert!(matches!(poll_once(&mut h), Poll::Ready(Ok(()))));
}
