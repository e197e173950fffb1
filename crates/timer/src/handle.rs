//! `Handle`: a reference to one timer driver's timers, and the thread's current one.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use weave_core::loom::sync::Arc;

use crate::timers::Timers;

weave_core::loom::thread_local! {
    static CURRENT: RefCell<Option<Handle>> = const { RefCell::new(None) };
}

weave_core::loom::thread_local! {
    /// This thread's shard number, before reduction modulo the shard count.
    static SHARD_HINT: Cell<usize> = const { Cell::new(usize::MAX) };
}

/// Hands out shard numbers round-robin. A plain std atomic: only a hint, so loom need not see it.
static NEXT_SHARD: AtomicUsize = AtomicUsize::new(0);

/// A cheap, cloneable reference to a timer driver's timers.
///
/// [`Sleep`](crate::Sleep)s find their timer through the handle current on the thread that
/// first polls them: runtimes [`enter`](Handle::enter) it on every thread that polls tasks.
/// With no current handle, timers go to a lazily started background timer thread, so
/// `weave_timer` works under any executor.
///
/// ```
/// use std::time::Duration;
/// use weave_core::ThreadParker;
/// use weave_timer::{Handle, TimerDriver};
///
/// let driver = TimerDriver::new(ThreadParker::new());
/// let handle = driver.handle();
/// assert!(Handle::try_current().is_none());
/// {
///     let _guard = handle.enter();
///     assert!(Handle::try_current().is_some());
/// }
/// assert!(Handle::try_current().is_none());
/// ```
#[derive(Clone)]
pub struct Handle {
    pub(crate) timers: Arc<Timers>,
}

/// Makes a [`Handle`] the thread's current timer until dropped (then the previous one is
/// current again). Returned by [`Handle::enter`]; not `Send`, since it belongs to its thread.
#[must_use = "the handle stays current only while the guard lives"]
pub struct EnterGuard {
    previous: Option<Handle>,
    _not_send: PhantomData<*const ()>,
}

impl Handle {
    /// Makes this handle the thread's current timer until the guard is dropped. Guards nest.
    ///
    /// ```
    /// use weave_core::ThreadParker;
    /// use weave_timer::TimerDriver;
    ///
    /// let driver = TimerDriver::new(ThreadParker::new());
    /// let _guard = driver.handle().enter();
    /// let _sleep = weave_timer::sleep(std::time::Duration::from_millis(1)); // uses `driver`
    /// ```
    pub fn enter(&self) -> EnterGuard {
        let previous = CURRENT.with(|c| c.borrow_mut().replace(self.clone()));
        EnterGuard {
            previous,
            _not_send: PhantomData,
        }
    }

    /// The thread's current timer handle.
    ///
    /// Panics if there is none (no runtime entered one on this thread); see
    /// [`try_current`](Handle::try_current).
    ///
    /// ```
    /// use weave_core::ThreadParker;
    /// use weave_timer::{Handle, TimerDriver};
    ///
    /// let driver = TimerDriver::new(ThreadParker::new());
    /// let _guard = driver.handle().enter();
    /// let current = Handle::current();
    /// ```
    #[track_caller]
    pub fn current() -> Handle {
        Handle::try_current().expect(
            "weave_timer::Handle::current() called with no timer entered on this thread: enter \
             a TimerDriver's handle (`driver.handle().enter()`) or run inside a Weave runtime; \
             `sleep` and friends do not need one (they fall back to a background timer thread)",
        )
    }

    /// The thread's current timer handle, if one was entered.
    ///
    /// ```
    /// assert!(weave_timer::Handle::try_current().is_none());
    /// ```
    pub fn try_current() -> Option<Handle> {
        CURRENT.try_with(|c| c.borrow().clone()).ok().flatten()
    }

    /// Runs `f` with the current handle's timers, or with the standalone timer's when no
    /// handle is current. Avoids a reference-count increment.
    pub(crate) fn with_current<R>(f: impl FnOnce(&Handle) -> R) -> R {
        let mut f = Some(f);
        let mut call = |handle: &Handle| (f.take().expect("called once"))(handle);
        match Handle::try_with_current(&mut call) {
            Some(result) => result,
            None => call(crate::standalone::handle()),
        }
    }

    /// Runs `f` with the current handle, if one is entered.
    pub(crate) fn try_with_current<R>(f: impl FnOnce(&Handle) -> R) -> Option<R> {
        CURRENT
            .try_with(|c| c.borrow().as_ref().map(f))
            .ok()
            .flatten()
    }

    /// The current handle, or the standalone timer's.
    pub(crate) fn current_or_standalone() -> Handle {
        Handle::with_current(Handle::clone)
    }

    /// The current time on this handle's clock.
    ///
    /// ```
    /// use std::time::Duration;
    /// use weave_core::{ManualClock, ThreadParker};
    /// use weave_timer::TimerDriver;
    ///
    /// let clock = ManualClock::new();
    /// let driver = TimerDriver::with_clock(ThreadParker::new(), clock.clone());
    /// let before = driver.handle().now();
    /// clock.advance(Duration::from_secs(1));
    /// assert_eq!(driver.handle().now() - before, Duration::from_secs(1));
    /// ```
    pub fn now(&self) -> crate::Instant {
        crate::Instant::from_std(self.timers.clock().now())
    }

    /// This thread's shard of this handle's timers.
    pub(crate) fn shard_for_this_thread(&self) -> usize {
        let count = self.timers.shard_count();
        if count == 1 {
            return 0;
        }
        let hint = SHARD_HINT
            .try_with(|hint| {
                if hint.get() == usize::MAX {
                    hint.set(NEXT_SHARD.fetch_add(1, Relaxed));
                }
                hint.get()
            })
            .unwrap_or(0);
        hint % count
    }
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        // `try_with`: the thread may be tearing down its thread-locals.
        let _ = CURRENT.try_with(|c| *c.borrow_mut() = previous);
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Handle").field(&*self.timers).finish()
    }
}

impl fmt::Debug for EnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}
