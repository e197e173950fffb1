//! `ThreadPool`: a work-stealing executor over N worker threads.
//!
//! Each worker owns a bounded local queue (`queue.rs`) and a LIFO slot holding the task it
//! woke last (a message's receiver runs right after its sender, while the data is still in
//! cache). Tasks scheduled from outside go to the global injector (`inject.rs`). Idle
//! workers steal half of a busy worker's queue; how many may search, and who sleeps, is
//! `idle.rs`. Workers sleep through `park.rs`: one of them on the shared driver, if any.

mod builder;
mod idle;
mod inject;
mod park;
mod queue;
mod worker;

#[cfg(all(test, loom))]
mod loom_tests;
#[cfg(test)]
mod test_sink;

use std::future::Future;

use crossbeam_utils::CachePadded;
use weave_core::loom::thread;

use weave_core::loom::sync::atomic::{AtomicBool, Ordering::*};
use weave_core::loom::sync::{Arc, Mutex};
use weave_core::task::{Builder, JoinHandle, Runnable, TaskList, TaskRef};
use weave_core::{enter, Park, Schedule, Spawn, ThreadParker};

pub use self::builder::ThreadPoolBuilder;
use self::idle::Idle;
use self::inject::Inject;
use self::park::{SharedDriver, WorkerParker, WorkerUnparker};
use self::queue::Steal;
use crate::context::{self, Current, EnterGuard};

/// A work-stealing thread pool (tokio's multi-thread runtime, asyncio's loop spread over
/// cores).
///
/// `spawn` from anywhere; [`block_on`](ThreadPool::block_on) runs a future on the calling
/// thread while the workers run the tasks; [`handle`](ThreadPool::handle) is a cheap
/// `Clone + Send + Sync` spawner. Dropping the pool (or [`shutdown`](ThreadPool::shutdown))
/// stops the workers, drops every unfinished task's future and resolves its `JoinHandle`
/// to a cancelled error.
///
/// ```
/// use weave_executor::ThreadPool;
///
/// let pool = ThreadPool::new(2);
/// let handles: Vec<_> = (0..10u64).map(|i| pool.spawn(async move { i * i })).collect();
/// let total: u64 = pool.block_on(async {
///     let mut total = 0;
///     for h in handles {
///         total += h.await.unwrap();
///     }
///     total
/// });
/// assert_eq!(total, 285);
/// ```
pub struct ThreadPool {
    handle: ThreadPoolHandle,
    threads: Mutex<Vec<thread::JoinHandle<()>>>,
}

/// A `Clone + Send + Sync` handle that spawns onto a [`ThreadPool`].
///
/// ```
/// use weave_core::Spawn;
/// use weave_executor::ThreadPool;
///
/// let pool = ThreadPool::new(1);
/// let handle = pool.handle();
/// let task = std::thread::spawn(move || handle.spawn(async { "hi" })).join().unwrap();
/// assert_eq!(pool.block_on(task).unwrap(), "hi");
/// ```
#[derive(Clone)]
pub struct ThreadPoolHandle {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    remotes: Box<[Remote]>,
    // Padded: every worker writes these, and they must not share a cache line with the
    // read-mostly fields around them.
    inject: CachePadded<Inject>,
    idle: CachePadded<Idle>,
    tasks: TaskList,
    shutdown: AtomicBool,
    driver: Option<Arc<SharedDriver>>,
    /// A busy worker polls `driver` once per this many tasks.
    event_interval: u32,
}

/// What other threads may touch of a worker.
struct Remote {
    steal: Steal,
    unpark: WorkerUnparker,
}

/// The scheduler stored in every task of a pool.
#[derive(Clone)]
struct PoolScheduler(Arc<Shared>);

impl Schedule for PoolScheduler {
    fn schedule(&self, task: Runnable) {
        worker::schedule(&self.0, task, worker::Place::NextIfWaiting);
    }

    fn yield_now(&self, task: Runnable) {
        worker::schedule(&self.0, task, worker::Place::Back);
    }

    fn release(&self, task: TaskRef<'_>) {
        self.0.tasks.remove(task);
    }
}

impl Shared {
    /// Queues a task from outside the pool's workers.
    fn schedule_remote(&self, task: Runnable) {
        self.inject.push(task);
        self.notify_parked();
    }

    /// Wakes a sleeping worker if one should look for the work just queued.
    fn notify_parked(&self) {
        if let Some(index) = self.idle.worker_to_notify() {
            self.remotes[index].unpark.unpark();
        }
    }

