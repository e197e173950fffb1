//! [`Notify`]: wake one task or all of them, with a stored permit so a `notify_one` that
//! comes before the wait is not lost. tokio's `sync::Notify`.
//!
//! # Condition-style waiting
//!
//! asyncio's `Condition` is a lock plus "wait until someone says the state changed". Here
//! that is a [`Mutex`](crate::Mutex) for the state and a `Notify` for the signal: create the
//! `notified()` future *before* checking the condition, so a notification between the check
//! and the await still counts.
//!
//! ```
//! use std::sync::Arc;
//! use weave_sync::{Mutex, Notify};
//!
//! # futures::executor::block_on(async {
//! let state = Arc::new((Mutex::new(0), Notify::new()));
//! let s = state.clone();
//! std::thread::spawn(move || {
//!     futures::executor::block_on(async {
//!         *s.0.lock().await = 5;
//!         s.1.notify_waiters();
//!     })
//! });
//! loop {
//!     let notified = state.1.notified(); // registered before the check
//!     if *state.0.lock().await == 5 {
//!         break;
//!     }
//!     notified.await;
//! }
//! # });
//! ```
//! For a value that changes over time, [`watch`](crate::watch) packages exactly this.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use weave_core::budget;
use weave_core::loom::sync::atomic::{AtomicUsize, Ordering};
use weave_core::loom::sync::Mutex;

use crate::util::lock;
use crate::wait_list::{wake_all, Key, WaitList};

/// Wakes tasks waiting in [`notified`](Notify::notified).
///
/// ```
/// use std::sync::Arc;
/// use weave_sync::Notify;
///
/// # futures::executor::block_on(async {
/// let notify = Arc::new(Notify::new());
/// notify.notify_one(); // stored as a permit
/// notify.notified().await; // consumes it at once
/// # });
/// ```
pub struct Notify {
    state: Mutex<State>,
    /// Count of `notify_waiters` calls, readable without the lock when a `Notified` is made.
    waiters_epoch: AtomicUsize,
}

struct State {
    permit: bool,
    /// `true` in a waiter's slot: woken by `notify_one` (to be passed on if dropped).
    waiters: WaitList<bool>,
}

impl Notify {
    /// A `Notify` with no permit stored.
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State {
                permit: false,
                waiters: WaitList::new(),
            }),
            waiters_epoch: AtomicUsize::new(0),
        }
    }

    /// Wakes the longest-waiting task, or, if none waits, stores one permit for the next
    /// `notified()` (permits do not accumulate).
    ///
    /// ```
    /// let notify = weave_sync::Notify::new();
    /// notify.notify_one();
    /// notify.notify_one(); // still one permit
    /// # futures::executor::block_on(notify.notified());
    /// ```
    pub fn notify_one(&self) {
        let waker = {
            let mut state = lock(&self.state);
            let waker = state.waiters.pop_front_with(|one| *one = true);
            if waker.is_none() {
                state.permit = true;
            }
            waker
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Wakes every task waiting now, and every `Notified` future created before this call;
    /// stores no permit.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let notify = weave_sync::Notify::new();
    /// let a = notify.notified();
    /// let b = notify.notified();
    /// notify.notify_waiters();
    /// futures::join!(a, b);
    /// # });
    /// ```
    pub fn notify_waiters(&self) {
        let mut wakers = Vec::new();
        {
            let mut state = lock(&self.state);
            self.waiters_epoch.fetch_add(1, Ordering::Release);
            state.waiters.drain_into(&mut wakers);
        }
        wake_all(wakers);
    }

    /// Waits for a notification. Cancel-safe: a dropped future that had been picked by
    /// `notify_one` passes the notification to the next waiter (or back as the permit).
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let notify = weave_sync::Notify::new();
    /// let wait = notify.notified();
    /// notify.notify_one();
    /// wait.await;
    /// # });
    /// ```
    pub fn notified(&self) -> Notified<'_> {
        Notified {
            notify: self,
            epoch: self.waiters_epoch.load(Ordering::Acquire),
            key: None,
            done: false,
        }
    }

    fn forward(&self) {
        self.notify_one();
    }
}

impl Default for Notify {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notify").finish_non_exhaustive()
    }
}

/// The future of [`Notify::notified`].
#[must_use = "futures do nothing unless awaited"]
pub struct Notified<'a> {
    notify: &'a Notify,
    /// `notify_waiters` count when this future was made: a later call completes it.
    epoch: usize,
    key: Option<Key>,
    done: bool,
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.done {
            return Poll::Ready(());
        }
        let coop = ready!(budget::poll_proceed(cx));
        let this = &mut *self;
        let mut state = lock(&this.notify.state);
        let ready = match this.key {
            Some(key) => state.waiters.poll_key(key, cx).is_ready(),
            None => {
                if this.notify.waiters_epoch.load(Ordering::Acquire) != this.epoch {
                    true
                } else if state.permit {
                    state.permit = false;
                    true
                } else {
                    this.key = Some(state.waiters.push_back(cx.waker().clone(), false));
                    false
                }
            }
        };
        if !ready {
            return Poll::Pending;
        }
        this.key = None;
        this.done = true;
        coop.made_progress();
        Poll::Ready(())
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        let Some(key) = self.key.take() else { return };
        let (by_notify_one, signalled) = lock(&self.notify.state).waiters.remove(key);
        if signalled && by_notify_one {
            // We were chosen but will never run: the notification goes to someone else.
            self.notify.forward();
        }
    }
}

impl fmt::Debug for Notified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notified").finish_non_exhaustive()
    }
}
