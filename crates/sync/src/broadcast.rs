//! A multi-producer, multi-consumer broadcast channel: every receiver sees every value
//! (cloned), as long as it keeps up. tokio's `sync::broadcast`.
//!
//! The channel keeps the last `capacity` values in a ring. A receiver that falls further
//! behind than that loses the oldest ones and is told how many with
//! [`RecvError::Lagged`]; its next `recv` continues from the oldest value still kept.
//! Values leave the ring when newer ones push them out.
//!
//! ```
//! use weave_sync::broadcast::{self, error::RecvError};
//!
//! # futures::executor::block_on(async {
//! let (tx, mut rx) = broadcast::channel(2);
//! for i in 0..5 {
//!     tx.send(i).unwrap();
//! }
//! assert_eq!(rx.recv().await, Err(RecvError::Lagged(3))); // 0, 1, 2 were pushed out
//! assert_eq!(rx.recv().await, Ok(3));
//! assert_eq!(rx.recv().await, Ok(4));
//! # });
//! ```
//!
//! Cancel safety: `recv` is cancel-safe (a dropped future consumed nothing).

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use weave_core::budget;
use weave_core::loom::sync::{Arc, Mutex};

use crate::util::lock;
use crate::wait_list::{wake_all, Key, WaitList};

pub mod error {
    //! The errors of [`broadcast`](super).
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

    /// Why `recv` returned no value.
    #[derive(Debug, PartialEq, Eq, Clone, Copy)]
    pub enum RecvError {
        /// Every sender is gone and every kept value was received.
        Closed,
        /// The receiver fell behind and this many values were skipped.
        Lagged(u64),
    }

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                RecvError::Closed => f.write_str("channel closed"),
                RecvError::Lagged(n) => write!(f, "receiver lagged by {n} values"),
            }
        }
    }

    impl std::error::Error for RecvError {}

    /// Why `try_recv` returned no value.
    #[derive(Debug, PartialEq, Eq, Clone, Copy)]
    pub enum TryRecvError {
        /// Nothing new yet.
        Empty,
        /// Every sender is gone and every kept value was received.
        Closed,
        /// The receiver fell behind and this many values were skipped.
        Lagged(u64),
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("channel empty"),
                TryRecvError::Closed => f.write_str("channel closed"),
                TryRecvError::Lagged(n) => write!(f, "receiver lagged by {n} values"),
            }
        }
    }

    impl std::error::Error for TryRecvError {}
}

use error::{RecvError, SendError, TryRecvError};

struct Shared<T> {
    state: Mutex<State<T>>,
}

struct State<T> {
    ring: VecDeque<T>,
    /// Position (count of values ever sent) of `ring[0]`.
    first: u64,
    capacity: usize,
    senders: usize,
    receivers: usize,
    waiters: WaitList<()>,
}

impl<T> State<T> {
    fn end(&self) -> u64 {
        self.first + self.ring.len() as u64
    }
}

/// A broadcast channel keeping the last `capacity` values. Panics if `capacity` is 0.
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut a) = weave_sync::broadcast::channel(4);
/// let mut b = tx.subscribe();
/// tx.send("hi").unwrap();
/// assert_eq!(a.recv().await, Ok("hi"));
/// assert_eq!(b.recv().await, Ok("hi"));
/// # });
/// ```
pub fn channel<T: Clone>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(
        capacity > 0,
        "broadcast::channel needs a capacity of at least 1"
    );
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            ring: VecDeque::with_capacity(capacity),
            first: 0,
            capacity,
            senders: 1,
            receivers: 1,
            waiters: WaitList::new(),
        }),
    });
    (
        Sender {
            shared: shared.clone(),
        },
        Receiver { shared, next: 0 },
    )
}

/// The sending half; clone it for more producers.
///
/// ```
/// let (tx, rx) = weave_sync::broadcast::channel::<u8>(1);
/// assert_eq!(tx.receiver_count(), 1);
/// drop(rx);
/// assert!(tx.send(1).is_err()); // nobody listens
/// ```
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

