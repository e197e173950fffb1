//! `yield_now`: give other tasks a turn.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Yields once to the executor: the task goes to the back of its run queue, so every other
/// ready task runs before it is polled again (asyncio's `await asyncio.sleep(0)`).
///
/// ```
/// use weave_executor::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// ex.block_on(async {
///     weave_core::task::yield_now().await;
/// });
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future returned by [`yield_now`].
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // Woken during its own poll, the task is handed to `Schedule::yield_now`, which puts
        // it behind the tasks already queued.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
