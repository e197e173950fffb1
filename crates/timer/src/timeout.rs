//! `Timeout`: a future with a deadline (asyncio's `wait_for`).

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;
use weave_core::budget;

use crate::error::Elapsed;
use crate::{sleep, sleep_until, Instant, Sleep};

/// Runs `future`, giving up after `duration` with [`Elapsed`].
///
/// The future is polled first, so one that is ready at once never touches the timer wheel
/// (the sleep registers only when the future returns `Pending`). When the deadline wins,
/// the future is dropped with the `Timeout` (right after `.await` returns the error).
///
/// ```
/// # if cfg!(miri) { return; } // miri: the standalone timer thread outlives main
/// use std::time::Duration;
/// use weave_timer::{sleep, timeout};
///
/// futures::executor::block_on(async {
///     assert_eq!(timeout(Duration::from_secs(5), async { 7 }).await, Ok(7));
///     let slow = sleep(Duration::from_secs(60));
///     assert!(timeout(Duration::from_millis(1), slow).await.is_err());
/// });
/// ```
pub fn timeout<F: IntoFuture>(duration: Duration, future: F) -> Timeout<F::IntoFuture> {
    Timeout {
        future: future.into_future(),
        sleep: sleep(duration),
    }
}

/// Runs `future`, giving up at `deadline` with [`Elapsed`].
///
/// ```
/// # if cfg!(miri) { return; } // miri: the standalone timer thread outlives main
/// use std::time::Duration;
/// use weave_timer::{timeout_at, Instant};
///
/// futures::executor::block_on(async {
///     let deadline = Instant::now() + Duration::from_millis(1);
///     let result = timeout_at(deadline, std::future::pending::<()>()).await;
///     assert!(result.is_err());
/// });
/// ```
pub fn timeout_at<F: IntoFuture>(deadline: Instant, future: F) -> Timeout<F::IntoFuture> {
    Timeout {
        future: future.into_future(),
        sleep: sleep_until(deadline),
    }
}

pin_project! {
    /// The future returned by [`timeout`] and [`timeout_at`].
    ///
    /// ```
    /// use std::time::Duration;
    /// let t = weave_timer::timeout(Duration::from_secs(1), async { 1 });
    /// assert!(t.deadline() > weave_timer::Instant::now());
    /// assert_eq!(futures::executor::block_on(t.into_inner()), 1);
    /// ```
    #[derive(Debug)]
    #[must_use = "futures do nothing unless awaited"]
    pub struct Timeout<F> {
        #[pin]
        future: F,
        #[pin]
        sleep: Sleep,
    }
}

impl<F> Timeout<F> {
    /// The wrapped future.
    pub fn get_ref(&self) -> &F {
        &self.future
    }

    /// The wrapped future, mutably.
    pub fn get_mut(&mut self) -> &mut F {
        &mut self.future
    }

    /// Unwraps the future (the deadline is forgotten).
    pub fn into_inner(self) -> F {
        self.future
    }

    /// The deadline.
    pub fn deadline(&self) -> Instant {
        self.sleep.deadline()
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let had_budget = budget::has_budget_remaining();
        if let Poll::Ready(output) = this.future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        ready!(this.sleep.poll_elapsed(cx));
        // Elapsed. If the inner future spent the whole budget, still let the deadline win:
        // otherwise a busy inner future could postpone its own timeout forever. Else an
        // elapsed timeout spends budget like an elapsed `Sleep`, so a loop of them yields.
        let inner_spent_it = had_budget && !budget::has_budget_remaining();
        if !inner_spent_it {
            ready!(budget::poll_proceed(cx)).made_progress();
        }
        Poll::Ready(Err(Elapsed(())))
    }
}
