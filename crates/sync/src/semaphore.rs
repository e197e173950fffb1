//! A counting semaphore with a FIFO queue and bounded barging: asyncio's `Semaphore`,
//! tokio's `sync::Semaphore`.
//!
//! It is also the engine of [`Mutex`](crate::Mutex), [`RwLock`](crate::RwLock), the bounded
//! [`mpsc`](crate::mpsc) channel's capacity and [`OnceCell`](crate::OnceCell)'s initializer
//! turn.
//!
//! # State
//!
//! One atomic word holds `permits << 3 | HANDOFF | WAKE | CLOSED`; the queue of waiters
//! sits in a [`WaitList`] behind a mutex. The flags change only under that mutex; the
//! lock-free fast paths move only the permit count (and never need to know whether anyone
//! is queued, so that lives in the list alone). Invariants:
//!
//! - `WAKE` is set exactly while the queue is non-empty and its front waiter has not been
//!   woken to retry (or has retried since): a release must then take the lock to wake it.
//!   Only the front is ever woken this way. One bit for this keeps the release's fast path
//!   a single bit test;
//! - while `HANDOFF` is set, the atomic holds **zero** permits and newcomers may not take
//!   any: released permits go straight to the queue, front first (the front may collect them
//!   a few at a time, like tokio's batch semaphore).
//!
//! # Why not strict FIFO hand-off
//!
//! Handing every released permit to the queue means that once one acquire has queued, every
//! later one queues too: on a multi-thread runtime one collision turns into a convoy where
//! each lock costs a wake-up and a task switch. So by default a released permit goes back
//! into the atomic and the front waiter is woken to *retry*, while running tasks may take the
//! permit first (barging, as async-lock and Go's `sync.Mutex` allow). A task that keeps
//! running can then lock and unlock many times while its woken neighbour waits for a thread,
//! and a release with a waiter already woken is one compare-exchange again.
//!
//! Fairness stays bounded: the queue itself is FIFO (only its front retries), and a front
//! waiter that retried and lost `LOSSES_BEFORE_HANDOFF` times switches the semaphore to
//! `HANDOFF` (Go's starvation mode): newcomers queue, permits are handed over in order, and
//! barging resumes once a waiter that has not been starved reaches the front. `RwLock` and
//! `OnceCell` use a *strict* semaphore that is in hand-off mode whenever anyone waits
//! (a queued writer must hold back new readers at once).

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
/// Someone is queued and not yet woken to retry (or permits are handed over): a release
/// must take the lock.
const WAKE: usize = 2;
/// Permits are handed to the queue directly; newcomers must queue.
const HANDOFF: usize = 4;
const FLAGS: usize = 7;
/// Three flag bits: a shift of 3 is still an x86 `lea` scale, which keeps the inlined
/// `n << SHIFT` of the fast paths free.
const SHIFT: usize = 3;

/// How many times the front waiter may be woken and find its permits taken by a newcomer
/// before the semaphore hands permits over in order. Each loss is one wake-up that came to
/// nothing, so this also bounds the wake-ups a starving waiter wastes.
#[cfg(not(loom))]
pub(crate) const LOSSES_BEFORE_HANDOFF: u32 = 4;
/// Two under loom: one model can then reach both a plain loss and the switch to hand-off.
#[cfg(loom)]
pub(crate) const LOSSES_BEFORE_HANDOFF: u32 = 2;

/// A counting semaphore handing out permits in FIFO order, with bounded barging.
///
/// # Fairness
///
/// Queued tasks are served in the order they queued. A released permit does not go to the
/// first queued task directly, though: that task is woken to take it, and a task that is
/// already running (an `acquire` polled meanwhile, or `try_acquire`) may take it first. This
/// avoids a wake-up and a task switch per acquire under contention. It is bounded: once the
/// first queued task has been woken and found the permits taken 4 times, the semaphore
/// hands released permits to the queue in order (collecting them for a large request) and
/// makes newcomers queue, until a task that was not starved reaches the front. So no queued
/// task is overtaken forever (Go's `sync.Mutex` has the same starvation mode, after 1 ms;
/// tokio's semaphore is strictly FIFO). [`MAX_PERMITS`](Semaphore::MAX_PERMITS) is
/// `usize::MAX >> 4`: the state word keeps three flag bits next to the count.
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
    waiters: Mutex<Queue>,
}

/// The waiters and, beside them under the same lock, the one setting only the slow paths
/// read. Keeping it out of the `Semaphore`'s own fields leaves the layout of a `Mutex<T>`
/// (and so the inlined lock and unlock) as it was before the setting existed.
struct Queue {
    list: WaitList<Waiter>,
    /// Never let a newcomer past a queued task: queueing sets `HANDOFF` at once and only an
    /// empty queue clears it.
    strict: bool,
}

impl std::ops::Deref for Queue {
    type Target = WaitList<Waiter>;
    fn deref(&self) -> &WaitList<Waiter> {
        &self.list
    }
}

