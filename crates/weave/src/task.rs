//! Tasks: spawn, await, cancel (asyncio's `create_task`, `Task`, `Task.cancel`).
//!
//! ```
//! weave::block_on(async {
//!     let task = weave::spawn(async { 7 * 6 });
//!     assert_eq!(task.await.unwrap(), 42);
//!
//!     let forever = weave::spawn(std::future::pending::<()>());
//!     forever.abort();
//!     assert!(forever.await.unwrap_err().is_cancelled());
//! });
//! ```

pub use weave_core::budget::{consume_budget, unconstrained};
pub use weave_core::task::{
    id, try_id, yield_now, AbortHandle, Builder, Id, JoinError, JoinHandle, TaskInfo, TaskStatus,
};

pub use crate::spawn::{spawn, spawn_blocking, spawn_local};
pub use weave_combinators::{
    CancelHandle, ChildError, JoinSet, NotStarted, Ready, TaskGroup, TaskGroupError,
};

/// Every unfinished task of the current runtime that has waited at least once, with its id,
/// name, status and spawn location: asyncio's `all_tasks`, for "what is my program stuck
/// on?". Tasks that have not yet been polled, or finished without ever waiting, are not
/// listed (they are not registered until their first wait, which keeps short tasks cheap).
///
/// Panics outside a runtime.
///
/// ```
/// weave::block_on(async {
///     let waiter = weave::task::Builder::new()
///         .name("waiter")
///         .spawn_on(std::future::pending::<()>(), &weave::runtime::Handle::current());
///     weave::task::yield_now().await; // let it run until it waits
///     let tasks = weave::task::dump();
///     let listed = tasks.iter().find(|t| t.id == waiter.id()).unwrap();
///     assert_eq!(listed.name.as_deref(), Some("waiter"));
///     println!("{listed}"); // task 2 'waiter' Idle, spawned at src/main.rs:4:10
/// });
/// ```
#[track_caller]
pub fn dump() -> Vec<TaskInfo> {
    crate::runtime::Handle::current().dump()
}
