//! `LocalHandle`: spawn onto a `LocalExecutor` from any thread.

use std::future::Future;

use weave_core::loom::sync::Arc;
use weave_core::task::{Builder, JoinHandle};
use weave_core::Spawn;

use super::{LocalScheduler, LocalShared};
use crate::context::{Current, EnterGuard};

/// A `Clone + Send + Sync` handle to a [`LocalExecutor`](super::LocalExecutor) that spawns
/// `Send` futures on it. Spawning after the executor was dropped gives a `JoinHandle` that
/// resolves to a cancelled error.
///
/// ```
/// use weave_core::Spawn;
/// use weave_executor::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// let handle = ex.handle();
/// let task = std::thread::spawn(move || handle.spawn(async { 9 })).join().unwrap();
/// assert_eq!(ex.block_on(task).unwrap(), 9);
/// ```
#[derive(Clone)]
pub struct LocalHandle {
    shared: Arc<LocalShared>,
}

impl LocalHandle {
    pub(crate) fn new(shared: Arc<LocalShared>) -> LocalHandle {
        LocalHandle { shared }
    }

    /// Every unfinished task that has waited at least once, with its id, name, status and
    /// spawn location (asyncio's `all_tasks`; a debugging aid, not a fast path).
    ///
    /// ```
    /// use weave_executor::LocalExecutor;
    ///
    /// let ex = LocalExecutor::new();
    /// let task = ex.spawn(std::future::pending::<()>());
    /// ex.block_on(weave_core::task::yield_now());
    /// assert_eq!(ex.handle().dump()[0].id, task.id());
    /// ```
    pub fn dump(&self) -> Vec<weave_core::task::TaskInfo> {
        self.shared.tasks.snapshot()
    }

    /// Makes [`spawn`](crate::spawn) on this thread spawn onto this executor until the guard
    /// drops (the tasks still run on the executor's own thread).
    ///
    /// ```
    /// use weave_executor::LocalExecutor;
    ///
    /// let ex = LocalExecutor::new();
    /// let task = {
    ///     let _guard = ex.handle().enter();
    ///     weave_executor::spawn(async { 3 })
    /// };
    /// assert_eq!(ex.block_on(task).unwrap(), 3);
    /// ```
    pub fn enter(&self) -> EnterGuard {
        EnterGuard::new(Current::Local(self.clone()))
    }
}

impl Spawn for LocalHandle {
    fn spawn_with<F>(&self, future: F, builder: Builder) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let scheduler = LocalScheduler(self.shared.clone());
        // SAFETY: the list lives in `LocalShared`, which the task's scheduler keeps alive.
        let (runnable, handle) = unsafe { self.shared.tasks.spawn(future, scheduler, builder) };
        if let Some(runnable) = runnable {
            LocalScheduler::push_to(&self.shared, runnable);
        }
        handle
    }
}

impl std::fmt::Debug for LocalHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalHandle").finish_non_exhaustive()
    }
}
