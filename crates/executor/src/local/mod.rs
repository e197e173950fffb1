//! `LocalExecutor`: a single-threaded executor for `!Send` futures (asyncio's event loop).
//!
//! Tasks live in a plain `VecDeque` owned by the executor's thread; wakes on that thread
//! push there without any atomic beyond the task's own state. Wakes from other threads go
//! to a locked remote queue and unpark the thread, but only pay a system call if it sleeps.
//!
//! The queue is FIFO with one exception, the hand-off: when a task wakes another and then
//! waits (returns `Pending`), the first task it woke runs next, while the message it was
//! woken for is still in cache (request and reply, ping-pong, a producer handing a consumer
//! its item). A task that *finishes* and wakes whoever awaited it does not hand off: the
//! parent of a `gather` (spawn many, await each in order) then queues behind the remaining
//! children and runs once, not after every child. A plain "run the last woken task next"
//! slot was measured here and made that `gather` pattern ~35 % slower. At most
//! `MAX_HANDOFFS` (15) hand-offs run in a row before the queue moves on, so a pair of tasks
//! bouncing messages cannot starve the others.

mod handle;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::pin;
use std::ptr;
use std::sync::Arc as StdArc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use weave_core::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::*};
use weave_core::loom::sync::{Arc, Mutex};
use weave_core::task::{Builder, JoinHandle, RunOutcome, Runnable, TaskList, TaskRef};
use weave_core::{budget, enter, LocalSpawn, Park, Schedule, ThreadParker, Unpark};

use crate::context::{self, Current};
use crate::driver::DynPark;

pub use handle::LocalHandle;

/// How many tasks run between two looks at the main future and the driver.
const BATCH: usize = 61;
/// Every this many tasks, the remote queue is served before the local one (fairness).
const REMOTE_INTERVAL: u32 = 31;
/// At most this many hand-offs (a woken task run ahead of the queue) in a row; the queue
/// moves on after at most 16 polls. On ping_pong (1,000 pairs, the bench report, weave_ct
/// over the faster peer, two interleaved runs each) 3, tokio's bound for its LIFO slot, gave
/// 0.85-0.88, 15 gave 0.56-0.64, and plain FIFO 0.73-0.99 in the same runs.
const MAX_HANDOFFS: u32 = 15;

/// A single-threaded executor: runs `!Send` tasks on the thread that owns it.
///
/// [`block_on`](LocalExecutor::block_on) drives the executor's tasks until the given
/// future completes. Tasks spawned with [`spawn_local`](LocalExecutor::spawn_local) may hold
/// `Rc`s and `RefCell`s; [`handle`](LocalExecutor::handle) gives a `Send + Sync` handle
/// that spawns `Send` futures from any thread. Dropping the executor cancels every task
/// (their destructors run on this thread) and resolves their `JoinHandle`s to cancelled.
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use weave_executor::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let tasks: Vec<_> = (0..3)
///     .map(|i| {
///         let log = log.clone();
///         ex.spawn_local(async move { log.borrow_mut().push(i) })
///     })
///     .collect();
/// ex.block_on(async {
///     for t in tasks {
///         t.await.unwrap();
///     }
/// });
/// assert_eq!(*log.borrow(), [0, 1, 2]);
/// ```
pub struct LocalExecutor {
    inner: LocalInner,
}

struct LocalInner {
    shared: Arc<LocalShared>,
    queue: RefCell<VecDeque<Runnable>>,
    park: RefCell<Box<dyn DynPark>>,
    tick: Cell<u32>,
    /// True while a task runs: the first task it wakes on this thread is a hand-off
    /// candidate.
    running_task: Cell<bool>,
    /// The first task the running task woke, with the queue length at the time: it runs
    /// next (a hand-off) or takes that place in the queue.
    first_woken: Cell<Option<(Runnable, usize)>>,
    // Tasks may be `!Send`: the executor must stay on its thread.
    _not_send: PhantomData<*const ()>,
}

/// The part wakers on other threads can reach.
pub(crate) struct LocalShared {
    remote: Mutex<Remote>,
    remote_len: AtomicUsize,
    unpark: Box<dyn Unpark>,
    pub(crate) tasks: TaskList,
}

struct Remote {
    tasks: VecDeque<Runnable>,
    closed: bool,
}

weave_core::loom::thread_local! {
    /// The `LocalExecutor` whose `block_on` runs on this thread.
    static ACTIVE: Cell<*const LocalInner> = const { Cell::new(ptr::null()) };
}

/// The scheduler stored in each task: finds the executor's local queue when woken on its
/// thread, the remote queue otherwise.
#[derive(Clone)]
pub(crate) struct LocalScheduler(pub(crate) Arc<LocalShared>);

impl Schedule for LocalScheduler {
    fn schedule(&self, task: Runnable) {
        LocalScheduler::queue(&self.0, task, true);
    }

    fn yield_now(&self, task: Runnable) {
        // A task that woke itself goes behind the others and never earns a hand-off.
        LocalScheduler::queue(&self.0, task, false);
    }

    fn release(&self, task: TaskRef<'_>) {
        self.0.tasks.remove(task);
    }
}

