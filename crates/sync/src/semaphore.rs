//! A fair (FIFO) counting semaphore: asyncio's `Semaphore`, tokio's `sync::Semaphore`.
//!
//! It is also the engine of [`Mutex`](crate::Mutex), [`RwLock`](crate::RwLock), the bounded
//! [`mpsc`](crate::mpsc) channel's capacity and [`OnceCell`](crate::OnceCell)'s initializer
//! turn.
//!
//! # State
//!
//! One atomic word holds `permits << 2 | WAITERS | CLOSED`; the queue of waiters sits in a
//! [`WaitList`] behind a mutex. The invariant that makes it both fast and fair:
//!
//! > while `WAITERS` is set, the atomic holds **zero** permits.
//!
//! Released permits go straight to the queued waiters (the first one may take them a few at a
//! time, like tokio's batch semaphore), so a newcomer can never barge past a waiter, and
//! while nobody waits, acquire and release are a single compare-exchange on the atomic with no
//! lock at all. Only the side that sets `WAITERS` (an acquirer, under the lock) or sees it set
//! (a releaser, which then takes the lock) pays for the mutex.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use weave_core::budget;
use weave_core::loom::sync::atomic::{AtomicUsize, Ordering};
use weave_core::loom::sync::Mutex;
// Owned permits take a std `Arc` (loom's cannot be a `self` type, and users hold std's).
use std::sync::Arc;

use crate::util::{keep_spent, lock};
use crate::wait_list::{Key, WaitList, Wakers};

const CLOSED: usize = 1;
const WAITERS: usize = 2;
const SHIFT: usize = 2;

/// A counting semaphore handing out permits in FIFO order.
///
/// # Cooperative budget
///
/// Every `acquire*` spends one unit of Weave's cooperative budget
/// ([`weave_core::budget`]), even when the permits are free: a loop that only ever takes
/// free permits still yields to the other tasks once its budget is spent, instead of
/// holding the thread for good (tokio charges the same way; async-lock's semaphore never
/// yields). With the budget spent, an acquire returns `Pending` and wakes its task before
/// touching the semaphore. Otherwise an uncontended acquire is that one budget unit and one
/// compare-exchange, and a release one compare-exchange; `try_acquire*` spends no budget.
///
/// ```
/// use weave_sync::Semaphore;
///
/// # futures::executor::block_on(async {
/// let sem = Semaphore::new(2);
/// let a = sem.acquire().await.unwrap();
/// let _b = sem.acquire().await.unwrap();
/// assert!(sem.try_acquire().is_err()); // both permits out
/// drop(a);
/// assert!(sem.try_acquire().is_ok());
/// # });
/// ```
pub struct Semaphore {
    state: AtomicUsize,
    waiters: Mutex<WaitList<Waiter>>,
}

#[derive(Debug)]
struct Waiter {
    /// Permits still missing; the waiter holds `requested - remaining` already.
    remaining: usize,
    /// Signalled by `close`, not by a grant.
    closed: bool,
}

/// [`Semaphore::acquire`] failed: the semaphore was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcquireError(());

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("semaphore closed")
    }
}

impl std::error::Error for AcquireError {}

/// Why [`Semaphore::try_acquire`] failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryAcquireError {
    /// The semaphore was closed.
    Closed,
    /// Not enough permits right now (or other tasks are queued first).
    NoPermits,
}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryAcquireError::Closed => f.write_str("semaphore closed"),
            TryAcquireError::NoPermits => f.write_str("no permits available"),
        }
    }
}

impl std::error::Error for TryAcquireError {}

impl Semaphore {
    /// The largest number of permits a semaphore may hold.
    pub const MAX_PERMITS: usize = usize::MAX >> (SHIFT + 1);

    /// A semaphore with `permits` permits.
    ///
    /// ```
    /// let sem = weave_sync::Semaphore::new(3);
    /// assert_eq!(sem.available_permits(), 3);
    /// ```
    pub fn new(permits: usize) -> Self {
        assert!(
            permits <= Self::MAX_PERMITS,
            "a semaphore holds at most {} permits",
            Self::MAX_PERMITS
        );
        Self {
            state: AtomicUsize::new(permits << SHIFT),
            waiters: Mutex::new(WaitList::new()),
        }
    }

