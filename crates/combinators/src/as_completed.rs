//! `as_completed`: outputs in the order the futures finish (asyncio's `as_completed`).

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::{FusedStream, Stream};

use crate::unordered::Unordered;

/// Runs every future concurrently and yields each output as soon as its future finishes:
/// a [`Stream`] in completion order, ending after the last one.
///
/// More futures can join the running set with [`AsCompleted::push`].
///
/// ```
/// use futures::StreamExt;
/// use weave_combinators::as_completed;
///
/// futures::executor::block_on(async {
///     let (tx, rx) = futures::channel::oneshot::channel::<&str>();
///     let mut done = as_completed([
///         Box::pin(async { rx.await.unwrap() }) as std::pin::Pin<Box<dyn std::future::Future<Output = _>>>,
///         Box::pin(async move {
///             tx.send("second").unwrap();
///             "first"
///         }),
///     ]);
///     assert_eq!(done.next().await, Some("first"));
///     assert_eq!(done.next().await, Some("second"));
///     assert_eq!(done.next().await, None);
/// });
/// ```
pub fn as_completed<I>(futures: I) -> AsCompleted<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture,
{
    let futures = futures.into_iter();
    let mut set = AsCompleted {
        children: Unordered::new(true),
    };
    for future in futures {
        set.push(future);
    }
    set
}

/// The stream returned by [`as_completed`].
#[must_use = "streams do nothing unless polled"]
pub struct AsCompleted<F> {
    children: Unordered<Pin<Box<F>>>,
}

impl<F: Future> AsCompleted<F> {
    /// Adds a future to the running set; its output will come out of the stream too.
    ///
    /// ```
    /// use futures::StreamExt;
    /// use weave_combinators::as_completed;
    ///
    /// let mut set = as_completed(Vec::<std::future::Ready<u8>>::new());
    /// set.push(std::future::ready(4));
    /// assert_eq!(futures::executor::block_on(set.next()), Some(4));
    /// ```
    pub fn push(&mut self, future: impl IntoFuture<IntoFuture = F>) {
        self.children.push(Box::pin(future.into_future()));
    }

    /// Futures still running.
    pub fn len(&self) -> usize {
        self.children.len()
    }

    /// True once every future has finished (and its output was taken).
    pub fn is_empty(&self) -> bool {
        self.children.len() == 0
    }
}

// Each child is boxed: nothing is pinned in place.
impl<F> Unpin for AsCompleted<F> {}

impl<F: Future> Stream for AsCompleted<F> {
    type Item = F::Output;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        self.children
            .poll_next(cx)
            .map(|next| next.map(|(_, output)| output))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.children.len(), Some(self.children.len()))
    }
}

impl<F: Future> FusedStream for AsCompleted<F> {
    fn is_terminated(&self) -> bool {
        self.is_empty()
    }
}

impl<F> fmt::Debug for AsCompleted<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted").finish_non_exhaustive()
    }
}
