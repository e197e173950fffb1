//! The unbounded flavour: [`unbounded_channel`], [`UnboundedSender`], [`UnboundedReceiver`].

use std::fmt;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll};

use weave_core::loom::sync::Arc;

use super::chan::{Chan, RxCore};
use super::error::{SendError, TryRecvError};

/// A channel without a bound: `send` never waits (memory is the limit).
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = weave_sync::mpsc::unbounded_channel();
/// tx.send(1).unwrap();
/// assert_eq!(rx.recv().await, Some(1));
/// # });
/// ```
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    let chan = Arc::new(Chan::new(None));
    (
        UnboundedSender { chan: chan.clone() },
        UnboundedReceiver {
            core: RxCore::new(chan, 0),
        },
    )
}

/// The sending half of an unbounded channel; clone it for more producers.
///
/// ```
/// let (tx, mut rx) = weave_sync::mpsc::unbounded_channel();
/// let tx2 = tx.clone();
/// std::thread::spawn(move || tx2.send(2).unwrap()).join().unwrap();
/// assert_eq!(rx.try_recv(), Ok(2));
/// ```
pub struct UnboundedSender<T> {
    chan: Arc<Chan<T>>,
}

impl<T> UnboundedSender<T> {
    /// Queues `value` without waiting; fails (returning it) once the receiver is closed.
    ///
    /// ```
    /// let (tx, rx) = weave_sync::mpsc::unbounded_channel();
    /// assert!(tx.send(1).is_ok());
    /// drop(rx);
    /// assert_eq!(tx.send(2).unwrap_err().0, 2);
    /// ```
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        self.chan.push(value, false).map_err(SendError)
    }

    /// Whether the receiver is closed or gone.
    ///
    /// ```
    /// let (tx, rx) = weave_sync::mpsc::unbounded_channel::<()>();
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Whether both senders feed the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.chan, &other.chan)
    }
}

impl<T> Clone for UnboundedSender<T> {
    fn clone(&self) -> Self {
        self.chan.add_sender();
        UnboundedSender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for UnboundedSender<T> {
    fn drop(&mut self) {
        self.chan.drop_sender();
    }
}

impl<T> fmt::Debug for UnboundedSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedSender").finish_non_exhaustive()
    }
}

/// The receiving half of an unbounded channel. Also a [`Stream`](futures_core::Stream).
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = weave_sync::mpsc::unbounded_channel();
/// tx.send("a").unwrap();
/// drop(tx);
/// assert_eq!(rx.recv().await, Some("a"));
/// assert_eq!(rx.recv().await, None);
/// # });
/// ```
pub struct UnboundedReceiver<T> {
    core: RxCore<T>,
}

impl<T> UnboundedReceiver<T> {
    /// The next message, or `None` once the channel is closed and drained. Cancel-safe.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = weave_sync::mpsc::unbounded_channel();
    /// tx.send(5).unwrap();
    /// assert_eq!(rx.recv().await, Some(5));
    /// # });
    /// ```
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.core.poll_recv(cx)).await
    }

    /// Polls for the next message (for hand-written futures).
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.core.poll_recv(cx)
    }

    /// Takes a message if one is queued.
    ///
    /// ```
    /// let (tx, mut rx) = weave_sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.core.try_recv()
    }

    /// Waits for at least one message, then moves up to `limit` into `buffer`; 0 means
    /// closed and drained. Cancel-safe.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = weave_sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.recv_many(&mut buf, 10).await, 2);
    /// # });
    /// ```
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        poll_fn(|cx| self.core.poll_recv_many(cx, buffer, limit)).await
    }

    /// Closes the channel for senders; queued messages can still be received.
    ///
    /// ```
    /// let (tx, mut rx) = weave_sync::mpsc::unbounded_channel::<u8>();
    /// rx.close();
    /// assert!(tx.send(1).is_err());
    /// ```
    pub fn close(&mut self) {
        self.core.close();
    }

    /// Messages waiting to be received.
    pub fn len(&self) -> usize {
        self.core.len()
    }

    /// Whether no message is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T> futures_core::Stream for UnboundedReceiver<T> {
    type Item = T;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.core.poll_recv(cx)
    }
}

impl<T> fmt::Debug for UnboundedReceiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnboundedReceiver").finish_non_exhaustive()
    }
}