    /// True if some queue holds a task (a snapshot).
    fn has_work(&self) -> bool {
        !self.inject.is_empty() || self.remotes.iter().any(|r| !r.steal.is_empty())
    }

    fn is_shutdown(&self) -> bool {
        self.shutdown.load(Acquire)
    }
}

impl ThreadPool {
    /// A pool of `workers` threads (at least one), sleeping on thread parkers when idle.
    pub fn new(workers: usize) -> ThreadPool {
        ThreadPool::builder().worker_threads(workers).build()
    }

    /// A pool whose idle workers take turns waiting in `driver` (a timer or reactor
    /// `Park` layer): exactly one idle worker parks on it, the others on thread parkers.
    pub fn with_driver<P: Park + Send + 'static>(workers: usize, driver: P) -> ThreadPool {
        ThreadPool::builder()
            .worker_threads(workers)
            .driver(driver)
            .build()
    }

    /// A [`ThreadPoolBuilder`] for thread names, stack sizes, per-thread hooks and the driver.
    pub fn builder() -> ThreadPoolBuilder {
        ThreadPoolBuilder::new()
    }

    fn build(config: ThreadPoolBuilder) -> ThreadPool {
        let workers = config.workers.max(1);
        let driver = config.driver;
        let mut locals = Vec::with_capacity(workers);
        let mut remotes = Vec::with_capacity(workers);
        for _ in 0..workers {
            let (local, steal) = queue::new();
            let parker = WorkerParker::new(driver.clone());
            remotes.push(Remote {
                steal,
                unpark: parker.unparker(),
            });
            locals.push((local, parker));
        }
        let shared = Arc::new(Shared {
            remotes: remotes.into_boxed_slice(),
            inject: CachePadded::new(Inject::new()),
            idle: CachePadded::new(Idle::new(workers)),
            // Task ids pick the shard; ids differ between loom iterations, so loom needs one.
            tasks: TaskList::with_shards(if cfg!(loom) { 1 } else { workers * 4 }),
            shutdown: AtomicBool::new(false),
            driver,
            event_interval: config.event_interval,
        });
        let threads = locals
            .into_iter()
            .enumerate()
            .map(|(index, (local, parker))| {
                let shared = shared.clone();
                let start = config.on_thread_start.clone();
                let stop = config.on_thread_stop.clone();
                let mut thread =
                    thread::Builder::new().name(format!("{}-{index}", config.thread_name));
                if let Some(bytes) = config.stack_size {
                    thread = thread.stack_size(bytes);
                }
                thread
                    .spawn(move || {
                        if let Some(start) = start {
                            start();
                        }
                        worker::run(shared, index, local, parker);
                        if let Some(stop) = stop {
                            stop();
                        }
                    })
                    .expect("failed to spawn a ThreadPool worker thread")
            })
            .collect();
        ThreadPool {
            handle: ThreadPoolHandle { shared },
            threads: Mutex::new(threads),
        }
    }

    /// A `Clone + Send + Sync` spawner for this pool.
    pub fn handle(&self) -> ThreadPoolHandle {
        self.handle.clone()
    }

    /// Spawns `future` on the pool.
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn_with(future, Builder::new())
    }

    /// Runs `future` on the calling thread until it completes, while the workers run the
    /// pool's tasks. Inside it, [`spawn`](crate::spawn) spawns onto this pool.
    ///
    /// Panics if this thread already drives an executor.
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.handle.block_on(future)
    }

    /// The number of unfinished tasks that have been suspended at least once (a task still
    /// waiting for its first poll is not counted).
    pub fn len(&self) -> usize {
        self.handle.shared.tasks.len()
    }

    /// True if no task is suspended (see [`len`](ThreadPool::len)).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Stops the workers and cancels every unfinished task (their futures are dropped and
    /// their `JoinHandle`s resolve to cancelled). Later spawns are cancelled at once.
    /// Idempotent; also run by `Drop`.
    ///
    /// ```
    /// use weave_executor::ThreadPool;
    ///
    /// let pool = ThreadPool::new(2);
    /// let task = pool.spawn(std::future::pending::<()>());
    /// pool.shutdown();
    /// assert!(weave_executor::block_on(task).unwrap_err().is_cancelled());
    /// ```
    pub fn shutdown(&self) {
        let shared = &self.handle.shared;
        if shared.shutdown.swap(true, AcqRel) {
            return;
        }
        for remote in shared.remotes.iter() {
            remote.unpark.unpark();
        }
        let threads = std::mem::take(&mut *self.threads.lock().unwrap());
        let current = thread::current().id();
        for thread in threads {
            if thread.thread().id() == current {
                // Shut down from one of our own tasks: this worker exits when the task
                // returns; joining it here would wait for ourselves.
                continue;
            }
            // A worker only panics on a bug in the pool itself; surface it.
            if let Err(panic) = thread.join() {
                std::panic::resume_unwind(panic);
            }
        }
        // Workers are gone. Cancel what is queued and every idle task. A cancelled future's
        // destructor may wake other tasks: the injector stays open meanwhile so those wakes
        // queue up (and are drained by the next round) instead of cancelling the next task
        // inline, which would recurse once per link of a chain of tasks.
        loop {
            drop(shared.inject.take_all());
            shared.tasks.close_and_shutdown();
            if shared.inject.is_empty() {
                break;
            }
        }
        // Every task is finished now: a later wake's `Runnable` is dropped on the spot.
        drop(shared.inject.close());
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl std::fmt::Debug for ThreadPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadPool")
            .field("workers", &self.handle.shared.remotes.len())
            .field("tasks", &self.len())
            .finish()
    }
}

