//! `Builder`: configures a [`Runtime`](super::Runtime).

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use weave_executor::{LocalExecutor, ThreadPool};

use super::drivers::{self, DriverOptions};
use super::handle::{Handle, Spawner};
use super::{context, Flavor, Runtime};

type Hook = Arc<dyn Fn() + Send + Sync + 'static>;

/// Configures a [`Runtime`]: which executor, how many threads and what they are called.
///
/// ```
/// use weave::runtime::Builder;
///
/// let rt = Builder::new_multi_thread()
///     .worker_threads(2)
///     .thread_name("app-worker")
///     .build()
///     .unwrap();
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// ```
pub struct Builder {
    kind: Kind,
    worker_threads: Option<usize>,
    thread_name: String,
    thread_stack_size: Option<usize>,
    on_thread_start: Option<Hook>,
    on_thread_stop: Option<Hook>,
    event_interval: Option<u32>,
    drivers: DriverOptions,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    MultiThread,
    CurrentThread,
}

impl Builder {
    /// A work-stealing runtime with one worker per CPU (tokio's `multi_thread`).
    pub fn new_multi_thread() -> Builder {
        Builder::new(Kind::MultiThread)
    }

    /// A runtime that runs every task on the thread calling
    /// [`Runtime::block_on`] (asyncio's event loop; tokio's `current_thread`).
    ///
    /// ```
    /// let rt = weave::runtime::Builder::new_current_thread().build().unwrap();
    /// let here = std::thread::current().id();
    /// let there = rt.block_on(rt.spawn(async { std::thread::current().id() })).unwrap();
    /// assert_eq!(here, there);
    /// ```
    pub fn new_current_thread() -> Builder {
        Builder::new(Kind::CurrentThread)
    }

    fn new(kind: Kind) -> Builder {
        Builder {
            kind,
            worker_threads: None,
            thread_name: "weave-worker".to_owned(),
            thread_stack_size: None,
            on_thread_start: None,
            on_thread_stop: None,
            event_interval: None,
            drivers: DriverOptions::default(),
        }
    }

    /// How many worker threads a multi-thread runtime starts (default: one per CPU; at
    /// least one). Ignored by a current-thread runtime.
    pub fn worker_threads(mut self, n: usize) -> Self {
        self.worker_threads = Some(n.max(1));
        self
    }

    /// The most threads the blocking pool (`spawn_blocking`, `fs`) grows to (default
    /// 512). Work beyond that waits in a queue.
    pub fn max_blocking_threads(mut self, n: usize) -> Self {
        self.drivers.max_blocking_threads = n.max(1);
        self
    }

    /// How long an idle blocking-pool thread waits for work before exiting (default 10 s).
    pub fn thread_keep_alive(mut self, keep_alive: Duration) -> Self {
        self.drivers.blocking_keep_alive = keep_alive;
        self
    }

    /// The name prefix of the runtime's threads (default `weave-worker`; blocking-pool
    /// threads get `-blocking` appended).
    pub fn thread_name(mut self, name: impl Into<String>) -> Self {
        self.thread_name = name.into();
        self
    }

    /// The stack size of the runtime's threads, in bytes.
    pub fn thread_stack_size(mut self, bytes: usize) -> Self {
        self.thread_stack_size = Some(bytes);
        self
    }

