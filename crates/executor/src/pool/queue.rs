//! Each worker's bounded run queue: the owner pushes and pops at its two ends without
//! locks; idle workers steal half of it at once.
//!
//! The ring buffer keeps three positions (all wrapping `u32`s):
//!
//! - `tail`: written only by the owner, one past the last pushed task;
//! - `head`, packed with `steal` into one `AtomicU64`: `head` is the next task the owner
//!   pops; `steal` trails `head` while a thief is still copying the tasks between them.
//!
//! A thief claims a batch by moving `head` forward with one compare-exchange (leaving
//! `steal` behind), copies the claimed slots, then sets `steal = head` to release them. The
//! owner keeps popping meanwhile (it only moves `head`), but never reuses slots at or past
//! `steal`, and while a steal is in flight no second thief starts. When the buffer is full
//! the owner moves half of it to the overflow (the pool's injector) in one batch, which
//! amortises the injector's lock. The scheme is the one tokio's multi-threaded scheduler
//! uses, written anew here.

use std::mem::MaybeUninit;

use crossbeam_utils::CachePadded;

use weave_core::loom::cell::UnsafeCell;
use weave_core::loom::sync::atomic::{AtomicU32, AtomicU64, Ordering::*};
use weave_core::loom::sync::Arc;
use weave_core::Runnable;

#[cfg(not(loom))]
pub(crate) const CAPACITY: usize = 256;
// A tiny queue lets loom reach the overflow and wrap-around paths in few steps.
#[cfg(loom)]
pub(crate) const CAPACITY: usize = 4;

const MASK: usize = CAPACITY - 1;

/// Where tasks go when the local queue is full.
pub(crate) trait Overflow {
    /// Takes `tasks` (in order) plus `last`.
    fn push_batch(&self, tasks: impl Iterator<Item = Runnable>, last: Runnable);
}

struct Inner {
    /// `steal` in the high 32 bits, `head` in the low 32.
    head: AtomicU64,
    tail: AtomicU32,
    buffer: Box<[UnsafeCell<MaybeUninit<Runnable>>]>,
}

// SAFETY: slots are handed between threads only through the head/tail protocol above: a slot
// is written by the owner before `tail` publishes it (Release) and read by whoever claims it
// by moving `head` (AcqRel), so each `Runnable` has one reader and one writer at a time.
unsafe impl Sync for Inner {}
// SAFETY: `Runnable` is `Send`.
unsafe impl Send for Inner {}

/// The owner's end: push and pop. Not `Clone`: exactly one per queue.
pub(crate) struct Local {
    inner: Arc<CachePadded<Inner>>,
}

/// A thief's end: steal half. `Clone`, shared with every other worker.
#[derive(Clone)]
pub(crate) struct Steal {
    inner: Arc<CachePadded<Inner>>,
}

fn pack(steal: u32, head: u32) -> u64 {
    ((steal as u64) << 32) | head as u64
}

fn unpack(word: u64) -> (u32, u32) {
    ((word >> 32) as u32, word as u32)
}

pub(crate) fn new() -> (Local, Steal) {
    let buffer = (0..CAPACITY)
        .map(|_| UnsafeCell::new(MaybeUninit::uninit()))
        .collect();
    // Padded so two workers' queues never share a cache line.
    let inner = Arc::new(CachePadded::new(Inner {
        head: AtomicU64::new(0),
        tail: AtomicU32::new(0),
        buffer,
    }));
    (
        Local {
            inner: inner.clone(),
        },
        Steal { inner },
    )
}

impl Inner {
    /// # Safety
    /// - The caller has claimed slot `pos` for writing (owner, below `steal + CAPACITY`).
    unsafe fn write(&self, pos: u32, task: Runnable) {
        self.buffer[pos as usize & MASK].with_mut(|slot| {
            // SAFETY: the slot is free and ours to write (see the function contract).
            unsafe { (*slot).write(task) };
        });
    }

    /// # Safety
    /// - The caller has claimed the task in slot `pos` (moved `head` past it).
    unsafe fn take(&self, pos: u32) -> Runnable {
        self.buffer[pos as usize & MASK].with(|slot| {
            // SAFETY: the slot holds a task published by the owner and claimed by us alone.
            unsafe { (*slot).assume_init_read() }
        })
    }

    fn len(&self) -> u32 {
        let (_, head) = unpack(self.head.load(Acquire));
        self.tail.load(Acquire).wrapping_sub(head)
    }
}

