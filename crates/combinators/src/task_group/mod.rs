//! `TaskGroup`: structured concurrency (asyncio's `TaskGroup`, trio's nursery).
//!
//! Children are spawned through the group; [`TaskGroup::join`] returns only once every
//! child has finished; the first child to fail (return `Err` or panic) cancels its
//! siblings; every failure comes back together in a [`TaskGroupError`].
//!
//! ## Why children are `'static`
//!
//! A scoped API (`scope(|s| s.spawn(async { use(&local) }))`, as `std::thread::scope` does
//! for threads) cannot be sound for spawned async tasks. The "scoped task trilemma"
//! (without-boats, 2022) says a scope can have at most two of: concurrency with the parent,
//! parallelism of the children, and borrowing from the parent. The parent is a future, and
//! a future can be forgotten (`mem::forget`, or leaked in an `Rc` cycle) instead of dropped,
//! so nothing guarantees the scope's end runs: children running in parallel on other
//! threads would then outlive the locals they borrow. `async_scoped` and `FuturesUnordered`
//! each give up one corner (blocking the thread, or no parallelism). Weave's group keeps
//! parallelism and concurrency, so children own what they use (`Arc` for shared data) and
//! the group gives structure through cancellation and `join`, not through borrowing.

mod cancel;
mod catch_unwind;
mod error;
mod start;

use std::fmt;
use std::future::Future;

use weave_core::loom::sync::{Arc, Mutex};
use weave_core::{AbortHandle, JoinHandle, Spawn};

use self::cancel::CancelSignal;
use self::catch_unwind::CatchUnwind;
use crate::current::CurrentRuntime;

pub use self::error::{ChildError, TaskGroupError};
pub use self::start::{NotStarted, Ready};

/// What a child task hands back to `join`.
enum Outcome<T, E> {
    Value(T),
    /// `rank`: this failure's place in the order failures happened.
    Failed {
        rank: usize,
        error: E,
    },
    Panicked {
        rank: usize,
        payload: Box<dyn std::any::Any + Send + 'static>,
    },
}

/// A scope for child tasks: spawn them through it, then [`join`](TaskGroup::join) it.
///
/// - The first child that returns `Err` or panics cancels (aborts) every other child,
///   including ones spawned later.
/// - `join` waits for every child and returns their values in spawn order, or a
///   [`TaskGroupError`] holding every failure, the first one first.
/// - [`cancel`](TaskGroup::cancel) (or a [`CancelHandle`] from another task) cancels all
///   children; dropping the group (say because the task awaiting `join` was aborted)
///   cancels them too. Groups nest: a child may run a group of its own, and cancelling the
///   child drops that inner group, which cancels its children.
///
/// ```
/// use weave_combinators::TaskGroup;
/// use weave_executor::ThreadPool;
///
/// let pool = ThreadPool::new(2);
/// let sizes = pool.block_on(async {
///     let group = TaskGroup::new();
///     for name in ["a.txt", "bb.txt", "ccc.txt"] {
///         group.spawn(async move { Ok::<_, std::io::Error>(name.len()) });
///     }
///     group.join().await
/// });
/// assert_eq!(sizes.unwrap(), [5, 6, 7]);
/// ```
pub struct TaskGroup<T, E, S = CurrentRuntime> {
    spawner: S,
    signal: Arc<CancelSignal<AbortHandle>>,
    // A mutex so `spawn` and `start` take `&self`: a `start` awaiting a child's readiness
    // does not lock the group against other spawns.
    children: Mutex<Vec<JoinHandle<Outcome<T, E>>>>,
}

impl<T: Send + 'static, E: Send + 'static> TaskGroup<T, E, CurrentRuntime> {
    /// A group whose children run on the executor that runs the caller.
    pub fn new() -> TaskGroup<T, E, CurrentRuntime> {
        TaskGroup::with_spawner(CurrentRuntime)
    }
}

impl<T: Send + 'static, E: Send + 'static> Default for TaskGroup<T, E, CurrentRuntime> {
    fn default() -> Self {
        TaskGroup::new()
    }
}