    /// Starts time paused: the clock stands still and jumps straight to the next timer
    /// whenever every task is waiting, so tests of timeouts and intervals run instantly and
    /// deterministically (tokio's `start_paused`). Current-thread runtimes only: on a pool,
    /// one idle worker cannot tell that the others are idle too.
    ///
    /// ```
    /// use std::time::Duration;
    /// use weave::time::{sleep, Instant};
    ///
    /// let rt = weave::runtime::Builder::new_current_thread()
    ///     .start_paused(true)
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(async {
    ///     let start = Instant::now();
    ///     sleep(Duration::from_secs(3600)).await; // returns at once
    ///     assert_eq!(start.elapsed(), Duration::from_secs(3600));
    /// });
    /// ```
    #[cfg(feature = "time")]
    pub fn start_paused(mut self, paused: bool) -> Self {
        self.drivers.start_paused = paused;
        self
    }

    /// Runs `hook` on each runtime thread as it starts (the runtime is already current).
    pub fn on_thread_start(mut self, hook: impl Fn() + Send + Sync + 'static) -> Self {
        self.on_thread_start = Some(Arc::new(hook));
        self
    }

    /// Runs `hook` on each runtime thread just before it exits.
    pub fn on_thread_stop(mut self, hook: impl Fn() + Send + Sync + 'static) -> Self {
        self.on_thread_stop = Some(Arc::new(hook));
        self
    }

    /// How many tasks a busy thread runs between two looks at timers and I/O (default 61).
    pub fn event_interval(mut self, tasks: u32) -> Self {
        self.event_interval = Some(tasks.max(1));
        self
    }

    /// Starts the runtime: its threads, timer, reactor and blocking pool.
    ///
    /// Errors if the OS refuses a resource (the reactor's epoll instance, a thread).
    ///
    /// Panics if `start_paused(true)` was asked of a multi-thread runtime.
    pub fn build(mut self) -> io::Result<Runtime> {
        self.drivers.thread_name = self.thread_name.clone();
        self.drivers.thread_stack_size = self.thread_stack_size;
        self.drivers.timer_shards = match self.kind {
            Kind::CurrentThread => 1,
            Kind::MultiThread => self.worker_threads.unwrap_or_else(default_workers).min(8),
        };
        assert!(
            !(self.drivers.start_paused && self.kind == Kind::MultiThread),
            "start_paused(true) needs a current-thread runtime (Builder::new_current_thread): \
             a paused clock advances only when the one thread running tasks is idle"
        );
        let (driver, driver_handles) = drivers::build(&self.drivers)?;
        match self.kind {
            Kind::CurrentThread => {
                let executor = LocalExecutor::with_park(driver);
                let handle = Handle::new(Spawner::Local(executor.handle()), driver_handles);
                Ok(Runtime::from_parts(Flavor::CurrentThread(executor), handle))
            }
            Kind::MultiThread => {
                // The workers enter the runtime's handle, which needs the pool's handle:
                // they find it through a slot filled right after the pool starts.
                let slot: Arc<std::sync::OnceLock<Handle>> = Arc::default();
                let start_slot = slot.clone();
                let user_start = self.on_thread_start.clone();
                let user_stop = self.on_thread_stop.clone();
                let mut pool = ThreadPool::builder()
                    .thread_name(self.thread_name.clone())
                    .driver(driver)
                    .on_thread_start(move || {
                        context::enter_worker(wait_for(&start_slot));
                        if let Some(hook) = &user_start {
                            hook();
                        }
                    })
                    .on_thread_stop(move || {
                        if let Some(hook) = &user_stop {
                            hook();
                        }
                        context::leave_worker();
                    });
                if let Some(n) = self.worker_threads {
                    pool = pool.worker_threads(n);
                }
                if let Some(bytes) = self.thread_stack_size {
                    pool = pool.thread_stack_size(bytes);
                }
                if let Some(n) = self.event_interval {
                    pool = pool.event_interval(n);
                }
                let pool = pool.build();
                let handle = Handle::new(Spawner::Pool(pool.handle()), driver_handles);
                slot.set(handle.clone())
                    .unwrap_or_else(|_| unreachable!("the slot is filled once"));
                Ok(Runtime::from_parts(Flavor::MultiThread(pool), handle))
            }
        }
    }
}

fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Waits (briefly: the builder fills it right after starting the threads) for the handle.
fn wait_for(slot: &std::sync::OnceLock<Handle>) -> &Handle {
    loop {
        if let Some(handle) = slot.get() {
            return handle;
        }
        std::thread::yield_now();
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("kind", &self.kind)
            .field("worker_threads", &self.worker_threads)
            .field("drivers", &self.drivers)
            .field("thread_name", &self.thread_name)
            .field("thread_stack_size", &self.thread_stack_size)
            .field("event_interval", &self.event_interval)
            .finish_non_exhaustive()
    }
}