impl std::ops::DerefMut for Queue {
    fn deref_mut(&mut self) -> &mut WaitList<Waiter> {
        &mut self.list
    }
}

#[derive(Debug)]
struct Waiter {
    /// Permits still missing; the waiter holds `requested - remaining` already (only ever
    /// non-zero in hand-off mode).
    remaining: usize,
    /// Signalled by `close`, not by a grant.
    closed: bool,
    /// Woken to retry (it is the front; `WAKE` is clear).
    notified: bool,
    /// Retries lost to newcomers.
    losses: u32,
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
        Self::with_mode(permits, false)
    }

    /// A semaphore that never lets a newcomer take permits while anyone is queued.
    pub(crate) fn new_strict(permits: usize) -> Self {
        Self::with_mode(permits, true)
    }

    fn with_mode(permits: usize, strict: bool) -> Self {
        assert!(
            permits <= Self::MAX_PERMITS,
            "a semaphore holds at most {} permits",
            Self::MAX_PERMITS
        );
        Self {
            state: AtomicUsize::new(permits << SHIFT),
            waiters: Mutex::new(Queue {
                list: WaitList::new(),
                strict,
            }),
        }
    }

    /// Permits that could be acquired right now without waiting (0 while permits are being
    /// handed to queued tasks in order).
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
                    Some((s | CLOSED) & !(WAKE | HANDOFF))
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

    /// Takes one permit if one is free (and permits are not being handed to queued tasks
    /// in order, see [Fairness](Semaphore#fairness)).
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

    /// Takes `n` permits if they are free (and permits are not being handed to queued tasks
    /// in order).
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

    /// The fast path: one compare-exchange, refused in hand-off mode (fairness).
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
            if cur & HANDOFF != 0 || (cur >> SHIFT) < n {
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
    /// Inlined into every guard's `Drop`: with nobody queued, or with the front waiter
    /// already woken to retry, this is a load and one compare-exchange; waking a waiter or
    /// handing permits over is done out of line.
    #[inline]
    pub(crate) fn release(&self, n: usize) {
        let mut cur = self.state.load(Ordering::Relaxed);
        // Without WAKE, either nobody waits or the woken front waiter will see these permits
        // when it retries: nobody to wake.
        while cur & WAKE == 0 {
            assert!(
                (cur >> SHIFT) + n <= Self::MAX_PERMITS,
                "semaphore permit count overflow"
            );
            // Nobody to wake: publish the permits with one compare-exchange (Release: the
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

    /// Someone is queued and not yet woken (`WAKE` was seen set): wake it, or hand the
    /// permits over, under the lock.
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

    /// Gives `n` permits back under the lock: in hand-off mode to the queue, else to the
    /// atomic, waking the front waiter to retry if nobody is woken yet. Also clears `WAKE`
    /// if the queue has emptied (a cancelled waiter calls this with `n == 0`).
    fn release_locked(&self, waiters: &mut Queue, n: usize, wakers: &mut Wakers) {
        // The flags only change under the lock we hold, so this read is stable.
        if self.state.load(Ordering::Relaxed) & HANDOFF != 0 {
            self.hand_over_locked(waiters, n, wakers);
            return;
        }
        let empty = waiters.is_empty();
        let prev = self
            .state
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |s| {
                let s = s + (n << SHIFT);
                // Empty queue: nobody to wake. Permits to retry for: the front is woken
                // below. Neither (a cancelled waiter gave nothing back): nothing changes.
                Some(if empty || n > 0 { s & !WAKE } else { s })
            })
            .unwrap_or_else(|s| s);
        if !empty && n > 0 && prev & WAKE != 0 {
            wakers.extend(waiters.wake_front_with(|w| w.notified = true));
        }
    }

    /// Hand-off mode: gives `n` permits to the queue front to back; if the queue empties,
    /// clears the flags and stores what is left in the atomic. Leaves hand-off mode once the
    /// front waiter is one that has not been starved (unless the semaphore is strict).
    fn hand_over_locked(&self, waiters: &mut Queue, mut n: usize, wakers: &mut Wakers) {
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
                    Some((s + (n << SHIFT)) & !(WAKE | HANDOFF))
                });
            return;
        }
        debug_assert_eq!(n, 0, "permits left over while tasks wait");
        let starved = waiters
            .front_mut()
            .is_some_and(|w| w.losses >= LOSSES_BEFORE_HANDOFF);
        if !waiters.strict && !starved {
            // The next release wakes the front waiter to retry like any other.
            self.state.fetch_and(!HANDOFF, Ordering::AcqRel);
        }
    }

    /// A cancelled waiter left the queue, and it was the woken front or nobody was woken
    /// (`WAKE`): if there are permits to try for, wake the (new) front to retry now, since
    /// no release may come to do it (the free permits might be all the next waiter needs);
    /// else let the next release wake it. Hand-off mode needs nothing: `release_locked`
    /// hands over whatever the cancelled waiter held.
    fn front_left_locked(&self, waiters: &mut Queue, wakers: &mut Wakers) {
        let empty = waiters.is_empty();
        let updated = self
            .state
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |s| {
                if s & HANDOFF != 0 {
                    return None;
                }
                Some(if empty || s >> SHIFT > 0 {
                    s & !WAKE
                } else {
                    s | WAKE
                })
            });
        if let Ok(prev) = updated {
            if !empty && prev >> SHIFT > 0 {
                wakers.extend(waiters.wake_front_with(|w| w.notified = true));
            }
        }
    }

    /// The woken front waiter retries under the lock. `true`: it now holds its permits and
    /// has left the queue. `false`: a newcomer was faster; it stays at the front, and after
    /// too many such losses switches the semaphore to hand-off mode.
    fn retry_locked(&self, waiters: &mut Queue, key: Key, wakers: &mut Wakers) -> bool {
        let remaining = waiters.get_mut(key).remaining;
        let alone = waiters.len() == 1;
        let mut cur = self.state.load(Ordering::Acquire);
        loop {
            debug_assert!(cur & (WAKE | HANDOFF) == 0);
            let available = cur >> SHIFT;
            if available >= remaining {
                let left = available - remaining;
                let mut new = cur - (remaining << SHIFT);
                if !alone && left == 0 {
                    new |= WAKE;
                }
                // Acquire pairs with the Release of whoever gave the permits back.
                match self
                    .state
                    .compare_exchange(cur, new, Ordering::AcqRel, Ordering::Acquire)
                {
                    Ok(_) => {
                        waiters.remove(key);
                        if !alone && left > 0 {
                            // Permits remain (a counting semaphore): the next waiter retries.
                            wakers.extend(waiters.wake_front_with(|w| w.notified = true));
                        }
                        return true;
                    }
                    Err(actual) => {
                        cur = actual;
                        continue;
                    }
                }
            }
            let waiter = waiters.get_mut(key);
            if waiter.losses + 1 >= LOSSES_BEFORE_HANDOFF {
                waiter.losses += 1;
                waiter.notified = false;
                // Starving: from now on permits go to the queue in order. Take every free
                // permit out of the atomic to keep hand-off mode's invariant.
                let prev = self
                    .state
                    .fetch_update(Ordering::AcqRel, Ordering::Acquire, |s| {
                        Some((s & FLAGS) | HANDOFF | WAKE)
                    })
                    .unwrap_or_else(|s| s);
                self.hand_over_locked(waiters, prev >> SHIFT, wakers);
                if waiters.is_linked(key) {
                    return false;
                }
                waiters.remove(key);
                return true;
            }
            // A release racing this compare-exchange fails it and is then seen above; one
            // after it finds WAKE set and takes the lock to wake us again.
            match self
                .state
                .compare_exchange(cur, cur | WAKE, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => {
                    let waiter = waiters.get_mut(key);
                    waiter.losses += 1;
                    waiter.notified = false;
                    return false;
                }
                Err(actual) => cur = actual,
            }
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
            if cur & HANDOFF == 0 && available >= n {
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
            // Not enough. In hand-off mode (always, once anyone waits, if strict) take what
            // is free, which empties the atomic as that mode requires, and queue for the rest;
            // otherwise queue holding nothing, and a release will wake the front to retry.
            let (take, new) = if waiters.strict || cur & HANDOFF != 0 {
                let take = available.min(n);
                (take, (cur - (take << SHIFT)) | HANDOFF | WAKE)
            } else if waiters.is_empty() {
                (0, cur | WAKE)
            } else {
                // Behind others: whether the front was woken does not change.
                (0, cur)
            };
            match self
                .state
                .compare_exchange(cur, new, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => {
                    debug_assert!(take < n);
                    let waiter = Waiter {
                        remaining: n - take,
                        closed: false,
                        notified: false,
                        losses: 0,
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

    /// Polled again while queued: see whether the permits (or a close) arrived, or, woken
    /// to retry, try to take them.
    #[inline(never)]
    fn poll_queued(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), AcquireError>> {
        let key = self.key.expect("queued acquire has a key");
        let coop = ready!(budget::poll_proceed(cx));
        let mut waiters = lock(&self.sem.waiters);
        if waiters.is_linked(key) && waiters.get_mut(key).notified {
            let mut wakers = Wakers::default();
            let got = self.sem.retry_locked(&mut waiters, key, &mut wakers);
            if !got {
                waiters.set_waker(key, cx.waker());
            }
            drop(waiters);
            wakers.wake_all();
            if !got {
                return Poll::Pending;
            }
            self.key = None;
            coop.made_progress();
            return Poll::Ready(Ok(()));
        }
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
            let (waiter, signalled) = waiters.remove(key);
            // Flags only change under this lock. Woken to retry and gone: someone else must
            // retry instead. Nobody woken (`WAKE`): free permits may now suit the front.
            let nobody_woken = self.sem.state.load(Ordering::Relaxed) & WAKE != 0;
            if !signalled && (waiter.notified || nobody_woken) {
                self.sem.front_left_locked(&mut waiters, &mut wakers);
            }
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
