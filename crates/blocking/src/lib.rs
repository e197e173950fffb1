//! Weave's blocking thread pool (asyncio's `run_in_executor` / `to_thread`) and the `fs`
//! module built on it.
//!
//! Blocking work (a synchronous library, a CPU-heavy computation, file I/O) must not run on
//! an async worker: it would stall every task queued behind it. [`spawn_blocking`] sends it
//! to a pool of threads that grows on demand (up to 512 by default) and shrinks when idle
//! (10 s keep-alive), and returns an ordinary [`weave_core::JoinHandle`].
//!
//! ```
//! # futures::executor::block_on(async {
//! let digest = weave_blocking::spawn_blocking(|| {
//!     // pretend this is a slow synchronous call
//!     (0..1_000u64).sum::<u64>()
//! })
//! .await
//! .unwrap();
//! assert_eq!(digest, 499_500);
//! # });
//! ```
//!
//! Which pool: the one entered on this thread with [`Handle::enter`] (the `weave` runtime
//! enters its own), else a process-wide default pool started on first use, so the crate
//! works under any executor.
//!
//! ## Not here
//! - Async sockets and readiness: `weave-reactor` (it resolves host names on this pool).
//! - Running a `!Send` or async job on a thread: spawn it on an executor (`weave-executor`).
//! - A bound on queued work: the queue is unbounded by design (see [`BlockingPool`]); bound
//!   producers with a semaphore from `weave-sync`.

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod context;
pub mod fs;
mod pool;

pub use pool::{
    spawn_blocking, BlockingPool, Builder, EnterGuard, Handle, DEFAULT_KEEP_ALIVE,
    DEFAULT_MAX_THREADS,
};

#[cfg(all(test, not(loom)))]
mod tests;
