//! The three ways to run a future, behind one enum, and a clock-free wait.

use std::future::Future;

use weave_core::task::yield_now;
use weave_executor::{LocalExecutor, ThreadPool};

/// One of Weave's three ways to run a future to completion on the calling thread.
///
/// ```
/// use weave_tests::Executor;
///
/// for executor in Executor::ALL {
///     assert_eq!(executor.block_on(async { 1 + 1 }), 2);
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Executor {
    /// `weave_executor::block_on`: no executor runs around the future, so
    /// `weave_executor::spawn` panics inside it.
    BlockOn,
    /// `LocalExecutor::block_on` on a fresh executor.
    Local,
    /// `ThreadPool::block_on` on a fresh pool of two workers.
    Pool,
}

impl Executor {
    /// Every executor, in a fixed order.
    pub const ALL: [Executor; 3] = [Executor::BlockOn, Executor::Local, Executor::Pool];

    /// True if `weave_executor::spawn` works inside this executor's `block_on`.
    pub fn can_spawn(self) -> bool {
        self != Executor::BlockOn
    }

    /// Runs `future` to completion on a fresh executor of this kind, then drops the
    /// executor (cancelling whatever tasks are left).
    #[track_caller]
    pub fn block_on<F: Future>(self, future: F) -> F::Output {
        match self {
            Executor::BlockOn => weave_executor::block_on(future),
            Executor::Local => LocalExecutor::new().block_on(future),
            Executor::Pool => ThreadPool::new(2).block_on(future),
        }
    }
}

/// Runs `make(executor)` on each of [`Executor::ALL`], returning each output beside the
/// executor that produced it.
///
/// ```
/// use weave_tests::{on_every_executor, Executor};
///
/// let outputs = on_every_executor(|executor| async move { executor.can_spawn() });
/// assert_eq!(
///     outputs,
///     [(Executor::BlockOn, false), (Executor::Local, true), (Executor::Pool, true)]
/// );
/// ```
pub fn on_every_executor<T, Fut>(mut make: impl FnMut(Executor) -> Fut) -> [(Executor, T); 3]
where
    Fut: Future<Output = T>,
{
    Executor::ALL.map(|executor| (executor, executor.block_on(make(executor))))
}

/// Yields (to the executor and to the OS scheduler) until `done` returns true.
///
/// For waiting on something another task or thread does, without any clock: inside a task
/// the executor runs the others meanwhile; inside `block_on` the thread spins politely.
///
/// ```
/// use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
/// use std::sync::Arc;
/// use weave_executor::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// let flag = Arc::new(AtomicBool::new(false));
/// let setter = flag.clone();
/// ex.spawn(async move { setter.store(true, SeqCst) });
/// ex.block_on(weave_tests::yield_until(|| flag.load(SeqCst)));
/// ```
pub async fn yield_until(mut done: impl FnMut() -> bool) {
    while !done() {
        yield_now().await;
        std::thread::yield_now();
    }
}