    /// Permits that could be acquired right now without waiting (0 while tasks are queued).
    ///
    /// ```
    /// let sem = weave_sync::Semaphore::new(1);
    /// let _p = sem.try_acquire().unwrap();
    /// assert_eq!(sem.available_permits(), 0);
    /// ```
    pub fn available_permits(&self) -> usize {
        self.state.load(Ordering::Acquire) >> SHIFT
    }

    /// Whether [`close`](Semaphore::close) was called.
    ///
    /// ```
    /// let sem = weave_sync::Semaphore::new(1);
    /// sem.close();
    /// assert!(sem.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.state.load(Ordering::Acquire) & CLOSED != 0
    }

    /// Adds `n` permits, handing them to queued tasks first (in FIFO order).
    ///
    /// ```
    /// let sem = weave_sync::Semaphore::new(0);
    /// sem.add_permits(2);
    /// assert_eq!(sem.available_permits(), 2);
    /// ```
    pub fn add_permits(&self, n: usize) {
        self.release(n);
    }

    /// Closes the semaphore: queued and future `acquire`s fail with [`AcquireError`].
    /// Permits already handed out stay valid.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let sem = weave_sync::Semaphore::new(0);
    /// sem.close();
    /// assert!(sem.acquire().await.is_err());
    /// # });
    /// ```
    pub fn close(&self) {
        let mut wakers = Wakers::default();
        {
            let mut waiters = lock(&self.waiters);
            // Under the lock: no acquirer can be between "saw no CLOSED" and "queued".
            let _ = self
                .state
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |s| {
                    Some((s | CLOSED) & !WAITERS)
                });
            while let Some(w) = waiters.pop_front_with(|w| w.closed = true) {
                wakers.push(w);
            }
        }
        wakers.wake_all();
    }

    /// Waits for one permit. Cancel-safe: dropping the future gives back its place and any
    /// permit it had been granted, so it can sit in a `select!` loop.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let sem = weave_sync::Semaphore::new(1);
    /// let permit = sem.acquire().await.unwrap();
    /// assert_eq!(permit.num_permits(), 1);
    /// # });
    /// ```
    #[inline]
    pub fn acquire(&self) -> impl Future<Output = Result<SemaphorePermit<'_>, AcquireError>> + '_ {
        self.acquire_many(1)
    }

    /// Waits for `n` permits at once; queued in FIFO order like a single acquire (a large
    /// request at the front holds back smaller ones behind it). Cancel-safe.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let sem = weave_sync::Semaphore::new(5);
    /// let permits = sem.acquire_many(3).await.unwrap();
    /// assert_eq!(sem.available_permits(), 2);
    /// drop(permits);
    /// assert_eq!(sem.available_permits(), 5);
    /// # });
    /// ```
    #[inline]
    pub fn acquire_many(
        &self,
        n: u32,
    ) -> impl Future<Output = Result<SemaphorePermit<'_>, AcquireError>> + '_ {
        // Hand-written rather than `async fn`: an uncontended acquire is then one inlined
        // poll, with no state machines nested around it.
        AcquirePermit {
            acquire: self.acquire_raw(n as usize),
        }
    }

    /// Takes one permit if one is free and nobody is queued.
    ///
    /// ```
    /// use weave_sync::{Semaphore, TryAcquireError};
    /// let sem = Semaphore::new(1);
    /// let _p = sem.try_acquire().unwrap();
    /// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
    /// ```
    #[inline]
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_acquire_many(1)
    }

    /// Takes `n` permits if they are free and nobody is queued.
    ///
    /// ```
    /// let sem = weave_sync::Semaphore::new(2);
    /// assert!(sem.try_acquire_many(3).is_err());
    /// assert!(sem.try_acquire_many(2).is_ok());
    /// ```
    #[inline]
    pub fn try_acquire_many(&self, n: u32) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_acquire_raw(n as usize)?;
        Ok(SemaphorePermit {
            sem: self,
            permits: n as usize,
        })
    }

    /// Like [`acquire`](Semaphore::acquire), with a permit that owns an `Arc` of the semaphore
    /// (so it can move into a spawned task). Cancel-safe.
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures::executor::block_on(async {
    /// let sem = Arc::new(weave_sync::Semaphore::new(1));
    /// let permit = sem.clone().acquire_owned().await.unwrap();
    /// std::thread::spawn(move || drop(permit)).join().unwrap();
    /// assert_eq!(sem.available_permits(), 1);
    /// # });
    /// ```
    pub async fn acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.acquire_many_owned(1).await
    }

    /// Like [`acquire_many`](Semaphore::acquire_many), with an owned permit. Cancel-safe.
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures::executor::block_on(async {
    /// let sem = Arc::new(weave_sync::Semaphore::new(4));
    /// let permit = sem.clone().acquire_many_owned(4).await.unwrap();
    /// assert_eq!(permit.num_permits(), 4);
    /// # });
    /// ```
    pub async fn acquire_many_owned(
        self: Arc<Self>,
        n: u32,
    ) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.acquire_raw(n as usize).await?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: n as usize,
        })
    }

    /// Like [`try_acquire`](Semaphore::try_acquire), with an owned permit.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let sem = Arc::new(weave_sync::Semaphore::new(1));
    /// let permit = sem.clone().try_acquire_owned().unwrap();
    /// assert!(sem.clone().try_acquire_owned().is_err());
    /// drop(permit);
    /// ```
    pub fn try_acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.try_acquire_raw(1)?;
        Ok(OwnedSemaphorePermit {
            sem: self,
            permits: 1,
        })
    }

    /// The fast path: one compare-exchange, refused while anyone is queued (fairness).
    #[inline]
    pub(crate) fn try_acquire_raw(&self, n: usize) -> Result<(), TryAcquireError> {
        let mut cur = self.state.load(Ordering::Acquire);
        loop {
            if cur & CLOSED != 0 {
                return Err(TryAcquireError::Closed);
            }
            if n == 0 {
                // Nothing to take, so nothing to wait for, even behind queued tasks.
                return Ok(());
            }
            if cur & WAITERS != 0 || (cur >> SHIFT) < n {
                return Err(TryAcquireError::NoPermits);
            }
            // Acquire pairs with the Release of whoever gave the permits back, so the data a
            // lock guards is visible to the next holder.
            match self.state.compare_exchange_weak(
                cur,
                cur - (n << SHIFT),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(()),
                Err(actual) => cur = actual,
            }
        }
    }

    /// Waits for `n` permits without wrapping them in a guard (the caller releases them).
    #[inline]
    pub(crate) fn acquire_raw(&self, n: usize) -> Acquire<'_> {
        assert!(n <= Self::MAX_PERMITS, "too many permits requested");
        Acquire {
            sem: self,
            requested: n,
            key: None,
        }
    }

    /// Gives `n` permits back (to the queue first).
    ///
    /// Inlined into every guard's `Drop`: with nobody queued this is a load and one
    /// compare-exchange; the queue is handled out of line.
    #[inline]
    pub(crate) fn release(&self, n: usize) {
        let mut cur = self.state.load(Ordering::Relaxed);
        while cur & WAITERS == 0 {
            assert!(
                (cur >> SHIFT) + n <= Self::MAX_PERMITS,
                "semaphore permit count overflow"
            );
            // No one queued: publish the permits with one compare-exchange (Release: the
            // guarded data written under the permit happens-before the next acquirer).
            match self.state.compare_exchange_weak(
                cur,
                cur + (n << SHIFT),
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(actual) => cur = actual,
            }
        }
        self.release_to_waiters(n);
    }

    /// Someone is queued (`WAITERS` was seen set): hand the permits over under the lock.
    #[cold]
    #[inline(never)]
    fn release_to_waiters(&self, n: usize) {
        let mut wakers = Wakers::default();
        {
            let mut waiters = lock(&self.waiters);
            self.release_locked(&mut waiters, n, &mut wakers);
        }
        wakers.wake_all();
    }

    /// Hands `n` permits to the queue front to back, then, if the queue is empty, clears
    /// `WAITERS` and stores what is left in the atomic.
    fn release_locked(&self, waiters: &mut WaitList<Waiter>, mut n: usize, wakers: &mut Wakers) {
        while n > 0 {
            let Some(front) = waiters.front_mut() else {
                break;
            };
            let give = n.min(front.remaining);
            front.remaining -= give;
            n -= give;
            if front.remaining == 0 {
                wakers.extend(waiters.pop_front());
            }
        }
        if waiters.is_empty() {
            let _ = self
                .state
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |s| {
                    Some((s + (n << SHIFT)) & !WAITERS)
                });
        } else {
            debug_assert_eq!(n, 0, "permits left over while tasks wait");
        }
    }

    /// The slow path of a first poll: under the lock, take what is there or queue.
    fn acquire_locked(
        &self,
        n: usize,
        cx: &mut Context<'_>,
    ) -> Result<Result<(), AcquireError>, Key> {
        let mut waiters = lock(&self.waiters);
        let mut cur = self.state.load(Ordering::Acquire);
        loop {
            if cur & CLOSED != 0 {
                return Ok(Err(AcquireError(())));
            }
            let available = cur >> SHIFT;
            if cur & WAITERS == 0 && available >= n {
                match self.state.compare_exchange(
                    cur,
                    cur - (n << SHIFT),
                    Ordering::AcqRel,
                    Ordering::Acquire,
                ) {
                    Ok(_) => return Ok(Ok(())),
                    Err(actual) => {
                        cur = actual;
                        continue;
                    }
                }
            }
            // Not enough: take what is free (nothing, if others wait) and queue for the rest.
            // Setting WAITERS with the atomic emptied keeps the invariant.
            let take = available.min(n);
            match self.state.compare_exchange(
                cur,
                (cur - (take << SHIFT)) | WAITERS,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => {
                    debug_assert!(take < n);
                    let waiter = Waiter {
                        remaining: n - take,
                        closed: false,
                    };
                    return Err(waiters.push_back(cx.waker().clone(), waiter));
                }
                Err(actual) => cur = actual,
            }
        }
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("permits", &self.available_permits())
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// The future of [`Semaphore::acquire_raw`]: resolves once `requested` permits are held.
#[must_use = "futures do nothing unless awaited"]
pub(crate) struct Acquire<'a> {
    sem: &'a Semaphore,
    requested: usize,
    /// Our place in the queue, once queued.
    key: Option<Key>,
}

