//! `TimerDriver`: the `Park` layer that fires timers.

use std::fmt;
use std::time::Duration;

use weave_core::loom::sync::atomic::{AtomicBool, Ordering::SeqCst};
use weave_core::loom::sync::Arc;
use weave_core::{Clock, Park, SystemClock, Unpark};

use crate::handle::Handle;
use crate::timers::{Timers, NO_DEADLINE};

/// A [`Park`] layer that runs the timers: parking it parks the inner `Park` until the next
/// deadline (or a wake-up), then fires every due timer, waking their tasks.
///
/// Stack it under any executor that sleeps through `Park` and enter its
/// [`handle`](TimerDriver::handle) on the threads that poll tasks:
///
/// ```
/// use std::time::Duration;
/// use weave_core::ThreadParker;
/// use weave_executor::LocalExecutor;
/// use weave_timer::{sleep, Instant, TimerDriver};
///
/// let driver = TimerDriver::new(ThreadParker::new());
/// let _timer = driver.handle().enter();
/// let executor = LocalExecutor::with_park(driver);
/// let start = Instant::now();
/// executor.block_on(sleep(Duration::from_millis(5)));
/// assert!(start.elapsed() >= Duration::from_millis(5));
/// ```
///
/// With a [`ManualClock`](weave_core::ManualClock), time stands still and the driver
/// jumps it to the next deadline when it would otherwise sleep with nothing else to do
/// (unless the clock's auto-advance is off). Auto-advance assumes the thread parking the
/// driver speaks for the whole executor, as on a single-threaded executor; on a pool, other
/// workers may still be busy when one worker jumps the clock.
///
/// Dropping the driver wakes every `Sleep` still registered; polling one then panics.
pub struct TimerDriver<P: Park> {
    park: P,
    handle: Handle,
    /// Set by [`TimerUnparker`]: someone wants the executor to run, so do not auto-advance.
    woken: Arc<AtomicBool>,
}

/// Wakes a [`TimerDriver`] (and so the executor parked in it).
pub struct TimerUnparker<U> {
    inner: U,
    woken: Arc<AtomicBool>,
}

impl<P: Park> TimerDriver<P> {
    /// A timer driver on the system clock over `park`, with one shard per available CPU (at
    /// most 8).
    pub fn new(park: P) -> TimerDriver<P> {
        TimerDriver::with_clock(park, SystemClock)
    }

    /// A timer driver reading time from `clock` (say a
    /// [`ManualClock`](weave_core::ManualClock) in tests).
    ///
    /// ```
    /// use std::time::Duration;
    /// use weave_core::{ManualClock, ThreadParker};
    /// use weave_executor::LocalExecutor;
    /// use weave_timer::{sleep, Instant, TimerDriver};
    ///
    /// let clock = ManualClock::new();
    /// let driver = TimerDriver::with_clock(ThreadParker::new(), clock.clone());
    /// let _timer = driver.handle().enter();
    /// let start = Instant::now();
    /// // An hour passes at once: the executor is idle, so the clock jumps to the deadline.
    /// LocalExecutor::with_park(driver).block_on(sleep(Duration::from_secs(3600)));
    /// assert_eq!(Instant::now() - start, Duration::from_secs(3600));
    /// ```
    pub fn with_clock(park: P, clock: impl Clock) -> TimerDriver<P> {
        let shards = if cfg!(loom) {
            1
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
        };
        TimerDriver::with_clock_and_shards(park, clock, shards)
    }

    /// A timer driver with an explicit number of wheel shards (at least one). Each thread
    /// registers its timers in one shard; one shard suits a single-threaded executor, one
    /// per worker a pool.
    ///
    /// ```
    /// use weave_core::{SystemClock, ThreadParker};
    /// use weave_timer::TimerDriver;
    /// let driver = TimerDriver::with_clock_and_shards(ThreadParker::new(), SystemClock, 1);
    /// ```
    pub fn with_clock_and_shards(park: P, clock: impl Clock, shards: usize) -> TimerDriver<P> {
        let timers = Timers::new(Box::new(clock), shards, Box::new(park.unparker()));
        TimerDriver {
            park,
            handle: Handle {
                timers: Arc::new(timers),
            },
            woken: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The handle through which `Sleep`s reach this driver's timers; enter it with
    /// [`Handle::enter`] on every thread that polls tasks.
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// The wrapped `Park`.
    pub fn inner(&self) -> &P {
        &self.park
    }

    /// One turn: fire due timers, then sleep (at most `limit`) until the next deadline or a
    /// wake-up, then fire what came due.
    fn turn(&mut self, limit: Option<Duration>) {
        let timers = &*self.handle.timers;
        if timers.process(timers.clock().now()) > 0 || limit == Some(Duration::ZERO) {
            // Tasks were woken (or the executor only polls): give the inner layer its
            // non-blocking turn and return so the executor runs them.
            self.park.park_timeout(Duration::ZERO);
            return;
        }
        let next = timers.announce_park();
        if timers.is_paused() {
            if next != NO_DEADLINE && limit.is_none() {
                // Idle with a timer pending: if nothing else wants the executor (the inner
                // layer has no event, nobody unparked us), jump the clock to the deadline.
                self.park.park_timeout(Duration::ZERO);
                let woken = self.woken.swap(false, SeqCst);
                if woken || timers.clock().auto_advance_to(timers.tick_instant(next)) {
                    timers.end_park();
                    timers.process(timers.clock().now());
                    return;
                }
            }
            // A paused clock does not move by waiting: wait for a wake-up instead.
            match limit {
                None => self.park.park(),
                Some(limit) => self.park.park_timeout(limit),
            }
        } else {
            let until_next = (next != NO_DEADLINE).then(|| {
                timers
                    .tick_instant(next)
                    .saturating_duration_since(timers.clock().now())
            });
            match (until_next, limit) {
                (None, None) => self.park.park(),
                (Some(t), None) | (None, Some(t)) => self.park.park_timeout(t),
                (Some(a), Some(b)) => self.park.park_timeout(a.min(b)),
            }
        }
        timers.end_park();
        self.woken.store(false, SeqCst);
        timers.process(timers.clock().now());
    }
}

impl<P: Park> Park for TimerDriver<P> {
    type Unparker = TimerUnparker<P::Unparker>;

    fn unparker(&self) -> Self::Unparker {
        TimerUnparker {
            inner: self.park.unparker(),
            woken: self.woken.clone(),
        }
    }

    fn park(&mut self) {
        self.turn(None);
    }

    fn park_timeout(&mut self, timeout: Duration) {
        self.turn(Some(timeout));
    }
}

impl<P: Park> Drop for TimerDriver<P> {
    fn drop(&mut self) {
        self.handle.timers.shutdown();
    }
}

impl<U: Unpark> Unpark for TimerUnparker<U> {
    fn unpark(&self) {
        self.woken.store(true, SeqCst);
        self.inner.unpark();
    }
}

impl<U: Clone> Clone for TimerUnparker<U> {
    fn clone(&self) -> Self {
        TimerUnparker {
            inner: self.inner.clone(),
            woken: self.woken.clone(),
        }
    }
}

impl<P: Park> fmt::Debug for TimerDriver<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimerDriver")
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

impl<U> fmt::Debug for TimerUnparker<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimerUnparker").finish_non_exhaustive()
    }
}
