//! Small helpers shared by the primitives.

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
