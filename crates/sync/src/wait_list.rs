//! The waiter list every primitive in this crate queues its pending futures on.
//!
//! A FIFO of parked futures, stored in a slab (a `Vec` of slots with a free list) and linked
//! by index, so pushing, popping and removing from the middle are all O(1) and no waiter
//! allocates once the slab has grown to the high-water mark. It is plain data: each primitive
//! keeps its list inside its own `Mutex`, next to the state the waiters wait on, so "check the
//! state, then queue" is one critical section and no wake-up can slip between the two.
//!
//! # The protocol
//!
//! - A future that must wait calls [`WaitList::push_back`] and keeps the returned [`Key`].
//! - A waker (the side that releases a permit, sends a message, ...) calls
//!   [`WaitList::pop_front`]: the node is *unlinked* but its slot stays occupied, so the data
//!   the waker wrote into it (a grant, a flag) waits there for its owner. Unlinked means
//!   "signalled".
//! - Only the owner frees the slot, with [`WaitList::remove`], either when it sees itself
//!   signalled in `poll` or in its `Drop`. That is what makes cancellation exact: a dropped
//!   future that was already signalled learns so from `remove` and passes the signal on.
//!
//! The idea of waking by handing over state under the lock comes from tokio's batch semaphore;
//! the slab instead of an intrusive list keeps this crate free of pointer juggling.

use std::task::{Context, Poll, Waker};

const NONE: u32 = u32::MAX;

/// Identifies one waiter's slot; only its owner holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key(u32);

#[derive(Debug)]
struct Node<T> {
    waker: Option<Waker>,
    linked: bool,
    prev: u32,
    next: u32,
    data: T,
}

#[derive(Debug)]
enum Slot<T> {
    Vacant { next_free: u32 },
    Occupied(Node<T>),
}

/// A FIFO of waiters, each with a waker and some per-primitive data `T`.
#[derive(Debug)]
pub(crate) struct WaitList<T> {
    slots: Vec<Slot<T>>,
    free: u32,
    head: u32,
    tail: u32,
    linked: usize,
}

impl<T> Default for WaitList<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> WaitList<T> {
    pub(crate) const fn new() -> Self {
        Self {
            slots: Vec::new(),
            free: NONE,
            head: NONE,
            tail: NONE,
            linked: 0,
        }
    }

    /// No waiter is queued (signalled-but-unclaimed slots do not count).
    pub(crate) fn is_empty(&self) -> bool {
        self.linked == 0
    }

    /// How many waiters are queued (signalled-but-unclaimed slots do not count).
    pub(crate) fn len(&self) -> usize {
        self.linked
    }

    fn node(&self, key: Key) -> &Node<T> {
        match &self.slots[key.0 as usize] {
            Slot::Occupied(node) => node,
            Slot::Vacant { .. } => unreachable!("wait list key used after its slot was freed"),
        }
    }

    fn node_mut(&mut self, key: Key) -> &mut Node<T> {
        match &mut self.slots[key.0 as usize] {
            Slot::Occupied(node) => node,
            Slot::Vacant { .. } => unreachable!("wait list key used after its slot was freed"),
        }
    }

    /// Queues a waiter at the back.
    pub(crate) fn push_back(&mut self, waker: Waker, data: T) -> Key {
        let node = Node {
            waker: Some(waker),
            linked: true,
            prev: self.tail,
            next: NONE,
            data,
        };
        let index = if self.free != NONE {
            let index = self.free;
            match self.slots[index as usize] {
                Slot::Vacant { next_free } => self.free = next_free,
                Slot::Occupied(_) => unreachable!("free list points at an occupied slot"),
            }
            self.slots[index as usize] = Slot::Occupied(node);
            index
        } else {
            let index = u32::try_from(self.slots.len()).expect("more than u32::MAX waiters");
            assert!(index != NONE, "more than u32::MAX waiters");
            self.slots.push(Slot::Occupied(node));
            index
        };
        if self.tail == NONE {
            self.head = index;
        } else {
            self.node_mut(Key(self.tail)).next = index;
        }
        self.tail = index;
        self.linked += 1;
        Key(index)
    }

    fn unlink(&mut self, key: Key) {
        let (prev, next) = {
            let node = self.node_mut(key);
            debug_assert!(node.linked);
            node.linked = false;
            (node.prev, node.next)
        };
        if prev == NONE {
            self.head = next;
        } else {
            self.node_mut(Key(prev)).next = next;
        }
        if next == NONE {
            self.tail = prev;
        } else {
            self.node_mut(Key(next)).prev = prev;
        }
        self.linked -= 1;
    }

    /// The first queued waiter's key and data, still queued.
    pub(crate) fn front_mut(&mut self) -> Option<&mut T> {
        if self.head == NONE {
            return None;
        }
        Some(&mut self.node_mut(Key(self.head)).data)
    }

    /// The first queued waiter's data and its waker, taken, to wake once the lock is released;
    /// the waiter stays queued (a later poll stores a fresh waker). For primitives that wake
    /// the front waiter to retry rather than to hand it something.
    pub(crate) fn wake_front_with(&mut self, note: impl FnOnce(&mut T)) -> Option<Waker> {
        if self.head == NONE {
            return None;
        }
        let node = self.node_mut(Key(self.head));
        note(&mut node.data);
        node.waker.take()
    }