impl LocalScheduler {
    /// Queues `task` on `shared`'s executor: its own queue when called on its thread inside
    /// `block_on`, the remote queue otherwise.
    pub(crate) fn push_to(shared: &LocalShared, task: Runnable) {
        LocalScheduler::queue(shared, task, false);
    }

    /// As `push_to`; a wake from a running task on the executor's thread with
    /// `may_hand_off` set is remembered as a hand-off candidate.
    fn queue(shared: &LocalShared, task: Runnable, may_hand_off: bool) {
        let task = ACTIVE.with(|active| {
            let active = active.get();
            // SAFETY: `ACTIVE` points at a `LocalInner` only while its `block_on` borrows it
            // on this thread.
            match unsafe { active.as_ref() } {
                Some(inner) if ptr::eq(&*inner.shared, shared) => {
                    match inner.queue.try_borrow_mut() {
                        Ok(mut queue) => {
                            if may_hand_off && inner.running_task.get() {
                                match inner.first_woken.take() {
                                    None => inner.first_woken.set(Some((task, queue.len()))),
                                    first => {
                                        inner.first_woken.set(first);
                                        queue.push_back(task);
                                    }
                                }
                            } else {
                                queue.push_back(task);
                            }
                            None
                        }
                        Err(_) => Some(task),
                    }
                }
                _ => Some(task),
            }
        });
        if let Some(task) = task {
            shared.push_remote(task);
        }
    }
}

impl LocalShared {
    fn push_remote(&self, task: Runnable) {
        let mut remote = self.remote.lock().unwrap();
        if remote.closed {
            // The executor is gone and its tasks were shut down: this task is finished, so
            // dropping its `Runnable` touches no future.
            drop(remote);
            drop(task);
            return;
        }
        remote.tasks.push_back(task);
        self.remote_len.fetch_add(1, Release);
        drop(remote);
        self.unpark.unpark();
    }

    fn take_remote(&self, into: &mut VecDeque<Runnable>) {
        if self.remote_len.load(Acquire) == 0 {
            return;
        }
        let mut remote = self.remote.lock().unwrap();
        self.remote_len.store(0, Release);
        into.append(&mut remote.tasks);
    }
}

impl LocalExecutor {
    /// An executor that sleeps on a plain thread parker when idle.
    pub fn new() -> LocalExecutor {
        LocalExecutor::with_park(ThreadParker::new())
    }

    /// An executor that sleeps through `park` (for example a timer or reactor driver), so
    /// the driver runs whenever the executor is idle.
    pub fn with_park<P: Park + 'static>(park: P) -> LocalExecutor {
        let unpark = Box::new(park.unparker());
        LocalExecutor {
            inner: LocalInner {
                shared: Arc::new(LocalShared {
                    remote: Mutex::new(Remote {
                        tasks: VecDeque::new(),
                        closed: false,
                    }),
                    remote_len: AtomicUsize::new(0),
                    unpark,
                    tasks: TaskList::new(),
                }),
                queue: RefCell::new(VecDeque::new()),
                park: RefCell::new(Box::new(park)),
                tick: Cell::new(0),
                running_task: Cell::new(false),
                first_woken: Cell::new(None),
                _not_send: PhantomData,
            },
        }
    }

    /// A `Send + Sync` handle that spawns `Send` futures onto this executor from any thread.
    pub fn handle(&self) -> LocalHandle {
        LocalHandle::new(self.inner.shared.clone())
    }

    /// Spawns a `Send` future (it still runs on this executor's thread).
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawn_local_with(future, Builder::new())
    }

    /// Spawns a `!Send` future on this executor.
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.spawn_local_with(future, Builder::new())
    }

    /// The number of unfinished tasks that have been suspended at least once (a task still
    /// waiting for its first poll is not counted).
    pub fn len(&self) -> usize {
        self.inner.shared.tasks.len()
    }

    /// True if no task is suspended (see [`len`](LocalExecutor::len)).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drives this executor's tasks until `future` completes, and returns its output.
    ///
    /// Panics if this thread already drives an executor.
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _enter = enter::enter("a LocalExecutor");
        let _current = context::set_current(Current::Local(self.handle()));
        let _active = ActiveGuard::set(&self.inner);
        self.inner.run(future)
    }
}

impl LocalSpawn for LocalExecutor {
    fn spawn_local_with<F>(&self, future: F, builder: Builder) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.inner.spawn_local(future, builder)
    }
}

