//! Combining futures: run several at once and take all results (asyncio's `gather`),
//! the first (`wait(FIRST_COMPLETED)`), or each as it completes (`as_completed`).
//!
//! Re-exported from `weave-combinators`, which works under any executor.
//!
//! ```
//! use weave::future::{join_all, race};
//!
//! weave::block_on(async {
//!     // gather: every result, in argument order
//!     let squares = join_all((1..=4).map(|i| async move { i * i })).await;
//!     assert_eq!(squares, [1, 4, 9, 16]);
//!     // the first to finish wins; the other is dropped
//!     let first = race(async { "ready" }, std::future::pending()).await;
//!     assert_eq!(first, "ready");
//! });
//! ```

pub use std::future::{pending, poll_fn, ready, Future, IntoFuture, Pending, Ready};
pub use weave_combinators::{
    as_completed, join_all, race, select, select_all, select_ok, try_join_all, AsCompleted, Either,
    JoinAll, Race, Select, SelectAll, SelectOk, TryJoinAll,
};
