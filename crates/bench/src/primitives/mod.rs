//! Each runtime's own channels, locks, timers, combinators and sockets, behind one trait.
//!
//! The executor workloads send every message through `async_channel` so that only the
//! executor differs; the workloads built on [`Primitives`] measure the other half of a
//! runtime: Weave uses `weave::sync`, `weave::time`, `weave::net` and `weave::future`, tokio its
//! own `sync`, `time` and `net`, and smol the crates it is made of (async-channel, async-lock,
//! async-io) with `futures::future::join_all`.
//!
//! | primitive | [`Weave`] | [`Tokio`] | [`Smol`] |
//! |---|---|---|---|
//! | bounded / unbounded channel | `weave::sync::mpsc` | `tokio::sync::mpsc` | `async_channel` |
//! | oneshot | `weave::sync::oneshot` | `tokio::sync::oneshot` | `async_channel::bounded(1)` |
//! | mutex, semaphore | `weave::sync` | `tokio::sync` | `async_lock` |
//! | sleep, timeout | `weave::time` | `tokio::time` | `async_io::Timer` (+ `or` for timeouts) |
//! | join_all | `weave::future::join_all` | `futures::future::join_all` | `futures::future::join_all` |
//! | a set of tasks | `weave::task::JoinSet` | `tokio::task::JoinSet` | a `Vec` of tasks |
//! | TCP | `weave::net` | `tokio::net` | `smol::net` (async-io) |
//!
//! Every message is a `u64`, every lock guards a `u64`: the workloads need nothing else.

mod smol;
mod tokio;
mod weave;

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

pub use self::smol::Smol;
pub use self::tokio::Tokio;
pub use self::weave::Weave;

use crate::runtimes::Runtime;

/// What the primitive workloads need from a runtime family (both threadings share one).
///
/// ```
/// use weave_bench::primitives::Primitives;
/// use weave_bench::runtimes::{Runtime, TokioCt};
///
/// type P = <TokioCt as Runtime>::Primitives;
/// TokioCt::build().block_on(async {
///     let (sender, mut receiver) = P::bounded(4);
///     P::send(&sender, 7).await;
///     assert_eq!(P::recv(&mut receiver).await, Some(7));
/// });
/// ```
pub trait Primitives: 'static {
    /// The sending half of a bounded channel of `u64`.
    type BoundedSender: Clone + Send + Sync + 'static;
    /// The receiving half of a bounded channel of `u64`.
    type BoundedReceiver: Send + 'static;
    /// The sending half of an unbounded channel of `u64`.
    type UnboundedSender: Clone + Send + Sync + 'static;
    /// The receiving half of an unbounded channel of `u64`.
    type UnboundedReceiver: Send + 'static;
    /// The sending half of a oneshot channel of `()`.
    type OneshotSender: Send + 'static;
    /// The receiving half of a oneshot channel of `()`.
    type OneshotReceiver: Send + 'static;
    /// An async mutex around a `u64`.
    type Mutex: Send + Sync + 'static;
    /// An async counting semaphore.
    type Semaphore: Send + Sync + 'static;
    /// A TCP listener.
    type Listener: Send + 'static;

    /// A bounded channel holding at most `capacity` messages.
    fn bounded(capacity: usize) -> (Self::BoundedSender, Self::BoundedReceiver);
    /// Sends `value`, waiting for room; panics if the receiver is gone.
    fn send(sender: &Self::BoundedSender, value: u64) -> impl Future<Output = ()> + Send + '_;
    /// Receives the next message, or `None` once every sender is gone.
    fn recv(receiver: &mut Self::BoundedReceiver) -> impl Future<Output = Option<u64>> + Send + '_;

    /// An unbounded channel.
    fn unbounded() -> (Self::UnboundedSender, Self::UnboundedReceiver);
    /// Sends `value` without waiting; panics if the receiver is gone.
    fn send_unbounded(sender: &Self::UnboundedSender, value: u64);
    /// Receives the next message, or `None` once every sender is gone.
    fn recv_unbounded(
        receiver: &mut Self::UnboundedReceiver,
    ) -> impl Future<Output = Option<u64>> + Send + '_;

    /// A oneshot channel.
    fn oneshot() -> (Self::OneshotSender, Self::OneshotReceiver);
    /// Fires the oneshot; panics if the receiver is gone.
    fn fire(sender: Self::OneshotSender);
    /// Waits for the oneshot to fire; panics if the sender is dropped first.
    fn fired(receiver: Self::OneshotReceiver) -> impl Future<Output = ()> + Send;

    /// A mutex around `0`.
    fn mutex() -> Self::Mutex;
    /// Locks, adds one, unlocks.
    fn increment(mutex: &Self::Mutex) -> impl Future<Output = ()> + Send + '_;
    /// The value inside (for checking the count).
    fn value(mutex: &Self::Mutex) -> impl Future<Output = u64> + Send + '_;

    /// A semaphore with `permits` permits.
    fn semaphore(permits: usize) -> Self::Semaphore;
    /// Acquires one permit and releases it at once.
    fn acquire_release(semaphore: &Self::Semaphore) -> impl Future<Output = ()> + Send + '_;

    /// Sleeps for `duration`.
    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send;
    /// Runs `future` with a deadline `duration` away: `None` if the deadline came first.
    fn timeout<F>(duration: Duration, future: F) -> impl Future<Output = Option<F::Output>> + Send
    where
        F: Future + Send,
        F::Output: Send;

    /// Waits for every future of `futures`, concurrently, in one task.
    fn join_all<F>(futures: Vec<F>) -> impl Future<Output = Vec<F::Output>> + Send
    where
        F: Future + Send,
        F::Output: Send;

    /// Spawns `tasks` trivial tasks into the runtime's set of tasks and joins them all.
    fn join_set<R: Runtime<Primitives = Self>>(tasks: usize) -> impl Future<Output = ()> + Send;

    /// A listener on a free port of 127.0.0.1, and its address.
    fn bind() -> impl Future<Output = (Self::Listener, SocketAddr)> + Send;
    /// Accepts `connections` connections, spawning (with `R::spawn_detached`) an echo task
    /// for each: it reads up to 64 KiB at a time and writes back what it read, until EOF.
    fn serve_echo<R: Runtime<Primitives = Self>>(
        listener: Self::Listener,
        connections: usize,
    ) -> impl Future<Output = ()> + Send;
    /// Connects to `addr` (with `TCP_NODELAY`) and makes `round_trips` round trips of a
    /// `size`-byte message: write it all, read it all back.
    fn echo_client(
        addr: SocketAddr,
        round_trips: usize,
        size: usize,
    ) -> impl Future<Output = ()> + Send;
}

/// A future that is pending once (waking itself at once), then ready: one trip through the
/// scheduler, the same on every runtime.
///
/// ```
/// use weave_bench::primitives::PendingOnce;
///
/// futures_lite::future::block_on(PendingOnce::new());
/// ```
#[derive(Debug, Default)]
pub struct PendingOnce {
    polled: bool,
}

impl PendingOnce {
    /// Not polled yet.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Future for PendingOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.polled {
            return Poll::Ready(());
        }
        self.polled = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// How many bytes an echo server reads at once.
pub const ECHO_BUFFER: usize = 64 * 1024;