impl LocalInner {
    fn spawn_local<F>(&self, future: F, builder: Builder) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let scheduler = LocalScheduler(self.shared.clone());
        // SAFETY: the list lives in `LocalShared`, which the task's scheduler keeps alive.
        // `LocalExecutor` is `!Send`, so this runs on its thread; its `Runnable`s
        // are run only by `block_on` here, and dropped either here (shutdown in `Drop`, on
        // this thread, after which every task is finished) or, once finished, anywhere.
        let (runnable, handle) = unsafe {
            self.shared
                .tasks
                .spawn_unchecked(future, scheduler, builder)
        };
        if let Some(runnable) = runnable {
            match self.queue.try_borrow_mut() {
                Ok(mut queue) => queue.push_back(runnable),
                Err(_) => self.shared.push_remote(runnable),
            }
        }
        handle
    }

    fn next_task(&self) -> Option<Runnable> {
        let tick = self.tick.get().wrapping_add(1);
        self.tick.set(tick);
        let mut queue = self.queue.borrow_mut();
        if tick % REMOTE_INTERVAL == 0 {
            self.shared.take_remote(&mut queue);
        }
        if let Some(task) = queue.pop_front() {
            return Some(task);
        }
        self.shared.take_remote(&mut queue);
        queue.pop_front()
    }

    fn run<F: Future>(&self, future: F) -> F::Output {
        let main = StdArc::new(MainWake {
            woken: AtomicBool::new(true),
            shared: self.shared.clone(),
        });
        let waker = Waker::from(main.clone());
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);
        // Polls (of the main future or of tasks) since the driver last saw its events: a
        // busy executor must still let timers and I/O in, even if only the main future is
        // busy (a `loop { yield_now().await }` waiting for a timer task).
        let mut since_driver = 0;
        loop {
            if main.woken.swap(false, AcqRel) {
                if let Poll::Ready(output) = budget::with_budget(|| future.as_mut().poll(&mut cx)) {
                    return output;
                }
                since_driver += 1;
            }
            let mut ran = 0;
            let mut handed_off = None;
            let mut handoffs = 0;
            while ran < BATCH {
                let task = match handed_off.take() {
                    Some(task) => task,
                    None => {
                        handoffs = 0;
                        let Some(task) = self.next_task() else { break };
                        task
                    }
                };
                self.running_task.set(true);
                let outcome = task.run();
                self.running_task.set(false);
                ran += 1;
                if let Some((woken, place)) = self.first_woken.take() {
                    if outcome == RunOutcome::Pending && handoffs < MAX_HANDOFFS {
                        handoffs += 1;
                        handed_off = Some(woken);
                    } else {
                        // No hand-off: the task queues where its wake put it.
                        let mut queue = self.queue.borrow_mut();
                        let place = place.min(queue.len());
                        queue.insert(place, woken);
                    }
                }
            }
            if let Some(task) = handed_off {
                // The batch ended first: the task keeps its turn at the front.
                self.queue.borrow_mut().push_front(task);
            }
            since_driver += ran;
            if ran > 0 || main.woken.load(Acquire) {
                // Busy: let the driver see its events without sleeping, now and then.
                if since_driver >= BATCH {
                    self.park.borrow_mut().park_timeout(Duration::ZERO);
                    since_driver = 0;
                }
                continue;
            }
            // Idle. Wakes from other threads unpark us after queueing, so a wake racing
            // this check makes `park` return at once.
            self.park.borrow_mut().park();
            since_driver = 0;
        }
    }
}

impl Drop for LocalExecutor {
    fn drop(&mut self) {
        let shared = &self.inner.shared;
        // On the owning thread: drop every unfinished future here.
        shared.tasks.close_and_shutdown();
        let queued = std::mem::take(&mut *self.inner.queue.borrow_mut());
        drop(queued);
        let remote = {
            let mut remote = shared.remote.lock().unwrap();
            remote.closed = true;
            std::mem::take(&mut remote.tasks)
        };
        drop(remote);
    }
}

impl Default for LocalExecutor {
    fn default() -> Self {
        LocalExecutor::new()
    }
}

impl std::fmt::Debug for LocalExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalExecutor")
            .field("tasks", &self.inner.shared.tasks.len())
            .finish()
    }
}

/// The main future's waker: a flag plus an unpark.
struct MainWake {
    woken: AtomicBool,
    shared: Arc<LocalShared>,
}

impl Wake for MainWake {
    fn wake(self: StdArc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &StdArc<Self>) {
        if !self.woken.swap(true, AcqRel) {
            self.shared.unpark.unpark();
        }
    }
}

struct ActiveGuard(*const LocalInner);

impl ActiveGuard {
    fn set(inner: &LocalInner) -> ActiveGuard {
        ActiveGuard(ACTIVE.with(|a| a.replace(inner)))
    }
}

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        let _ = ACTIVE.try_with(|a| a.set(self.0));
    }
}

/// Spawns a `!Send` future on the [`LocalExecutor`] whose `block_on` runs on this thread.
///
/// Panics if none does.
///
/// ```
/// use std::rc::Rc;
/// use weave_executor::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// let n = ex.block_on(async {
///     let shared = Rc::new(20);
///     weave_executor::spawn_local(async move { *shared + 1 }).await.unwrap()
/// });
/// assert_eq!(n, 21);
/// ```
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let builder = Builder::new();
    let active = ACTIVE.with(|a| a.get());
    // SAFETY: set only while the executor's `block_on` borrows it on this thread.
    match unsafe { active.as_ref() } {
        Some(inner) => inner.spawn_local(future, builder),
        None => panic!(
            "weave_executor::spawn_local called outside a LocalExecutor: no LocalExecutor::block_on \
             is running on this thread (a ThreadPool cannot run !Send futures)"
        ),
    }
}
