//! `Interval`: ticks at a fixed period, with a choice of what to do about missed ticks.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use futures_core::Stream;

use crate::{sleep_until, Instant, Sleep};

/// Ticks are "missed" only when late by more than this: a tick a little late because the
/// driver's resolution is 1 ms is still on schedule.
const LATE_THRESHOLD: Duration = Duration::from_millis(5);

/// An interval whose first tick completes at once, then every `period`.
///
/// Panics if `period` is zero.
///
/// ```
/// # if cfg!(miri) { return; } // miri: the standalone timer thread outlives main
/// use std::time::Duration;
/// use weave_timer::{interval, Instant};
///
/// futures::executor::block_on(async {
///     let start = Instant::now();
///     let mut every = interval(Duration::from_millis(2));
///     every.tick().await; // at once
///     every.tick().await;
///     every.tick().await;
///     assert!(start.elapsed() >= Duration::from_millis(4));
/// });
/// ```
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    interval_at(Instant::now(), period)
}

/// An interval whose first tick completes at `start`, then every `period`.
///
/// Panics if `period` is zero.
///
/// ```
/// # if cfg!(miri) { return; } // miri: the standalone timer thread outlives main
/// use std::time::Duration;
/// use weave_timer::{interval_at, Instant};
///
/// futures::executor::block_on(async {
///     let start = Instant::now() + Duration::from_millis(3);
///     let mut every = interval_at(start, Duration::from_millis(1));
///     assert!(every.tick().await >= start);
/// });
/// ```
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(
        period > Duration::ZERO,
        "weave_timer::interval: the period must be non-zero (a zero period would tick in a busy loop)"
    );
    Interval {
        delay: Box::pin(sleep_until(start)),
        period,
        missed_tick_behavior: MissedTickBehavior::default(),
    }
}

/// What an [`Interval`] does when ticks were missed (the consumer was slow, or the process
/// was suspended). Say the period is 10 ms, ticks were due at 10, 20, 30, and the interval
/// is polled again at 35:
///
/// | behaviour | ticks at | then |
/// |---|---|---|
/// | `Burst` (default) | 35, 35 (for 20 and 30) | 40, 50, ... (the original schedule) |
/// | `Delay` | 35 | 45, 55, ... (the schedule restarts from now) |
/// | `Skip` | 35 | 40, 50, ... (the missed ones are dropped, the schedule kept) |
///
/// ```
/// use std::time::Duration;
/// use weave_timer::{interval, MissedTickBehavior};
///
/// let mut every = interval(Duration::from_secs(1));
/// every.set_missed_tick_behavior(MissedTickBehavior::Skip);
/// assert_eq!(every.missed_tick_behavior(), MissedTickBehavior::Skip);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTickBehavior {
    /// Catch up: the missed ticks complete at once, one per call, until on schedule.
    #[default]
    Burst,
    /// Restart the schedule one period after the late tick.
    Delay,
    /// Drop the missed ticks and go on with the next one on the original schedule.
    Skip,
}

impl MissedTickBehavior {
    /// The deadline after a tick that was due at `due` and observed at `now` (late).
    fn next_after(self, due: Instant, now: Instant, period: Duration) -> Instant {
        match self {
            MissedTickBehavior::Burst => due.saturating_add(period),
            MissedTickBehavior::Delay => now.saturating_add(period),
            MissedTickBehavior::Skip => {
                let late = now.saturating_duration_since(due).as_nanos();
                let period_nanos = period.as_nanos();
                // `late % period` of the current period has already passed.
                let into_period = Duration::from_nanos((late % period_nanos) as u64);
                now.saturating_add(period - into_period)
            }
        }
    }
}

/// Ticks at a fixed period; made by [`interval`] and [`interval_at`]. Also a
/// [`Stream`](futures_core::Stream) of the instants at which each tick was due.
///
/// ```
/// # if cfg!(miri) { return; } // miri: the standalone timer thread outlives main
/// use std::time::Duration;
/// use futures::StreamExt;
///
/// futures::executor::block_on(async {
///     let every = weave_timer::interval(Duration::from_millis(1));
///     let ticks: Vec<_> = every.take(3).collect().await;
///     assert!(ticks[0] < ticks[1] && ticks[1] < ticks[2]);
/// });
/// ```
#[derive(Debug)]
pub struct Interval {
    /// Boxed so `Interval` is `Unpin` and cheap to move.
    delay: Pin<Box<Sleep>>,
    period: Duration,
    missed_tick_behavior: MissedTickBehavior,
}

impl Interval {
    /// Waits for the next tick and returns the instant it was due at.
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick; returns the instant it was due at.
    ///
    /// ```
    /// # if cfg!(miri) { return; } // miri: the standalone timer thread outlives main
    /// use std::future::poll_fn;
    /// use std::time::Duration;
    ///
    /// futures::executor::block_on(async {
    ///     let mut every = weave_timer::interval(Duration::from_millis(1));
    ///     let first = poll_fn(|cx| every.poll_tick(cx)).await;
    ///     let second = poll_fn(|cx| every.poll_tick(cx)).await;
    ///     assert!(second > first);
    /// });
    /// ```
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        ready!(self.delay.as_mut().poll(cx));
        let due = self.delay.deadline();
        let now = Instant::now();
        let next = if now.saturating_duration_since(due) > LATE_THRESHOLD {
            self.missed_tick_behavior.next_after(due, now, self.period)
        } else {
            due.saturating_add(self.period)
        };
        self.delay.as_mut().reset(next);
        Poll::Ready(due)
    }

    /// Restarts the schedule: the next tick is one period from now.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut every = weave_timer::interval(Duration::from_secs(1));
    /// every.reset();
    /// ```
    pub fn reset(&mut self) {
        self.delay
            .as_mut()
            .reset(Instant::now().saturating_add(self.period));
    }

    /// The period.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// What the interval does about missed ticks.
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed_tick_behavior
    }

    /// Chooses what the interval does about missed ticks.
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed_tick_behavior = behavior;
    }
}

impl Stream for Interval {
    type Item = Instant;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Instant>> {
        self.get_mut().poll_tick(cx).map(Some)
    }
}
