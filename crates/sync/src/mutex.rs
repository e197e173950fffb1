//! An async mutex, FIFO among waiters with bounded barging: asyncio's `Lock` holding data,
//! tokio's `sync::Mutex`.
//!
//! It is a one-permit [`Semaphore`] in front of an `UnsafeCell`: the semaphore decides who
//! holds the lock (in queue order with bounded barging, cancel-safely, with a lock-free
//! uncontended path), and a guard is the proof that its holder may touch the data.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use weave_core::loom::cell::UnsafeCell;
// Owned guards take a std `Arc` (loom's cannot be a `self` type, and users hold std's).
use std::sync::Arc;

use crate::semaphore::{Acquire, Semaphore};

/// A mutual-exclusion lock for async code.
///
/// # Fairness
///
/// Tasks that wait are queued and served in order, but an unlock does not hand the lock
/// to the first of them: it wakes that task, and a task that is already running may lock
/// first (barging). Under contention on several threads this saves a wake-up and a task
/// switch per lock. The first queued task loses that race at most 4 times: then the lock is
/// handed to it directly (and to the queue in order, while its front has been starved), so
/// no waiter is overtaken forever. Go's `sync.Mutex` works the same way (starvation mode
/// after 1 ms); tokio's mutex is strictly FIFO.
///
/// Holding the guard across an `.await` is fine (that is what it is for). For data that is
/// only touched between awaits, `std::sync::Mutex` is cheaper.
///
/// Each `lock` spends one unit of the cooperative budget even when the lock is free (see
/// [`Semaphore`](crate::Semaphore#cooperative-budget)), so a task that locks a free mutex in
/// a loop still yields now and then; `try_lock` spends none.
///
/// ```
/// use std::sync::Arc;
/// use weave_sync::Mutex;
///
/// # futures::executor::block_on(async {
/// let count = Arc::new(Mutex::new(0));
/// *count.lock().await += 1;
/// assert_eq!(*count.lock().await, 1);
/// # });
/// ```
pub struct Mutex<T> {
    sem: Semaphore,
    data: UnsafeCell<T>,
}

// SAFETY: the semaphore lets one guard at a time reach `data`, so sharing a `Mutex` between
// threads only ever moves access to `T` from one thread to another: `T: Send` suffices.
unsafe impl<T: Send> Sync for Mutex<T> {}
// SAFETY: a `Mutex` owns its `T`; sending it sends the `T`.
unsafe impl<T: Send> Send for Mutex<T> {}

/// [`Mutex::try_lock`] failed because the lock is held (or is being handed to a waiter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TryLockError(pub(crate) ());

impl fmt::Display for TryLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("lock is held by another task")
    }
}

impl std::error::Error for TryLockError {}

impl<T> Mutex<T> {
    /// An unlocked mutex holding `value`.
    ///
    /// ```
    /// let m = weave_sync::Mutex::new(5);
    /// assert_eq!(m.into_inner(), 5);
    /// ```
    pub fn new(value: T) -> Self {
        Self {
            sem: Semaphore::new(1),
            data: UnsafeCell::new(value),
        }
    }

    /// Waits for the lock. Cancel-safe: a dropped `lock()` future leaves the queue, and if
    /// the lock had just been handed to it, passes it to the next waiter.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let m = weave_sync::Mutex::new(vec![1]);
    /// m.lock().await.push(2);
    /// assert_eq!(*m.lock().await, [1, 2]);
    /// # });
    /// ```
    pub fn lock(&self) -> impl Future<Output = MutexGuard<'_, T>> + '_ {
        // A hand-written future rather than an `async fn` around the acquire: on the
        // uncontended path the whole lock is then one inlined poll.
        Lock {
            acquire: self.sem.acquire_raw(1),
            mutex: self,
        }
    }

