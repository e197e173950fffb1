//! asyncio's queues: [`Queue`] (FIFO), [`LifoQueue`] and [`PriorityQueue`] (smallest first).
//!
//! Many producers and many consumers share one queue (wrap it in an `Arc`). A bounded queue
//! makes `put` wait while it is full; `task_done`/`join` let a producer wait until consumers
//! have *processed* every item, not just taken it; `close` is Python 3.13's `shutdown()`:
//! puts fail at once, gets drain what is left and then fail.
//!
//! ```
//! use std::sync::Arc;
//! use weave_sync::Queue;
//!
//! # futures::executor::block_on(async {
//! let queue = Arc::new(Queue::new(2));
//! let q = queue.clone();
//! let worker = std::thread::spawn(move || {
//!     futures::executor::block_on(async {
//!         let mut sum = 0;
//!         while let Ok(n) = q.get().await {
//!             sum += n;
//!             q.task_done();
//!         }
//!         sum
//!     })
//! });
//! for n in 1..=10 {
//!     queue.put(n).await.unwrap();
//! }
//! queue.join().await; // every item processed
//! queue.close(); // the worker's next get fails
//! assert_eq!(worker.join().unwrap(), 55);
//! # });
//! ```
//!
//! # Cancel safety
//!
//! `get` and `join` are cancel-safe. A cancelled `put` keeps nobody waiting but drops its
//! item.

mod error;
mod generic;
mod storage;

use std::ops::Deref;

pub use error::{GetError, PutError, TryGetError, TryPutError};
pub use generic::{GenericQueue, Get, Join, Put};
pub use storage::{Fifo, Lifo, Priority, Storage};

macro_rules! queue_type {
    ($(#[$doc:meta])* $name:ident, $storage:ident $(, $bound:path)?) => {
        $(#[$doc])*
        pub struct $name<T $(: $bound)?>(GenericQueue<T, $storage<T>>);

        impl<T $(: $bound)?> $name<T> {
            /// A queue holding at most `capacity` items; like asyncio, `0` means unbounded.
            pub fn new(capacity: usize) -> Self {
                Self(GenericQueue::with_capacity(Some(capacity)))
            }

            /// A queue without a bound.
            pub fn unbounded() -> Self {
                Self(GenericQueue::with_capacity(None))
            }
        }

        impl<T $(: $bound)?> Deref for $name<T> {
            type Target = GenericQueue<T, $storage<T>>;
            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl<T $(: $bound)?> std::fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&self.0, f)
            }
        }
    };
}

queue_type! {
    /// A first-in, first-out queue (asyncio's `Queue`). Its methods are on
    /// [`GenericQueue`], which it dereferences to.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let q = weave_sync::Queue::unbounded();
    /// q.put(1).await.unwrap();
    /// q.try_put(2).unwrap();
    /// assert_eq!(q.get().await, Ok(1));
    /// assert_eq!(q.try_get(), Ok(2));
    /// # });
    /// ```
    Queue, Fifo
}

queue_type! {
    /// A last-in, first-out queue (asyncio's `LifoQueue`).
    ///
    /// ```
    /// let q = weave_sync::LifoQueue::new(3);
    /// q.try_put(1).unwrap();
    /// q.try_put(2).unwrap();
    /// assert_eq!(q.try_get(), Ok(2));
    /// ```
    LifoQueue, Lifo
}

queue_type! {
    /// A queue handing out its smallest item first (asyncio's `PriorityQueue`); use
    /// `(priority, item)` tuples for prioritised work.
    ///
    /// ```
    /// let q = weave_sync::PriorityQueue::unbounded();
    /// q.try_put((2, "later")).unwrap();
    /// q.try_put((1, "first")).unwrap();
    /// assert_eq!(q.try_get(), Ok((1, "first")));
    /// ```
    PriorityQueue, Priority, Ord
}
