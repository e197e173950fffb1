//! `ThreadPoolBuilder`: the knobs of a [`ThreadPool`] that a runtime needs (thread names and
//! stacks, hooks run on every worker, the driver, how often busy workers poll it).

use std::fmt;
use std::sync::Arc as StdArc;

use weave_core::Park;

use super::park::SharedDriver;
use super::ThreadPool;
use weave_core::loom::sync::Arc;

/// A hook run on every worker thread, as the thread starts or just before it exits.
pub(crate) type ThreadHook = StdArc<dyn Fn() + Send + Sync + 'static>;

/// Configures and starts a [`ThreadPool`].
///
/// The hooks are how a runtime makes its timer, reactor or blocking pool the current one on
/// every worker without the pool knowing about any of them.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
/// use weave_executor::ThreadPool;
///
/// let started = Arc::new(AtomicUsize::new(0));
/// let counter = started.clone();
/// let pool = ThreadPool::builder()
///     .worker_threads(2)
///     .thread_name("my-worker")
///     .on_thread_start(move || {
///         counter.fetch_add(1, Ordering::SeqCst);
///     })
///     .build();
/// let name = pool.block_on(pool.spawn(async {
///     std::thread::current().name().unwrap().to_owned()
/// }));
/// assert!(name.unwrap().starts_with("my-worker-"));
/// drop(pool); // joins the workers
/// assert_eq!(started.load(Ordering::SeqCst), 2);
/// ```
pub struct ThreadPoolBuilder {
    pub(super) workers: usize,
    pub(super) thread_name: String,
    pub(super) stack_size: Option<usize>,
    pub(super) on_thread_start: Option<ThreadHook>,
    pub(super) on_thread_stop: Option<ThreadHook>,
    pub(super) driver: Option<Arc<SharedDriver>>,
    pub(super) event_interval: u32,
}

/// How many tasks a busy worker runs between two looks at the driver, by default.
pub(crate) const DEFAULT_EVENT_INTERVAL: u32 = 61;

impl ThreadPoolBuilder {
    /// A builder for a pool with one worker per available CPU, named `weave-worker-N`.
    pub fn new() -> ThreadPoolBuilder {
        ThreadPoolBuilder {
            workers: std::thread::available_parallelism().map_or(1, |n| n.get()),
            thread_name: "weave-worker".to_owned(),
            stack_size: None,
            on_thread_start: None,
            on_thread_stop: None,
            driver: None,
            event_interval: DEFAULT_EVENT_INTERVAL,
        }
    }

    /// How many worker threads (at least one).
    pub fn worker_threads(mut self, workers: usize) -> Self {
        self.workers = workers.max(1);
        self
    }

    /// The workers' thread name prefix; each gets `-N` appended.
    pub fn thread_name(mut self, name: impl Into<String>) -> Self {
        self.thread_name = name.into();
        self
    }

    /// Each worker thread's stack size in bytes (the standard library's default otherwise).
    pub fn thread_stack_size(mut self, bytes: usize) -> Self {
        self.stack_size = Some(bytes);
        self
    }

    /// Runs `hook` on each worker thread before it runs any task.
    pub fn on_thread_start(mut self, hook: impl Fn() + Send + Sync + 'static) -> Self {
        self.on_thread_start = Some(StdArc::new(hook));
        self
    }

    /// Runs `hook` on each worker thread after its last task, before the thread exits.
    pub fn on_thread_stop(mut self, hook: impl Fn() + Send + Sync + 'static) -> Self {
        self.on_thread_stop = Some(StdArc::new(hook));
        self
    }

    /// The `Park` layer (timer, reactor) that idle workers take turns sleeping in.
    pub fn driver<P: Park + Send + 'static>(mut self, driver: P) -> Self {
        self.driver = Some(Arc::new(SharedDriver::new(driver)));
        self
    }

    /// A busy worker polls the driver (without sleeping) once per this many tasks it runs,
    /// so timers and I/O are served while every worker is busy. Lower is more responsive,
    /// higher is cheaper. Default 61; at least 1.
    pub fn event_interval(mut self, tasks: u32) -> Self {
        self.event_interval = tasks.max(1);
        self
    }

    /// Starts the workers.
    pub fn build(self) -> ThreadPool {
        ThreadPool::build(self)
    }
}

impl Default for ThreadPoolBuilder {
    fn default() -> Self {
        ThreadPoolBuilder::new()
    }
}

impl fmt::Debug for ThreadPoolBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPoolBuilder")
            .field("workers", &self.workers)
            .field("thread_name", &self.thread_name)
            .field("stack_size", &self.stack_size)
            .field("driver", &self.driver.is_some())
            .field("event_interval", &self.event_interval)
            .finish_non_exhaustive()
    }
}
