//! Weave's sync primitives and channels: everything that coordinates tasks.
//!
//! Every primitive here depends only on [`Waker`](std::task::Waker)s, so it works under any
//! executor (Weave's `ThreadPool` and `LocalExecutor`, `futures::executor::block_on`, ...).
//! Waiting futures queue in FIFO order (`Mutex` and `Semaphore` let running tasks barge, a
//! bounded number of times) on one shared building block, a slab-backed wait list
//! kept next to each primitive's state under a short internal lock; dropping a waiting
//! future gives its place (and anything it was just granted) to the next waiter. Leaf
//! futures spend Weave's cooperative budget ([`weave_core::budget`]).
//!
//! ```
//! use std::sync::Arc;
//! use weave_sync::{mpsc, Mutex};
//!
//! # futures::executor::block_on(async {
//! let total = Arc::new(Mutex::new(0u64));
//! let (tx, mut rx) = mpsc::channel(64);
//! for worker in 0..4u64 {
//!     let tx = tx.clone();
//!     std::thread::spawn(move || futures::executor::block_on(tx.send(worker)).unwrap());
//! }
//! drop(tx);
//! while let Some(n) = rx.recv().await {
//!     *total.lock().await += n;
//! }
//! assert_eq!(*total.lock().await, 6);
//! # });
//! ```
//!
//! # From asyncio
//!
//! | asyncio | here |
//! |---|---|
//! | `asyncio.Lock` | [`Mutex`] (holds the data it protects) |
//! | `asyncio.Event` | [`Event`] |
//! | `asyncio.Condition` | [`Notify`] + [`Mutex`], or [`watch`] (see [`Notify`]'s docs) |
//! | `asyncio.Semaphore` / `BoundedSemaphore` | [`Semaphore`] (permits are guards, so never over-released) |
//! | `asyncio.Barrier` | [`Barrier`] |
//! | `asyncio.Queue` / `LifoQueue` / `PriorityQueue` | [`Queue`] / [`LifoQueue`] / [`PriorityQueue`] |
//! | `Queue.shutdown()` (3.13) | [`close`](queue::GenericQueue::close) |
//! | `asyncio.Future` set by hand | [`oneshot`] |
//! | (none) | [`mpsc`], [`broadcast`], [`RwLock`], [`OnceCell`] |
//!
//! # Cancel safety
//!
//! Each waiting method's docs say whether it is safe in `select!`. In short: `lock`,
//! `read`, `write`, `acquire*`, `recv`, `get`, `reserve`, `notified`, `wait`, `changed`,
//! `join` are; `mpsc::Sender::send` and `Queue::put` give back their place but drop the value
//! they carried.
//!
//! # Not here
//! - Timeouts on any wait: `weave-timer`'s `timeout` wraps these futures.
//! - `select!`/`join!`: `weave-combinators`.
//! - Blocking (non-async) variants such as `blocking_lock`: call from `spawn_blocking` with
//!   `futures::executor::block_on`, or use `std::sync`.

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

mod barrier;
pub mod broadcast;
mod event;
#[cfg(all(test, loom))]
mod loom_tests;
pub mod mpsc;
mod mutex;
mod notify;
mod once_cell;
pub mod oneshot;
pub mod queue;
mod rwlock;
mod semaphore;
mod spin_lock;
mod util;
mod wait_list;
pub mod watch;

pub use barrier::{Barrier, BarrierWait, BarrierWaitResult};
pub use event::{Event, Wait};
pub use mutex::{MappedMutexGuard, Mutex, MutexGuard, OwnedMutexGuard, TryLockError};
pub use notify::{Notified, Notify};
pub use once_cell::{OnceCell, SetError};
pub use queue::{LifoQueue, PriorityQueue, Queue};
pub use rwlock::{RwLock, RwLockReadGuard, RwLockWriteGuard};
pub use semaphore::{
    AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError,
};
