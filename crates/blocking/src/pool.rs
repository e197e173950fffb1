//! The blocking thread pool: threads are started on demand up to a maximum, and exit after
//! an idle keep-alive.
//!
//! Each closure becomes a `weave_core` task whose scheduler pushes its [`Runnable`] onto the
//! pool's queue, so [`spawn_blocking`] hands back an ordinary [`JoinHandle`]: panics become a
//! `JoinError`, `abort` before the closure starts cancels it.
//!
//! Queue policy: the queue is unbounded and the thread count is bounded. When every thread
//! is busy and the maximum is reached, new closures wait in FIFO order for a thread to free
//! up; they are never rejected. (An unbounded queue cannot fail a caller that has no way to
//! retry later; bound the work yourself with a semaphore if the producer can outrun it.)
//!
//! The wake-up protocol is tokio's: a submitter that finds an idle thread takes one idle
//! count and adds one notification under the lock, so each notification is consumed by
//! exactly one thread and an idle thread timing out never swallows one.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use weave_core::task::{self, Runnable};
use weave_core::JoinHandle;

use crate::context;

/// Default maximum number of pool threads.
pub const DEFAULT_MAX_THREADS: usize = 512;
/// Default time an idle thread waits for work before exiting.
pub const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(10);

/// Configures a [`BlockingPool`].
///
/// ```
/// use std::time::Duration;
///
/// let pool = weave_blocking::Builder::new()
///     .max_threads(4)
///     .keep_alive(Duration::from_millis(100))
///     .thread_name("my-blocking")
///     .build();
/// let handle = pool.handle().spawn_blocking(|| std::thread::current().name().map(String::from));
/// let name = futures::executor::block_on(handle).unwrap();
/// assert_eq!(name.as_deref(), Some("my-blocking"));
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    max_threads: usize,
    keep_alive: Duration,
    thread_name: String,
    stack_size: Option<usize>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// Defaults: 512 threads, 10 s keep-alive, threads named `weave-blocking`.
    pub fn new() -> Builder {
        Builder {
            max_threads: DEFAULT_MAX_THREADS,
            keep_alive: DEFAULT_KEEP_ALIVE,
            thread_name: "weave-blocking".to_owned(),
            stack_size: None,
        }
    }

    /// The most threads the pool runs at once (at least 1).
    pub fn max_threads(mut self, n: usize) -> Builder {
        self.max_threads = n.max(1);
        self
    }

    /// How long an idle thread waits for work before it exits.
    pub fn keep_alive(mut self, d: Duration) -> Builder {
        self.keep_alive = d;
        self
    }

    /// The name given to every pool thread.
    pub fn thread_name(mut self, name: impl Into<String>) -> Builder {
        self.thread_name = name.into();
        self
    }

    /// The stack size of pool threads (the std default otherwise).
    pub fn stack_size(mut self, bytes: usize) -> Builder {
        self.stack_size = Some(bytes);
        self
    }

    /// Creates the pool. No thread starts until the first closure is submitted.
    pub fn build(self) -> BlockingPool {
        BlockingPool {
            handle: Handle {
                inner: Arc::new(Inner {
                    state: Mutex::new(State {
                        queue: VecDeque::new(),
                        threads: 0,
                        idle: 0,
                        notified: 0,
                        shutdown: false,
                    }),
                    work: Condvar::new(),
                    exited: Condvar::new(),
                    config: self,
                }),
            },
        }
    }
}

struct State {
    queue: VecDeque<Runnable>,
    /// Threads alive (running, idle or about to start).
    threads: usize,
    /// Threads waiting on `work` that no notification has claimed yet.
    idle: usize,
    /// Notifications sent and not yet consumed by a waking thread.
    notified: usize,
    shutdown: bool,
}

struct Inner {
    state: Mutex<State>,
    /// Signalled when work is queued (or at shutdown).
    work: Condvar,
    /// Signalled when a thread exits (for `shutdown_timeout`).
    exited: Condvar,
    config: Builder,
}

/// A pool of threads for blocking work. Dropping it shuts it down (see
/// [`shutdown_timeout`](BlockingPool::shutdown_timeout)) without waiting.
///
/// ```
/// let pool = weave_blocking::BlockingPool::new();
/// let sum = pool.handle().spawn_blocking(|| (1..=10).sum::<u32>());
/// assert_eq!(futures::executor::block_on(sum).unwrap(), 55);
/// ```
pub struct BlockingPool {
    handle: Handle,
}