impl<T: Clone> Sender<T> {
    /// Sends `value` to every current receiver; returns how many there are. Fails if there
    /// are none. Never waits: a full ring drops its oldest value.
    pub fn send(&self, value: T) -> Result<usize, SendError<T>> {
        let mut wakers = Vec::new();
        let (receivers, evicted) = {
            let mut state = lock(&self.shared.state);
            if state.receivers == 0 {
                return Err(SendError(value));
            }
            state.ring.push_back(value);
            let evicted = if state.ring.len() > state.capacity {
                state.first += 1;
                state.ring.pop_front()
            } else {
                None
            };
            state.waiters.drain_into(&mut wakers);
            (state.receivers, evicted)
        };
        drop(evicted); // user code: outside the lock
        wake_all(wakers);
        Ok(receivers)
    }

    /// A new receiver that sees values sent from now on.
    ///
    /// ```
    /// let (tx, _rx) = weave_sync::broadcast::channel(2);
    /// tx.send(1).unwrap();
    /// let mut late = tx.subscribe();
    /// tx.send(2).unwrap();
    /// assert_eq!(late.try_recv(), Ok(2));
    /// ```
    pub fn subscribe(&self) -> Receiver<T> {
        let mut state = lock(&self.shared.state);
        state.receivers += 1;
        Receiver {
            shared: self.shared.clone(),
            next: state.end(),
        }
    }

    /// How many receivers exist.
    pub fn receiver_count(&self) -> usize {
        lock(&self.shared.state).receivers
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        lock(&self.shared.state).senders += 1;
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut wakers = Vec::new();
        {
            let mut state = lock(&self.shared.state);
            state.senders -= 1;
            if state.senders == 0 {
                state.waiters.drain_into(&mut wakers);
            }
        }
        wake_all(wakers);
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

/// A receiving half; each receiver has its own position in the stream of values.
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = weave_sync::broadcast::channel(1);
/// tx.send(1).unwrap();
/// drop(tx);
/// assert_eq!(rx.recv().await, Ok(1));
/// assert!(rx.recv().await.is_err()); // Closed
/// # });
/// ```
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    next: u64,
}

impl<T: Clone> Receiver<T> {
    fn take(&mut self, state: &State<T>) -> Option<Result<T, TryRecvError>> {
        if self.next < state.first {
            let lag = state.first - self.next;
            self.next = state.first;
            return Some(Err(TryRecvError::Lagged(lag)));
        }
        if self.next < state.end() {
            let value = state.ring[(self.next - state.first) as usize].clone();
            self.next += 1;
            return Some(Ok(value));
        }
        if state.senders == 0 {
            return Some(Err(TryRecvError::Closed));
        }
        None
    }

    /// The next value, a `Lagged(n)` error if `n` values were missed, or `Closed`.
    /// Cancel-safe.
    pub fn recv(&mut self) -> Recv<'_, T> {
        Recv {
            receiver: self,
            key: None,
        }
    }

    /// The next value if one is there.
    ///
    /// ```
    /// use weave_sync::broadcast::{self, error::TryRecvError};
    /// let (tx, mut rx) = broadcast::channel::<u8>(1);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let shared = self.shared.clone();
        let state = lock(&shared.state);
        self.take(&state).unwrap_or(Err(TryRecvError::Empty))
    }

    /// A new receiver at the current end of the stream.
    pub fn resubscribe(&self) -> Self {
        let mut state = lock(&self.shared.state);
        state.receivers += 1;
        Receiver {
            shared: self.shared.clone(),
            next: state.end(),
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
            .field("next", &self.next)
            .finish()
    }
}

/// The future of [`Receiver::recv`].
#[must_use = "futures do nothing unless awaited"]
pub struct Recv<'a, T> {
    receiver: &'a mut Receiver<T>,
    key: Option<Key>,
}

impl<T: Clone> Future for Recv<'_, T> {
    type Output = Result<T, RecvError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = ready!(budget::poll_proceed(cx));
        let this = &mut *self;
        let shared = this.receiver.shared.clone();
        let mut state = lock(&shared.state);
        if let Some(key) = this.key.take() {
            state.waiters.remove(key);
        }
        match this.receiver.take(&state) {
            Some(result) => {
                coop.made_progress();
                Poll::Ready(result.map_err(|e| match e {
                    TryRecvError::Lagged(n) => RecvError::Lagged(n),
                    _ => RecvError::Closed,
                }))
            }
            None => {
                this.key = Some(state.waiters.push_back(cx.waker().clone(), ()));
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for Recv<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            lock(&self.receiver.shared.state).waiters.remove(key);
        }
    }
}

impl<T> fmt::Debug for Recv<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recv").finish_non_exhaustive()
    }
}
