//! The runtime whose handle is entered on this thread (`Handle::current`).

use std::cell::RefCell;

use super::Handle;

thread_local! {
    static CURRENT: RefCell<Option<Handle>> = const { RefCell::new(None) };
    /// A worker's own entry, held from `on_thread_start` to `on_thread_stop`.
    static WORKER_ENTRY: RefCell<Option<super::EnterGuard>> = const { RefCell::new(None) };
}

/// Restores the previously entered handle on drop.
pub(super) struct ContextGuard(Option<Handle>);

pub(super) fn set(handle: Handle) -> ContextGuard {
    ContextGuard(CURRENT.with(|c| c.borrow_mut().replace(handle)))
}

pub(super) fn current() -> Option<Handle> {
    CURRENT.try_with(|c| c.borrow().clone()).ok().flatten()
}

impl Drop for ContextGuard {
    fn drop(&mut self) {
        let previous = self.0.take();
        let _ = CURRENT.try_with(|c| *c.borrow_mut() = previous);
    }
}

/// Enters `handle` on this worker thread until [`leave_worker`].
pub(super) fn enter_worker(handle: &Handle) {
    let guard = handle.enter();
    WORKER_ENTRY.with(|w| *w.borrow_mut() = Some(guard));
}

pub(super) fn leave_worker() {
    let guard = WORKER_ENTRY.with(|w| w.borrow_mut().take());
    drop(guard);
}
