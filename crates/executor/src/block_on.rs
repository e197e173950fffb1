//! `block_on`: run one future to completion on the current thread.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};

use weave_core::{budget, enter, Park, ThreadParker};

use crate::driver::unpark_waker;

/// Runs `future` to completion on this thread, sleeping while it is pending
/// (asyncio's `loop.run_until_complete`).
///
/// No other tasks run here: spawn them on a [`LocalExecutor`](crate::LocalExecutor) or
/// [`ThreadPool`](crate::ThreadPool) and `block_on` their handles, or use their own
/// `block_on`. Panics if this thread is already driving a Weave executor (a `block_on` in
/// a task would stall that executor).
///
/// ```
/// let answer = weave_executor::block_on(async { 6 * 7 });
/// assert_eq!(answer, 42);
/// ```
#[track_caller]
pub fn block_on<F: Future>(future: F) -> F::Output {
    let _enter = enter::enter("weave_executor::block_on");
    run_with(&mut ThreadParker::new(), future)
}

/// Runs `future` to completion, parking through `park` while it is pending, so a driver
/// (timer, reactor) stacked in `park` makes progress meanwhile.
///
/// ```
/// use weave_core::ThreadParker;
/// let v = weave_executor::block_on_with(&mut ThreadParker::new(), async { 1 });
/// assert_eq!(v, 1);
/// ```
#[track_caller]
pub fn block_on_with<P: Park, F: Future>(park: &mut P, future: F) -> F::Output {
    let _enter = enter::enter("weave_executor::block_on");
    run_with(park, future)
}

/// The loop itself, for callers that already entered the executor context.
pub(crate) fn run_with<P: Park, F: Future>(park: &mut P, future: F) -> F::Output {
    let waker = unpark_waker(park.unparker());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = budget::with_budget(|| future.as_mut().poll(&mut cx)) {
            return output;
        }
        park.park();
    }
}
