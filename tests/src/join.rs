//! Checks on `JoinHandle`s of tasks whose executor is gone.

use std::fmt::Debug;

use weave_core::JoinHandle;

/// Asserts that every task already finished and that each handle resolves to a cancelled
/// `JoinError`. Awaits with plain `weave_executor::block_on`, so it works after the
/// executor that ran the tasks was dropped; a handle that would hang fails the
/// `is_finished` check instead.
///
/// ```
/// use weave_executor::ThreadPool;
///
/// let pool = ThreadPool::new(1);
/// let handle = pool.spawn(std::future::pending::<()>());
/// drop(pool);
/// weave_tests::assert_all_cancelled(vec![handle]);
/// ```
#[track_caller]
pub fn assert_all_cancelled<T: Debug>(handles: Vec<JoinHandle<T>>) {
    for handle in handles {
        assert!(
            handle.is_finished(),
            "task {} outlived its executor's shutdown",
            handle.id()
        );
        let result = weave_executor::block_on(handle);
        assert!(
            result.as_ref().is_err_and(|e| e.is_cancelled()),
            "expected a cancelled task, got {result:?}"
        );
    }
}