impl<T, E, S> TaskGroup<T, E, S>
where
    S: Spawn,
    T: Send + 'static,
    E: Send + 'static,
{
    /// A group whose children are spawned through `spawner`.
    ///
    /// ```
    /// use weave_combinators::TaskGroup;
    /// use weave_executor::LocalExecutor;
    ///
    /// let ex = LocalExecutor::new();
    /// let group = TaskGroup::with_spawner(ex.handle());
    /// group.spawn(async { Ok::<_, ()>(1) });
    /// assert_eq!(ex.block_on(group.join()).unwrap(), [1]);
    /// ```
    pub fn with_spawner(spawner: S) -> TaskGroup<T, E, S> {
        TaskGroup {
            spawner,
            signal: Arc::new(CancelSignal::new()),
            children: Mutex::new(Vec::new()),
        }
    }

    /// Spawns a child. If the group is already cancelled the child is cancelled at once.
    /// The returned handle cancels just this child (which `join` then counts as cancelled,
    /// not failed).
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> AbortHandle
    where
        F: Future<Output = Result<T, E>> + Send + 'static,
    {
        let signal = self.signal.clone();
        let child = async move {
            match CatchUnwind::new(future).await {
                Ok(Ok(value)) => Outcome::Value(value),
                Ok(Err(error)) => Outcome::Failed {
                    rank: signal.fail(),
                    error,
                },
                Err(payload) => Outcome::Panicked {
                    rank: signal.fail(),
                    payload,
                },
            }
        };
        let mut children = self.children.lock().unwrap();
        let handle = self.spawner.spawn(child);
        let abort = handle.abort_handle();
        // Registered after spawning: a child failing before this line cancels the group
        // first, and `register` then aborts it (a no-op for a finished task).
        self.signal.register(handle.abort_handle());
        children.push(handle);
        abort
    }

    /// Spawns a child and waits until it calls [`Ready::started`], returning the value it
    /// passed (trio's `nursery.start`). If the child ends first, returns [`NotStarted`];
    /// its error, if any, is reported by `join`.
    ///
    /// ```
    /// use weave_combinators::TaskGroup;
    /// use weave_executor::ThreadPool;
    ///
    /// let pool = ThreadPool::new(2);
    /// pool.block_on(async {
    ///     let group = TaskGroup::new();
    ///     let greeting = group
    ///         .start(|ready| async move {
    ///             ready.started("listening");
    ///             Ok::<_, ()>(())
    ///         })
    ///         .await;
    ///     assert_eq!(greeting, Ok("listening"));
    ///     let failed = group.start(|_ready: weave_combinators::Ready<()>| async { Err(()) }).await;
    ///     assert!(failed.is_err());
    ///     assert!(group.join().await.is_err());
    /// });
    /// ```
    pub async fn start<R, F, Fut>(&self, child: F) -> Result<R, NotStarted>
    where
        F: FnOnce(Ready<R>) -> Fut,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
        R: Send + 'static,
    {
        let (ready, started) = start::pair();
        self.spawn(child(ready));
        started.await
    }

    /// Cancels every child (the group stays usable: `join` reports them as cancelled).
    ///
    /// ```
    /// use weave_combinators::TaskGroup;
    /// use weave_executor::LocalExecutor;
    ///
    /// let ex = LocalExecutor::new();
    /// let group = TaskGroup::<(), (), _>::with_spawner(ex.handle());
    /// group.spawn(std::future::pending());
    /// group.cancel();
    /// let err = ex.block_on(group.join()).unwrap_err();
    /// assert!(err.is_cancelled());
    /// ```
    pub fn cancel(&self) {
        self.signal.cancel();
    }

    /// True once the group was cancelled, by `cancel()` or by a failing child.
    pub fn is_cancelled(&self) -> bool {
        self.signal.is_cancelled()
    }

    /// A handle that cancels the group from anywhere (another task, another thread).
    ///
    /// ```
    /// use weave_combinators::TaskGroup;
    /// use weave_executor::ThreadPool;
    ///
    /// let pool = ThreadPool::new(2);
    /// let err = pool.block_on(async {
    ///     let group = TaskGroup::<(), (), _>::new();
    ///     group.spawn(std::future::pending());
    ///     let canceller = group.cancel_handle();
    ///     weave_executor::spawn(async move { canceller.cancel() });
    ///     group.join().await.unwrap_err()
    /// });
    /// assert_eq!(err.cancelled(), 1);
    /// ```
    pub fn cancel_handle(&self) -> CancelHandle {
        CancelHandle {
            signal: self.signal.clone(),
        }
    }

    /// Waits for every child. `Ok` with their values in spawn order if all succeeded;
    /// otherwise every failure (first first) and the number of cancelled children.
    pub async fn join(self) -> Result<Vec<T>, TaskGroupError<E>> {
        let children = std::mem::take(&mut *self.children.lock().unwrap());
        let mut values = Vec::with_capacity(children.len());
        let mut failures = Vec::new();
        let mut cancelled = 0;
        // In spawn order: failures do not wait for us to notice them (each failing child
        // cancels its siblings itself), so awaiting one by one is as fast as any order.
        for (index, child) in children.into_iter().enumerate() {
            match child.await {
                Ok(Outcome::Value(value)) => values.push(value),
                Ok(Outcome::Failed { rank, error }) => {
                    failures.push((rank, ChildError::Failed { index, error }))
                }
                Ok(Outcome::Panicked { rank, payload }) => {
                    failures.push((rank, ChildError::Panicked { index, payload }))
                }
                Err(join_error) => match join_error.try_into_panic() {
                    // A panic outside the child's poll (in its destructor, say): rank it last.
                    Ok(payload) => {
                        failures.push((usize::MAX, ChildError::Panicked { index, payload }))
                    }
                    Err(_cancelled) => cancelled += 1,
                },
            }
        }
        self.signal.finish();
        if failures.is_empty() && cancelled == 0 {
            return Ok(values);
        }
        failures.sort_by_key(|(rank, _)| *rank);
        Err(TaskGroupError::new(
            failures.into_iter().map(|(_, failure)| failure).collect(),
            cancelled,
        ))
    }
}

impl<T, E, S> Drop for TaskGroup<T, E, S> {
    fn drop(&mut self) {
        // A group dropped before `join` finished (the awaiting task was cancelled, or the
        // group was never joined) takes its children with it.
        self.signal.cancel();
    }
}

impl<T, E, S> fmt::Debug for TaskGroup<T, E, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskGroup")
            .field("children", &self.children.lock().unwrap().len())
            .field("cancelled", &self.signal.is_cancelled())
            .finish()
    }
}

/// Cancels a [`TaskGroup`] from outside it; `Clone + Send + Sync`. See
/// [`TaskGroup::cancel_handle`].
#[derive(Clone)]
pub struct CancelHandle {
    signal: Arc<CancelSignal<AbortHandle>>,
}

impl CancelHandle {
    /// Cancels every child of the group.
    pub fn cancel(&self) {
        self.signal.cancel();
    }

    /// True once the group was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.signal.is_cancelled()
    }
}

impl fmt::Debug for CancelHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelHandle")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}
