//! `select_all` and `select_ok`: the first of many `Unpin` futures, handing back the rest.
//!
//! These poll every future on each wake, like futures-util's: they are for a handful of
//! futures raced once. For many futures, or outputs in completion order, use
//! [`as_completed`](crate::as_completed).

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Waits for the first of many `Unpin` futures; resolves to its output, its index, and the
/// futures still running (in their original order, without the winner).
///
/// Panics if `futures` is empty (there would never be a first).
///
/// ```
/// use weave_combinators::select_all;
///
/// let futures = vec![
///     Box::pin(std::future::pending()) as std::pin::Pin<Box<dyn std::future::Future<Output = u8>>>,
///     Box::pin(async { 7 }),
/// ];
/// let (value, index, rest) = futures::executor::block_on(select_all(futures));
/// assert_eq!((value, index, rest.len()), (7, 1, 1));
/// ```
pub fn select_all<I>(futures: I) -> SelectAll<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture,
    <I::Item as IntoFuture>::IntoFuture: Unpin,
{
    let futures: Vec<_> = futures.into_iter().map(IntoFuture::into_future).collect();
    assert!(!futures.is_empty(), "select_all: no futures to select from");
    SelectAll { futures }
}

/// The future returned by [`select_all`].
#[must_use = "futures do nothing unless awaited"]
pub struct SelectAll<F> {
    futures: Vec<F>,
}

impl<F: Future + Unpin> Future for SelectAll<F> {
    type Output = (F::Output, usize, Vec<F>);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let ready =
            self.futures
                .iter_mut()
                .enumerate()
                .find_map(|(i, f)| match Pin::new(f).poll(cx) {
                    Poll::Ready(out) => Some((i, out)),
                    Poll::Pending => None,
                });
        match ready {
            Some((index, out)) => {
                let mut rest = std::mem::take(&mut self.futures);
                drop(rest.remove(index));
                Poll::Ready((out, index, rest))
            }
            None => Poll::Pending,
        }
    }
}

impl<F> fmt::Debug for SelectAll<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelectAll")
            .field("len", &self.futures.len())
            .finish()
    }
}

/// Waits for the first of many `Unpin` futures to succeed; resolves to its value and the
/// futures still running. Failed futures are dropped as they fail; if all fail, resolves to
/// the last error.
///
/// Panics if `futures` is empty.
///
/// ```
/// use weave_combinators::select_ok;
///
/// type Fut = std::pin::Pin<Box<dyn std::future::Future<Output = Result<u8, &'static str>>>>;
/// let futures: Vec<Fut> = vec![Box::pin(async { Err("down") }), Box::pin(async { Ok(3) })];
/// let (value, rest) = futures::executor::block_on(select_ok(futures)).unwrap();
/// assert_eq!((value, rest.len()), (3, 0));
/// ```
pub fn select_ok<I, T, E>(futures: I) -> SelectOk<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture<Output = Result<T, E>>,
    <I::Item as IntoFuture>::IntoFuture: Unpin,
{
    let futures: Vec<_> = futures.into_iter().map(IntoFuture::into_future).collect();
    assert!(!futures.is_empty(), "select_ok: no futures to select from");
    SelectOk { futures }
}

/// The future returned by [`select_ok`].
#[must_use = "futures do nothing unless awaited"]
pub struct SelectOk<F> {
    futures: Vec<F>,
}

impl<F, T, E> Future for SelectOk<F>
where
    F: Future<Output = Result<T, E>> + Unpin,
{
    type Output = Result<(T, Vec<F>), E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut i = 0;
        while i < self.futures.len() {
            match Pin::new(&mut self.futures[i]).poll(cx) {
                Poll::Pending => i += 1,
                Poll::Ready(Ok(value)) => {
                    let mut rest = std::mem::take(&mut self.futures);
                    drop(rest.remove(i));
                    return Poll::Ready(Ok((value, rest)));
                }
                Poll::Ready(Err(error)) => {
                    drop(self.futures.remove(i));
                    if self.futures.is_empty() {
                        return Poll::Ready(Err(error));
                    }
                }
            }
        }
        Poll::Pending
    }
}

impl<F> fmt::Debug for SelectOk<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelectOk")
            .field("len", &self.futures.len())
            .finish()
    }
}
