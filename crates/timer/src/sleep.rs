//! `Sleep`: a future that completes at a deadline.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use weave_core::loom::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed};

use crate::entry::{Entry, FIRED, MAX_TICK, UNREGISTERED};
use crate::handle::Handle;
use crate::timers::Registered;
use crate::Instant;

/// Waits until `duration` has elapsed (asyncio's `asyncio.sleep`).
///
/// Resolution is 1 ms: the sleep ends at the first driver turn at or after the deadline
/// (never before it), usually within a millisecond of it on an idle executor. A zero
/// duration, or a deadline that has passed, is ready at its first poll (on the system clock,
/// if the driver has not run for over 64 ms, a deadline passed since its last turn may
/// instead complete at its next turn: registration reads the system clock only near the
/// driver's last turn). `Duration::MAX` and other deadlines past what
/// `Instant` can hold become "about 30 years from now" (the wheel itself files deadlines up
/// to ~146 million years away), never a panic or an overflow.
///
/// The deadline is read at the call, on the current timer's clock; the timer is chosen and
/// the wheel touched only at the first poll, so a `Sleep` created and dropped unpolled
/// costs a clock read and nothing else.
///
/// ```
/// # if cfg!(miri) { return; } // miri: the standalone timer thread outlives main
/// use std::time::Duration;
/// use weave_timer::{sleep, Instant};
///
/// futures::executor::block_on(async {
///     let start = Instant::now();
///     sleep(Duration::from_millis(10)).await;
///     assert!(start.elapsed() >= Duration::from_millis(10));
/// });
/// ```
pub fn sleep(duration: Duration) -> Sleep {
    Sleep::new(Instant::now().saturating_add(duration))
}

/// Waits until `deadline` (ready at once if it has passed).
///
/// ```
/// # if cfg!(miri) { return; } // miri: the standalone timer thread outlives main
/// use std::time::Duration;
/// use weave_timer::{sleep_until, Instant};
///
/// futures::executor::block_on(async {
///     let deadline = Instant::now() + Duration::from_millis(5);
///     sleep_until(deadline).await;
///     assert!(Instant::now() >= deadline);
/// });
/// ```
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep::new(deadline)
}

/// The future returned by [`sleep`] and [`sleep_until`].
///
/// It is `!Unpin` (the wheel links to it in place): pin it to poll it by hand or to keep it
/// across `select!` iterations, e.g. with `std::pin::pin!`.
///
/// Polling counts against the task's cooperative budget, also once the deadline has passed,
/// so a loop of elapsed sleeps still lets other tasks run.
///
/// ```
/// # if cfg!(miri) { return; } // miri: the standalone timer thread outlives main
/// use std::pin::pin;
/// use std::time::Duration;
/// use weave_timer::{sleep, Instant};
///
/// futures::executor::block_on(async {
///     let mut nap = pin!(sleep(Duration::from_secs(3600)));
///     // Changed our mind: wake in 1 ms instead.
///     nap.as_mut().reset(Instant::now() + Duration::from_millis(1));
///     nap.as_mut().await;
///     assert!(nap.is_elapsed());
/// });
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Sleep {
    /// Linked into a wheel while waiting; the `Sleep` is pinned, so the entry never moves.
    entry: Entry,
    deadline: Instant,
    /// Where the entry was filed, from the first registration on.
    registration: Option<Registration>,
}

struct Registration {
    handle: Handle,
    shard: usize,
}

impl Sleep {
    fn new(deadline: Instant) -> Sleep {
        Sleep {
            entry: Entry::new(),
            deadline,
            registration: None,
        }
    }

    /// The instant this sleep completes at.
    ///
    /// ```
    /// use std::time::Duration;
    /// use weave_timer::{sleep_until, Instant};
    /// let at = Instant::now() + Duration::from_secs(1);
    /// assert_eq!(sleep_until(at).deadline(), at);
    /// ```
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// True once the sleep has completed (its timer fired, or its deadline had passed when
    /// polled). A `Sleep` never polled is not elapsed, whatever its deadline.
    pub fn is_elapsed(&self) -> bool {
        self.entry.state.load(Acquire) == FIRED
    }

