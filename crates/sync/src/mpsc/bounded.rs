//! The bounded flavour: [`channel`], [`Sender`], [`Receiver`], [`Permit`].

use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use weave_core::loom::sync::Arc;

use super::chan::{Chan, RxCore};
use super::error::{SendError, TryRecvError, TrySendError};
use crate::semaphore::{Acquire, TryAcquireError};

/// A channel holding at most `capacity` messages; `send` waits while it is full.
///
/// Panics if `capacity` is 0.
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = weave_sync::mpsc::channel(8);
/// tx.send("hi").await.unwrap();
/// assert_eq!(rx.recv().await, Some("hi"));
/// # });
/// ```
pub fn channel<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(capacity > 0, "mpsc::channel needs a capacity of at least 1");
    let chan = Arc::new(Chan::new(Some(capacity)));
    (
        Sender { chan: chan.clone() },
        Receiver {
            core: RxCore::new(chan, capacity),
        },
    )
}

/// The sending half of a bounded channel; clone it for more producers.
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = weave_sync::mpsc::channel(4);
/// let tx2 = tx.clone();
/// tx.send(1).await.unwrap();
/// tx2.send(2).await.unwrap();
/// drop((tx, tx2));
/// assert_eq!(rx.recv().await, Some(1));
/// assert_eq!(rx.recv().await, Some(2));
/// assert_eq!(rx.recv().await, None); // every sender gone
/// # });
/// ```
pub struct Sender<T> {
    chan: Arc<Chan<T>>,
}

impl<T> Sender<T> {
    fn sem(&self) -> &crate::Semaphore {
        self.chan.bound.as_ref().expect("bounded channel")
    }

    /// Sends `value`, waiting for room. Fails (returning the value) once the receiver is
    /// closed or dropped.
    ///
    /// Cancel safety: dropping the future while it waits gives its place in the senders'
    /// queue to the next sender, but the value inside it is dropped with it. To keep the
    /// value in a `select!`, [`reserve`](Sender::reserve) first, then send on the permit.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = weave_sync::mpsc::channel(1);
    /// tx.send(1).await.unwrap();
    /// drop(rx);
    /// assert_eq!(tx.send(2).await.unwrap_err().0, 2);
    /// # });
    /// ```
    pub fn send(&self, value: T) -> impl Future<Output = Result<(), SendError<T>>> + '_ {
        // Hand-written rather than `async fn`: a send that finds room is then one inlined
        // poll (budget, one compare-exchange, the push) with no state machine around it.
        Sending {
            chan: &self.chan,
            acquire: self.sem().acquire_raw(1),
            value: Some(value),
        }
    }

    /// Sends `value` if there is room now.
    ///
    /// ```
    /// use weave_sync::mpsc::{self, error::TrySendError};
    /// let (tx, rx) = mpsc::channel(1);
    /// tx.try_send(1).unwrap();
    /// assert!(matches!(tx.try_send(2), Err(TrySendError::Full(2))));
    /// drop(rx);
    /// assert!(matches!(tx.try_send(3), Err(TrySendError::Closed(3))));
    /// ```
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        match self.sem().try_acquire_raw(1) {
            Ok(()) => {}
            Err(TryAcquireError::NoPermits) => return Err(TrySendError::Full(value)),
            Err(TryAcquireError::Closed) => return Err(TrySendError::Closed(value)),
        }
        self.chan.push(value, true).map_err(|value| {
            self.chan.release_capacity();
            TrySendError::Closed(value)
        })
    }

    /// Waits for room for one message and holds it as a [`Permit`]. Cancel-safe: dropping
    /// the future gives its place in the queue (and any slot it was just granted) to the
    /// next sender, and no value is at stake.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = weave_sync::mpsc::channel(1);
    /// let permit = tx.reserve().await.unwrap();
    /// assert!(tx.try_send(9).is_err()); // the slot is held by the permit
    /// permit.send(1);
    /// assert_eq!(rx.recv().await, Some(1));
    /// # });
    /// ```
    pub async fn reserve(&self) -> Result<Permit<'_, T>, SendError<()>> {
        match self.sem().acquire_raw(1).await {
            Ok(()) => Ok(Permit { chan: &self.chan }),
            Err(_) => Err(SendError(())),
        }
    }

    /// Takes a slot now if there is one.
    ///
    /// ```
    /// let (tx, _rx) = weave_sync::mpsc::channel::<u8>(1);
    /// let p = tx.try_reserve().unwrap();
    /// assert!(tx.try_reserve().is_err());
    /// drop(p); // unused slot goes back
    /// assert!(tx.try_reserve().is_ok());
    /// ```
    pub fn try_reserve(&self) -> Result<Permit<'_, T>, TrySendError<()>> {
        match self.sem().try_acquire_raw(1) {
            Ok(()) => Ok(Permit { chan: &self.chan }),
            Err(TryAcquireError::NoPermits) => Err(TrySendError::Full(())),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(())),
        }
    }

    /// Like [`reserve`](Sender::reserve), with a permit that owns the sender (`'static`).
    /// Cancel-safe.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = weave_sync::mpsc::channel(1);
    /// let permit = tx.clone().reserve_owned().await.unwrap();
    /// let tx_again = permit.send(5);
    /// drop(tx_again);
    /// assert_eq!(rx.recv().await, Some(5));
    /// # });
    /// ```
    pub async fn reserve_owned(self) -> Result<OwnedPermit<T>, SendError<()>> {
        match self.sem().acquire_raw(1).await {
            Ok(()) => Ok(OwnedPermit { sender: Some(self) }),
            Err(_) => Err(SendError(())),
        }
    }

    /// Whether the receiver is closed or gone.
    ///
    /// ```
    /// let (tx, rx) = weave_sync::mpsc::channel::<()>(1);
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Free slots right now. The receiver gives slots back in batches of `capacity / 16`
    /// (and all of them before it waits), so this can lag behind the messages received.
    ///
    /// ```
    /// let (tx, _rx) = weave_sync::mpsc::channel(3);
    /// tx.try_send(()).unwrap();
    /// assert_eq!(tx.capacity(), 2);
    /// ```
    pub fn capacity(&self) -> usize {
        self.sem().available_permits()
    }

    /// Whether both senders feed the same channel.
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.chan, &other.chan)
    }
}