impl Spawn for ThreadPool {
    fn spawn_with<F>(&self, future: F, builder: Builder) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn_with(future, builder)
    }
}

impl ThreadPoolHandle {
    /// Runs `future` on the calling thread until it completes, like
    /// [`ThreadPool::block_on`], from anywhere a handle reached.
    ///
    /// ```
    /// use weave_executor::ThreadPool;
    ///
    /// let pool = ThreadPool::new(1);
    /// let handle = pool.handle();
    /// let out = std::thread::spawn(move || {
    ///     handle.block_on(async { weave_executor::spawn(async { 7 }).await.unwrap() })
    /// });
    /// assert_eq!(out.join().unwrap(), 7);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _enter = enter::enter("ThreadPool::block_on");
        let _current = context::set_current(Current::Pool(self.clone()));
        crate::block_on::run_with(&mut ThreadParker::new(), future)
    }

    /// Every unfinished task that has waited at least once, with its id, name, status and
    /// spawn location (asyncio's `all_tasks`; a debugging aid, not a fast path).
    ///
    /// ```
    /// use weave_executor::ThreadPool;
    ///
    /// let pool = ThreadPool::new(1);
    /// let task = pool.spawn(std::future::pending::<()>());
    /// pool.block_on(async {
    ///     while pool.handle().dump().is_empty() {
    ///         weave_core::task::yield_now().await;
    ///     }
    /// });
    /// assert_eq!(pool.handle().dump()[0].id, task.id());
    /// ```
    pub fn dump(&self) -> Vec<weave_core::task::TaskInfo> {
        self.shared.tasks.snapshot()
    }

    /// Makes [`spawn`](crate::spawn) on this thread spawn onto this pool until the guard
    /// drops.
    ///
    /// ```
    /// use weave_executor::ThreadPool;
    ///
    /// let pool = ThreadPool::new(1);
    /// let task = {
    ///     let _guard = pool.handle().enter();
    ///     weave_executor::spawn(async { 4 })
    /// };
    /// assert_eq!(pool.block_on(task).unwrap(), 4);
    /// ```
    pub fn enter(&self) -> EnterGuard {
        EnterGuard::new(Current::Pool(self.clone()))
    }
}

impl Spawn for ThreadPoolHandle {
    fn spawn_with<F>(&self, future: F, builder: Builder) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let scheduler = PoolScheduler(self.shared.clone());
        // SAFETY: the list lives in `Shared`, which the task's scheduler keeps alive.
        let (runnable, handle) = unsafe { self.shared.tasks.spawn(future, scheduler, builder) };
        if let Some(runnable) = runnable {
            // Spawned on a worker, the new task takes the LIFO slot like a woken one: a chain
            // of tasks each spawning the next then stays on one warm core (measured: about
            // 4x faster on chained_spawn than queueing it where the idle worker steals it).
            worker::schedule(&self.shared, runnable, worker::Place::Next);
        }
        handle
    }
}

impl std::fmt::Debug for ThreadPoolHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadPoolHandle").finish_non_exhaustive()
    }
}
