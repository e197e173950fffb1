//! Helpers shared by the timer's integration tests.
#![allow(dead_code)] // each test file uses a different subset

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll};

use weave_core::{ManualClock, ThreadParker};
use weave_executor::LocalExecutor;
use weave_timer::{EnterGuard, Handle, TimerDriver};

/// A `LocalExecutor` over a `TimerDriver` on a paused clock, with the timer entered on this
/// thread for as long as the value lives.
pub(crate) struct Paused {
    pub(crate) executor: LocalExecutor,
    pub(crate) clock: ManualClock,
    pub(crate) handle: Handle,
    _enter: EnterGuard,
}

impl Paused {
    pub(crate) fn new() -> Paused {
        let clock = ManualClock::new();
        let driver = TimerDriver::with_clock(ThreadParker::new(), clock.clone());
        let handle = driver.handle();
        let enter = handle.enter();
        Paused {
            executor: LocalExecutor::with_park(driver),
            clock,
            handle,
            _enter: enter,
        }
    }

    pub(crate) fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.executor.block_on(future)
    }
}

/// Sets its flag when dropped.
pub(crate) struct DropFlag(pub(crate) Arc<AtomicBool>);

impl DropFlag {
    pub(crate) fn new() -> (DropFlag, Arc<AtomicBool>) {
        let flag = Arc::new(AtomicBool::new(false));
        (DropFlag(flag.clone()), flag)
    }
}

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, SeqCst);
    }
}

pin_project_lite::pin_project! {
    /// Enters a timer handle around every poll of `future`, as a runtime does on each worker
    /// thread (the bare `ThreadPool` has no hook for it).
    pub struct WithTimer<F> {
        handle: Handle,
        #[pin]
        future: F,
    }
}

pub(crate) fn with_timer<F: Future>(handle: &Handle, future: F) -> WithTimer<F> {
    WithTimer {
        handle: handle.clone(),
        future,
    }
}

impl<F: Future> Future for WithTimer<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let _enter = this.handle.enter();
        this.future.poll(cx)
    }
}