/// The future of [`Sender::send`]: waits for a slot, then pushes the value.
struct Sending<'a, T> {
    chan: &'a Arc<Chan<T>>,
    acquire: Acquire<'a>,
    /// Taken when the future completes.
    value: Option<T>,
}

// The value is only ever moved, never pinned.
impl<T> Unpin for Sending<'_, T> {}

impl<T> Future for Sending<'_, T> {
    type Output = Result<(), SendError<T>>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let acquired = ready!(Pin::new(&mut this.acquire).poll(cx));
        let value = this
            .value
            .take()
            .expect("send future polled after completion");
        if acquired.is_err() {
            return Poll::Ready(Err(SendError(value)));
        }
        Poll::Ready(this.chan.push(value, true).map_err(|value| {
            this.chan.release_capacity();
            SendError(value)
        }))
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.chan.add_sender();
        Sender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.chan.drop_sender();
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

/// One reserved slot in a bounded channel; [`send`](Permit::send) cannot fail or wait.
/// Dropping it unused gives the slot back.
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = weave_sync::mpsc::channel(2);
/// let permit = tx.reserve().await.unwrap();
/// permit.send('x');
/// assert_eq!(rx.recv().await, Some('x'));
/// # });
/// ```
pub struct Permit<'a, T> {
    chan: &'a Arc<Chan<T>>,
}

impl<T> Permit<'_, T> {
    /// Sends on the reserved slot. If the receiver closed meanwhile, the value is dropped.
    pub fn send(self, value: T) {
        // If the receiver is gone the value comes back and is dropped here, once.
        drop(self.chan.push(value, true));
        // The slot now holds a message (the receiver gives it back), or the channel is closed
        // and slots no longer matter.
        std::mem::forget(self);
    }
}

impl<T> Drop for Permit<'_, T> {
    fn drop(&mut self) {
        self.chan.release_capacity();
    }
}

impl<T> fmt::Debug for Permit<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit").finish_non_exhaustive()
    }
}

