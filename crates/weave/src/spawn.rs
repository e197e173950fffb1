//! The free spawning functions, bound to the runtime entered on this thread.

use std::future::Future;

use weave_core::task::JoinHandle;

use crate::runtime::{Handle, NO_RUNTIME};

/// Spawns `future` onto the current runtime; it runs concurrently whether or not the
/// returned [`JoinHandle`] is awaited (asyncio's `create_task`). Dropping the handle
/// detaches the task.
///
/// Panics outside a runtime: "no Weave runtime is running on this thread; use weave::run
/// or Runtime::block_on".
///
/// ```
/// weave::block_on(async {
///     let a = weave::spawn(async { 1 });
///     let b = weave::spawn(async { 2 });
///     assert_eq!(a.await.unwrap() + b.await.unwrap(), 3);
/// });
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    match Handle::try_current() {
        Ok(handle) => handle.spawn(future),
        Err(_) => panic!("weave::spawn: {NO_RUNTIME}"),
    }
}

/// Spawns a `!Send` future onto the current-thread runtime running on this thread.
///
/// Panics unless called inside a current-thread runtime's `block_on` (a multi-thread
/// runtime moves tasks between threads, so it cannot hold `!Send` ones).
///
/// ```
/// use std::rc::Rc;
///
/// weave::block_on(async {
///     let shared = Rc::new(5);
///     let task = weave::spawn_local({
///         let shared = shared.clone();
///         async move { *shared * 2 }
///     });
///     assert_eq!(task.await.unwrap(), 10);
/// });
/// ```
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    if Handle::try_current().is_err() {
        panic!("weave::spawn_local: {NO_RUNTIME}");
    }
    weave_executor::spawn_local(future)
}
