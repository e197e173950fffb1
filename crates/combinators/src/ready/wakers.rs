//! The children's wakers, allocated a block at a time.
//!
//! A waker per child is what lets a wake cost one poll of that child, but allocating one
//! `Arc` per child made the allocator a third of `join_all`'s instructions (callgrind,
//! 100,000 children pending once). Here a [`Block`] holds the wake state of many children
//! in one allocation, and a child's waker is a pointer to its [`Entry`] counting a strong
//! reference to the block: `join_all` allocates once for all its children, a growing set
//! once per doubling. The parent polls a child through a [`WakerRef`], which borrows the
//! entry and touches no count; only a child that keeps the waker (clones it) takes one.
//!
//! This is the crate's second `unsafe` module, with the same kind of reason as the first:
//! a measured cost that safe code could not avoid (`Waker::from` takes one `Arc` per waker).

#![allow(unsafe_code)]

use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::ptr::NonNull;
// std's `Arc`: the waker's data pointer counts references to it. What the wakers
// synchronise on (the flag, the queue) comes from the shim, so loom still sees it.
use std::sync::Arc;
use std::task::{RawWaker, RawWakerVTable, Waker};

use weave_core::loom::sync::atomic::{AtomicBool, Ordering};

use super::Shared;

/// Every child's waker: the blocks, and a pointer to each slot's entry in them.
#[derive(Default)]
pub(super) struct Wakers {
    /// Every block made so far: the entries below point into them.
    blocks: Vec<Arc<Block>>,
    /// The entry of each slot.
    entries: Vec<EntryPtr>,
}

impl Wakers {
    /// How many slots have a waker.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Adds wakers for slots `self.len()..end`, queueing onto `shared`, in one allocation.
    pub(super) fn grow_to(&mut self, shared: &Arc<Shared>, end: usize) {
        if end <= self.entries.len() {
            return;
        }
        let block = Block::new(shared, self.entries.len(), end);
        self.entries.extend(
            block
                .entries
                .iter()
                .map(|entry| EntryPtr(NonNull::from(entry))),
        );
        self.blocks.push(block);
    }

    /// Slot `index`'s waker, to poll its child with; clears the child's `queued` flag.
    pub(super) fn waker_for(&self, index: usize) -> WakerRef<'_> {
        // SAFETY: `self.blocks` holds the block of every entry, and the returned waker
        // borrows `self`, so the block outlives it.
        unsafe { self.entries[index].waker_for_poll() }
    }
}

/// The wake state of children `start..start + entries.len()`, shared by their wakers.
struct Block {
    shared: Arc<Shared>,
    entries: Box<[Entry]>,
}

/// One child's wake state. A waker's data pointer points here.
struct Entry {
    /// The block this entry lives in (so a waker can count references to it).
    block: *const Block,
    /// The slot (`u32`: with the flag, an entry is 16 bytes; sets never get near 2^32).
    index: u32,
    /// Set by the first wake after a poll, cleared by the parent before the next poll: a
    /// child is queued at most once between two polls.
    queued: AtomicBool,
}

// SAFETY: `block` is only dereferenced while a strong count keeps the block alive (see the
// vtable functions), and everything reached through it (`Arc<Shared>`, the atomic flag)
// is itself `Send + Sync`; the raw pointer is the only reason the auto traits are missing.
unsafe impl Send for Entry {}
// SAFETY: as for `Send`: shared access only reads `block` and `index` and uses atomics.
unsafe impl Sync for Entry {}

impl Block {
    /// A block of entries for children `start..end`, queueing onto `shared`.
    fn new(shared: &Arc<Shared>, start: usize, end: usize) -> Arc<Block> {
        Arc::new_cyclic(|block| Block {
            shared: shared.clone(),
            entries: (start..end)
                .map(|index| Entry {
                    index: u32::try_from(index).expect("more than 2^32 children in one set"),
                    // Where the block is being built; only used once it is (and while
                    // counted), by the vtable functions.
                    block: block.as_ptr(),
                    queued: AtomicBool::new(false),
                })
                .collect(),
        })
    }
}

/// A pointer to an entry of a block the list holds an `Arc` of.
#[derive(Clone, Copy)]
struct EntryPtr(NonNull<Entry>);

// SAFETY: it stands for a shared reference to an `Entry`, which is `Sync`.
unsafe impl Send for EntryPtr {}
// SAFETY: as for `Send`.
unsafe impl Sync for EntryPtr {}

