//! Weave's timer: `sleep`, `timeout` and `interval` (asyncio's `sleep`, `wait_for` and
//! periodic tasks; tokio's `time` module), on a hierarchical timing wheel, usable under any
//! executor.
//!
//! ```
//! # if cfg!(miri) { return; } // miri: the standalone timer thread outlives main
//! use std::time::Duration;
//! use weave_timer::{interval, sleep, timeout, Instant};
//!
//! // No runtime needed: outside one, timers run on a background thread.
//! futures::executor::block_on(async {
//!     let start = Instant::now();
//!     sleep(Duration::from_millis(5)).await;
//!     assert!(start.elapsed() >= Duration::from_millis(5));
//!
//!     let slow = async {
//!         sleep(Duration::from_secs(10)).await;
//!         "done"
//!     };
//!     assert!(timeout(Duration::from_millis(5), slow).await.is_err());
//!
//!     let mut every = interval(Duration::from_millis(1));
//!     for _ in 0..3 {
//!         every.tick().await;
//!     }
//! });
//! ```
//!
//! ## How it fits together
//!
//! - [`TimerDriver`] is a [`Park`](weave_core::Park) layer: an executor that sleeps through
//!   it sleeps until the next deadline, and it fires due timers when it wakes. Executors need
//!   no timer code (`LocalExecutor::with_park`, `ThreadPool::with_driver`).
//! - A [`Sleep`] finds its driver through the [`Handle`] entered on the thread that first
//!   polls it; with none entered, through a background thread started on first use.
//! - Timers live in a hierarchical timing wheel (6 levels × 64 slots, 1 ms ticks; see the
//!   `wheel` module's docs): insert and cancel are O(1), the timer's record lives inside the
//!   `Sleep` (no allocation), moving a deadline later is one atomic compare-and-swap, and due
//!   timers' wakers are woken in batches of 32 outside the lock.
//! - The wheel is sharded, one lock per shard, each thread registering in its own shard; the
//!   driver is woken (one system call) only when it is parked and the new deadline is
//!   earlier than the one it sleeps for.
//! - Time comes from a [`Clock`](weave_core::Clock): the system clock, or a
//!   [`ManualClock`](weave_core::ManualClock) for tests, which jumps to the next deadline when
//!   the executor is idle (switchable off).
//!
//! ## Resolution and edges
//!
//! Timers fire at the first driver turn at or after their deadline rounded up to the next
//! whole millisecond since the driver started: never early, typically less than 1 ms late
//! on an idle executor (plus the OS's wake-up latency). A deadline already passed completes
//! at the first poll. `sleep(Duration::MAX)` and deadlines beyond `Instant`'s range mean
//! "about 30 years from now"; nothing overflows or panics. Deadlines more than ~2.2 years
//! away are re-filed every ~2.2 years until due.
//!
//! ## Not here
//! - The runtime that enters the handle on every thread: the `weave` facade (`weave::time`
//!   re-exports this crate).
//! - Executors: `weave-executor`. The `Clock` trait and `ManualClock`: `weave-core`.
//! - Deadlines on I/O operations: compose [`timeout`] with `weave-reactor`'s futures.

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

mod atomic_waker;
mod driver;
mod entry;
pub mod error;
mod handle;
mod instant;
mod interval;
mod sleep;
mod standalone;
mod timeout;
mod timers;
mod wheel;

pub use driver::{TimerDriver, TimerUnparker};
pub use handle::{EnterGuard, Handle};
pub use instant::Instant;
pub use interval::{interval, interval_at, Interval, MissedTickBehavior};
pub use sleep::{sleep, sleep_until, Sleep};
pub use timeout::{timeout, timeout_at, Timeout};

#[cfg(all(test, loom))]
mod loom_tests;