impl Local {
    /// Room left before a push would overflow.
    pub(crate) fn remaining(&self) -> usize {
        let (steal, _) = unpack(self.inner.head.load(Acquire));
        // Only the owner writes `tail`: a relaxed read sees its own last store.
        let tail = self.inner.tail.load(Relaxed);
        CAPACITY - tail.wrapping_sub(steal) as usize
    }

    /// Pushes to the back; when full, moves half of the queue (and `task`) to `overflow`.
    pub(crate) fn push_back(&mut self, mut task: Runnable, overflow: &impl Overflow) {
        loop {
            let (steal, head) = unpack(self.inner.head.load(Acquire));
            let tail = self.inner.tail.load(Relaxed);
            if (tail.wrapping_sub(steal) as usize) < CAPACITY {
                // SAFETY: slot `tail` is below `steal + CAPACITY`, so no thief reads it and no
                // task lives there.
                unsafe { self.inner.write(tail, task) };
                self.inner.tail.store(tail.wrapping_add(1), Release);
                return;
            }
            if steal != head {
                // Full while a thief copies: it will free half the queue soon, but we
                // cannot wait; this one task goes to the overflow.
                overflow.push_batch(std::iter::empty(), task);
                return;
            }
            match self.push_half_to_overflow(task, head, tail, overflow) {
                Ok(()) => return,
                // A thief took tasks meanwhile, so there is room now.
                Err(back) => task = back,
            }
        }
    }

    fn push_half_to_overflow(
        &mut self,
        task: Runnable,
        head: u32,
        tail: u32,
        overflow: &impl Overflow,
    ) -> Result<(), Runnable> {
        const HALF: u32 = (CAPACITY / 2) as u32;
        debug_assert_eq!(tail.wrapping_sub(head) as usize, CAPACITY);
        // Claim the oldest half as if we were a thief.
        let claimed = pack(head.wrapping_add(HALF), head.wrapping_add(HALF));
        if self
            .inner
            .head
            .compare_exchange(pack(head, head), claimed, Release, Relaxed)
            .is_err()
        {
            return Err(task);
        }
        let inner = &self.inner;
        // SAFETY: the compare-exchange made slots head..head+HALF ours alone.
        let batch = (0..HALF).map(|i| unsafe { inner.take(head.wrapping_add(i)) });
        overflow.push_batch(batch, task);
        Ok(())
    }

    /// Pops from the front.
    pub(crate) fn pop(&mut self) -> Option<Runnable> {
        let mut word = self.inner.head.load(Acquire);
        let pos = loop {
            let (steal, head) = unpack(word);
            let tail = self.inner.tail.load(Relaxed);
            if head == tail {
                return None;
            }
            let next_head = head.wrapping_add(1);
            // Without a thief in flight `steal` follows `head`; with one, it stays put.
            let next = if steal == head {
                pack(next_head, next_head)
            } else {
                pack(steal, next_head)
            };
            match self
                .inner
                .head
                .compare_exchange(word, next, AcqRel, Acquire)
            {
                Ok(_) => break head,
                Err(actual) => word = actual,
            }
        };
        // SAFETY: the compare-exchange claimed slot `pos`.
        Some(unsafe { self.inner.take(pos) })
    }
}

impl Drop for Local {
    fn drop(&mut self) {
        // Dropping the remaining `Runnable`s cancels their tasks.
        if !std::thread::panicking() {
            while let Some(task) = self.pop() {
                drop(task);
            }
        }
    }
}

impl Steal {
    /// True if the queue looks empty (a snapshot).
    pub(crate) fn is_empty(&self) -> bool {
        self.inner.len() == 0
    }

    /// Moves about half of this queue into `dst` and returns one task to run now.
    pub(crate) fn steal_into(&self, dst: &mut Local) -> Option<Runnable> {
        let dst_tail = dst.inner.tail.load(Relaxed);
        // Only steal into an at-most-half-full queue, so the batch always fits.
        if dst.remaining() < CAPACITY / 2 {
            return None;
        }
        let count = self.steal_batch(dst, dst_tail);
        if count == 0 {
            return None;
        }
        // Run the last stolen task now; publish the rest.
        let last = dst_tail.wrapping_add(count - 1);
        // SAFETY: we copied a task into slot `last` of our own queue and have not published it.
        let task = unsafe { dst.inner.take(last) };
        if count > 1 {
            dst.inner.tail.store(last, Release);
        }
        Some(task)
    }

