//! `JoinSet`: a set of spawned tasks whose outputs come back in completion order.

use std::fmt;
use std::future::{poll_fn, Future};
use std::task::{Context, Poll, Waker};

use weave_core::{AbortHandle, JoinError, JoinHandle, Spawn};

use crate::current::CurrentRuntime;
use crate::unordered::Unordered;

/// A collection of spawned tasks, awaited in the order they finish (tokio's `JoinSet`;
/// asyncio's `wait` over a set of tasks).
///
/// Tasks are spawned through a [`Spawn`]: the current executor for [`JoinSet::new`], any
/// executor handle for [`JoinSet::with_spawner`], or per task with [`JoinSet::spawn_on`].
/// Each finished task is polled once: the set keeps one waker per task, so
/// [`join_next`](JoinSet::join_next) over 100 000 tasks does not rescan them all.
///
/// Dropping the set aborts every task still in it.
///
/// ```
/// use weave_combinators::JoinSet;
/// use weave_executor::ThreadPool;
///
/// let pool = ThreadPool::new(2);
/// let total = pool.block_on(async {
///     let mut set = JoinSet::new();
///     for i in 0..10u64 {
///         set.spawn(async move { i * i });
///     }
///     let mut total = 0;
///     while let Some(result) = set.join_next().await {
///         total += result.unwrap();
///     }
///     total
/// });
/// assert_eq!(total, 285);
/// ```
pub struct JoinSet<T, S = CurrentRuntime> {
    spawner: S,
    // `JoinHandle`s spend the task's budget themselves when polled: not charged again.
    tasks: Unordered<JoinHandle<T>>,
}

impl<T> JoinSet<T, CurrentRuntime> {
    /// An empty set spawning on the executor that runs the caller.
    pub fn new() -> JoinSet<T, CurrentRuntime> {
        JoinSet::with_spawner(CurrentRuntime)
    }
}

impl<T> Default for JoinSet<T, CurrentRuntime> {
    fn default() -> Self {
        JoinSet::new()
    }
}

impl<T, S: Spawn> JoinSet<T, S> {
    /// An empty set spawning through `spawner`.
    ///
    /// ```
    /// use weave_combinators::JoinSet;
    /// use weave_executor::LocalExecutor;
    ///
    /// let ex = LocalExecutor::new();
    /// let mut set = JoinSet::with_spawner(ex.handle());
    /// set.spawn(async { 1 });
    /// assert_eq!(ex.block_on(set.join_next()).unwrap().unwrap(), 1);
    /// ```
    pub fn with_spawner(spawner: S) -> JoinSet<T, S> {
        JoinSet {
            spawner,
            tasks: Unordered::new(false).let_fresh_children_start(),
        }
    }

    /// Spawns `future` through the set's spawner and adds it to the set.
    #[track_caller]
    pub fn spawn<F>(&mut self, future: F) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let handle = self.spawner.spawn(future);
        self.insert(handle)
    }

    /// Spawns `future` through `spawner` (not the set's own) and adds it to the set.
    ///
    /// ```
    /// use weave_combinators::JoinSet;
    /// use weave_executor::ThreadPool;
    ///
    /// let pool = ThreadPool::new(1);
    /// let mut set = JoinSet::with_spawner(pool.handle());
    /// let other = ThreadPool::new(1);
    /// set.spawn_on(async { "elsewhere" }, &other.handle());
    /// assert_eq!(pool.block_on(set.join_next()).unwrap().unwrap(), "elsewhere");
    /// ```
    #[track_caller]
    pub fn spawn_on<F>(&mut self, future: F, spawner: &impl Spawn) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        self.insert(spawner.spawn(future))
    }
}

impl<T, S> JoinSet<T, S> {
    /// Adds an already spawned task.
    pub fn insert(&mut self, handle: JoinHandle<T>) -> AbortHandle {
        let abort = handle.abort_handle();
        self.tasks.push(handle);
        abort
    }

    /// Tasks in the set (running, or finished but not yet returned by `join_next`).
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// True when the set holds no task.
    pub fn is_empty(&self) -> bool {
        self.tasks.len() == 0
    }

    /// Waits for the next task to finish and removes it from the set: `None` once the set
    /// is empty. An aborted task comes back as a cancelled [`JoinError`], a panicked one as
    /// a panic.
    ///
    /// Cancel safe: dropping the returned future loses no task.
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// [`join_next`](JoinSet::join_next) as a poll function, for hand-written futures.
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        self.tasks
            .poll_next(cx)
            .map(|next| next.map(|(_, result)| result))
    }

    /// A task that has already finished, if any, without waiting: `None` when none has
    /// finished (or the set is empty).
    ///
    /// ```
    /// use weave_combinators::JoinSet;
    /// use weave_executor::LocalExecutor;
    ///
    /// let ex = LocalExecutor::new();
    /// let mut set = JoinSet::with_spawner(ex.handle());
    /// set.spawn(async { 5 });
    /// assert!(set.try_join_next().is_none()); // not run yet
    /// ex.block_on(weave_core::task::yield_now());
    /// assert_eq!(set.try_join_next().unwrap().unwrap(), 5);
    /// ```
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        match self.poll_join_next(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(next) => next,
            Poll::Pending => None,
        }
    }

    /// Requests cancellation of every task. They stay in the set until `join_next` returns
    /// them (as cancelled, unless they finished first).
    pub fn abort_all(&mut self) {
        for handle in self.tasks.iter() {
            handle.abort();
        }
    }

    /// Aborts every task and waits until all have finished, discarding their outputs.
    ///
    /// ```
    /// use weave_combinators::JoinSet;
    /// use weave_executor::LocalExecutor;
    ///
    /// let ex = LocalExecutor::new();
    /// let mut set = JoinSet::with_spawner(ex.handle());
    /// set.spawn(std::future::pending::<()>());
    /// ex.block_on(set.shutdown());
    /// assert!(set.is_empty());
    /// ```
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }

    /// Removes every task without aborting it: they run on, detached.
    pub fn detach_all(&mut self) {
        self.tasks.clear();
    }
}

impl<T, S> Drop for JoinSet<T, S> {
    fn drop(&mut self) {
        self.abort_all();
    }
}

impl<T, S> fmt::Debug for JoinSet<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.len()).finish()
    }
}
