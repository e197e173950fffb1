//! The executor running on this thread, for the free `spawn` / `spawn_local` functions.

use std::cell::RefCell;
use std::future::Future;

use weave_core::task::{Builder, JoinHandle};
use weave_core::Spawn;

use crate::local::LocalHandle;
use crate::pool::ThreadPoolHandle;

/// Whichever executor drives this thread.
#[derive(Clone)]
pub(crate) enum Current {
    Pool(ThreadPoolHandle),
    Local(LocalHandle),
}

weave_core::loom::thread_local! {
    static CURRENT: RefCell<Option<Current>> = const { RefCell::new(None) };
}

/// Restores the previous executor on drop.
pub(crate) struct CurrentGuard(Option<Current>);

/// Makes an executor the target of [`spawn`] on this thread until dropped; returned by
/// [`ThreadPoolHandle::enter`](crate::ThreadPoolHandle::enter) and
/// [`LocalHandle::enter`](crate::LocalHandle::enter).
#[must_use = "the executor is current only while the guard lives"]
pub struct EnterGuard {
    _current: CurrentGuard,
    // Restores the previous executor on the thread that entered: keep it there.
    _not_send: std::marker::PhantomData<*const ()>,
}

impl EnterGuard {
    pub(crate) fn new(current: Current) -> EnterGuard {
        EnterGuard {
            _current: set_current(current),
            _not_send: std::marker::PhantomData,
        }
    }
}

impl std::fmt::Debug for EnterGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}

pub(crate) fn set_current(current: Current) -> CurrentGuard {
    CurrentGuard(CURRENT.with(|c| c.borrow_mut().replace(current)))
}

impl Drop for CurrentGuard {
    fn drop(&mut self) {
        let previous = self.0.take();
        let _ = CURRENT.try_with(|c| *c.borrow_mut() = previous);
    }
}

/// Spawns `future` on the executor driving this thread (a [`ThreadPool`] worker or
/// `block_on`, or a [`LocalExecutor`]'s `block_on`), like asyncio's `create_task`.
///
/// Panics outside an executor, saying so.
///
/// ```
/// use weave_executor::ThreadPool;
///
/// let pool = ThreadPool::new(2);
/// let sum = pool.block_on(async {
///     let a = weave_executor::spawn(async { 1 });
///     let b = weave_executor::spawn(async { 2 });
///     a.await.unwrap() + b.await.unwrap()
/// });
/// assert_eq!(sum, 3);
/// ```
///
/// [`ThreadPool`]: crate::ThreadPool
/// [`LocalExecutor`]: crate::LocalExecutor
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    spawn_with(future, Builder::new())
}

/// Like [`spawn`], with the task's name (and spawn location) from `builder`.
///
/// ```
/// use weave_core::task::Builder;
/// use weave_executor::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// let task = ex.block_on(async {
///     weave_executor::spawn_with(std::future::pending::<()>(), Builder::new().name("idle"))
/// });
/// ex.block_on(weave_core::task::yield_now());
/// assert_eq!(ex.handle().dump()[0].name.as_deref(), Some("idle"));
/// # drop(task);
/// ```
#[track_caller]
pub fn spawn_with<F>(future: F, builder: Builder) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let spawned = CURRENT.with(|c| match &*c.borrow() {
        Some(Current::Pool(pool)) => Ok(pool.spawn_with(future, builder)),
        Some(Current::Local(local)) => Ok(local.spawn_with(future, builder)),
        None => Err(future),
    });
    match spawned {
        Ok(handle) => handle,
        Err(_) => panic!(
            "weave_executor::spawn called outside an executor: no ThreadPool or LocalExecutor is \
             running on this thread; spawn through a handle (`pool.spawn`, `executor.spawn`) or \
             call this from inside `block_on` or a task"
        ),
    }
}
