//! `Park` and `Unpark`: how an executor's thread sleeps when it has nothing to run, and
//! how another thread (or a waker) wakes it.
//!
//! Drivers stack as layers: a timer's `Park` parks its inner `Park` with a timeout of the
//! next deadline, a reactor's waits in `epoll_wait`. The executor only sees the outermost
//! layer, so it needs no timer- or I/O-specific code. [`ThreadParker`] is the innermost
//! layer: a plain thread sleep.

use std::time::Duration;

use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{Arc, Condvar, Mutex};

/// Blocks the current thread until unparked (or a timeout passes), driving whatever the
/// implementation drives (timers, I/O) meanwhile.
///
/// `park` may return spuriously; callers re-check their queues in a loop. An `unpark` that
/// happens before `park` makes the next `park` return at once: wakeups are never lost.
///
/// ```
/// use std::time::Duration;
/// use weave_core::{Park, ThreadParker, Unpark};
///
/// let mut parker = ThreadParker::new();
/// let unparker = parker.unparker();
/// std::thread::spawn(move || unparker.unpark());
/// parker.park(); // returns once the other thread unparked us
/// parker.park_timeout(Duration::from_millis(1)); // returns after at most ~1 ms
/// ```
pub trait Park {
    /// The handle that wakes this parker from other threads.
    type Unparker: Unpark + Clone;

    /// A handle to wake this parker.
    fn unparker(&self) -> Self::Unparker;

    /// Blocks until unparked.
    fn park(&mut self);

    /// Blocks until unparked or `timeout` elapsed. `Duration::ZERO` polls the driver without
    /// sleeping.
    fn park_timeout(&mut self, timeout: Duration);
}

/// Wakes a [`Park`] from any thread.
pub trait Unpark: Send + Sync + 'static {
    /// Makes the parker's current or next `park` return.
    fn unpark(&self);
}

impl<U: Unpark + ?Sized> Unpark for std::sync::Arc<U> {
    fn unpark(&self) {
        (**self).unpark()
    }
}

impl<U: Unpark + ?Sized> Unpark for Box<U> {
    fn unpark(&self) {
        (**self).unpark()
    }
}

const EMPTY: usize = 0;
const PARKED: usize = 1;
const NOTIFIED: usize = 2;

struct Inner {
    state: AtomicUsize,
    lock: Mutex<()>,
    condvar: Condvar,
}

/// The innermost [`Park`]: sleeps the thread on a condition variable.
///
/// Unparking a thread that is not asleep costs one atomic swap and no system call.
pub struct ThreadParker {
    inner: Arc<Inner>,
}

/// Wakes a [`ThreadParker`].
#[derive(Clone)]
pub struct ThreadUnparker {
    inner: Arc<Inner>,
}

impl ThreadParker {
    /// A new parker with no pending notification.
    pub fn new() -> ThreadParker {
        ThreadParker {
            inner: Arc::new(Inner {
                state: AtomicUsize::new(EMPTY),
                lock: Mutex::new(()),
                condvar: Condvar::new(),
            }),
        }
    }
}

impl Default for ThreadParker {
    fn default() -> Self {
        ThreadParker::new()
    }
}

impl std::fmt::Debug for ThreadParker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadParker").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ThreadUnparker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadUnparker").finish_non_exhaustive()
    }
}

impl Inner {
    fn park(&self, timeout: Option<Duration>) {
        // A pending notification: consume it and return without sleeping.
        if self
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
        {
            return;
        }
        if timeout == Some(Duration::ZERO) {
            return;
        }
        let mut guard = self.lock.lock().unwrap();
        match self.state.compare_exchange(EMPTY, PARKED, SeqCst, SeqCst) {
            Ok(_) => {}
            Err(NOTIFIED) => {
                // Notified between the first check and taking the lock.
                // A swap, not a store: another `unpark` may have come since the read, and reading
                // its write is what makes what it published (a shutdown flag, a queued task) visible.
                self.state.swap(EMPTY, SeqCst);
                return;
            }
            Err(actual) => panic!("ThreadParker parked from two threads at once (state {actual})"),
        }
        match timeout {
            None => loop {
                guard = self.condvar.wait(guard).unwrap();
                // Condition variables wake spuriously; only NOTIFIED ends the park.
                if self
                    .state
                    .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
                    .is_ok()
                {
                    return;
                }
            },
            Some(timeout) => {
                let (_guard, _) = self.condvar.wait_timeout(guard, timeout).unwrap();
                // Timed out or notified (or spurious): either way leave the PARKED state and
                // consume a notification if one arrived.
                self.state.swap(EMPTY, SeqCst);
            }
        }
    }

    fn unpark(&self) {
        match self.state.swap(NOTIFIED, SeqCst) {
            EMPTY | NOTIFIED => {}
            PARKED => {
                // Taking the lock orders us after the parker's transition to PARKED and its
                // wait, so the notification cannot slip between its check and its sleep.
                drop(self.lock.lock().unwrap());
                self.condvar.notify_one();
            }
            actual => unreachable!("ThreadParker state {actual}"),
        }
    }
}

impl Park for ThreadParker {
    type Unparker = ThreadUnparker;

    fn unparker(&self) -> ThreadUnparker {
        ThreadUnparker {
            inner: self.inner.clone(),
        }
    }

    fn park(&mut self) {
        self.inner.park(None);
    }

    fn park_timeout(&mut self, timeout: Duration) {
        self.inner.park(Some(timeout));
    }
}

impl Unpark for ThreadUnparker {
    fn unpark(&self) {
        self.inner.unpark();
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::sync::atomic::{AtomicBool, Ordering::Relaxed};
    use crate::loom::thread;

    /// Two threads each publish a write, then unpark: whatever `park` consumes, the parked
    /// thread must eventually see both writes (no unpark is swallowed).
    #[test]
    fn loom_two_unparks_publish_both_writes() {
        loom::model(|| {
            let mut parker = ThreadParker::new();
            let flags = Arc::new([AtomicBool::new(false), AtomicBool::new(false)]);
            let threads: Vec<_> = (0..2)
                .map(|i| {
                    let flags = flags.clone();
                    let unparker = parker.unparker();
                    thread::spawn(move || {
                        flags[i].store(true, Relaxed);
                        unparker.unpark();
                    })
                })
                .collect();
            while !(flags[0].load(Relaxed) && flags[1].load(Relaxed)) {
                parker.park();
            }
            for t in threads {
                t.join().unwrap();
            }
        });
    }
}
