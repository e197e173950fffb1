//! A one-shot channel: one value, sent once. asyncio's settable `Future`, tokio's
//! `sync::oneshot`.
//!
//! The [`Receiver`] is itself a future resolving to the value. The [`Sender`] can watch for
//! the receiver going away ([`Sender::closed`]) to abandon work nobody wants anymore.
//!
//! ```
//! # futures::executor::block_on(async {
//! let (tx, rx) = weave_sync::oneshot::channel();
//! std::thread::spawn(move || tx.send(42).unwrap());
//! assert_eq!(rx.await, Ok(42));
//! # });
//! ```
//!
//! Cancel safety: awaiting `&mut Receiver` in a `select!` is safe (the value stays in the
//! channel until a poll returns it); so is `Sender::closed`.

use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

use weave_core::budget;
use weave_core::loom::sync::{Arc, Mutex};

use crate::util::lock;

/// Creates a one-shot channel.
///
/// ```
/// let (tx, mut rx) = weave_sync::oneshot::channel();
/// tx.send("done").unwrap();
/// assert_eq!(rx.try_recv(), Ok("done"));
/// ```
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner = Arc::new(Mutex::new(State {
        value: None,
        complete: false,
        rx_closed: false,
        rx_waker: None,
        tx_waker: None,
    }));
    (
        Sender {
            inner: Some(inner.clone()),
        },
        Receiver { inner },
    )
}

struct State<T> {
    value: Option<T>,
    /// The sender sent or dropped: no value will come after `value`.
    complete: bool,
    /// The receiver closed or dropped: a send fails.
    rx_closed: bool,
    rx_waker: Option<Waker>,
    tx_waker: Option<Waker>,
}

/// The sender dropped without sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecvError(());

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("sender dropped without sending")
    }
}

impl std::error::Error for RecvError {}

/// Why [`Receiver::try_recv`] returned no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryRecvError {
    /// Not sent yet.
    Empty,
    /// The sender dropped without sending, or the value was already taken.
    Closed,
}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryRecvError::Empty => f.write_str("no value sent yet"),
            TryRecvError::Closed => f.write_str("sender dropped without sending"),
        }
    }
}

impl std::error::Error for TryRecvError {}

/// Sends the one value; see [`channel`].
///
/// ```
/// let (tx, rx) = weave_sync::oneshot::channel::<u8>();
/// drop(rx);
/// assert_eq!(tx.send(1), Err(1)); // the value comes back
/// ```
pub struct Sender<T> {
    inner: Option<Arc<Mutex<State<T>>>>,
}

impl<T> Sender<T> {
    /// Sends `value`, or returns it if the receiver is closed or gone. Either way the value
    /// is dropped exactly once: by the caller (on `Err`) or by the receiving side.
    pub fn send(mut self, value: T) -> Result<(), T> {
        let inner = self.inner.take().expect("sender used once");
        let waker = {
            let mut state = lock(&inner);
            // Sent or refused, no value can come after this.
            state.complete = true;
            if state.rx_closed {
                return Err(value);
            }
            state.value = Some(value);
            state.rx_waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// Whether the receiver closed or dropped.
    ///
    /// ```
    /// let (tx, rx) = weave_sync::oneshot::channel::<()>();
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.inner
            .as_ref()
            .is_none_or(|inner| lock(inner).rx_closed)
    }

    /// Waits until the receiver closes or drops (to stop computing an unwanted value).
    /// Cancel-safe.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (mut tx, rx) = weave_sync::oneshot::channel::<()>();
    /// drop(rx);
    /// tx.closed().await;
    /// # });
    /// ```
    pub async fn closed(&mut self) {
        poll_fn(|cx| self.poll_closed(cx)).await
    }

    /// Polls for the receiver closing.
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let Some(inner) = &self.inner else {
            return Poll::Ready(());
        };
        let mut state = lock(inner);
        if state.rx_closed {
            return Poll::Ready(());
        }
        match &state.tx_waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => state.tx_waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let Some(inner) = self.inner.take() else {
            return;
        };
        let waker = {
            let mut state = lock(&inner);
            state.complete = true;
            state.rx_waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

/// Receives the one value: `.await` it. Fails with [`RecvError`] if the sender dropped
/// without sending.
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, rx) = weave_sync::oneshot::channel::<u8>();
/// drop(tx);
/// assert!(rx.await.is_err());
/// # });
/// ```
pub struct Receiver<T> {
    inner: Arc<Mutex<State<T>>>,
}

impl<T> Receiver<T> {
    /// Takes the value if it was sent.
    ///
    /// ```
    /// use weave_sync::oneshot::{self, TryRecvError};
    /// let (tx, mut rx) = oneshot::channel();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let mut state = lock(&self.inner);
        match state.value.take() {
            Some(v) => Ok(v),
            None if state.complete => Err(TryRecvError::Closed),
            None => Err(TryRecvError::Empty),
        }
    }

    /// Refuses the value from now on: `send` returns it to the sender. A value sent before
    /// the close can still be received.
    ///
    /// ```
    /// let (tx, mut rx) = weave_sync::oneshot::channel();
    /// rx.close();
    /// assert_eq!(tx.send(3), Err(3));
    /// ```
    pub fn close(&mut self) {
        let waker = {
            let mut state = lock(&self.inner);
            state.rx_closed = true;
            state.tx_waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = ready!(budget::poll_proceed(cx));
        let mut state = lock(&self.inner);
        if let Some(value) = state.value.take() {
            coop.made_progress();
            return Poll::Ready(Ok(value));
        }
        if state.complete {
            coop.made_progress();
            return Poll::Ready(Err(RecvError(())));
        }
        match &state.rx_waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => state.rx_waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.close();
        // A value sent before the close is dropped here, outside the lock.
        let value = lock(&self.inner).value.take();
        drop(value);
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}
