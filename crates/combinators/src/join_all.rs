//! `join_all` and `try_join_all`: wait for many futures, outputs in input order (asyncio's
//! `gather`, with and without `return_exceptions`).

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use crate::maybe_done::MaybeDone;
use crate::ready::ReadyList;

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
    let slots: Box<[_]> = futures
        .into_iter()
        .map(|future| MaybeDone::new(future.into_future()))
        .collect();
    let mut ready = ReadyList::new();
    ready.add_fresh_slots(slots.len());
    JoinAll {
        remaining: slots.len(),
        slots: Box::into_pin(slots),
        ready,
    }
}

/// The future returned by [`join_all`].
#[must_use = "futures do nothing unless awaited"]
pub struct JoinAll<F: Future> {
    // One allocation for all children, each finished child's output kept in its slot.
    slots: Pin<Box<[MaybeDone<F>]>>,
    ready: ReadyList,
    remaining: usize,
}

/// Slot `index` of a pinned slice, pinned.
///
/// One of the crate's two `unsafe` places (the other is `ready/wakers.rs`). Measured reason:
/// boxing each child separately (the safe alternative) made `join_all` of 10 000 futures
/// about 1.3x slower than futures-util's, mostly in `malloc`; one pinned slice is what
/// futures-util does too.
#[allow(unsafe_code)]
fn slot<F: Future>(slots: Pin<&mut [MaybeDone<F>]>, index: usize) -> Pin<&mut MaybeDone<F>> {
    // SAFETY: pinning the slice pins its elements: they live in the boxed slice until it is
    // dropped in place, the slice is never reallocated or moved out of, and an element is
    // only ever reached through this function, so pinned.
    unsafe { slots.map_unchecked_mut(|slots| &mut slots[index]) }
}

impl<F: Future> JoinAll<F> {
    /// Polls children until all have finished (`Ready(None)`) or one finishes with an
    /// output `stop` wants to see first (`Ready(Some(index))`).
    fn poll_until(
        &mut self,
        cx: &mut Context<'_>,
        mut stop: impl FnMut(&mut F::Output) -> bool,
    ) -> Poll<Option<usize>> {
        while self.remaining > 0 {
            let mut slots = self.slots.as_mut();
            let (index, ()) = ready!(self.ready.poll_children(cx, true, |index, cx| {
                slot(slots.as_mut(), index).poll_running(cx)
            }));
            self.remaining -= 1;
            let output = slot(self.slots.as_mut(), index).output_mut();
            if stop(output.expect("a child that just finished has its output")) {
                return Poll::Ready(Some(index));
            }
        }
        Poll::Ready(None)
    }

    fn take_outputs(&mut self) -> impl Iterator<Item = F::Output> + '_ {
        (0..self.slots.len()).map(|index| {
            slot(self.slots.as_mut(), index)
                .take_output()
                .expect("every child finished")
        })
    }
}

impl<F: Future> Future for JoinAll<F> {
    type Output = Vec<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<F::Output>> {
        let this = &mut *self;
        ready!(this.poll_until(cx, |_| false));
        Poll::Ready(this.take_outputs().collect())
    }
}

impl<F: Future> fmt::Debug for JoinAll<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinAll")
            .field("remaining", &self.remaining)
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

impl<F, T, E> Future for TryJoinAll<F>
where
    F: Future<Output = Result<T, E>>,
{
    type Output = Result<Vec<T>, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<Vec<T>, E>> {
        let this = &mut self.inner;
        if let Some(index) = ready!(this.poll_until(cx, |output| output.is_err())) {
            let failed = slot(this.slots.as_mut(), index).take_output();
            // Fail fast: the siblings are dropped (cancelled) before we report.
            this.slots = Box::into_pin(Box::new([]));
            this.remaining = 0;
            return match failed {
                Some(Err(error)) => Poll::Ready(Err(error)),
                _ => unreachable!("stopped on an error"),
            };
        }
        Poll::Ready(
            this.take_outputs()
                .map(|output| match output {
                    Ok(value) => Ok(value),
                    Err(_) => unreachable!("every child finished with Ok"),
                })
                .collect(),
        )
    }
}

impl<F: Future> fmt::Debug for TryJoinAll<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryJoinAll")
            .field("remaining", &self.inner.remaining)
            .finish()
    }
}