impl Future for Acquire<'_> {
    type Output = Result<(), AcquireError>;

    /// The first poll of an uncontended acquire stays inline in the caller's future: spend a
    /// unit of the budget, then one compare-exchange. Everything else is out of line.
    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.key.is_none() {
            // The budget is charged even when the permit is free: a task that only ever takes
            // free permits must still yield to its neighbours now and then (tokio charges
            // too; async-lock does not).
            let coop = ready!(budget::poll_proceed(cx));
            if self.sem.try_acquire_raw(self.requested).is_ok() {
                keep_spent(coop);
                return Poll::Ready(Ok(()));
            }
            return self.poll_first_slow(cx, coop);
        }
        self.poll_queued(cx)
    }
}

impl Acquire<'_> {
    /// First poll, fast path refused: closed, or take what is there and queue for the rest.
    #[inline(never)]
    fn poll_first_slow(
        &mut self,
        cx: &mut Context<'_>,
        coop: budget::RestoreOnPending,
    ) -> Poll<Result<(), AcquireError>> {
        let result = match self.sem.acquire_locked(self.requested, cx) {
            Ok(result) => result,
            Err(key) => {
                // Dropping `coop` refunds the unit: waiting is not progress.
                self.key = Some(key);
                return Poll::Pending;
            }
        };
        coop.made_progress();
        Poll::Ready(result)
    }

    /// Polled again while queued: see whether the permits (or a close) arrived.
    #[inline(never)]
    fn poll_queued(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), AcquireError>> {
        let key = self.key.expect("queued acquire has a key");
        let coop = ready!(budget::poll_proceed(cx));
        let mut waiters = lock(&self.sem.waiters);
        let waiter = match waiters.poll_key(key, cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(waiter) => waiter,
        };
        drop(waiters);
        self.key = None;
        coop.made_progress();
        if waiter.closed {
            // Permits granted before the close are returned; the semaphore is closed but
            // permits still count for `available_permits`.
            let held = self.requested - waiter.remaining;
            if held > 0 {
                self.sem.release(held);
            }
            Poll::Ready(Err(AcquireError(())))
        } else {
            Poll::Ready(Ok(()))
        }
    }

    /// Cancelled while queued: leave the queue and give back whatever we were granted, so
    /// the next waiter gets it (nothing is lost, nobody is stuck behind a dead entry).
    #[cold]
    #[inline(never)]
    fn cancel(&mut self, key: Key) {
        let mut wakers = Wakers::default();
        {
            let mut waiters = lock(&self.sem.waiters);
            let (waiter, _signalled) = waiters.remove(key);
            let held = self.requested - waiter.remaining;
            self.sem.release_locked(&mut waiters, held, &mut wakers);
        }
        wakers.wake_all();
    }
}

