//! Which blocking pool is current on this thread, and the process-wide fallback.

use std::cell::RefCell;
use std::sync::OnceLock;

use crate::pool::{BlockingPool, Handle};

thread_local! {
    static CURRENT: RefCell<Option<Handle>> = const { RefCell::new(None) };
}

/// Sets the current pool, returning the previous one.
pub(crate) fn replace(handle: Option<Handle>) -> Option<Handle> {
    // `try_with`: guards may drop while the thread tears down its locals.
    CURRENT.try_with(|c| c.replace(handle)).ok().flatten()
}

pub(crate) fn current() -> Option<Handle> {
    CURRENT.try_with(|c| c.borrow().clone()).ok().flatten()
}

/// The default pool, used when none is entered. It lives for the whole process; its idle
/// threads exit after the keep-alive, so it costs nothing when unused.
pub(crate) fn global() -> Handle {
    static GLOBAL: OnceLock<BlockingPool> = OnceLock::new();
    GLOBAL
        .get_or_init(|| {
            // Under miri, a thread still alive when `main` returns is an error, and nothing
            // shuts the global pool down: idle threads leave at once there.
            let keep_alive = if cfg!(miri) {
                std::time::Duration::ZERO
            } else {
                crate::DEFAULT_KEEP_ALIVE
            };
            crate::Builder::new().keep_alive(keep_alive).build()
        })
        .handle()
        .clone()
}
