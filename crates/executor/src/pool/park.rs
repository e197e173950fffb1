//! How a pool worker sleeps: on the shared driver if no other worker holds it, otherwise
//! on its own condition variable. Exactly one idle worker waits in the driver (timers,
//! I/O), the rest sleep cheaply; an unpark reaches whichever way the worker sleeps.

use std::time::Duration;

use weave_core::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use weave_core::loom::sync::{Arc, Condvar, Mutex};
use weave_core::{Park, Unpark};

use crate::driver::DynPark;

/// The pool's driver, type-erased so the pool itself is not generic.
pub(crate) struct SharedDriver {
    park: Mutex<Box<dyn DynPark + Send>>,
    unpark: Box<dyn Unpark>,
}

impl SharedDriver {
    pub(crate) fn new<P: Park + Send + 'static>(driver: P) -> SharedDriver {
        SharedDriver {
            unpark: Box::new(driver.unparker()),
            park: Mutex::new(Box::new(driver)),
        }
    }

    /// Polls the driver without sleeping, if no worker is parked in it; false if one is
    /// (or another worker is polling it right now).
    pub(crate) fn poll(&self) -> bool {
        match self.park.try_lock() {
            Ok(mut driver) => {
                driver.park_timeout(Duration::ZERO);
                true
            }
            Err(_) => false,
        }
    }
}

const EMPTY: usize = 0;
const PARKED_CONDVAR: usize = 1;
const PARKED_DRIVER: usize = 2;
const NOTIFIED: usize = 3;

struct Inner {
    state: AtomicUsize,
    lock: Mutex<()>,
    condvar: Condvar,
    driver: Option<Arc<SharedDriver>>,
}

/// One worker's sleep.
pub(crate) struct WorkerParker {
    inner: Arc<Inner>,
}

/// Wakes one worker, however it sleeps.
#[derive(Clone)]
pub(crate) struct WorkerUnparker {
    inner: Arc<Inner>,
}

impl WorkerParker {
    pub(crate) fn new(driver: Option<Arc<SharedDriver>>) -> WorkerParker {
        WorkerParker {
            inner: Arc::new(Inner {
                state: AtomicUsize::new(EMPTY),
                lock: Mutex::new(()),
                condvar: Condvar::new(),
                driver,
            }),
        }
    }

    pub(crate) fn unparker(&self) -> WorkerUnparker {
        WorkerUnparker {
            inner: self.inner.clone(),
        }
    }

    /// Sleeps until unparked (may return spuriously).
    pub(crate) fn park(&mut self) {
        let inner = &*self.inner;
        if inner
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
        {
            return;
        }
        if let Some(driver) = &inner.driver {
            if let Ok(mut park) = driver.park.try_lock() {
                match inner
                    .state
                    .compare_exchange(EMPTY, PARKED_DRIVER, SeqCst, SeqCst)
                {
                    Ok(_) => {}
                    Err(NOTIFIED) => {
                        // A swap, not a store: another `unpark` may have come since the read, and reading
                        // its write is what makes what it published (a shutdown flag, a queued task) visible.
                        inner.state.swap(EMPTY, SeqCst);
                        return;
                    }
                    Err(actual) => unreachable!("worker parker state {actual}"),
                }
                park.park();
                // Woken by our unpark (state NOTIFIED) or by the driver's own events.
                inner.state.swap(EMPTY, SeqCst);
                return;
            }
        }
        let mut guard = inner.lock.lock().unwrap();
        match inner
            .state
            .compare_exchange(EMPTY, PARKED_CONDVAR, SeqCst, SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                // A swap, not a store: another `unpark` may have come since the read, and reading
                // its write is what makes what it published (a shutdown flag, a queued task) visible.
                inner.state.swap(EMPTY, SeqCst);
                return;
            }
            Err(actual) => unreachable!("worker parker state {actual}"),
        }
        loop {
            guard = inner.condvar.wait(guard).unwrap();
            if inner
                .state
                .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
                .is_ok()
            {
                return;
            }
        }
    }
}

impl WorkerUnparker {
    pub(crate) fn unpark(&self) {
        let inner = &*self.inner;
        match inner.state.swap(NOTIFIED, SeqCst) {
            EMPTY | NOTIFIED => {}
            PARKED_CONDVAR => {
                // Ordered after the sleeper's wait by the lock, so the notify is not lost.
                drop(inner.lock.lock().unwrap());
                inner.condvar.notify_one();
            }
            PARKED_DRIVER => {
                if let Some(driver) = &inner.driver {
                    driver.unpark.unpark();
                }
            }
            actual => unreachable!("worker parker state {actual}"),
        }
    }
}
