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

/// Runs the blocking closure `f` on the current runtime's blocking pool and returns a
/// handle to await its result (asyncio's `to_thread` / `run_in_executor`). A panic in `f`
/// becomes a `JoinError`.
///
/// Use it for work that would stall the other tasks sharing a thread: blocking system calls,
/// synchronous libraries, long computations.
///
/// Panics outside a runtime, saying so (`weave_blocking::spawn_blocking` works anywhere).
///
/// ```
/// weave::block_on(async {
///     let digest = weave::spawn_blocking(|| {
///         std::thread::sleep(std::time::Duration::from_millis(10)); // a blocking call
///         (1..=100u64).sum::<u64>()
///     });
///     assert_eq!(digest.await.unwrap(), 5050);
/// });
/// ```
#[track_caller]
pub fn spawn_blocking<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    match Handle::try_current() {
        Ok(handle) => handle.spawn_blocking(f),
        Err(_) => panic!("weave::spawn_blocking: {NO_RUNTIME}"),
    }
}