    /// Takes the lock if it is free, even with tasks queued, unless it is being handed to a
    /// starved waiter (see [Fairness](Mutex#fairness)).
    ///
    /// ```
    /// let m = weave_sync::Mutex::new(1);
    /// let g = m.try_lock().unwrap();
    /// assert!(m.try_lock().is_err());
    /// drop(g);
    /// assert!(m.try_lock().is_ok());
    /// ```
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, TryLockError> {
        match self.sem.try_acquire_raw(1) {
            Ok(()) => Ok(MutexGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Like [`lock`](Mutex::lock), with a guard that owns an `Arc` of the mutex (so it is
    /// `'static` and can move into a spawned task). Cancel-safe.
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures::executor::block_on(async {
    /// let m = Arc::new(weave_sync::Mutex::new(0));
    /// let mut guard = m.clone().lock_owned().await;
    /// *guard = 3;
    /// drop(guard);
    /// assert_eq!(*m.lock().await, 3);
    /// # });
    /// ```
    pub async fn lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        let acquired = self.sem.acquire_raw(1).await;
        debug_assert!(acquired.is_ok());
        OwnedMutexGuard { lock: self }
    }

    /// Like [`try_lock`](Mutex::try_lock), with an owned guard.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let m = Arc::new(weave_sync::Mutex::new(0));
    /// let g = m.clone().try_lock_owned().unwrap();
    /// assert!(m.clone().try_lock_owned().is_err());
    /// drop(g);
    /// ```
    pub fn try_lock_owned(self: Arc<Self>) -> Result<OwnedMutexGuard<T>, TryLockError> {
        match self.sem.try_acquire_raw(1) {
            Ok(()) => Ok(OwnedMutexGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// The data, through a unique borrow (no locking needed).
    ///
    /// ```
    /// let mut m = weave_sync::Mutex::new(1);
    /// *m.get_mut() = 2;
    /// assert_eq!(m.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY: `&mut self` proves no guard exists, so this is the only access.
        self.data.with_mut(|ptr| unsafe { &mut *ptr })
    }

    /// Consumes the mutex, returning the data.
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }
}

/// The future of [`Mutex::lock`].
struct Lock<'a, T> {
    acquire: Acquire<'a>,
    mutex: &'a Mutex<T>,
}

impl<'a, T> Future for Lock<'a, T> {
    type Output = MutexGuard<'a, T>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<MutexGuard<'a, T>> {
        let acquired = ready!(Pin::new(&mut self.acquire).poll(cx));
        // The semaphore is never closed, so the acquire cannot fail.
        debug_assert!(acquired.is_ok());
        Poll::Ready(MutexGuard { lock: self.mutex })
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

impl<T: fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.try_lock() {
            Ok(guard) => d.field("data", &&*guard),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

/// Access to a [`Mutex`]'s data; unlocks when dropped.
///
/// ```
/// # futures::executor::block_on(async {
/// let m = weave_sync::Mutex::new(String::from("a"));
/// let mut guard = m.lock().await;
/// guard.push('b');
/// assert_eq!(&*guard, "ab");
/// # });
/// ```
#[must_use = "dropping the guard unlocks the mutex at once"]
pub struct MutexGuard<'a, T> {
    lock: &'a Mutex<T>,
}

// SAFETY: a shared guard only hands out `&T`, so sharing it needs `T: Sync`.
unsafe impl<T: Sync> Sync for MutexGuard<'_, T> {}

impl<'a, T> MutexGuard<'a, T> {
    /// Narrows the guard to a part of the data; the lock stays held until the mapped guard
    /// drops.
    ///
    /// ```
    /// use weave_sync::MutexGuard;
    /// # futures::executor::block_on(async {
    /// let m = weave_sync::Mutex::new((1, 2));
    /// let mut second = MutexGuard::map(m.lock().await, |pair| &mut pair.1);
    /// *second = 5;
    /// drop(second);
    /// assert_eq!(*m.lock().await, (1, 5));
    /// # });
    /// ```
    pub fn map<U, F>(this: Self, f: F) -> MappedMutexGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let lock = this.lock;
        // SAFETY: the guard holds the lock, so this is the only access to the data; the
        // pointer stays valid for 'a because `lock` borrows the mutex for 'a.
        let data = f(lock.data.with_mut(|ptr| unsafe { &mut *ptr })) as *mut U;
        // The mapped guard takes over the permit.
        std::mem::forget(this);
        MappedMutexGuard {
            sem: &lock.sem,
            data,
            _marker: PhantomData,
        }
    }

    /// The mutex this guard locks.
    pub fn mutex(this: &Self) -> &'a Mutex<T> {
        this.lock
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock's one permit: no other guard exists.
        self.lock.data.with(|ptr| unsafe { &*ptr })
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes this borrow unique.
        self.lock.data.with_mut(|ptr| unsafe { &mut *ptr })
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.sem.release(1);
    }
}

impl<T: fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// A [`MutexGuard`] that owns an `Arc` of its mutex; see [`Mutex::lock_owned`].
///
/// ```
/// use std::sync::Arc;
/// # futures::executor::block_on(async {
/// let m = Arc::new(weave_sync::Mutex::new(1));
/// let guard: weave_sync::OwnedMutexGuard<i32> = m.clone().lock_owned().await;
/// assert_eq!(*guard, 1);
/// # });
/// ```
#[must_use = "dropping the guard unlocks the mutex at once"]
pub struct OwnedMutexGuard<T> {
    lock: Arc<Mutex<T>>,
}

// SAFETY: a shared guard only hands out `&T`.
unsafe impl<T: Sync + Send> Sync for OwnedMutexGuard<T> {}

impl<T> OwnedMutexGuard<T> {
    /// The mutex this guard locks.
    pub fn mutex(this: &Self) -> &Arc<Mutex<T>> {
        &this.lock
    }
}

impl<T> Deref for OwnedMutexGuard<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock's one permit: no other guard exists.
        self.lock.data.with(|ptr| unsafe { &*ptr })
    }
}

impl<T> DerefMut for OwnedMutexGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes this borrow unique.
        self.lock.data.with_mut(|ptr| unsafe { &mut *ptr })
    }
}

impl<T> Drop for OwnedMutexGuard<T> {
    fn drop(&mut self) {
        self.lock.sem.release(1);
    }
}

impl<T: fmt::Debug> fmt::Debug for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// A guard narrowed to part of a [`Mutex`]'s data by [`MutexGuard::map`].
///
/// ```
/// use weave_sync::{Mutex, MutexGuard};
/// # futures::executor::block_on(async {
/// let m = Mutex::new(vec![1, 2, 3]);
/// let first = MutexGuard::map(m.lock().await, |v| &mut v[0]);
/// assert_eq!(*first, 1);
/// # });
/// ```
#[must_use = "dropping the guard unlocks the mutex at once"]
pub struct MappedMutexGuard<'a, T> {
    sem: &'a Semaphore,
    data: *mut T,
    _marker: PhantomData<&'a mut T>,
}

