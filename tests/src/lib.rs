//! Shared helpers for Weave's cross-crate integration tests (`tests/tests/*.rs`).
//!
//! Each test file is its own binary that exercises `weave-core` and `weave-executor` only
//! through their public API; whatever two of them need lives here, once:
//!
//! - [`DropCounter`] / [`counted`]: how many futures are still alive, to prove that abort
//!   and shutdown run destructors.
//! - [`count_polls`]: how many times a future was polled, to observe cooperative yields.
//! - [`Executor`] / [`on_every_executor`]: run the same async code on `block_on`, a
//!   `LocalExecutor` and a `ThreadPool`.
//! - [`assert_all_cancelled`]: every handle of a shut-down executor resolves to cancelled.
//! - [`mailbox`]: a one-slot channel built from a `Mutex` and a `Waker`, independent of any
//!   Weave primitive, so a lost wakeup can only be the executor's.
//! - [`spawn_wake_chain`]: tasks that wake each other as they are destroyed, for shutdown.
//! - [`yield_until`]: wait, without a clock, for another task or thread to do something.
//! - [`expect_panics_starting_with`] / [`panic_message`]: keep deliberate panics out of the
//!   test output and read their payloads.
//!
//! ```
//! use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
//! use std::sync::Arc;
//! use weave_tests::{counted, on_every_executor};
//!
//! let live = Arc::new(AtomicUsize::new(0));
//! let results = on_every_executor(|_| counted(&live, async { 7 }));
//! assert!(results.iter().all(|&(_, v)| v == 7));
//! assert_eq!(live.load(SeqCst), 0);
//! ```
//!
//! ## Not here
//! - Unit tests of internals: beside the code in `weave-core` and `weave-executor`.
//! - Loom models: `cargo xtask loom`; timing and throughput: `weave-bench`.

mod drop_counter;
mod executors;
mod join;
mod mailbox;
mod panics;
mod polls;
mod wake_chain;

pub use drop_counter::{counted, DropCounter};
pub use executors::{on_every_executor, yield_until, Executor};
pub use join::assert_all_cancelled;
pub use mailbox::{mailbox, Receiver, Sender};
pub use panics::{expect_panics_starting_with, panic_message};
pub use polls::{count_polls, CountPolls};
pub use wake_chain::{spawn_wake_chain, WakeChain};
