//! The driver stack under the executor, the blocking pool beside it, and the handles that
//! make them current.
//!
//! The executor parks in `TimerDriver<ReactorDriver<ThreadParker>>`: the timer parks the
//! reactor with the next deadline as timeout, the reactor waits in `epoll_wait`. Each layer
//! hands out a handle that [`Handle::enter`](super::Handle::enter) makes current, so
//! `sleep`, sockets and `spawn_blocking` find them. Without the `time` or `net` feature the
//! corresponding layer is left out.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use weave_blocking::BlockingPool;
use weave_core::ThreadParker;

#[cfg(feature = "net")]
type Io = weave_reactor::ReactorDriver<ThreadParker>;
#[cfg(not(feature = "net"))]
type Io = ThreadParker;

/// What the executor parks in.
#[cfg(feature = "time")]
pub(super) type Driver = weave_timer::TimerDriver<Io>;
/// What the executor parks in.
#[cfg(not(feature = "time"))]
pub(super) type Driver = Io;

/// The handles of the drivers and the blocking pool.
#[derive(Clone)]
pub(super) struct DriverHandles {
    #[cfg(feature = "time")]
    timer: weave_timer::Handle,
    #[cfg(feature = "time")]
    clock: Option<weave_core::ManualClock>,
    #[cfg(feature = "net")]
    reactor: weave_reactor::Handle,
    blocking: Arc<BlockingPool>,
}

/// Keeps the drivers' contexts entered; dropping restores the previous ones.
pub(super) struct DriverGuards {
    #[cfg(feature = "time")]
    _timer: weave_timer::EnterGuard,
    #[cfg(feature = "net")]
    _reactor: weave_reactor::EnterGuard,
    _blocking: weave_blocking::EnterGuard,
}

/// Options the builder passes to the drivers.
#[derive(Clone, Debug)]
pub(super) struct DriverOptions {
    pub(super) max_blocking_threads: usize,
    pub(super) blocking_keep_alive: Duration,
    pub(super) thread_name: String,
    pub(super) thread_stack_size: Option<usize>,
    /// Run on a paused `ManualClock` that jumps to the next deadline when idle.
    pub(super) start_paused: bool,
    /// Timer wheel shards: one per thread that registers timers.
    pub(super) timer_shards: usize,
}

impl Default for DriverOptions {
    fn default() -> Self {
        DriverOptions {
            max_blocking_threads: weave_blocking::DEFAULT_MAX_THREADS,
            blocking_keep_alive: weave_blocking::DEFAULT_KEEP_ALIVE,
            thread_name: "weave-worker".to_owned(),
            thread_stack_size: None,
            start_paused: false,
            timer_shards: 1,
        }
    }
}

/// Builds the stack and its handles.
pub(super) fn build(options: &DriverOptions) -> io::Result<(Driver, DriverHandles)> {
    let mut blocking = weave_blocking::Builder::new()
        .max_threads(options.max_blocking_threads)
        .keep_alive(options.blocking_keep_alive)
        .thread_name(format!("{}-blocking", options.thread_name));
    if let Some(bytes) = options.thread_stack_size {
        blocking = blocking.stack_size(bytes);
    }
    let blocking = Arc::new(blocking.build());

    #[cfg(feature = "net")]
    let io = weave_reactor::ReactorDriver::new()?;
    #[cfg(not(feature = "net"))]
    let io = ThreadParker::new();
    #[cfg(feature = "net")]
    let reactor = io.handle();

    #[cfg(feature = "time")]
    let (driver, clock) = if options.start_paused {
        let clock = weave_core::ManualClock::new();
        let driver = weave_timer::TimerDriver::with_clock_and_shards(
            io,
            clock.clone(),
            options.timer_shards,
        );
        (driver, Some(clock))
    } else {
        let driver = weave_timer::TimerDriver::with_clock_and_shards(
            io,
            weave_core::SystemClock,
            options.timer_shards,
        );
        (driver, None)
    };
    #[cfg(not(feature = "time"))]
    let driver = io;

    let handles = DriverHandles {
        #[cfg(feature = "time")]
        timer: driver.handle(),
        #[cfg(feature = "time")]
        clock,
        #[cfg(feature = "net")]
        reactor,
        blocking,
    };
    Ok((driver, handles))
}

impl DriverHandles {
    pub(super) fn enter(&self) -> DriverGuards {
        DriverGuards {
            #[cfg(feature = "time")]
            _timer: self.timer.enter(),
            #[cfg(feature = "net")]
            _reactor: self.reactor.enter(),
            _blocking: self.blocking.handle().enter(),
        }
    }

    pub(super) fn blocking(&self) -> &weave_blocking::Handle {
        self.blocking.handle()
    }

    /// The paused clock, if the runtime was built with `start_paused(true)`.
    #[cfg(feature = "time")]
    pub(super) fn clock(&self) -> Option<&weave_core::ManualClock> {
        self.clock.as_ref()
    }

    /// Stops the blocking pool: queued closures still run; waits at most `timeout` for its
    /// threads. Returns whether they all exited.
    pub(super) fn shutdown_blocking(&self, timeout: Duration) -> bool {
        self.blocking.shutdown_timeout(timeout)
    }
}