// SAFETY: the guard is a unique borrow of a `T` inside a locked mutex: like `&mut T`, it may
// move to another thread when `T: Send`...
unsafe impl<T: Send> Send for MappedMutexGuard<'_, T> {}
// SAFETY: ...and be shared when `T: Sync`.
unsafe impl<T: Sync> Sync for MappedMutexGuard<'_, T> {}

impl<'a, T> MappedMutexGuard<'a, T> {
    /// Narrows the guard further.
    pub fn map<U, F>(this: Self, f: F) -> MappedMutexGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        // SAFETY: `data` points into the locked mutex, valid and unaliased while we hold it.
        let data = f(unsafe { &mut *this.data }) as *mut U;
        let sem = this.sem;
        std::mem::forget(this);
        MappedMutexGuard {
            sem,
            data,
            _marker: PhantomData,
        }
    }
}

impl<T> Deref for MappedMutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: `data` points into the mutex we hold; no other guard exists.
        unsafe { &*self.data }
    }
}

impl<T> DerefMut for MappedMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes this borrow unique.
        unsafe { &mut *self.data }
    }
}

impl<T> Drop for MappedMutexGuard<'_, T> {
    fn drop(&mut self) {
        self.sem.release(1);
    }
}

impl<T: fmt::Debug> fmt::Debug for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
