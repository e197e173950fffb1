//! A test-and-test-and-set spin lock with exponential backoff, for critical sections of a
//! few instructions that threads on different workers take at high rates (the mpsc
//! channel's queue).
//!
//! Why not `std::sync::Mutex`: once two threads collide on it, a futex mutex marks itself
//! contended and every unlock then makes a `futex` wake system call, even though the
//! critical section is shorter than that call. Under eight producers on two workers that
//! cost a third of the channel's time. Here a waiter spins with growing pauses and, past
//! crossbeam's spin limit, yields its thread (so a preempted holder gets the CPU back).
//!
//! Under loom it is loom's mutex, so the models explore the code around it.

#[cfg(not(loom))]
mod spin {
    use std::cell::UnsafeCell;
    use std::ops::{Deref, DerefMut};
    use std::sync::atomic::{AtomicBool, Ordering::*};

    use crossbeam_utils::Backoff;

    pub(crate) struct SpinLock<T> {
        locked: AtomicBool,
        value: UnsafeCell<T>,
    }

    // SAFETY: the lock hands out access to `value` to one thread at a time (the guard), so
    // sharing the lock is as safe as sending the value.
    unsafe impl<T: Send> Sync for SpinLock<T> {}

    pub(crate) struct SpinGuard<'a, T> {
        lock: &'a SpinLock<T>,
    }

    impl<T> SpinLock<T> {
        pub(crate) fn new(value: T) -> Self {
            SpinLock {
                locked: AtomicBool::new(false),
                value: UnsafeCell::new(value),
            }
        }

        #[inline]
        pub(crate) fn lock(&self) -> SpinGuard<'_, T> {
            if self
                .locked
                .compare_exchange_weak(false, true, Acquire, Relaxed)
                .is_err()
            {
                self.lock_contended();
            }
            SpinGuard { lock: self }
        }

        #[cold]
        fn lock_contended(&self) {
            let backoff = Backoff::new();
            loop {
                // Wait with plain loads: the line stays shared until the holder's release.
                while self.locked.load(Relaxed) {
                    backoff.snooze();
                }
                if self
                    .locked
                    .compare_exchange_weak(false, true, Acquire, Relaxed)
                    .is_ok()
                {
                    return;
                }
            }
        }
    }

    impl<T> Deref for SpinGuard<'_, T> {
        type Target = T;

        fn deref(&self) -> &T {
            // SAFETY: the guard exists only while this thread holds the lock.
            unsafe { &*self.lock.value.get() }
        }
    }

    impl<T> DerefMut for SpinGuard<'_, T> {
        fn deref_mut(&mut self) -> &mut T {
            // SAFETY: as in `deref`, and `&mut self` makes this the only reference.
            unsafe { &mut *self.lock.value.get() }
        }
    }

    impl<T> Drop for SpinGuard<'_, T> {
        #[inline]
        fn drop(&mut self) {
            self.lock.locked.store(false, Release);
        }
    }
}

#[cfg(not(loom))]
pub(crate) use spin::SpinLock;

#[cfg(loom)]
pub(crate) struct SpinLock<T>(loom::sync::Mutex<T>);

#[cfg(loom)]
impl<T> SpinLock<T> {
    pub(crate) fn new(value: T) -> Self {
        SpinLock(loom::sync::Mutex::new(value))
    }

    pub(crate) fn lock(&self) -> loom::sync::MutexGuard<'_, T> {
        crate::util::lock(&self.0)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::sync::Arc;
    use std::thread;

    use super::SpinLock;

    /// Threads incrementing a plain counter under the lock lose no increment (miri checks
    /// that the lock orders the accesses).
    #[test]
    fn increments_from_many_threads_are_all_counted() {
        let (threads, rounds) = if cfg!(miri) { (3, 50) } else { (4, 20_000) };
        let counter = Arc::new(SpinLock::new(0u64));
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let counter = counter.clone();
                thread::spawn(move || {
                    for _ in 0..rounds {
                        *counter.lock() += 1;
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
        assert_eq!(*counter.lock(), threads * rounds);
    }
}
