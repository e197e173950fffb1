//! Small helpers shared by the primitives.

use weave_core::budget::RestoreOnPending;
use weave_core::loom::sync::{Mutex, MutexGuard};

/// Locks one of this crate's internal mutexes.
///
/// Wakers are called, and values dropped, after unlocking. The little user code that does
/// run under these locks (`Clone` in `broadcast`, `Ord` in `PriorityQueue`, the closure of
/// `watch::Sender::send_modify`) runs before or after, never in the middle of, an update of
/// the protected state, so a panic there leaves the state consistent: poisoning carries no
/// information and is ignored.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Keeps the budget unit taken by `poll_proceed` spent, on a path that made progress.
///
/// Same effect as `made_progress()` followed by the guard's drop, minus the call to the
/// out-of-line `Drop` (it only checks for a refund that can no longer happen). The guard
/// owns nothing, so forgetting it leaks nothing. For the hot, uncontended paths.
#[inline]
pub(crate) fn keep_spent(coop: RestoreOnPending) {
    std::mem::forget(coop);
}
