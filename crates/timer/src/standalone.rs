//! The fallback timer for code running outside a Weave runtime: one background thread,
//! started the first time a timer is polled with no [`Handle`] entered, running a
//! [`TimerDriver`] over a thread parker forever.
//!
//! This is what makes `weave_timer::sleep(d)` work under `futures::executor::block_on`, smol
//! or any other executor. Inside a Weave runtime the runtime's own driver is used and this
//! thread never starts.

use std::sync::OnceLock;

use weave_core::{Park, ThreadParker};

use crate::driver::TimerDriver;
use crate::handle::Handle;

static STANDALONE: OnceLock<Handle> = OnceLock::new();

/// The standalone timer's handle, starting its thread on first use.
pub(crate) fn handle() -> &'static Handle {
    STANDALONE.get_or_init(start)
}

fn start() -> Handle {
    #[cfg(loom)]
    panic!(
        "weave_timer: no timer handle entered in a loom model; enter a TimerDriver's handle \
         (the standalone timer thread cannot live across loom iterations)"
    );
    #[cfg(not(loom))]
    start_thread()
}

#[cfg(not(loom))]
fn start_thread() -> Handle {
    let mut driver = TimerDriver::new(ThreadParker::new());
    let handle = driver.handle();
    std::thread::Builder::new()
        .name("weave-timer".to_owned())
        .spawn(move || loop {
            driver.park();
        })
        .expect("weave_timer: failed to start the standalone timer thread");
    handle
}
