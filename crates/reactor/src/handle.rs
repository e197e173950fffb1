//! `Handle`: which reactor new sockets register with.
//!
//! Resolution order for a new socket: the handle entered on this thread
//! ([`Handle::enter`]; the `weave` runtime enters its reactor on every worker and in
//! `block_on`), else a process-wide background reactor, started on first use on a thread
//! named `weave-reactor`. The background reactor makes the sockets work under any executor
//! (`futures::executor::block_on`, another runtime) and exists only if something needed it.

use std::cell::RefCell;
use std::fmt;
use std::sync::OnceLock;

use weave_core::loom::sync::Arc;
use weave_core::Park;

use crate::driver::ReactorDriver;
use crate::reactor::Reactor;

/// A cloneable reference to a reactor, for registering I/O sources with it.
///
/// ```
/// let driver = weave_reactor::ReactorDriver::new().unwrap();
/// let handle = driver.handle();
/// {
///     let _guard = handle.enter();
///     assert!(weave_reactor::Handle::try_current().is_some());
/// }
/// assert!(weave_reactor::Handle::try_current().is_none());
/// ```
#[derive(Clone)]
pub struct Handle {
    pub(crate) reactor: Arc<Reactor>,
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.reactor.fmt(f)
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Handle>> = const { RefCell::new(None) };
}

/// Restores the previously entered reactor when dropped. Returned by [`Handle::enter`].
#[must_use = "the reactor is current only while the guard lives"]
#[derive(Debug)]
pub struct EnterGuard {
    previous: Option<Handle>,
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        let _ = CURRENT.try_with(|c| c.replace(previous));
    }
}

impl Handle {
    pub(crate) fn from_reactor(reactor: Arc<Reactor>) -> Handle {
        Handle { reactor }
    }

    /// Makes this reactor the one new sockets on this thread register with, until the guard
    /// drops. Guards nest.
    pub fn enter(&self) -> EnterGuard {
        let previous = CURRENT.with(|c| c.replace(Some(self.clone())));
        EnterGuard { previous }
    }

    /// The entered reactor, if any (never the background one).
    pub fn try_current() -> Option<Handle> {
        CURRENT.try_with(|c| c.borrow().clone()).ok().flatten()
    }

    /// The entered reactor, or else the background reactor (started on first call).
    ///
    /// ```
    /// let handle = weave_reactor::Handle::current();
    /// assert!(!handle.is_shut_down());
    /// ```
    pub fn current() -> Handle {
        Handle::try_current().unwrap_or_else(background)
    }

    /// True once the reactor's driver was dropped: sockets on it give errors.
    pub fn is_shut_down(&self) -> bool {
        self.reactor.is_shut_down()
    }
}

/// The process-wide reactor used when none is entered: a driver parked forever on its own
/// thread.
fn background() -> Handle {
    static BACKGROUND: OnceLock<Handle> = OnceLock::new();
    BACKGROUND
        .get_or_init(|| {
            let mut driver = ReactorDriver::new().unwrap_or_else(|e| {
                panic!("weave-reactor: cannot create the background reactor: {e}")
            });
            let handle = driver.handle();
            std::thread::Builder::new()
                .name("weave-reactor".to_owned())
                .spawn(move || loop {
                    driver.park();
                })
                .unwrap_or_else(|e| {
                    panic!("weave-reactor: cannot start the background reactor thread: {e}")
                });
            handle
        })
        .clone()
}
