//! Weave's task core: the pieces every Weave executor, driver and primitive stands on.
//!
//! - [`task`]: one heap allocation per task ([`Runnable`] to poll it, [`JoinHandle`] to
//!   await it, [`AbortHandle`] to cancel it), wakers that never allocate, and [`TaskList`]
//!   so an executor can reach every live task at shutdown.
//! - The small traits that let crates compose without knowing each other: [`Schedule`]
//!   (task → executor), [`Spawn`] / [`LocalSpawn`] (code → executor), [`Park`] / [`Unpark`]
//!   (executor → driver: how a thread sleeps and is woken).
//! - [`budget`]: cooperative scheduling so an always-ready task still yields.
//! - [`enter`]: detects `block_on` inside an executor thread.
//! - [`loom`]: the one concurrency shim of the workspace (std normally, loom under `--cfg loom`).
//!
//! A complete (if minimal) executor, to show how the pieces meet:
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use weave_core::task::{self, Runnable};
//!
//! let queue: Arc<Mutex<Vec<Runnable>>> = Arc::default();
//! let q = queue.clone();
//! let schedule = move |r: Runnable| q.lock().unwrap().push(r);
//! let (first, handle) = task::spawn(
//!     async {
//!         task::yield_now().await;
//!         "hello from a task"
//!     },
//!     schedule,
//! );
//! first.run(); // polls once; the task yields and reschedules itself
//! while let Some(r) = queue.lock().unwrap().pop() {
//!     r.run();
//! }
//! assert!(handle.is_finished());
//! ```
//!
//! ## Not here
//! - Executors (`block_on`, `LocalExecutor`, `ThreadPool`): `weave-executor`.
//! - Timers, I/O, channels and locks: `weave-timer`, `weave-reactor`, `weave-sync`.

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod budget;
mod clock;
pub mod enter;
pub mod loom;
mod park;
mod schedule;
mod spawn;
pub mod task;

pub use clock::{Clock, ManualClock, SystemClock};
pub use park::{Park, ThreadParker, ThreadUnparker, Unpark};
pub use schedule::Schedule;
pub use spawn::{LocalSpawn, Spawn};
pub use task::{AbortHandle, JoinError, JoinHandle, Runnable, TaskList};
