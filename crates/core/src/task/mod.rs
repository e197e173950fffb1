//! Tasks: one allocation per spawned future, driven through [`Runnable`] and awaited
//! through [`JoinHandle`].
//!
//! The layout follows async-task's idea (one allocation holding header, scheduler, future
//! and output; wakers are pointers into it) with tokio's cancellation model (abort hands
//! the future back to its executor to drop). The state machine lives in `state.rs`;
//! docs/architecture.md draws it.
//!
//! An executor needs three things from this module: a way to create tasks ([`spawn`], or
//! [`TaskList::spawn`] to keep them reachable for shutdown), a [`Schedule`] implementation
//! receiving each woken task's [`Runnable`], and a loop calling [`Runnable::run`].
//!
//! ```
//! use std::collections::VecDeque;
//! use std::sync::{Arc, Mutex};
//! use weave_core::task::{self, Runnable};
//!
//! let queue = Arc::new(Mutex::new(VecDeque::new()));
//! let schedule = { let q = queue.clone(); move |r: Runnable| q.lock().unwrap().push_back(r) };
//! let (runnable, mut handle) = task::spawn(async { task::yield_now().await; 42 }, schedule);
//! queue.lock().unwrap().push_back(runnable);
//! loop {
//!     let next = queue.lock().unwrap().pop_front();
//!     let Some(runnable) = next else { break };
//!     runnable.run();
//! }
//! assert_eq!(futures::executor::block_on(handle).unwrap(), 42);
//! ```

mod error;
mod header;
mod id;
mod join;
mod list;
mod origin;
mod raw;
mod runnable;
mod state;
mod waker;
mod yield_now;

#[cfg(all(test, loom))]
mod loom_tests;
#[cfg(all(test, not(loom)))]
mod tests;

use std::future::Future;

pub use self::error::JoinError;
pub use self::id::{Builder, Id};
pub use self::join::{AbortHandle, JoinHandle};
pub use self::list::{TaskInfo, TaskList, TaskRef, TaskStatus};
pub use self::runnable::{RunOutcome, Runnable};
pub use self::yield_now::{yield_now, YieldNow};
pub use crate::budget::{consume_budget, id, try_id, unconstrained, ConsumeBudget, Unconstrained};
pub use crate::schedule::Schedule;

/// Creates a task for a `Send` future, not tracked by any [`TaskList`].
///
/// Returns the task's first [`Runnable`] (schedule it yourself) and its [`JoinHandle`].
/// Prefer [`TaskList::spawn`] in an executor, so shutdown can reach idle tasks.
///
/// ```
/// use weave_core::task::{self, Runnable};
///
/// let (runnable, handle) = task::spawn(async { 5 }, |_: Runnable| unreachable!("never woken"));
/// runnable.run();
/// assert_eq!(futures::executor::block_on(handle).unwrap(), 5);
/// ```
#[track_caller]
pub fn spawn<F, S>(future: F, scheduler: S) -> (Runnable, JoinHandle<F::Output>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    S: Schedule,
{
    // SAFETY: the future and output are `Send`, so any thread may poll or drop them.
    unsafe { spawn_unchecked(future, scheduler, Builder::new()) }
}

/// Creates an untracked task with metadata, without requiring `Send`.
///
/// # Safety
/// - If `F` or `F::Output` is not `Send`, every `Runnable` and waker-triggered drop of the
///   future happens on the calling thread: the caller runs and drops the task's `Runnable`s
///   only there, and keeps the future's last reference there too.
pub unsafe fn spawn_unchecked<F, S>(
    future: F,
    scheduler: S,
    builder: Builder,
) -> (Runnable, JoinHandle<F::Output>)
where
    F: Future + 'static,
    S: Schedule,
{
    let ptr = raw::allocate(future, scheduler, builder, 2, std::ptr::null());
    (Runnable::from_raw(ptr), JoinHandle::from_raw(ptr))
}
