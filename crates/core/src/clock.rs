//! `Clock`: where drivers read the time, so tests can run on a clock they control.
//!
//! [`SystemClock`] is the monotonic system clock. [`ManualClock`] stands still until told to
//! move ([`ManualClock::advance`]), and by default jumps straight to the next timer deadline
//! when a driver would otherwise sleep with nothing else to do (auto-advance), so a test of
//! "retry after 30 s" runs in microseconds and never depends on the machine's speed.
//! Auto-advance can be switched off for tests that want to move time only by hand.
//!
//! The idea is tokio's paused time (`tokio::time::pause`), as a value instead of a global
//! switch, so each runtime (and each test) has its own.

use std::fmt;
use std::time::{Duration, Instant};

use crate::loom::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use crate::loom::sync::Arc;

/// A source of monotonic time for drivers (the timer reads every deadline through one).
///
/// ```
/// use weave_core::{Clock, SystemClock};
///
/// let clock = SystemClock;
/// let a = clock.now();
/// assert!(clock.now() >= a);
/// assert!(!clock.is_paused());
/// ```
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> Instant;

    /// True if the clock only moves when told to (so waiting real time for a deadline is
    /// pointless: a driver then waits for a wake-up instead of a timeout).
    fn is_paused(&self) -> bool {
        false
    }

    /// Called by a driver that would sleep until `deadline` with nothing else to do. A paused
    /// clock with auto-advance on moves to `deadline` (if it is later than now) and returns
    /// `true`, so the driver fires the timer instead of sleeping; other clocks return `false`.
    fn auto_advance_to(&self, deadline: Instant) -> bool {
        let _ = deadline;
        false
    }
}

/// The monotonic system clock (`std::time::Instant::now`).
///
/// ```
/// use weave_core::{Clock, SystemClock};
/// assert!(SystemClock.now() <= std::time::Instant::now());
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[inline]
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A paused clock for tests: it starts at the system time of its creation and moves only by
/// [`advance`](ManualClock::advance) or, when auto-advance is on (the default), when a driver
/// has nothing to do but wait for the next deadline.
///
/// Clones share the same time, so a test keeps one and gives one to the driver.
///
/// ```
/// use std::time::Duration;
/// use weave_core::{Clock, ManualClock};
///
/// let clock = ManualClock::new();
/// let start = clock.now();
/// clock.advance(Duration::from_secs(3600));
/// assert_eq!(clock.now() - start, Duration::from_secs(3600));
/// ```
#[derive(Clone)]
pub struct ManualClock {
    inner: Arc<ManualInner>,
}

struct ManualInner {
    base: Instant,
    /// Nanoseconds past `base`; a `u64` holds 584 years.
    offset: AtomicU64,
    auto_advance: AtomicBool,
}

impl ManualClock {
    /// A paused clock at the current system time, with auto-advance on.
    pub fn new() -> ManualClock {
        ManualClock {
            inner: Arc::new(ManualInner {
                base: Instant::now(),
                offset: AtomicU64::new(0),
                auto_advance: AtomicBool::new(true),
            }),
        }
    }

    /// Moves the clock forward by `by` (saturating at ~584 years past its start). Timers
    /// that are now due fire at their driver's next turn.
    pub fn advance(&self, by: Duration) {
        let nanos = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        // A CAS loop instead of `fetch_add` so the offset saturates rather than wraps.
        let mut current = self.inner.offset.load(SeqCst);
        loop {
            let next = current.saturating_add(nanos);
            match self
                .inner
                .offset
                .compare_exchange(current, next, SeqCst, SeqCst)
            {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
    }

    /// Switches auto-advance on or off. Off, time moves only through
    /// [`advance`](ManualClock::advance).
    ///
    /// ```
    /// use weave_core::ManualClock;
    /// let clock = ManualClock::new();
    /// clock.set_auto_advance(false);
    /// assert!(!clock.auto_advance());
    /// ```
    pub fn set_auto_advance(&self, on: bool) {
        self.inner.auto_advance.store(on, SeqCst);
    }

    /// Whether auto-advance is on.
    pub fn auto_advance(&self) -> bool {
        self.inner.auto_advance.load(SeqCst)
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock::new()
    }
}

impl fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManualClock")
            .field(
                "elapsed",
                &Duration::from_nanos(self.inner.offset.load(SeqCst)),
            )
            .field("auto_advance", &self.auto_advance())
            .finish()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        let offset = Duration::from_nanos(self.inner.offset.load(SeqCst));
        // `base + 584 years` fits in every platform's `Instant`; saturate anyway.
        self.inner
            .base
            .checked_add(offset)
            .unwrap_or(self.inner.base)
    }

    fn is_paused(&self) -> bool {
        true
    }

    fn auto_advance_to(&self, deadline: Instant) -> bool {
        if !self.auto_advance() {
            return false;
        }
        let target = deadline.saturating_duration_since(self.inner.base);
        let target = u64::try_from(target.as_nanos()).unwrap_or(u64::MAX);
        // Only forward: another thread may have advanced past `deadline` meanwhile.
        self.inner.offset.fetch_max(target, SeqCst);
        true
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn auto_advance_moves_forward_only_and_can_be_switched_off() {
        let clock = ManualClock::new();
        let start = clock.now();
        assert!(clock.auto_advance_to(start + Duration::from_secs(5)));
        assert_eq!(clock.now() - start, Duration::from_secs(5));
        assert!(clock.auto_advance_to(start + Duration::from_secs(1)));
        assert_eq!(
            clock.now() - start,
            Duration::from_secs(5),
            "went backwards"
        );
        clock.set_auto_advance(false);
        assert!(!clock.auto_advance_to(start + Duration::from_secs(9)));
        assert_eq!(clock.now() - start, Duration::from_secs(5));
    }

    #[test]
    fn advance_saturates() {
        let clock = ManualClock::new();
        clock.advance(Duration::MAX);
        clock.advance(Duration::MAX);
        assert!(clock.now() > clock.inner.base);
    }
}