    /// A waiter's data, queued or signalled; only its owner calls this.
    pub(crate) fn get_mut(&mut self, key: Key) -> &mut T {
        &mut self.node_mut(key).data
    }

    /// Whether the waiter is still queued (not signalled).
    pub(crate) fn is_linked(&self, key: Key) -> bool {
        self.node(key).linked
    }

    /// Refreshes a queued waiter's waker (cloning only if it changed).
    pub(crate) fn set_waker(&mut self, key: Key, waker: &Waker) {
        let node = self.node_mut(key);
        match &node.waker {
            Some(w) if w.will_wake(waker) => {}
            _ => node.waker = Some(waker.clone()),
        }
    }

    /// Unlinks the first waiter (signals it) and returns its waker to call once the lock is
    /// released. `signal` may update the waiter's data first.
    pub(crate) fn pop_front_with(&mut self, signal: impl FnOnce(&mut T)) -> Option<Waker> {
        if self.head == NONE {
            return None;
        }
        let key = Key(self.head);
        self.unlink(key);
        let node = self.node_mut(key);
        signal(&mut node.data);
        node.waker.take()
    }

    /// Unlinks the first waiter; see [`WaitList::pop_front_with`].
    pub(crate) fn pop_front(&mut self) -> Option<Waker> {
        self.pop_front_with(|_| {})
    }

    /// Signals every queued waiter, pushing their wakers onto `wakers`.
    pub(crate) fn drain_into(&mut self, wakers: &mut Vec<Waker>) {
        while let Some(waker) = self.pop_front() {
            wakers.push(waker);
        }
    }

    /// Frees the waiter's slot (unlinking it if still queued). Returns its data and whether it
    /// had been signalled.
    pub(crate) fn remove(&mut self, key: Key) -> (T, bool) {
        let signalled = !self.node(key).linked;
        if !signalled {
            self.unlink(key);
        }
        let slot = std::mem::replace(
            &mut self.slots[key.0 as usize],
            Slot::Vacant {
                next_free: self.free,
            },
        );
        self.free = key.0;
        match slot {
            Slot::Occupied(node) => (node.data, signalled),
            Slot::Vacant { .. } => unreachable!("wait list key used after its slot was freed"),
        }
    }

    /// The poll step shared by every waiting future: if signalled, frees the slot and returns
    /// the data; otherwise refreshes the stored waker (cloning only if it changed).
    pub(crate) fn poll_key(&mut self, key: Key, cx: &mut Context<'_>) -> Poll<T> {
        let node = self.node_mut(key);
        if node.linked {
            match &node.waker {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => node.waker = Some(cx.waker().clone()),
            }
            Poll::Pending
        } else {
            Poll::Ready(self.remove(key).0)
        }
    }
}

/// Wakers collected under a lock and woken, in order, once it is released.
///
/// The first waker is kept inline: the common hand-over to a single waiter (a mutex
/// unlock with tasks queued) then allocates nothing, where a `Vec` would pay a malloc and a
/// free per hand-over.
#[derive(Default)]
pub(crate) struct Wakers {
    first: Option<Waker>,
    rest: Vec<Waker>,
}

impl Wakers {
    pub(crate) fn push(&mut self, waker: Waker) {
        if self.first.is_none() {
            self.first = Some(waker);
        } else {
            self.rest.push(waker);
        }
    }

    /// Wakes them all, first collected first; call after releasing the lock.
    pub(crate) fn wake_all(self) {
        if let Some(first) = self.first {
            first.wake();
        }
        wake_all(self.rest);
    }
}

impl Extend<Waker> for Wakers {
    fn extend<I: IntoIterator<Item = Waker>>(&mut self, wakers: I) {
        for waker in wakers {
            self.push(waker);
        }
    }
}

/// Wakes every waker in the list; call after releasing the lock.
pub(crate) fn wake_all(wakers: Vec<Waker>) {
    for waker in wakers {
        waker.wake();
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use futures::task::noop_waker;

    #[test]
    fn fifo_order_and_middle_removal() {
        let mut list = WaitList::new();
        let keys: Vec<_> = (0..4).map(|i| list.push_back(noop_waker(), i)).collect();
        assert_eq!(list.remove(keys[1]), (1, false));
        assert_eq!(list.linked, 3);
        let mut seen = Vec::new();
        while list.pop_front_with(|d| seen.push(*d)).is_some() {}
        assert_eq!(seen, [0, 2, 3]);
        assert!(list.is_empty());
        assert_eq!(list.remove(keys[0]), (0, true));
    }

    #[test]
    fn slots_are_reused() {
        let mut list = WaitList::new();
        let a = list.push_back(noop_waker(), 'a');
        list.remove(a);
        let b = list.push_back(noop_waker(), 'b');
        assert_eq!(a, b);
        assert_eq!(list.slots.len(), 1);
        assert_eq!(*list.front_mut().unwrap(), 'b');
    }
}
