//! `join_all` and `try_join_all`: wait for many futures, outputs in input order (asyncio's
//! `gather`, with and without `return_exceptions`).

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use crate::unordered::Unordered;

/// Runs every future concurrently and resolves to their outputs in input order, like
/// asyncio's `gather(..., return_exceptions=True)`: nothing is cancelled when a future
/// resolves to an `Err`, that `Err` just takes its place in the vector.
///
/// Each child gets its own waker, so a wake polls only that child, never all N; the poll
/// spends the task's cooperative budget once per child polled, so a huge `join_all` of
/// always-ready futures still lets its neighbours run.
///
/// ```
/// use weave_combinators::join_all;
///
/// let out = futures::executor::block_on(join_all((1..=3).map(|i| async move { i * 10 })));
/// assert_eq!(out, [10, 20, 30]);
///
/// let results: Vec<Result<u8, String>> = futures::executor::block_on(join_all(
///     (0..2u8).map(|i| async move { if i == 0 { Ok(1) } else { Err("no".to_string()) } }),
/// ));
/// assert_eq!(results, [Ok(1), Err("no".to_string())]);
/// ```
pub fn join_all<I>(futures: I) -> JoinAll<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture,
{
    let futures = futures.into_iter();
    let mut children = Unordered::fixed(futures.size_hint().0);
    for future in futures {
        children.push(Box::pin(future.into_future()));
    }
    let outputs = (0..children.len()).map(|_| None).collect();
    JoinAll { children, outputs }
}

/// The future returned by [`join_all`].
#[must_use = "futures do nothing unless awaited"]
pub struct JoinAll<F: Future> {
    // Boxed one by one: pinning elements of one shared slice needs `unsafe`, and the crate
    // forbids it.
    children: Unordered<Pin<Box<F>>>,
    outputs: Vec<Option<F::Output>>,
}

// Nothing is pinned in place (each child is boxed), so the combinator may move.
impl<F: Future> Unpin for JoinAll<F> {}

impl<F: Future> Future for JoinAll<F> {
    type Output = Vec<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<F::Output>> {
        let this = &mut *self;
        while let Some((index, output)) = ready!(this.children.poll_next(cx)) {
            this.outputs[index] = Some(output);
        }
        let outputs = std::mem::take(&mut this.outputs);
        Poll::Ready(
            outputs
                .into_iter()
                .map(|o| o.expect("every child finished"))
                .collect(),
        )
    }
}

impl<F: Future> fmt::Debug for JoinAll<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinAll")
            .field("remaining", &self.children.len())
            .finish()
    }
}

/// Runs every future concurrently; resolves to all the `Ok` values in input order, or to the
/// first `Err` (first to happen, not first in the list). On that error the other futures are
/// dropped at once, before the error is returned, so their destructors have run by the time
/// the caller sees it.
///
/// ```
/// use weave_combinators::try_join_all;
///
/// let ok: Result<Vec<u8>, ()> =
///     futures::executor::block_on(try_join_all((1..=2).map(|i| async move { Ok(i) })));
/// assert_eq!(ok, Ok(vec![1, 2]));
///
/// type Fut = std::pin::Pin<Box<dyn std::future::Future<Output = Result<u8, &'static str>>>>;
/// let futures: Vec<Fut> = vec![
///     Box::pin(async { Ok(1) }),
///     Box::pin(async { Err("boom") }),
///     Box::pin(std::future::pending()), // never finishes: dropped on the error
/// ];
/// let failed = futures::executor::block_on(try_join_all(futures));
/// assert_eq!(failed, Err("boom"));
/// ```
pub fn try_join_all<I, T, E>(futures: I) -> TryJoinAll<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture<Output = Result<T, E>>,
{
    TryJoinAll {
        inner: join_all(futures),
    }
}

/// The future returned by [`try_join_all`].
#[must_use = "futures do nothing unless awaited"]
pub struct TryJoinAll<F: Future> {
    inner: JoinAll<F>,
}

impl<F: Future> Unpin for TryJoinAll<F> {}

impl<F, T, E> Future for TryJoinAll<F>
where
    F: Future<Output = Result<T, E>>,
{
    type Output = Result<Vec<T>, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<Vec<T>, E>> {
        let this = &mut self.inner;
        while let Some((index, output)) = ready!(this.children.poll_next(cx)) {
            match output {
                Ok(value) => this.outputs[index] = Some(Ok(value)),
                Err(error) => {
                    // Fail fast: the siblings are cancelled (dropped) before we report.
                    this.children.clear();
                    this.outputs.clear();
                    return Poll::Ready(Err(error));
                }
            }
        }
        let outputs = std::mem::take(&mut this.outputs);
        Poll::Ready(Ok(outputs
            .into_iter()
            .map(|o| match o {
                Some(Ok(value)) => value,
                _ => unreachable!("every child finished with Ok"),
            })
            .collect()))
    }
}

impl<F: Future> fmt::Debug for TryJoinAll<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryJoinAll")
            .field("remaining", &self.inner.children.len())
            .finish()
    }
}
