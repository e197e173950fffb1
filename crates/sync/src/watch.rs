//! A single-value channel: receivers see the latest value and can wait for the next change.
//! tokio's `sync::watch`; the building block for condition-style waiting on a state.
//!
//! ```
//! # futures::executor::block_on(async {
//! let (tx, mut rx) = weave_sync::watch::channel("starting");
//! std::thread::spawn(move || tx.send("ready").unwrap());
//! rx.changed().await.unwrap();
//! assert_eq!(*rx.borrow_and_update(), "ready");
//! # });
//! ```
//!
//! Cancel safety: `changed` is cancel-safe.

use std::fmt;
use std::ops::Deref;
use std::task::{ready, Context, Poll};

use weave_core::budget;
use weave_core::loom::sync::atomic::{AtomicU64, Ordering};
use weave_core::loom::sync::{Arc, Mutex, MutexGuard};

use crate::util::lock;
use crate::wait_list::{wake_all, Key, WaitList};

pub mod error {
    //! The errors of [`watch`](super).
    use std::fmt;

    /// No receiver exists: the value comes back.
    #[derive(Debug, PartialEq, Eq, Clone, Copy)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("no receivers")
        }
    }

    impl<T: fmt::Debug> std::error::Error for SendError<T> {}

    /// The sender is gone: no change can come.
    #[derive(Debug, PartialEq, Eq, Clone, Copy)]
    pub struct RecvError(pub(crate) ());

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("sender dropped")
        }
    }

    impl std::error::Error for RecvError {}
}

use error::{RecvError, SendError};

struct Shared<T> {
    /// Lock order: `value` before `state`.
    value: Mutex<T>,
    /// Bumped while `value` is locked, so a reader holding the value lock reads the version
    /// of exactly the value it sees.
    version: AtomicU64,
    state: Mutex<State>,
}

struct State {
    sender_alive: bool,
    receivers: usize,
    waiters: WaitList<()>,
}

/// A watch channel starting at `init`.
///
/// ```
/// let (tx, rx) = weave_sync::watch::channel(0);
/// tx.send(1).unwrap();
/// assert_eq!(*rx.borrow(), 1);
/// ```
pub fn channel<T>(init: T) -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        value: Mutex::new(init),
        version: AtomicU64::new(0),
        state: Mutex::new(State {
            sender_alive: true,
            receivers: 1,
            waiters: WaitList::new(),
        }),
    });
    (
        Sender {
            shared: shared.clone(),
        },
        Receiver { shared, seen: 0 },
    )
}

/// A borrow of the current value; holds a lock, so keep it short (never across `.await`).
pub struct Ref<'a, T> {
    guard: MutexGuard<'a, T>,
}

impl<T> Deref for Ref<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T: fmt::Debug> fmt::Debug for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// The sending half (one per channel).
///
/// ```
/// let (tx, rx) = weave_sync::watch::channel(vec![1]);
/// tx.send_modify(|v| v.push(2));
/// assert_eq!(*rx.borrow(), [1, 2]);
/// ```
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Sender<T> {
    /// Replaces the value and notifies receivers; fails if there are none.
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        if lock(&self.shared.state).receivers == 0 {
            return Err(SendError(value));
        }
        drop(self.send_replace(value));
        Ok(())
    }

    /// Replaces the value (even with no receivers), notifies, returns the old value.
    ///
    /// ```
    /// let (tx, _rx) = weave_sync::watch::channel(1);
    /// assert_eq!(tx.send_replace(2), 1);
    /// ```
    pub fn send_replace(&self, value: T) -> T {
        let mut old = Some(value);
        self.send_modify(|v| old = Some(std::mem::replace(v, old.take().expect("once"))));
        old.expect("replaced")
    }

    /// Changes the value in place and notifies receivers.
    pub fn send_modify(&self, modify: impl FnOnce(&mut T)) {
        let mut wakers = Vec::new();
        {
            let mut value = lock(&self.shared.value);
            modify(&mut value);
            self.shared.version.fetch_add(1, Ordering::Release);
            lock(&self.shared.state).waiters.drain_into(&mut wakers);
        }
        wake_all(wakers);
    }

    /// The current value.
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref {
            guard: lock(&self.shared.value),
        }
    }

    /// A new receiver that has seen the current value.
    ///
    /// ```
    /// let (tx, _rx) = weave_sync::watch::channel(0);
    /// let rx2 = tx.subscribe();
    /// assert!(!rx2.has_changed().unwrap());
    /// ```
    pub fn subscribe(&self) -> Receiver<T> {
        lock(&self.shared.state).receivers += 1;
        Receiver {
            shared: self.shared.clone(),
            seen: self.shared.version.load(Ordering::Acquire),
        }
    }

    /// How many receivers exist.
    pub fn receiver_count(&self) -> usize {
        lock(&self.shared.state).receivers
    }

    /// Whether every receiver is gone.
    pub fn is_closed(&self) -> bool {
        self.receiver_count() == 0
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut wakers = Vec::new();
        {
            let mut state = lock(&self.shared.state);
            state.sender_alive = false;
            state.waiters.drain_into(&mut wakers);
        }
        wake_all(wakers);
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

/// A receiving half; clone it for more receivers (the clone has seen what this one saw).
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = weave_sync::watch::channel(0);
/// tx.send(5).unwrap();
/// assert!(rx.has_changed().unwrap());
/// rx.changed().await.unwrap();
/// assert_eq!(*rx.borrow_and_update(), 5);
/// # });
/// ```
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    seen: u64,
}

