//! `select` and `race`: the first of two futures (asyncio's `wait(..., FIRST_COMPLETED)` for
//! two), and `Either`, the output of `select`.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

/// One of two values: which future of a [`select`] finished first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Either<A, B> {
    /// The first future finished.
    Left(A),
    /// The second future finished.
    Right(B),
}

/// Waits for the first of two `Unpin` futures and hands back the other, unfinished one, so
/// it can still be awaited (or dropped to cancel it). Polls `a` first, so when both are
/// ready `a` wins; use [`race`] when neither should be favoured.
///
/// ```
/// use weave_combinators::{select, Either};
///
/// let fast = std::future::ready(1);
/// let slow = std::future::pending::<&str>();
/// match futures::executor::block_on(select(fast, slow)) {
///     Either::Left((value, _still_pending)) => assert_eq!(value, 1),
///     Either::Right(_) => unreachable!(),
/// }
/// ```
pub fn select<A, B>(a: A, b: B) -> Select<A, B>
where
    A: Future + Unpin,
    B: Future + Unpin,
{
    Select {
        inner: Some((a, b)),
    }
}

/// The future returned by [`select`].
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct Select<A, B> {
    inner: Option<(A, B)>,
}

impl<A, B> Future for Select<A, B>
where
    A: Future + Unpin,
    B: Future + Unpin,
{
    type Output = Either<(A::Output, B), (B::Output, A)>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let (a, b) = self.inner.as_mut().expect("Select polled after completion");
        if let Poll::Ready(out) = Pin::new(a).poll(cx) {
            let (_, b) = self.inner.take().expect("checked above");
            return Poll::Ready(Either::Left((out, b)));
        }
        if let Poll::Ready(out) = Pin::new(b).poll(cx) {
            let (a, _) = self.inner.take().expect("checked above");
            return Poll::Ready(Either::Right((out, a)));
        }
        Poll::Pending
    }
}

/// Waits for the first of two futures with the same output and drops the other. Which one
/// is polled first is random on every poll, so when both are always ready each wins about
/// half the time.
///
/// ```
/// use weave_combinators::race;
///
/// let winner = futures::executor::block_on(race(std::future::pending(), async { "b" }));
/// assert_eq!(winner, "b");
/// ```
pub fn race<A, B>(a: A, b: B) -> Race<A::IntoFuture, B::IntoFuture>
where
    A: IntoFuture,
    B: IntoFuture<Output = A::Output>,
{
    Race {
        a: a.into_future(),
        b: b.into_future(),
    }
}

pin_project! {
    /// The future returned by [`race`].
    #[derive(Debug)]
    #[must_use = "futures do nothing unless awaited"]
    pub struct Race<A, B> {
        #[pin]
        a: A,
        #[pin]
        b: B,
    }
}

impl<A, B> Future for Race<A, B>
where
    A: Future,
    B: Future<Output = A::Output>,
{
    type Output = A::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<A::Output> {
        let this = self.project();
        if crate::rand::below(2) == 0 {
            if let Poll::Ready(out) = this.a.poll(cx) {
                return Poll::Ready(out);
            }
            this.b.poll(cx)
        } else {
            if let Poll::Ready(out) = this.b.poll(cx) {
                return Poll::Ready(out);
            }
            this.a.poll(cx)
        }
    }
}
