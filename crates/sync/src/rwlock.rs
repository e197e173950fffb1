//! [`RwLock`]: many readers or one writer, fair and write-preferring. tokio's
//! `sync::RwLock`.
//!
//! Like tokio's, it is a [`Semaphore`] with `MAX_READERS` permits: a reader takes one, a
//! writer takes all of them. Because the semaphore is a strict one (no barging past queued
//! tasks, unlike [`Mutex`](crate::Mutex)'s), a queued writer stops new readers from jumping
//! ahead of it (write-preferring), and the writer collects the permits as the earlier
//! readers leave.

use std::fmt;
use std::ops::{Deref, DerefMut};

use weave_core::loom::cell::UnsafeCell;

use crate::mutex::TryLockError;
use crate::semaphore::Semaphore;

const MAX_READERS: usize = (u32::MAX >> 4) as usize;

/// A reader–writer lock for async code.
///
/// ```
/// use weave_sync::RwLock;
///
/// # futures::executor::block_on(async {
/// let lock = RwLock::new(5);
/// {
///     let r1 = lock.read().await;
///     let r2 = lock.read().await; // readers share
///     assert_eq!(*r1 + *r2, 10);
/// }
/// *lock.write().await += 1;
/// assert_eq!(*lock.read().await, 6);
/// # });
/// ```
pub struct RwLock<T> {
    sem: Semaphore,
    data: UnsafeCell<T>,
}

// SAFETY: readers on several threads share `&T` (needs `T: Sync`); a writer moves `&mut T`
// access between threads (needs `T: Send`). The semaphore keeps writers exclusive.
unsafe impl<T: Send + Sync> Sync for RwLock<T> {}
// SAFETY: the lock owns its `T`.
unsafe impl<T: Send> Send for RwLock<T> {}

impl<T> RwLock<T> {
    /// An unlocked `RwLock` holding `value`.
    pub fn new(value: T) -> Self {
        Self {
            sem: Semaphore::new_strict(MAX_READERS),
            data: UnsafeCell::new(value),
        }
    }

    /// Waits for shared access (behind any queued writer). Cancel-safe.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let lock = weave_sync::RwLock::new(vec![1]);
    /// assert_eq!(lock.read().await.len(), 1);
    /// # });
    /// ```
    pub async fn read(&self) -> RwLockReadGuard<'_, T> {
        let acquired = self.sem.acquire_raw(1).await;
        debug_assert!(acquired.is_ok(), "the semaphore is never closed");
        RwLockReadGuard { lock: self }
    }

    /// Shared access if no writer holds or awaits the lock.
    ///
    /// ```
    /// let lock = weave_sync::RwLock::new(1);
    /// let w = lock.try_write().unwrap();
    /// assert!(lock.try_read().is_err());
    /// drop(w);
    /// assert!(lock.try_read().is_ok());
    /// ```
    pub fn try_read(&self) -> Result<RwLockReadGuard<'_, T>, TryLockError> {
        self.sem
            .try_acquire_raw(1)
            .map(|()| RwLockReadGuard { lock: self })
            .map_err(|_| TryLockError(()))
    }

    /// Waits for exclusive access. Cancel-safe: a dropped future leaves the queue and gives
    /// back the reader slots it had collected.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let lock = weave_sync::RwLock::new(0);
    /// *lock.write().await = 9;
    /// assert_eq!(*lock.read().await, 9);
    /// # });
    /// ```
    pub async fn write(&self) -> RwLockWriteGuard<'_, T> {
        let acquired = self.sem.acquire_raw(MAX_READERS).await;
        debug_assert!(acquired.is_ok(), "the semaphore is never closed");
        RwLockWriteGuard { lock: self }
    }

    /// Exclusive access if the lock is free and nobody is queued.
    ///
    /// ```
    /// let lock = weave_sync::RwLock::new(1);
    /// let r = lock.try_read().unwrap();
    /// assert!(lock.try_write().is_err());
    /// drop(r);
    /// assert!(lock.try_write().is_ok());
    /// ```
    pub fn try_write(&self) -> Result<RwLockWriteGuard<'_, T>, TryLockError> {
        self.sem
            .try_acquire_raw(MAX_READERS)
            .map(|()| RwLockWriteGuard { lock: self })
            .map_err(|_| TryLockError(()))
    }

    /// The data through a unique borrow (no locking needed).
    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY: `&mut self` proves no guard exists.
        self.data.with_mut(|ptr| unsafe { &mut *ptr })
    }

    /// Consumes the lock, returning the data.
    ///
    /// ```
    /// assert_eq!(weave_sync::RwLock::new(3).into_inner(), 3);
    /// ```
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }
}

impl<T: Default> Default for RwLock<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: fmt::Debug> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RwLock");
        match self.try_read() {
            Ok(guard) => d.field("data", &&*guard),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

/// Shared access to an [`RwLock`]'s data.
///
/// ```
/// # futures::executor::block_on(async {
/// let lock = weave_sync::RwLock::new("s");
/// let guard: weave_sync::RwLockReadGuard<'_, &str> = lock.read().await;
/// assert_eq!(*guard, "s");
/// # });
/// ```
#[must_use = "dropping the guard unlocks at once"]
pub struct RwLockReadGuard<'a, T> {
    lock: &'a RwLock<T>,
}

// SAFETY: the guard only gives `&T`.
unsafe impl<T: Sync> Sync for RwLockReadGuard<'_, T> {}

impl<T> Deref for RwLockReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: we hold a reader permit, so no writer (which needs all permits) exists.
        self.lock.data.with(|ptr| unsafe { &*ptr })
    }
}

impl<T> Drop for RwLockReadGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.sem.release(1);
    }
}

impl<T: fmt::Debug> fmt::Debug for RwLockReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// Exclusive access to an [`RwLock`]'s data.
///
/// ```
/// # futures::executor::block_on(async {
/// let lock = weave_sync::RwLock::new(1);
/// let mut guard = lock.write().await;
/// *guard += 1;
/// assert_eq!(*guard, 2);
/// # });
/// ```
#[must_use = "dropping the guard unlocks at once"]
pub struct RwLockWriteGuard<'a, T> {
    lock: &'a RwLock<T>,
}

// SAFETY: a shared write guard only gives `&T`.
unsafe impl<T: Sync> Sync for RwLockWriteGuard<'_, T> {}

impl<T> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: we hold every permit: no reader or other writer exists.
        self.lock.data.with(|ptr| unsafe { &*ptr })
    }
}

impl<T> DerefMut for RwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes the borrow unique.
        self.lock.data.with_mut(|ptr| unsafe { &mut *ptr })
    }
}

impl<T> Drop for RwLockWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.sem.release(MAX_READERS);
    }
}

impl<T: fmt::Debug> fmt::Debug for RwLockWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
