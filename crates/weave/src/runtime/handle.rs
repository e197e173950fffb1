//! `Handle`: a cheap, `Send + Sync` reference to a running runtime.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use weave_core::task::{Builder as TaskBuilder, JoinHandle};
use weave_core::Spawn;
use weave_executor::{LocalHandle, ThreadPoolHandle};

use super::context;
use super::drivers::{DriverGuards, DriverHandles};

/// A handle to a [`Runtime`](super::Runtime): spawns onto it and enters its context from
/// any thread. `Clone + Send + Sync`; cloning is one reference-count increment.
///
/// ```
/// let rt = weave::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
/// let handle = rt.handle().clone();
/// let task = std::thread::spawn(move || handle.spawn(async { 6 * 7 }))
///     .join()
///     .unwrap();
/// assert_eq!(rt.block_on(task).unwrap(), 42);
/// ```
#[derive(Clone)]
pub struct Handle {
    inner: Arc<Inner>,
}

struct Inner {
    spawner: Spawner,
    drivers: DriverHandles,
}

#[derive(Clone)]
pub(super) enum Spawner {
    Pool(ThreadPoolHandle),
    Local(LocalHandle),
}

/// Makes a runtime current on this thread until dropped (see [`Handle::enter`]).
#[must_use = "the runtime is current only while the guard lives"]
pub struct EnterGuard {
    // Dropped in declaration order: the drivers' contexts, then ours.
    _drivers: DriverGuards,
    _executor: weave_executor::EnterGuard,
    _context: context::ContextGuard,
}

/// The error of [`Handle::try_current`]: no runtime is entered on this thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TryCurrentError(());

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(NO_RUNTIME)
    }
}

impl std::error::Error for TryCurrentError {}

pub(crate) const NO_RUNTIME: &str =
    "no Weave runtime is running on this thread; use weave::run or Runtime::block_on \
     (or enter one with Handle::enter)";

impl Handle {
    pub(super) fn new(spawner: Spawner, drivers: DriverHandles) -> Handle {
        Handle {
            inner: Arc::new(Inner { spawner, drivers }),
        }
    }

    /// The handle of the runtime running on this thread.
    ///
    /// Panics outside a runtime, saying so; [`try_current`](Handle::try_current) does not.
    ///
    /// ```
    /// weave::block_on(async {
    ///     let handle = weave::runtime::Handle::current();
    ///     assert_eq!(handle.spawn(async { 1 }).await.unwrap(), 1);
    /// });
    /// ```
    #[track_caller]
    pub fn current() -> Handle {
        match Handle::try_current() {
            Ok(handle) => handle,
            Err(e) => panic!("{e}"),
        }
    }

    /// The handle of the runtime running on this thread, or an error outside one.
    ///
    /// ```
    /// assert!(weave::runtime::Handle::try_current().is_err());
    /// ```
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        context::current().ok_or(TryCurrentError(()))
    }

    /// Makes this runtime current on the calling thread until the guard drops: `spawn`,
    /// timers and sockets created meanwhile use it.
    ///
    /// ```
    /// let rt = weave::Runtime::new().unwrap();
    /// let _guard = rt.handle().enter();
    /// let task = weave::spawn(async { "spawned from plain code" });
    /// assert_eq!(rt.block_on(task).unwrap(), "spawned from plain code");
    /// ```
    pub fn enter(&self) -> EnterGuard {
        EnterGuard {
            _context: context::set(self.clone()),
            _executor: match &self.inner.spawner {
                Spawner::Pool(pool) => pool.enter(),
                Spawner::Local(local) => local.enter(),
            },
            _drivers: self.inner.drivers.enter(),
        }
    }

    /// Spawns `future` onto this runtime; it starts at once, whether or not the
    /// `JoinHandle` is awaited (asyncio's `create_task`).
    ///
    /// ```
    /// let rt = weave::Runtime::new().unwrap();
    /// let task = rt.handle().spawn(async { 2 + 2 });
    /// assert_eq!(rt.block_on(task).unwrap(), 4);
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawn_with(future, TaskBuilder::new())
    }

    /// Runs the blocking closure `f` on this runtime's blocking pool (see
    /// [`spawn_blocking`](crate::spawn_blocking)).
    ///
    /// ```
    /// let rt = weave::Runtime::new().unwrap();
    /// let sum = rt.handle().spawn_blocking(|| (1..=4).product::<u32>());
    /// assert_eq!(rt.block_on(sum).unwrap(), 24);
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.inner.drivers.blocking().spawn_blocking(f)
    }

    /// Runs `future` on the calling thread with this runtime entered.
    ///
    /// On a multi-thread runtime the workers keep running tasks meanwhile. On a
    /// current-thread runtime only [`Runtime::block_on`](super::Runtime::block_on) runs its
    /// tasks: tasks spawned here wait for it. Panics if this thread already drives a runtime.
    ///
    /// ```
    /// let rt = weave::Runtime::new().unwrap();
    /// let handle = rt.handle().clone();
    /// let out = std::thread::spawn(move || handle.block_on(async { 5 })).join().unwrap();
    /// assert_eq!(out, 5);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _guard = self.enter();
        weave_executor::block_on(future)
    }

    /// Every unfinished task of this runtime that has waited at least once: id, name,
    /// status and spawn location (asyncio's `all_tasks`). See [`crate::task::dump`].
    pub fn dump(&self) -> Vec<weave_core::task::TaskInfo> {
        match &self.inner.spawner {
            Spawner::Pool(pool) => pool.dump(),
            Spawner::Local(local) => local.dump(),
        }
    }

    /// The runtime's paused clock, if it was built with `start_paused(true)`.
    #[cfg(feature = "time")]
    pub(crate) fn paused_clock(&self) -> Option<&weave_core::ManualClock> {
        self.inner.drivers.clock()
    }

    pub(super) fn drivers(&self) -> &DriverHandles {
        &self.inner.drivers
    }
}

impl Spawn for Handle {
    fn spawn_with<F>(&self, future: F, builder: TaskBuilder) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match &self.inner.spawner {
            Spawner::Pool(pool) => pool.spawn_with(future, builder),
            Spawner::Local(local) => local.spawn_with(future, builder),
        }
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let flavor = match self.inner.spawner {
            Spawner::Pool(_) => "multi_thread",
            Spawner::Local(_) => "current_thread",
        };
        f.debug_struct("Handle").field("flavor", &flavor).finish()
    }
}

impl fmt::Debug for EnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}