impl<T> Receiver<T> {
    /// The current value, without marking it seen.
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref {
            guard: lock(&self.shared.value),
        }
    }

    /// The current value, marking it seen.
    pub fn borrow_and_update(&mut self) -> Ref<'_, T> {
        let guard = lock(&self.shared.value);
        // Under the value lock: this is the version of the value we are handing out.
        self.seen = self.shared.version.load(Ordering::Acquire);
        Ref { guard }
    }

    /// Whether a value was sent since this receiver last looked; `Err` if the sender is gone.
    pub fn has_changed(&self) -> Result<bool, RecvError> {
        if !lock(&self.shared.state).sender_alive {
            return Err(RecvError(()));
        }
        Ok(self.shared.version.load(Ordering::Acquire) != self.seen)
    }

    /// Waits for a value newer than the last one seen, and marks it seen. Returns `Err` once
    /// the sender is gone (after any unseen change was reported). Cancel-safe.
    pub async fn changed(&mut self) -> Result<(), RecvError> {
        self.seen = Changed {
            shared: &self.shared,
            seen: self.seen,
            key: None,
        }
        .await?;
        Ok(())
    }

    /// Waits until `f` holds for the current value (checking it first), marks it seen and
    /// returns it. Cancel-safe.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = weave_sync::watch::channel(0);
    /// let sender = std::thread::spawn(move || {
    ///     for i in 1..=3 {
    ///         tx.send(i).unwrap();
    ///     }
    ///     tx // keep the sender alive until joined
    /// });
    /// assert_eq!(*rx.wait_for(|v| *v == 3).await.unwrap(), 3);
    /// drop(sender.join());
    /// # });
    /// ```
    pub async fn wait_for(
        &mut self,
        mut f: impl FnMut(&T) -> bool,
    ) -> Result<Ref<'_, T>, RecvError> {
        let shared = &*self.shared;
        let seen = &mut self.seen;
        loop {
            {
                let guard = lock(&shared.value);
                *seen = shared.version.load(Ordering::Acquire);
                if f(&guard) {
                    return Ok(Ref { guard });
                }
            }
            *seen = Changed {
                shared,
                seen: *seen,
                key: None,
            }
            .await?;
        }
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        lock(&self.shared.state).receivers += 1;
        Receiver {
            shared: self.shared.clone(),
            seen: self.seen,
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        lock(&self.shared.state).receivers -= 1;
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("seen", &self.seen)
            .finish()
    }
}

/// Waits for the version to move past `seen`; resolves to the new version.
struct Changed<'a, T> {
    shared: &'a Shared<T>,
    seen: u64,
    key: Option<Key>,
}

impl<T> std::future::Future for Changed<'_, T> {
    type Output = Result<u64, RecvError>;

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = ready!(budget::poll_proceed(cx));
        let this = &mut *self;
        let mut state = lock(&this.shared.state);
        if let Some(key) = this.key.take() {
            state.waiters.remove(key);
        }
        // Read under the state lock: a sender bumps the version before taking this lock to
        // wake waiters, so either we see the bump or we are queued before its wake-up.
        let version = this.shared.version.load(Ordering::Acquire);
        if version != this.seen {
            coop.made_progress();
            return Poll::Ready(Ok(version));
        }
        if !state.sender_alive {
            coop.made_progress();
            return Poll::Ready(Err(RecvError(())));
        }
        this.key = Some(state.waiters.push_back(cx.waker().clone(), ()));
        Poll::Pending
    }
}

impl<T> Drop for Changed<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            lock(&self.shared.state).waiters.remove(key);
        }
    }
}