    /// Moves the deadline, whether the sleep is pending or already completed (then it waits
    /// again). Moving it later, the common keep-alive case, is one atomic
    /// compare-and-swap: the timer stays where it is filed and is re-filed when that earlier
    /// slot comes due.
    ///
    /// ```
    /// # if cfg!(miri) { return; } // miri: the standalone timer thread outlives main
    /// use std::pin::pin;
    /// use std::time::Duration;
    /// use weave_timer::{sleep, Instant};
    ///
    /// futures::executor::block_on(async {
    ///     let mut idle = pin!(sleep(Duration::from_millis(1)));
    ///     idle.as_mut().await;
    ///     idle.as_mut().reset(Instant::now() + Duration::from_millis(1));
    ///     assert!(!idle.is_elapsed());
    ///     idle.await;
    /// });
    /// ```
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        // SAFETY: nothing is moved out of the pinned `Sleep`; the entry stays in place.
        let this = unsafe { self.get_unchecked_mut() };
        this.deadline = deadline;
        let Some(registration) = &this.registration else {
            // Never filed in a wheel: the next poll registers the new deadline.
            this.entry.state.store(UNREGISTERED, Relaxed);
            return;
        };
        let timers = &registration.handle.timers;
        let tick = timers.deadline_tick(deadline.into_std());
        let state = this.entry.state.load(Acquire);
        if state <= MAX_TICK && tick >= state {
            // Later (or the same): publish the new deadline; the driver re-files the entry
            // when its current slot comes due. Failing means the driver fired it meanwhile.
            if this
                .entry
                .state
                .compare_exchange(state, tick, AcqRel, Acquire)
                .is_ok()
            {
                return;
            }
        }
        // Earlier, or already fired: re-file under the lock (completing at once, with a
        // wake-up, if the new deadline has passed).
        // SAFETY: registered at this shard of these timers; the `Sleep` is pinned and
        // deregisters in `Drop`.
        unsafe {
            timers.reregister(
                NonNull::from(&this.entry),
                deadline.into_std(),
                registration.shard,
            )
        };
    }

    /// `poll` without the cooperative budget (for [`Timeout`](crate::Timeout), which asks
    /// the budget itself once the deadline has passed).
    pub(crate) fn poll_elapsed(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: nothing is moved out of the pinned `Sleep`.
        let this = unsafe { self.get_unchecked_mut() };
        let state = this.entry.state.load(Acquire);
        if state == FIRED {
            return Poll::Ready(());
        }
        let Some(registration) = &this.registration else {
            return this.register(cx);
        };
        // Register first, then look: a driver firing in between either sees this waker or
        // its FIRED is seen here (the AtomicWaker protocol).
        this.entry.waker.register(cx.waker());
        if this.entry.state.load(Acquire) == FIRED {
            return Poll::Ready(());
        }
        if registration.handle.timers.is_shutdown() {
            panic!("{SHUT_DOWN}");
        }
        Poll::Pending
    }

    /// First poll (or first after a reset of a never-filed sleep): file the entry.
    fn register(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let handle = Handle::current_or_standalone();
        let timers = &handle.timers;
        if timers.is_shutdown() {
            panic!("{SHUT_DOWN}");
        }
        let shard = handle.shard_for_this_thread();
        self.entry.waker.register(cx.waker());
        let deadline = self.deadline.into_std();
        // SAFETY: the `Sleep` is pinned, so the entry stays put, and `Drop` deregisters it
        // from this shard before the memory goes away.
        match unsafe { timers.register(NonNull::from(&self.entry), deadline, shard) } {
            Registered::Due => Poll::Ready(()),
            Registered::Waiting => {
                self.registration = Some(Registration { handle, shard });
                Poll::Pending
            }
        }
    }
}

const SHUT_DOWN: &str = "weave_timer: a Sleep was polled after its timer driver was dropped \
     (the runtime shut down); timers cannot outlive the TimerDriver they were registered in";

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        ready!(self.poll_elapsed(cx));
        // An elapsed sleep still spends budget: `loop { sleep(ZERO).await }` must yield. The
        // budget is asked only once elapsed: a pending poll would spend nothing anyway, so
        // it need not touch the budget's thread-local.
        ready!(weave_core::budget::poll_proceed(cx)).made_progress();
        Poll::Ready(())
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some(registration) = &self.registration {
            // Always under the lock, even if fired: the driver may still be touching the
            // entry (taking its waker) right after publishing FIRED.
            // SAFETY: registered at this shard of these timers; still alive here.
            unsafe {
                registration
                    .handle
                    .timers
                    .deregister(NonNull::from(&self.entry), registration.shard)
            };
        }
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("elapsed", &self.is_elapsed())
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::task::Waker;

    use weave_core::{ManualClock, ThreadParker};

    use super::*;
    use crate::timers::NO_DEADLINE;
    use crate::TimerDriver;

    #[test]
    fn only_a_pending_first_poll_touches_the_wheel() {
        let clock = ManualClock::new();
        let driver = TimerDriver::with_clock(ThreadParker::new(), clock);
        let handle = driver.handle();
        let _timer = handle.enter();
        let mut cx = Context::from_waker(Waker::noop());

        // Created and dropped unpolled: nothing filed.
        for _ in 0..10 {
            drop(sleep(Duration::from_secs(1)));
        }
        assert_eq!(handle.timers.next_tick(), NO_DEADLINE);

        // Due at its first poll: completes without being filed.
        let mut due = Box::pin(sleep(Duration::ZERO));
        assert!(due.as_mut().poll(&mut cx).is_ready());
        assert!(due.registration.is_none());
        assert_eq!(handle.timers.next_tick(), NO_DEADLINE);

        // Pending: filed in this thread's shard.
        let mut pending = Box::pin(sleep(Duration::from_secs(1)));
        assert!(pending.as_mut().poll(&mut cx).is_pending());
        assert!(pending.registration.is_some());
        assert_eq!(handle.timers.next_tick(), 1_000);
    }
}
