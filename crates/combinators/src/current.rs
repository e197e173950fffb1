//! `CurrentRuntime`: the `Spawn` that means "whichever executor drives this thread".

use std::future::Future;

use weave_core::task::{Builder, JoinHandle};
use weave_core::Spawn;

/// Spawns on the executor running the calling code (a `ThreadPool` worker or `block_on`,
/// or a `LocalExecutor`), like asyncio's `create_task`. The default spawner of
/// [`JoinSet::new`](crate::JoinSet::new) and [`TaskGroup::new`](crate::TaskGroup::new).
///
/// Spawning panics outside an executor, saying so. Names given through
/// [`Spawn::spawn_with`] are kept.
///
/// ```
/// use weave_combinators::CurrentRuntime;
/// use weave_core::Spawn;
/// use weave_executor::LocalExecutor;
///
/// let v = LocalExecutor::new().block_on(async { CurrentRuntime.spawn(async { 2 }).await });
/// assert_eq!(v.unwrap(), 2);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct CurrentRuntime;

impl Spawn for CurrentRuntime {
    #[track_caller]
    fn spawn_with<F>(&self, future: F, builder: Builder) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        weave_executor::spawn_with(future, builder)
    }
}