impl EntryPtr {
    /// The waker to poll the child with, and a fresh start for its flag.
    ///
    /// # Safety
    ///
    /// - The block this entry lives in must stay alive for `'a` (the caller holds an `Arc`
    ///   of it for at least that long).
    unsafe fn waker_for_poll<'a>(self) -> WakerRef<'a> {
        // SAFETY: the caller keeps the block, and so the entry, alive for 'a.
        let entry = unsafe { self.0.as_ref() };
        // A swap, not a store: reading the last wake's `true` acquires what that child
        // published before waking, even when its wake found the flag already set.
        entry.queued.swap(false, Ordering::AcqRel);
        let raw = RawWaker::new(self.0.as_ptr().cast_const().cast(), &VTABLE);
        WakerRef {
            // SAFETY: `raw` follows `VTABLE`'s contract: it points to a live entry (for 'a,
            // which the returned value cannot outlive). It owns no count, so it is never
            // dropped (`ManuallyDrop`) and only handed out by reference (it cannot be
            // consumed by `wake`); a child that keeps it clones it, taking its own count.
            waker: ManuallyDrop::new(unsafe { Waker::from_raw(raw) }),
            entry: PhantomData,
        }
    }
}

/// A child's waker borrowed from the list: no reference count of its own.
pub(crate) struct WakerRef<'a> {
    waker: ManuallyDrop<Waker>,
    entry: PhantomData<&'a Entry>,
}

impl Deref for WakerRef<'_> {
    type Target = Waker;

    fn deref(&self) -> &Waker {
        &self.waker
    }
}

impl Entry {
    fn wake(&self) {
        // AcqRel: pairs with the parent's clearing swap, so a wake after the parent cleared
        // the flag always queues again.
        if self.queued.swap(true, Ordering::AcqRel) {
            return; // already queued and not yet polled
        }
        // SAFETY: whoever calls `wake` holds a waker, which keeps the block alive.
        let block = unsafe { &*self.block };
        block.shared.push(self.index as usize);
    }
}

/// The wakers' functions. Every `data` pointer is an `EntryPtr`'s: it points to an entry of
/// a live block, and each waker that owns a count (every one but a `WakerRef`'s) owns one
/// strong count of that block.
static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

/// # Safety
///
/// - `data` is a waker's data pointer under `VTABLE`'s contract (its block is alive).
unsafe fn clone(data: *const ()) -> RawWaker {
    // SAFETY: the waker being cloned keeps the block, and so the entry, alive.
    let entry = unsafe { &*data.cast::<Entry>() };
    // SAFETY: `entry.block` is the pointer of the `Arc` that owns the entry (set when the
    // block was built) and the block is alive: adding a count is sound, and the new waker
    // owns it.
    unsafe { Arc::increment_strong_count(entry.block) };
    RawWaker::new(data, &VTABLE)
}

/// # Safety
///
/// - As for [`clone`], and the waker owns a count (it is being consumed).
unsafe fn wake(data: *const ()) {
    // SAFETY: the consumed waker keeps the block alive until `drop_waker` gives up its count.
    unsafe {
        wake_by_ref(data);
        drop_waker(data);
    }
}

/// # Safety
///
/// - As for [`clone`].
unsafe fn wake_by_ref(data: *const ()) {
    // SAFETY: the waker keeps the block, and so the entry, alive.
    unsafe { &*data.cast::<Entry>() }.wake();
}

/// # Safety
///
/// - As for [`clone`], and the waker owns a count, which is given up here.
unsafe fn drop_waker(data: *const ()) {
    // SAFETY: the entry is alive until the count below is given up; nothing touches it after.
    let block = unsafe { (*data.cast::<Entry>()).block };
    // SAFETY: `block` came from the owning `Arc` and this waker owns one of its counts.
    unsafe { Arc::decrement_strong_count(block) };
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::sync::Arc;

    use super::super::Shared;
    use super::Wakers;

    fn queued(shared: &Shared) -> Vec<usize> {
        shared.inner.lock().unwrap().ready.clone()
    }

    #[test]
    fn each_slot_wakes_its_own_index_across_blocks() {
        let shared = Arc::new(Shared::default());
        let mut wakers = Wakers::default();
        for end in [1, 2, 4, 8] {
            wakers.grow_to(&shared, end);
        }
        assert_eq!(wakers.len(), 8);
        for index in (0..8).rev() {
            wakers.waker_for(index).wake_by_ref();
        }
        assert_eq!(queued(&shared), [7, 6, 5, 4, 3, 2, 1, 0]);
    }

    #[test]
    fn a_kept_waker_outlives_the_list_and_queues_once_until_the_next_poll() {
        let shared = Arc::new(Shared::default());
        let mut wakers = Wakers::default();
        wakers.grow_to(&shared, 3);
        let kept = wakers.waker_for(1).clone();
        let other = kept.clone();
        assert!(kept.will_wake(&wakers.waker_for(1)));
        assert!(!kept.will_wake(&wakers.waker_for(2)));
        kept.wake_by_ref();
        other.wake_by_ref();
        assert_eq!(queued(&shared), [1], "queued once between two polls");
        wakers.waker_for(1); // the next poll clears the flag
        drop(wakers); // the block lives on in the kept wakers
        other.wake();
        kept.wake();
        assert_eq!(queued(&shared), [1, 1]);
    }
}
