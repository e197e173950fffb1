//! The driver stack under the executor and the handles that make it current.
//!
//! Grows with the driver crates: the timer (`TimerDriver`) and the reactor (`ReactorDriver`)
//! are `Park` layers over a `ThreadParker`; each hands out a handle that `Handle::enter`
//! makes current so `sleep` and sockets find them.

use weave_core::ThreadParker;

/// What the executor parks in.
pub(super) type Driver = ThreadParker;

/// The handles of the drivers' contexts.
#[derive(Clone)]
pub(super) struct DriverHandles {}

/// Keeps the drivers' contexts entered.
pub(super) struct DriverGuards {}

/// Options the builder passes to the drivers.
#[derive(Clone, Debug, Default)]
pub(super) struct DriverOptions {}

/// Builds the stack and its handles.
pub(super) fn build(_options: &DriverOptions) -> std::io::Result<(Driver, DriverHandles)> {
    Ok((ThreadParker::new(), DriverHandles {}))
}

impl DriverHandles {
    pub(super) fn enter(&self) -> DriverGuards {
        DriverGuards {}
    }
}

impl DriverHandles {
    /// Stops the blocking pool, waiting at most `timeout` for running work.
    pub(super) fn shutdown_blocking(&self, _timeout: Option<std::time::Duration>) {}
}
