//! `count_polls`: how often a future was polled before it completed.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Wraps `future`; the wrapper's output is the inner output and the number of polls it took.
///
/// ```
/// use weave_tests::count_polls;
///
/// let (out, polls) = futures::executor::block_on(count_polls(async {
///     weave_core::task::yield_now().await;
///     "done"
/// }));
/// assert_eq!((out, polls), ("done", 2));
/// ```
pub fn count_polls<F: Future>(future: F) -> CountPolls<F> {
    CountPolls {
        future: Box::pin(future),
        polls: 0,
    }
}

/// The future returned by [`count_polls`].
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct CountPolls<F> {
    // Boxed so the wrapper is `Unpin` and needs no pin projection.
    future: Pin<Box<F>>,
    polls: usize,
}

impl<F: Future> Future for CountPolls<F> {
    type Output = (F::Output, usize);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.polls += 1;
        let output = std::task::ready!(self.future.as_mut().poll(cx));
        Poll::Ready((output, self.polls))
    }
}
