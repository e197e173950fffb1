//! The queue itself, generic over its [`Storage`] order.
//!
//! One mutex guards the items, the three waiter lists (getters, putters, joiners), the
//! unfinished-task count and the closed flag. A `put` that adds an item wakes one getter and
//! a `get` that removes one wakes one putter; the woken task re-checks under the lock (a
//! `try_*` call may have barged in between, as in asyncio), and a woken future that is
//! dropped instead passes its wake-up to the next waiter of its kind.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

use weave_core::budget;
use weave_core::loom::sync::Mutex;

use super::error::{GetError, PutError, TryGetError, TryPutError};
use super::storage::Storage;
use crate::util::lock;
use crate::wait_list::{wake_all, Key, WaitList};

/// An MPMC queue in the order of `S`; use it through [`Queue`](super::Queue),
/// [`LifoQueue`](super::LifoQueue) or [`PriorityQueue`](super::PriorityQueue), which
/// dereference to it.
pub struct GenericQueue<T, S> {
    state: Mutex<State<S>>,
    capacity: Option<usize>,
    _items: PhantomData<fn(T) -> T>,
}

struct State<S> {
    items: S,
    getters: WaitList<()>,
    putters: WaitList<()>,
    joiners: WaitList<()>,
    unfinished: usize,
    closed: bool,
}

impl<T, S: Storage<T>> GenericQueue<T, S> {
    pub(super) fn with_capacity(capacity: Option<usize>) -> Self {
        Self {
            state: Mutex::new(State {
                items: S::default(),
                getters: WaitList::new(),
                putters: WaitList::new(),
                joiners: WaitList::new(),
                unfinished: 0,
                closed: false,
            }),
            capacity: capacity.filter(|&c| c > 0),
            _items: PhantomData,
        }
    }

    fn is_full_locked(&self, state: &State<S>) -> bool {
        self.capacity.is_some_and(|c| state.items.len() >= c)
    }

    /// Adds the item under the lock; returns the getter to wake.
    fn push_locked(state: &mut State<S>, item: T) -> Option<Waker> {
        state.items.push(item);
        state.unfinished += 1;
        state.getters.pop_front()
    }

    /// Waits for room, then adds `item`. Fails (returning the item) if the queue is closed.
    ///
    /// Cancel safety: a dropped `put` gives back its place (and any wake-up it received),
    /// but the item inside it is dropped with it; use `try_put` in a retry loop if the item
    /// must survive.
    pub fn put(&self, item: T) -> Put<'_, T, S> {
        Put {
            queue: self,
            item: Some(item),
            key: None,
        }
    }

    /// Adds `item` if there is room now.
    pub fn try_put(&self, item: T) -> Result<(), TryPutError<T>> {
        let waker = {
            let mut state = lock(&self.state);
            if state.closed {
                return Err(TryPutError::Closed(item));
            }
            if self.is_full_locked(&state) {
                return Err(TryPutError::Full(item));
            }
            Self::push_locked(&mut state, item)
        };
        if let Some(w) = waker {
            w.wake();
        }
        Ok(())
    }

    /// Waits for an item. After `close`, returns the remaining items, then [`GetError`].
    /// Cancel-safe: a dropped `get` took no item.
    pub fn get(&self) -> Get<'_, T, S> {
        Get {
            queue: self,
            key: None,
        }
    }

    /// Takes an item if one is queued.
    pub fn try_get(&self) -> Result<T, TryGetError> {
        let (item, waker) = {
            let mut state = lock(&self.state);
            match state.items.pop() {
                Some(item) => (item, state.putters.pop_front()),
                None if state.closed => return Err(TryGetError::Closed),
                None => return Err(TryGetError::Empty),
            }
        };
        if let Some(w) = waker {
            w.wake();
        }
        Ok(item)
    }

    /// Marks one item taken by `get` as fully processed (asyncio's `task_done`). When every
    /// item ever put has been marked, `join` returns.
    ///
    /// Panics if called more times than items were put.
    #[track_caller]
    pub fn task_done(&self) {
        let mut wakers = Vec::new();
        {
            let mut state = lock(&self.state);
            assert!(
                state.unfinished > 0,
                "task_done() called more times than items were put"
            );
            state.unfinished -= 1;
            if state.unfinished == 0 {
                state.joiners.drain_into(&mut wakers);
            }
        }
        wake_all(wakers);
    }

    /// Waits until every item put so far has been marked with `task_done`. Cancel-safe.
    pub fn join(&self) -> Join<'_, T, S> {
        Join {
            queue: self,
            key: None,
        }
    }

    /// Closes the queue (asyncio 3.13's `shutdown()`): `put` fails from now on and wakes with
    /// an error; `get` drains the remaining items, then fails with [`GetError`].
    pub fn close(&self) {
        let mut wakers = Vec::new();
        {
            let mut state = lock(&self.state);
            state.closed = true;
            state.getters.drain_into(&mut wakers);
            state.putters.drain_into(&mut wakers);
        }
        wake_all(wakers);
    }

    /// Whether `close` was called.
    pub fn is_closed(&self) -> bool {
        lock(&self.state).closed
    }

    /// Items queued (asyncio's `qsize`).
    pub fn len(&self) -> usize {
        lock(&self.state).items.len()
    }

    /// Whether no item is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether a `put` would wait.
    pub fn is_full(&self) -> bool {
        self.is_full_locked(&lock(&self.state))
    }

    /// The bound, or `None` if unbounded (asyncio's `maxsize`).
    pub fn capacity(&self) -> Option<usize> {
        self.capacity
    }
}

