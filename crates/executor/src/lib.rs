//! Weave's executors, all built on `weave-core`'s task core and small traits:
//!
//! - [`block_on`]: run one future on this thread (asyncio's `run_until_complete`).
//! - [`LocalExecutor`]: a single-threaded executor for `!Send` tasks (asyncio's loop).
//! - [`ThreadPool`]: a work-stealing pool of worker threads (tokio's multi-thread runtime).
//!
//! Both executors implement [`Spawn`](weave_core::Spawn), sleep through
//! [`Park`](weave_core::Park) (so timer and reactor drivers plug in without executor
//! changes), and on drop cancel every unfinished task, running its destructors.
//!
//! ```
//! use weave_executor::{LocalExecutor, ThreadPool};
//!
//! async fn work() -> u32 {
//!     let a = weave_executor::spawn(async { 20 });
//!     weave_core::task::yield_now().await;
//!     a.await.unwrap() + 1
//! }
//!
//! assert_eq!(ThreadPool::new(2).block_on(work()), 21);
//! assert_eq!(LocalExecutor::new().block_on(work()), 21);
//! ```
//!
//! ## Not here
//! - Timers and I/O: `weave-timer` and `weave-reactor` provide `Park` layers to pass to
//!   [`LocalExecutor::with_park`] and [`ThreadPool::with_driver`].
//! - A ready-made runtime with both: the `weave` facade.

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

mod block_on;
mod context;
mod driver;
mod local;
mod pool;

pub use block_on::{block_on, block_on_with};
pub use context::{spawn, spawn_with, EnterGuard};
pub use local::{spawn_local, LocalExecutor, LocalHandle};
pub use pool::{ThreadPool, ThreadPoolBuilder, ThreadPoolHandle};
