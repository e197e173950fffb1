//! Small helpers shared by the primitives.

use weave_core::loom::sync::{Mutex, MutexGuard};

/// Locks one of this crate's internal mutexes.
///
/// No code in this crate panics while holding one (user code never runs under them: wakers
/// are called, and values dropped, after unlocking), so poisoning carries no information and
/// is ignored.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
