//! Cancel scopes over any deadline future: trio's `move_on_after` / `fail_after` and
//! asyncio's `timeout()`, with the clock left to the caller.
//!
//! A cancel scope here is a future raced against a *deadline future*: whatever resolves
//! when time is up (`weave_timer::sleep(d)`, a shutdown signal, a `oneshot`). Cancelling the
//! body means dropping it, Rust's cancellation. The timer-based names (`move_on_after`,
//! `fail_after`, `timeout`) are these functions with a `Sleep` as the deadline; they live
//! with the timer.
//!
//! Shielding (trio's `shield=True`, asyncio's `shield`): a body that must finish even when
//! its scope is cancelled (cleanup, a commit) cannot be protected from being dropped while
//! it is a plain future, so [`shield`] runs it as its own task; cancelling the scope then
//! drops only the wait, not the work.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;
use weave_core::{JoinHandle, Spawn};

use crate::current::CurrentRuntime;

/// Runs `body` until `deadline` resolves: `Some(output)` if the body finished first,
/// `None` if the deadline came first (the body is then dropped, i.e. cancelled). trio's
/// `move_on_after` with the deadline given as a future.
///
/// The body is polled first, so a body that is ready when the deadline fires still wins.
///
/// ```
/// use weave_combinators::move_on_when;
///
/// futures::executor::block_on(async {
///     let (stop, stopped) = futures::channel::oneshot::channel::<()>();
///     stop.send(()).unwrap();
///     let out = move_on_when(stopped, std::future::pending::<u8>()).await;
///     assert_eq!(out, None);
///     assert_eq!(move_on_when(std::future::pending::<()>(), async { 3 }).await, Some(3));
/// });
/// ```
pub fn move_on_when<D, F>(deadline: D, body: F) -> MoveOnWhen<D::IntoFuture, F::IntoFuture>
where
    D: IntoFuture,
    F: IntoFuture,
{
    MoveOnWhen {
        deadline: deadline.into_future(),
        body: body.into_future(),
    }
}

pin_project! {
    /// The future returned by [`move_on_when`].
    #[derive(Debug)]
    #[must_use = "futures do nothing unless awaited"]
    pub struct MoveOnWhen<D, F> {
        #[pin]
        deadline: D,
        #[pin]
        body: F,
    }
}

impl<D: Future, F: Future> Future for MoveOnWhen<D, F> {
    type Output = Option<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        let this = self.project();
        if let Poll::Ready(output) = this.body.poll(cx) {
            return Poll::Ready(Some(output));
        }
        this.deadline.poll(cx).map(|_| None)
    }
}

/// Runs `body` until `deadline` resolves: `Ok(output)` if the body finished first,
/// `Err(DeadlineReached)` otherwise (the body is dropped). trio's `fail_after`, asyncio's
/// `wait_for`, with the deadline given as a future.
///
/// ```
/// use weave_combinators::{fail_when, DeadlineReached};
///
/// futures::executor::block_on(async {
///     let out = fail_when(std::future::ready(()), std::future::pending::<u8>()).await;
///     assert_eq!(out, Err(DeadlineReached));
/// });
/// ```
pub fn fail_when<D, F>(deadline: D, body: F) -> FailWhen<D::IntoFuture, F::IntoFuture>
where
    D: IntoFuture,
    F: IntoFuture,
{
    FailWhen {
        inner: move_on_when(deadline, body),
    }
}

pin_project! {
    /// The future returned by [`fail_when`].
    #[derive(Debug)]
    #[must_use = "futures do nothing unless awaited"]
    pub struct FailWhen<D, F> {
        #[pin]
        inner: MoveOnWhen<D, F>,
    }
}

impl<D: Future, F: Future> Future for FailWhen<D, F> {
    type Output = Result<F::Output, DeadlineReached>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project()
            .inner
            .poll(cx)
            .map(|output| output.ok_or(DeadlineReached))
    }
}

/// The deadline of a [`fail_when`] scope came before its body finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineReached;

impl fmt::Display for DeadlineReached {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the deadline was reached before the body finished")
    }
}

impl std::error::Error for DeadlineReached {}

/// Runs `future` as its own task on the current executor, so it finishes even if the code
/// awaiting it is cancelled (asyncio's `shield`, trio's shielded scope). Awaiting the handle
/// gives its output; dropping the handle leaves the task running.
///
/// ```
/// use weave_combinators::{move_on_when, shield};
/// use weave_executor::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// let (saved_tx, saved) = futures::channel::oneshot::channel();
/// ex.block_on(async {
///     // The scope is cancelled at once, but the shielded commit still runs to the end.
///     let commit = shield(async move {
///         weave_core::task::yield_now().await;
///         saved_tx.send("committed").unwrap();
///     });
///     assert!(move_on_when(std::future::ready(()), commit).await.is_none());
///     assert_eq!(saved.await, Ok("committed"));
/// });
/// ```
#[track_caller]
pub fn shield<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    CurrentRuntime.spawn(future)
}
