//! The runtime: an executor with its drivers (timer, reactor) and blocking pool, wired
//! together (asyncio's event loop).
//!
//! Most programs never name it: [`weave::run`](crate::run) (asyncio's `run`) and
//! `#[weave::main]` build one, run a future on it and shut it down. Build one yourself to
//! pick the flavor and threads, to keep it across several `block_on` calls
//! (asyncio's `run_until_complete`), or to spawn onto it from plain threads via its
//! [`Handle`].
//!
//! ```
//! use weave::runtime::Builder;
//!
//! let rt = Builder::new_multi_thread().worker_threads(2).build().unwrap();
//! let background = rt.spawn(async { "kept running between block_on calls" });
//! rt.block_on(async { weave::task::yield_now().await });
//! assert_eq!(rt.block_on(background).unwrap(), "kept running between block_on calls");
//! ```

mod builder;
mod context;
mod drivers;
mod handle;

use std::fmt;
use std::future::Future;
use std::time::Duration;

use weave_core::task::JoinHandle;
use weave_executor::{LocalExecutor, ThreadPool};

pub use builder::Builder;
pub(crate) use handle::NO_RUNTIME;
pub use handle::{EnterGuard, Handle, TryCurrentError};

/// An executor, its drivers and its blocking pool. Dropping it shuts it down: every
/// unfinished task is cancelled (its destructors run) and the threads are joined.
///
/// ```
/// let rt = weave::Runtime::new().unwrap();
/// assert_eq!(rt.block_on(async { 40 + 2 }), 42);
/// ```
pub struct Runtime {
    /// `None` once shut down.
    flavor: Option<Flavor>,
    handle: Handle,
}

enum Flavor {
    MultiThread(ThreadPool),
    CurrentThread(LocalExecutor),
}

impl Runtime {
    fn from_parts(flavor: Flavor, handle: Handle) -> Runtime {
        Runtime {
            flavor: Some(flavor),
            handle,
        }
    }

    /// A multi-thread runtime with one worker per CPU
    /// (`Builder::new_multi_thread().build()`).
    pub fn new() -> std::io::Result<Runtime> {
        Builder::new_multi_thread().build()
    }

    /// Runs `future` to completion on the calling thread, with this runtime current
    /// (asyncio's `run_until_complete`). Tasks spawned meanwhile run on the runtime; those
    /// still unfinished when it returns keep their place for the next call.
    ///
    /// Panics if called from inside a runtime (a task or another `block_on`): that thread
    /// is busy driving its own tasks; await the future instead.
    ///
    /// ```
    /// let rt = weave::runtime::Builder::new_current_thread().build().unwrap();
    /// let first = rt.block_on(async { weave::spawn(async { 1 }).await.unwrap() });
    /// let second = rt.block_on(async { 2 });
    /// assert_eq!(first + second, 3);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _guard = self.handle.enter();
        match &self.flavor {
            Some(Flavor::MultiThread(pool)) => pool.block_on(future),
            Some(Flavor::CurrentThread(executor)) => executor.block_on(future),
            None => unreachable!("a runtime is only shut down by value or on drop"),
        }
    }

    /// Spawns `future` onto the runtime (see [`Handle::spawn`]).
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// The runtime's handle: `Clone + Send + Sync`, spawns and enters from any thread.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Makes this runtime current on the calling thread until the guard drops (see
    /// [`Handle::enter`]).
    pub fn enter(&self) -> EnterGuard {
        self.handle.enter()
    }

    /// Runs the blocking closure `f` on the runtime's blocking pool (see
    /// [`spawn_blocking`](crate::spawn_blocking)).
    #[track_caller]
    pub fn spawn_blocking<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.handle.spawn_blocking(f)
    }

    /// Shuts down, cancelling every unfinished task, and waits at most `timeout` for
    /// blocking work already running to finish (it cannot be interrupted).
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = weave::Runtime::new().unwrap();
    /// rt.spawn_blocking(|| std::thread::sleep(Duration::from_secs(60)));
    /// rt.shutdown_timeout(Duration::from_millis(10)); // returns after ~10 ms, not 60 s
    /// ```
    pub fn shutdown_timeout(mut self, timeout: Duration) {
        self.shutdown(timeout);
    }

    /// Shuts down, cancelling every unfinished task, without waiting for blocking work
    /// already running (its threads finish it and exit on their own).
    pub fn shutdown_background(mut self) {
        self.shutdown(Duration::ZERO);
    }

    /// Cancels every task (their destructors run with the runtime entered, so they may
    /// still deregister timers and sockets), then stops the blocking pool.
    fn shutdown(&mut self, blocking_timeout: Duration) {
        let Some(flavor) = self.flavor.take() else {
            return;
        };
        let _guard = self.handle.enter();
        match flavor {
            Flavor::MultiThread(pool) => pool.shutdown(),
            Flavor::CurrentThread(executor) => drop(executor),
        }
        self.handle.drivers().shutdown_blocking(blocking_timeout);
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // Like tokio: dropping the runtime waits for blocking work already running (queued
        // closures still run); `shutdown_timeout` / `shutdown_background` bound the wait.
        self.shutdown(Duration::MAX);
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("handle", &self.handle)
            .finish()
    }
}
