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
    flavor: Flavor,
    handle: Handle,
}

enum Flavor {
    MultiThread(ThreadPool),
    CurrentThread(LocalExecutor),
}

impl Runtime {
    fn from_parts(flavor: Flavor, handle: Handle) -> Runtime {
        Runtime { flavor, handle }
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
            Flavor::MultiThread(pool) => pool.block_on(future),
            Flavor::CurrentThread(executor) => executor.block_on(future),
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

    /// Shuts down, cancelling every unfinished task, and waits at most `timeout` for
    /// blocking work already running to finish (it cannot be interrupted).
    pub fn shutdown_timeout(self, timeout: Duration) {
        self.shutdown_executor();
        self.handle.drivers().shutdown_blocking(Some(timeout));
    }

    /// Shuts down, cancelling every unfinished task, without waiting for blocking work
    /// already running (its threads finish it and exit on their own).
    pub fn shutdown_background(self) {
        self.shutdown_executor();
        self.handle
            .drivers()
            .shutdown_blocking(Some(Duration::ZERO));
    }

    fn shutdown_executor(&self) {
        match &self.flavor {
            Flavor::MultiThread(pool) => pool.shutdown(),
            // Dropping a LocalExecutor is its shutdown; `Drop` below does it.
            Flavor::CurrentThread(_) => {}
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // Tasks' destructors may deregister timers and sockets: the drivers stay alive
        // (the handle owns them) until the executor has dropped every task.
        let _guard = self.handle.enter();
        self.shutdown_executor();
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("handle", &self.handle)
            .finish()
    }
}
