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
    id, try_id, yield_now, AbortHandle, Builder, Id, JoinError, JoinHandle,
};

pub use crate::spawn::{spawn, spawn_local};