    /// Claims and copies half of the source queue into `dst` starting at `dst_tail`;
    /// returns how many tasks were copied.
    fn steal_batch(&self, dst: &mut Local, dst_tail: u32) -> u32 {
        let mut word = self.inner.head.load(Acquire);
        let (first, count) = loop {
            let (steal, head) = unpack(word);
            if steal != head {
                // Another thief is copying; come back later.
                return 0;
            }
            let tail = self.inner.tail.load(Acquire);
            let available = tail.wrapping_sub(head);
            let count = available - available / 2;
            if count == 0 {
                return 0;
            }
            // Move `head` past the batch, keeping `steal` at its start until we are done.
            let next = pack(steal, head.wrapping_add(count));
            match self
                .inner
                .head
                .compare_exchange(word, next, AcqRel, Acquire)
            {
                Ok(_) => break (head, count),
                Err(actual) => word = actual,
            }
        };
        for i in 0..count {
            // SAFETY: our compare-exchange claimed slots first..first+count of the source; the
            // destination slots are past our own tail and below half capacity, so free.
            unsafe {
                let task = self.inner.take(first.wrapping_add(i));
                dst.inner.write(dst_tail.wrapping_add(i), task);
            }
        }
        // Release the claimed slots: `steal` catches up with `head` (which the owner may
        // have advanced meanwhile by popping).
        let mut word = self.inner.head.load(Acquire);
        loop {
            let (steal, head) = unpack(word);
            debug_assert_eq!(steal, first);
            match self
                .inner
                .head
                .compare_exchange(word, pack(head, head), AcqRel, Acquire)
            {
                Ok(_) => return count,
                Err(actual) => word = actual,
            }
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use weave_core::task::{self, Id};

    use super::*;
    use crate::pool::test_sink::Sink;

    fn task() -> Runnable {
        task::spawn(async {}, |_: Runnable| {}).0
    }

    #[test]
    fn fifo_order_and_overflow_moves_the_oldest_half() {
        let (mut local, _steal) = new();
        let sink = Sink::default();
        let ids: Vec<Id> = (0..CAPACITY + 1)
            .map(|_| {
                let t = task();
                let id = t.id();
                local.push_back(t, &sink);
                id
            })
            .collect();
        let overflowed: Vec<Id> = sink.ids();
        // The oldest half plus the task that did not fit went to the overflow, in order.
        let mut expected = ids[..CAPACITY / 2].to_vec();
        expected.push(ids[CAPACITY]);
        assert_eq!(overflowed, expected);
        let mut rest = Vec::new();
        while let Some(t) = local.pop() {
            rest.push(t.id());
        }
        assert_eq!(rest, ids[CAPACITY / 2..CAPACITY]);
    }

    #[test]
    fn steal_takes_half_and_wraps_around() {
        let (mut victim, steal) = new();
        let (mut thief, _) = new();
        let sink = Sink::default();
        // Move the positions near the u32/ring wrap first.
        for _ in 0..3 * CAPACITY + 5 {
            victim.push_back(task(), &sink);
            drop(victim.pop());
        }
        let ids: Vec<Id> = (0..10)
            .map(|_| {
                let t = task();
                let id = t.id();
                victim.push_back(t, &sink);
                id
            })
            .collect();
        let first = steal.steal_into(&mut thief).expect("half of 10");
        let mut stolen = vec![first.id()];
        while let Some(t) = thief.pop() {
            stolen.push(t.id());
        }
        assert_eq!(stolen.len(), 5);
        let mut left = Vec::new();
        while let Some(t) = victim.pop() {
            left.push(t.id());
        }
        let mut all: Vec<Id> = stolen.into_iter().chain(left).collect();
        all.sort();
        let mut expected = ids;
        expected.sort();
        assert_eq!(all, expected);
        assert!(sink.ids().is_empty());
        assert!(steal.steal_into(&mut thief).is_none());
    }

    #[test]
    fn dropping_the_queue_cancels_what_it_holds() {
        let (mut local, steal) = new();
        let sink = Sink::default();
        let (r, h) = task::spawn(std::future::pending::<()>(), |_: Runnable| {});
        local.push_back(r, &sink);
        drop(local);
        assert!(h.is_finished());
        assert!(steal.is_empty());
    }
}
