//! Time: sleeping, deadlines and periodic ticks (asyncio's `sleep`, `wait_for`, `timeout`).
//!
//! Re-exported from `weave-timer`, which also works without this facade (under any
//! executor). The runtime's timer has a resolution of 1 ms: a `sleep` never returns early,
//! and returns at most about a millisecond (plus scheduling delay) late.
//!
//! ```
//! use std::time::Duration;
//! use weave::time::{sleep, timeout};
//!
//! weave::block_on(async {
//!     sleep(Duration::from_millis(5)).await;
//!     let too_slow = timeout(Duration::from_millis(5), sleep(Duration::from_secs(60))).await;
//!     assert!(too_slow.is_err());
//! });
//! ```

use std::time::Duration;

pub use weave_timer::error;
pub use weave_timer::{
    interval, interval_at, sleep, sleep_until, timeout, timeout_at, Instant, Interval,
    MissedTickBehavior, Sleep, Timeout,
};

/// Cancel scopes (trio's `move_on_after`/`fail_after`, asyncio's `async with timeout()`):
/// a deadline or a remote cancel applied to a block, with [`shield`] for cleanup that must
/// finish. From `weave-combinators`.
pub use weave_combinators::{
    fail_after, fail_at, move_on_after, move_on_at, shield, CancelScope, Cancelled, Shield,
};

use crate::runtime::Handle;

/// Moves a paused clock forward by `by`, firing the timers that come due, then yields so
/// their tasks run (tokio's `time::advance`). For tests on a runtime built with
/// `start_paused(true)` (or `#[weave::test(start_paused = true)]`).
///
/// Panics outside a runtime, or if its clock is not paused.
///
/// ```
/// use std::time::Duration;
/// use weave::time::{advance, sleep, Instant};
///
/// // In a test: #[weave::test(start_paused = true)] async fn ...
/// let rt = weave::runtime::Builder::new_current_thread().start_paused(true).build().unwrap();
/// rt.block_on(async {
///     let start = Instant::now();
///     let alarm = weave::spawn(sleep(Duration::from_secs(3_600)));
///     advance(Duration::from_secs(86_400)).await;
///     assert_eq!(start.elapsed(), Duration::from_secs(86_400));
///     assert!(alarm.await.is_ok());
/// });
/// ```
pub async fn advance(by: Duration) {
    let handle = Handle::current();
    let clock = handle.paused_clock().expect(
        "weave::time::advance needs a paused clock: build the runtime with \
         Builder::start_paused(true) or use #[weave::test(start_paused = true)]",
    );
    clock.advance(by);
    // Let the driver see the new time and the woken tasks run before returning.
    crate::task::yield_now().await;
}