impl<T, S> fmt::Debug for GenericQueue<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Queue")
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

/// Leaves `list` (if queued); a waiter that had been woken passes the wake-up on.
fn leave(list: &mut WaitList<()>, key: Option<Key>) -> Option<Waker> {
    let ((), signalled) = list.remove(key?);
    if signalled {
        list.pop_front()
    } else {
        None
    }
}

/// Keeps the waiter queued (refreshing its waker), or queues it (again, if it was woken but
/// lost the race for the item or slot).
fn wait(list: &mut WaitList<()>, key: &mut Option<Key>, cx: &mut Context<'_>) {
    if let Some(k) = *key {
        if list.poll_key(k, cx).is_pending() {
            return;
        }
    }
    *key = Some(list.push_back(cx.waker().clone(), ()));
}

/// The future of [`GenericQueue::put`].
#[must_use = "futures do nothing unless awaited"]
pub struct Put<'a, T, S> {
    queue: &'a GenericQueue<T, S>,
    item: Option<T>,
    key: Option<Key>,
}

// The item is only ever moved, never pinned.
impl<T, S> Unpin for Put<'_, T, S> {}

impl<T, S: Storage<T>> Future for Put<'_, T, S> {
    type Output = Result<(), PutError<T>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = ready!(budget::poll_proceed(cx));
        let this = &mut *self;
        let mut state = lock(&this.queue.state);
        if !state.closed && this.queue.is_full_locked(&state) {
            wait(&mut state.putters, &mut this.key, cx);
            return Poll::Pending;
        }
        if let Some(key) = this.key.take() {
            state.putters.remove(key);
        }
        let item = this.item.take().expect("Put polled after completion");
        coop.made_progress();
        if state.closed {
            return Poll::Ready(Err(PutError(item)));
        }
        let waker = GenericQueue::<T, S>::push_locked(&mut state, item);
        drop(state);
        if let Some(w) = waker {
            w.wake();
        }
        Poll::Ready(Ok(()))
    }
}

impl<T, S> Drop for Put<'_, T, S> {
    fn drop(&mut self) {
        if self.key.is_some() {
            let waker = leave(&mut lock(&self.queue.state).putters, self.key.take());
            if let Some(w) = waker {
                w.wake();
            }
        }
    }
}

/// The future of [`GenericQueue::get`].
#[must_use = "futures do nothing unless awaited"]
pub struct Get<'a, T, S> {
    queue: &'a GenericQueue<T, S>,
    key: Option<Key>,
}

impl<T, S: Storage<T>> Future for Get<'_, T, S> {
    type Output = Result<T, GetError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = ready!(budget::poll_proceed(cx));
        let this = &mut *self;
        let mut state = lock(&this.queue.state);
        let Some(item) = state.items.pop() else {
            if state.closed {
                if let Some(key) = this.key.take() {
                    state.getters.remove(key);
                }
                coop.made_progress();
                return Poll::Ready(Err(GetError(())));
            }
            wait(&mut state.getters, &mut this.key, cx);
            return Poll::Pending;
        };
        if let Some(key) = this.key.take() {
            state.getters.remove(key);
        }
        let waker = state.putters.pop_front();
        drop(state);
        if let Some(w) = waker {
            w.wake();
        }
        coop.made_progress();
        Poll::Ready(Ok(item))
    }
}

impl<T, S> Drop for Get<'_, T, S> {
    fn drop(&mut self) {
        if self.key.is_some() {
            let waker = leave(&mut lock(&self.queue.state).getters, self.key.take());
            if let Some(w) = waker {
                w.wake();
            }
        }
    }
}

/// The future of [`GenericQueue::join`].
#[must_use = "futures do nothing unless awaited"]
pub struct Join<'a, T, S> {
    queue: &'a GenericQueue<T, S>,
    key: Option<Key>,
}

impl<T, S> Future for Join<'_, T, S> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let coop = ready!(budget::poll_proceed(cx));
        let this = &mut *self;
        let mut state = lock(&this.queue.state);
        if let Some(key) = this.key.take() {
            state.joiners.remove(key);
        }
        if state.unfinished == 0 {
            coop.made_progress();
            return Poll::Ready(());
        }
        this.key = Some(state.joiners.push_back(cx.waker().clone(), ()));
        Poll::Pending
    }
}

impl<T, S> Drop for Join<'_, T, S> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            lock(&self.queue.state).joiners.remove(key);
        }
    }
}