/// A reserved slot that owns its [`Sender`]; see [`Sender::reserve_owned`].
///
/// ```
/// # futures::executor::block_on(async {
/// let (tx, mut rx) = weave_sync::mpsc::channel(1);
/// let permit: weave_sync::mpsc::OwnedPermit<u8> = tx.reserve_owned().await.unwrap();
/// let _tx = permit.send(3);
/// assert_eq!(rx.recv().await, Some(3));
/// # });
/// ```
pub struct OwnedPermit<T> {
    sender: Option<Sender<T>>,
}

impl<T> OwnedPermit<T> {
    /// Sends on the reserved slot and returns the sender.
    pub fn send(mut self, value: T) -> Sender<T> {
        let sender = self.sender.take().expect("permit holds its sender");
        // On a closed channel the value is dropped here; the slot is returned either way
        // by the receiver (message) or right now (no message).
        if sender.chan.push(value, true).is_err() {
            sender.chan.release_capacity();
        }
        sender
    }

    /// Gives the slot back unused and returns the sender.
    pub fn release(mut self) -> Sender<T> {
        let sender = self.sender.take().expect("permit holds its sender");
        sender.chan.release_capacity();
        sender
    }
}

impl<T> Drop for OwnedPermit<T> {
    fn drop(&mut self) {
        if let Some(sender) = &self.sender {
            sender.chan.release_capacity();
        }
    }
}

impl<T> fmt::Debug for OwnedPermit<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedPermit").finish_non_exhaustive()
    }
}

/// The receiving half of a bounded channel. Also a [`Stream`](futures_core::Stream).
///
/// ```
/// # futures::executor::block_on(async {
/// use futures::StreamExt;
/// let (tx, rx) = weave_sync::mpsc::channel(4);
/// for i in 0..3 {
///     tx.send(i).await.unwrap();
/// }
/// drop(tx);
/// assert_eq!(rx.collect::<Vec<_>>().await, [0, 1, 2]);
/// # });
/// ```
pub struct Receiver<T> {
    core: RxCore<T>,
}

impl<T> Receiver<T> {
    /// The next message, or `None` once the channel is closed and drained.
    ///
    /// Cancel-safe: a dropped `recv()` future has taken no message.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = weave_sync::mpsc::channel(1);
    /// tx.send(1).await.unwrap();
    /// drop(tx);
    /// assert_eq!(rx.recv().await, Some(1));
    /// assert_eq!(rx.recv().await, None);
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
    /// use weave_sync::mpsc::{self, error::TryRecvError};
    /// let (tx, mut rx) = mpsc::channel(1);
    /// tx.try_send(4).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(4));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.core.try_recv()
    }

    /// Waits for at least one message, then moves up to `limit` queued messages into
    /// `buffer`. Returns how many were added; 0 means the channel is closed and drained (or
    /// `limit` is 0). Cancel-safe.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = weave_sync::mpsc::channel(8);
    /// for i in 0..5 {
    ///     tx.send(i).await.unwrap();
    /// }
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.recv_many(&mut buf, 3).await, 3);
    /// assert_eq!(buf, [0, 1, 2]);
    /// # });
    /// ```
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        poll_fn(|cx| self.core.poll_recv_many(cx, buffer, limit)).await
    }

    /// Closes the channel for senders (sends fail, waiting senders wake with an error);
    /// messages already queued can still be received. A [`Permit`] taken before the close
    /// can still send, but a `recv` that has returned `None` does not wait for it.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, mut rx) = weave_sync::mpsc::channel(2);
    /// tx.send(1).await.unwrap();
    /// rx.close();
    /// assert!(tx.send(2).await.is_err());
    /// assert_eq!(rx.recv().await, Some(1));
    /// assert_eq!(rx.recv().await, None);
    /// # });
    /// ```
    pub fn close(&mut self) {
        self.core.close();
    }

    /// Messages waiting to be received.
    ///
    /// ```
    /// let (tx, rx) = weave_sync::mpsc::channel(2);
    /// tx.try_send(1).unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.core.len()
    }

    /// Whether no message is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T> futures_core::Stream for Receiver<T> {
    type Item = T;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.core.poll_recv(cx)
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}