/// A cloneable reference to a [`BlockingPool`] that submits work and can be made the
/// thread's current pool with [`enter`](Handle::enter).
///
/// ```
/// let pool = weave_blocking::BlockingPool::new();
/// let _guard = pool.handle().enter();
/// // `weave_blocking::spawn_blocking` now uses `pool` on this thread.
/// let h = weave_blocking::spawn_blocking(|| 1);
/// assert_eq!(futures::executor::block_on(h).unwrap(), 1);
/// ```
#[derive(Clone)]
pub struct Handle {
    inner: Arc<Inner>,
}

impl fmt::Debug for BlockingPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.handle.fmt(f)
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.inner.lock();
        f.debug_struct("BlockingPool")
            .field("threads", &state.threads)
            .field("idle", &state.idle)
            .field("queued", &state.queue.len())
            .field("shutdown", &state.shutdown)
            .finish()
    }
}

impl Default for BlockingPool {
    fn default() -> Self {
        BlockingPool::new()
    }
}

impl BlockingPool {
    /// A pool with the default configuration ([`Builder::new`]).
    pub fn new() -> BlockingPool {
        Builder::new().build()
    }

    /// A handle to this pool.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Stops the pool and waits up to `timeout` for its threads to exit. Returns `true` if
    /// they all did.
    ///
    /// Closures already queued still run (threads drain the queue before exiting); closures
    /// submitted after shutdown are dropped without running, so their `JoinHandle`s resolve
    /// to a cancelled `JoinError`. A closure that blocks forever keeps its thread; the pool
    /// does not wait for it past `timeout`.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let pool = weave_blocking::BlockingPool::new();
    /// let queued = pool.handle().spawn_blocking(|| 7);
    /// assert!(pool.shutdown_timeout(Duration::from_secs(5)));
    /// assert_eq!(futures::executor::block_on(queued).unwrap(), 7);
    /// let late = pool.handle().spawn_blocking(|| 8);
    /// assert!(futures::executor::block_on(late).unwrap_err().is_cancelled());
    /// ```
    pub fn shutdown_timeout(&self, timeout: Duration) -> bool {
        self.handle.shutdown();
        // `Duration::MAX` (wait for as long as it takes) overflows an `Instant`.
        let deadline = Instant::now().checked_add(timeout);
        let mut state = self.handle.inner.lock();
        while state.threads > 0 {
            let exited = &self.handle.inner.exited;
            state = match deadline {
                None => exited.wait(state).unwrap_or_else(|e| e.into_inner()),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return false;
                    }
                    exited
                        .wait_timeout(state, deadline - now)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
            };
        }
        true
    }
}

impl Drop for BlockingPool {
    fn drop(&mut self) {
        self.handle.shutdown();
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Closures run outside the lock, so a poisoned lock means a bug in this file; the
        // state is still consistent at every unlock, so carry on.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Handle {
    /// Runs `f` on a pool thread; the handle resolves to its return value, or to a
    /// `JoinError` if it panicked (or was dropped because the pool shut down).
    ///
    /// ```
    /// let pool = weave_blocking::BlockingPool::new();
    /// let err = pool.handle().spawn_blocking(|| -> u8 { panic!("boom") });
    /// assert!(futures::executor::block_on(err).unwrap_err().is_panic());
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let inner = self.inner.clone();
        let (runnable, handle) =
            task::spawn(async move { f() }, move |r: Runnable| submit(&inner, r));
        submit(&self.inner, runnable);
        handle
    }

    /// Makes this pool the thread's current one (what [`spawn_blocking`] and `fs` use) until
    /// the guard drops. Guards nest.
    ///
    /// ```
    /// let pool = weave_blocking::BlockingPool::new();
    /// {
    ///     let _guard = pool.handle().enter();
    ///     assert!(weave_blocking::Handle::try_current().is_some());
    /// }
    /// ```
    pub fn enter(&self) -> EnterGuard {
        EnterGuard {
            previous: context::replace(Some(self.clone())),
        }
    }