impl Drop for Acquire<'_> {
    #[inline]
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.cancel(key);
        }
    }
}

/// The future of [`Semaphore::acquire_many`]: an [`Acquire`] that wraps its permits in a
/// guard.
struct AcquirePermit<'a> {
    acquire: Acquire<'a>,
}

impl<'a> Future for AcquirePermit<'a> {
    type Output = Result<SemaphorePermit<'a>, AcquireError>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        ready!(Pin::new(&mut self.acquire).poll(cx))?;
        Poll::Ready(Ok(SemaphorePermit {
            sem: self.acquire.sem,
            permits: self.acquire.requested,
        }))
    }
}

/// Permits borrowed from a [`Semaphore`]; dropping it gives them back.
///
/// ```
/// # futures::executor::block_on(async {
/// let sem = weave_sync::Semaphore::new(1);
/// {
///     let _permit = sem.acquire().await.unwrap();
///     assert_eq!(sem.available_permits(), 0);
/// }
/// assert_eq!(sem.available_permits(), 1);
/// # });
/// ```
#[must_use = "dropping a permit releases it at once"]
#[derive(Debug)]
pub struct SemaphorePermit<'a> {
    sem: &'a Semaphore,
    permits: usize,
}

impl SemaphorePermit<'_> {
    /// How many permits this holds.
    pub fn num_permits(&self) -> usize {
        self.permits
    }

    /// Keeps the permits out of the semaphore for good (it shrinks by that many).
    ///
    /// ```
    /// let sem = weave_sync::Semaphore::new(2);
    /// sem.try_acquire().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn forget(mut self) {
        self.permits = 0;
    }
}

