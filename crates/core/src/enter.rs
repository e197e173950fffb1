//! Marks a thread as driving an executor, so that blocking on a future from inside one
//! fails loudly instead of deadlocking.

use std::cell::Cell;
use std::marker::PhantomData;

crate::loom::thread_local! {
    static DRIVING: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// Proof that this thread is driving an executor; dropping it ends that.
#[derive(Debug)]
#[must_use]
pub struct EnterGuard {
    previous: Option<&'static str>,
    _not_send: PhantomData<*const ()>,
}

/// Marks the current thread as driving `what` (for example "a ThreadPool worker").
///
/// Panics if the thread already drives an executor: a `block_on` inside a task would block
/// the very thread that has to run the tasks it waits for.
///
/// ```
/// let guard = weave_core::enter::enter("my executor");
/// assert_eq!(weave_core::enter::driving(), Some("my executor"));
/// drop(guard);
/// assert!(weave_core::enter::driving().is_none());
/// ```
#[track_caller]
pub fn enter(what: &'static str) -> EnterGuard {
    match try_enter(what) {
        Some(guard) => guard,
        None => panic!(
            "cannot block on a future here: this thread is already driving {}; blocking it would \
             stall the tasks it runs. `.await` the future, or spawn it, instead of calling block_on",
            driving().unwrap_or("an executor")
        ),
    }
}

/// Like [`enter`], returning `None` instead of panicking.
pub fn try_enter(what: &'static str) -> Option<EnterGuard> {
    DRIVING.with(|d| match d.get() {
        Some(_) => None,
        None => {
            d.set(Some(what));
            Some(EnterGuard {
                previous: None,
                _not_send: PhantomData,
            })
        }
    })
}

/// What this thread drives, if anything.
pub fn driving() -> Option<&'static str> {
    DRIVING.try_with(|d| d.get()).ok().flatten()
}

/// Temporarily leaves the executor context (for running blocking code that may itself call
/// `block_on`, such as a blocking pool thread borrowed in place). Restored on drop.
pub fn exit() -> EnterGuard {
    EnterGuard {
        previous: DRIVING.with(|d| d.take()),
        _not_send: PhantomData,
    }
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let _ = DRIVING.try_with(|d| d.set(self.previous));
    }
}
