//! [`Event`]: asyncio's `Event`, a flag tasks can wait on.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use weave_core::budget;
use weave_core::loom::sync::atomic::{AtomicBool, Ordering};
use weave_core::loom::sync::Mutex;

use crate::util::lock;
use crate::wait_list::{wake_all, Key, WaitList};

/// A flag: [`set`](Event::set) wakes every task in [`wait`](Event::wait), and later waits
/// return at once until [`clear`](Event::clear).
///
/// ```
/// use std::sync::Arc;
/// use weave_sync::Event;
///
/// # futures::executor::block_on(async {
/// let ready = Arc::new(Event::new());
/// let r = ready.clone();
/// std::thread::spawn(move || r.set());
/// ready.wait().await;
/// assert!(ready.is_set());
/// # });
/// ```
pub struct Event {
    /// Mirrors `waiters`' flag for a lock-free `is_set` and fast `wait`.
    set: AtomicBool,
    waiters: Mutex<WaitList<()>>,
}

impl Event {
    /// An event that is not set.
    pub fn new() -> Self {
        Self {
            set: AtomicBool::new(false),
            waiters: Mutex::new(WaitList::new()),
        }
    }

    /// Sets the flag and wakes every waiter.
    ///
    /// ```
    /// let e = weave_sync::Event::new();
    /// e.set();
    /// assert!(e.is_set());
    /// ```
    pub fn set(&self) {
        let mut wakers = Vec::new();
        {
            let mut waiters = lock(&self.waiters);
            // Under the lock, so no waiter can check "not set" and then queue after this.
            self.set.store(true, Ordering::Release);
            waiters.drain_into(&mut wakers);
        }
        wake_all(wakers);
    }

    /// Clears the flag: later waits block until the next `set`.
    ///
    /// ```
    /// let e = weave_sync::Event::new();
    /// e.set();
    /// e.clear();
    /// assert!(!e.is_set());
    /// ```
    pub fn clear(&self) {
        let _waiters = lock(&self.waiters);
        self.set.store(false, Ordering::Release);
    }

    /// Whether the flag is set.
    pub fn is_set(&self) -> bool {
        self.set.load(Ordering::Acquire)
    }

    /// Waits until the flag is set (returns at once if it is). A waiter woken by `set`
    /// completes even if `clear` follows before it runs. Cancel-safe.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let e = weave_sync::Event::new();
    /// e.set();
    /// e.wait().await;
    /// # });
    /// ```
    pub fn wait(&self) -> Wait<'_> {
        Wait {
            event: self,
            key: None,
        }
    }
}

impl Default for Event {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("set", &self.is_set())
            .finish()
    }
}

/// The future of [`Event::wait`].
#[must_use = "futures do nothing unless awaited"]
#[derive(Debug)]
pub struct Wait<'a> {
    event: &'a Event,
    key: Option<Key>,
}

impl Future for Wait<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let coop = ready!(budget::poll_proceed(cx));
        let this = &mut *self;
        match this.key {
            None => {
                if !this.event.is_set() {
                    let mut waiters = lock(&this.event.waiters);
                    if !this.event.set.load(Ordering::Acquire) {
                        this.key = Some(waiters.push_back(cx.waker().clone(), ()));
                        return Poll::Pending;
                    }
                }
            }
            Some(key) => {
                ready!(lock(&this.event.waiters).poll_key(key, cx));
                this.key = None;
            }
        }
        coop.made_progress();
        Poll::Ready(())
    }
}

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            lock(&self.event.waiters).remove(key);
        }
    }
}