impl Drop for SemaphorePermit<'_> {
    #[inline]
    fn drop(&mut self) {
        if self.permits > 0 {
            self.sem.release(self.permits);
        }
    }
}

/// Permits owning an `Arc` of their [`Semaphore`]; dropping it gives them back.
///
/// ```
/// use std::sync::Arc;
/// let sem = Arc::new(weave_sync::Semaphore::new(1));
/// let permit = sem.clone().try_acquire_owned().unwrap();
/// assert_eq!(permit.num_permits(), 1);
/// drop(permit);
/// assert_eq!(sem.available_permits(), 1);
/// ```
#[must_use = "dropping a permit releases it at once"]
#[derive(Debug)]
pub struct OwnedSemaphorePermit {
    sem: Arc<Semaphore>,
    permits: usize,
}

impl OwnedSemaphorePermit {
    /// How many permits this holds.
    pub fn num_permits(&self) -> usize {
        self.permits
    }

    /// The semaphore these permits belong to.
    pub fn semaphore(&self) -> &Arc<Semaphore> {
        &self.sem
    }

    /// Keeps the permits out of the semaphore for good.
    pub fn forget(mut self) {
        self.permits = 0;
    }
}

impl Drop for OwnedSemaphorePermit {
    #[inline]
    fn drop(&mut self) {
        if self.permits > 0 {
            self.sem.release(self.permits);
        }
    }
}