    /// The entered pool, if any (not the global fallback).
    pub fn try_current() -> Option<Handle> {
        context::current()
    }

    /// The entered pool, or else the process-wide default pool (started on first use).
    ///
    /// ```
    /// let h = weave_blocking::Handle::current();
    /// assert_eq!(futures::executor::block_on(h.spawn_blocking(|| 2)).unwrap(), 2);
    /// ```
    pub fn current() -> Handle {
        context::current().unwrap_or_else(context::global)
    }

    #[cfg(test)]
    pub(crate) fn inner_threads(&self) -> usize {
        self.inner.lock().threads
    }

    #[cfg(test)]
    pub(crate) fn inner_is_shutdown(&self) -> bool {
        self.inner.lock().shutdown
    }

    /// Marks the pool shut down and wakes idle threads so they drain the queue and exit.
    fn shutdown(&self) {
        let mut state = self.inner.lock();
        state.shutdown = true;
        drop(state);
        self.inner.work.notify_all();
    }
}

/// Restores the previously current pool when dropped. Returned by [`Handle::enter`].
#[must_use = "the pool is current only while the guard lives"]
#[derive(Debug)]
pub struct EnterGuard {
    previous: Option<Handle>,
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        context::replace(self.previous.take());
    }
}

/// Queues `runnable`, waking an idle thread or starting a new one.
fn submit(inner: &Arc<Inner>, runnable: Runnable) {
    let mut state = inner.lock();
    if state.shutdown {
        drop(state);
        // Dropping an unrun Runnable cancels the task: its JoinHandle reports cancellation.
        drop(runnable);
        return;
    }
    state.queue.push_back(runnable);
    if state.idle > 0 {
        // Claim one idle thread for this item: the claim and the notification are made
        // together under the lock, so the thread cannot also count itself as timed out.
        state.idle -= 1;
        state.notified += 1;
        drop(state);
        inner.work.notify_one();
    } else if state.threads < inner.config.max_threads {
        state.threads += 1;
        drop(state);
        let mut builder = thread::Builder::new().name(inner.config.thread_name.clone());
        if let Some(size) = inner.config.stack_size {
            builder = builder.stack_size(size);
        }
        let worker = inner.clone();
        if let Err(e) = builder.spawn(move || run(worker)) {
            // Out of threads: the item stays queued for the existing ones, if any.
            let mut state = inner.lock();
            state.threads -= 1;
            assert!(
                state.threads > 0,
                "weave-blocking: cannot start any blocking thread: {e}"
            );
        }
    }
    // Otherwise every thread is busy and the maximum is reached: the item waits its turn.
}

/// A pool thread's loop.
fn run(inner: Arc<Inner>) {
    // Blocking code that spawns more blocking work (or uses `fs`) stays on this pool.
    let _enter = Handle {
        inner: inner.clone(),
    }
    .enter();
    let mut state = inner.lock();
    'outer: loop {
        while let Some(runnable) = state.queue.pop_front() {
            drop(state);
            runnable.run();
            state = inner.lock();
        }
        if state.shutdown {
            break;
        }
        state.idle += 1;
        loop {
            let (guard, timeout) = inner
                .work
                .wait_timeout(state, inner.config.keep_alive)
                .unwrap_or_else(|e| e.into_inner());
            state = guard;
            if state.notified > 0 {
                // A submitter claimed us (it already took us off `idle`).
                state.notified -= 1;
                continue 'outer;
            }
            if state.shutdown {
                state.idle -= 1;
                continue 'outer; // drain whatever is queued, then exit
            }
            if timeout.timed_out() {
                state.idle -= 1;
                break 'outer;
            }
            // Spurious wake-up: keep waiting.
        }
    }
    state.threads -= 1;
    drop(state);
    inner.exited.notify_all();
}

/// Runs `f` on the current blocking pool ([`Handle::current`]) and returns a handle to its
/// result (asyncio's `to_thread`). It never blocks the calling (async) thread.
///
/// ```
/// let h = weave_blocking::spawn_blocking(|| std::thread::current().name().map(String::from));
/// let name = futures::executor::block_on(h).unwrap();
/// assert_eq!(name.as_deref(), Some("weave-blocking"));
/// ```
#[track_caller]
pub fn spawn_blocking<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    Handle::current().spawn_blocking(f)
}
