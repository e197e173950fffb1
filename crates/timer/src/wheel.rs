//! The hierarchical timing wheel: 6 levels × 64 slots at 1 ms per tick.
//!
//! The idea is Varghese & Lauck's hierarchical wheel ("Hashed and Hierarchical Timing
//! Wheels", 1987), in the form of tokio's and the Linux kernel's: level 0 has one slot per
//! millisecond for the next 64 ms, level 1 one slot per 64 ms for the next ~4 s, and so on;
//! each level is 64 times coarser. A timer is filed at the level of the highest bit in which
//! its deadline differs from the wheel's current time, so insert and remove are O(1) (a
//! push onto a slot's array of entry pointers, or a tombstone in it, and one bit in an
//! occupancy word per level). When a coarse slot comes due, its timers are re-filed into finer levels; each
//! timer cascades at most 5 times in its life, and most are cancelled before it happens.
//!
//! Why these numbers:
//! - **1 ms ticks**: the resolution users expect from `sleep` (and tokio's); a finer tick buys
//!   nothing while the OS wakes threads with ~50 µs to 1 ms of jitter anyway, and a coarser one
//!   would make `sleep(1ms)` take up to twice as long.
//! - **64 slots**: one `u64` occupancy word per level finds the next due slot with one
//!   rotate and `trailing_zeros`.
//! - **6 levels**: 64^6 ms ≈ 2.2 years before deadlines need clamping, in 6 × 64 + 1 lists
//!   (12 KiB per shard while empty). Later deadlines sit in the top level and are re-filed
//!   each time their slot comes round (every ~2.2 years), so `sleep(Duration::MAX)` works.
//! - **Arrays, not linked lists**: the entries live in the tasks that own them, so firing a
//!   slot costs one cache miss per timer. Walking an intrusive list takes those misses one
//!   after the other, since each entry's address is in the previous entry; an array of
//!   pointers gives the addresses up front, and the CPU overlaps the misses (100k sleeping
//!   tasks: the list walk was 14-16 % of a two-worker profile). A cancelled timer leaves a
//!   tombstone, so cancelling touches no other entry; a list is compacted (keeping its
//!   order) when tombstones outnumber live entries.
//!
//! The wheel is plain single-threaded data; its shard's mutex guards it.

use std::ptr::NonNull;
use std::task::Waker;

use weave_core::loom::sync::atomic::Ordering::{AcqRel, Acquire};

use crate::entry::{Entry, Node, FIRED, MAX_TICK, UNLINKED};

pub(crate) const LEVELS: usize = 6;
const SLOTS: usize = 64;
const SLOT_BITS: u32 = 6;
const SLOT_MASK: u64 = SLOTS as u64 - 1;
/// Ticks the wheel spans without clamping: 64^6.
const HORIZON: u64 = 1 << (SLOT_BITS as u64 * LEVELS as u64);
/// The list of timers found due and not yet fired.
const PENDING: u16 = (LEVELS * SLOTS) as u16;
/// Every slot, then the pending list.
const LISTS: usize = LEVELS * SLOTS + 1;

pub(crate) struct Wheel {
    /// The tick up to which the wheel has been advanced.
    elapsed: u64,
    /// Bit `s` of `occupied[l]` is set iff slot `s` of level `l` holds a timer.
    occupied: [u64; LEVELS],
    /// `level * 64 + slot`, then the pending list. A fixed-size array, so that indexing
    /// it by a list number needs no length load; boxed, as 12 KiB is much for a stack.
    lists: Box<[List; LISTS]>,
    /// The pending list is a queue (timers fire in deadline order, then filing order): its
    /// entries before this index have been fired or cancelled.
    pending_head: usize,
}

/// One slot's timers (or the pending ones), in the order they were filed.
#[derive(Default)]
struct List {
    /// `None`: a tombstone left by a timer that was unlinked.
    entries: Vec<Option<NonNull<Entry>>>,
    /// How many entries are `Some`.
    live: usize,
}

/// Capacity a list keeps when it empties: bursts of timers do not pin their memory.
const RETAINED: usize = 1024;
/// Lists shorter than this are never compacted (a few tombstones cost less than a pass).
const COMPACT_MIN: usize = 64;

// SAFETY: the wheel only holds pointers to entries whose owners (`Sleep`s) unlink them,
// under the same lock, before they are freed; the entries' shared fields are atomics.
unsafe impl Send for Wheel {}

/// Wakers collected under the lock and woken after it is released.
pub(crate) struct WakeBatch {
    wakers: [Option<Waker>; WakeBatch::CAPACITY],
    len: usize,
}

impl WakeBatch {
    pub(crate) const CAPACITY: usize = 32;

    pub(crate) fn new() -> WakeBatch {
        WakeBatch {
            wakers: Default::default(),
            len: 0,
        }
    }

    fn is_full(&self) -> bool {
        self.len == Self::CAPACITY
    }

    fn push(&mut self, waker: Waker) {
        self.wakers[self.len] = Some(waker);
        self.len += 1;
    }

    /// Wakes and forgets every collected waker; returns how many there were.
    pub(crate) fn wake_all(&mut self) -> usize {
        let n = self.len;
        for slot in &mut self.wakers[..n] {
            if let Some(waker) = slot.take() {
                waker.wake();
            }
        }
        self.len = 0;
        n
    }
}

impl Wheel {
    pub(crate) fn new() -> Wheel {
        Wheel {
            elapsed: 0,
            occupied: [0; LEVELS],
            lists: (0..LISTS)
                .map(|_| List::default())
                .collect::<Box<[List]>>()
                .try_into()
                .unwrap_or_else(|_| unreachable!("LISTS lists were collected")),
            pending_head: 0,
        }
    }

    /// The tick up to which timers have been moved to the pending list.
    pub(crate) fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// Number of linked timers (filed or pending). Derived from the lists' counts rather
    /// than kept as its own counter, which only tests would read.
    #[cfg(all(test, not(loom)))]
    pub(crate) fn len(&self) -> usize {
        self.lists.iter().map(|list| list.live).sum()
    }

    /// Panics unless each list's count of live timers matches the entries it holds.
    #[cfg(all(test, not(loom)))]
    pub(crate) fn assert_counts(&self) {
        for (number, list) in self.lists.iter().enumerate() {
            let start = self.first_index(number as u16);
            let linked = list.entries[start..].iter().flatten().count();
            assert_eq!(list.live, linked, "list {number} miscounts its timers");
        }
    }

    /// The live entries of the pending list, front to back.
    #[cfg(all(test, not(loom)))]
    pub(crate) fn pending(&self) -> Vec<NonNull<Entry>> {
        self.lists[PENDING as usize].entries[self.pending_head..]
            .iter()
            .flatten()
            .copied()
            .collect()
    }

    /// The list a deadline belongs in, given the current `elapsed`.
    fn list_for(&self, when: u64) -> u16 {
        // The highest bit where `when` differs from `elapsed` picks the level; beyond the
        // horizon, the top level (the slot then wraps round and the timer is re-filed).
        let masked = ((self.elapsed ^ when) | SLOT_MASK).min(HORIZON - 1);
        let level = (63 - masked.leading_zeros()) / SLOT_BITS;
        let slot = (when >> (level * SLOT_BITS)) & SLOT_MASK;
        (level as usize * SLOTS + slot as usize) as u16
    }

    /// Where `list`'s entries begin: the pending list's fired prefix is not its own.
    #[inline]
    fn first_index(&self, list: u16) -> usize {
        if list == PENDING {
            self.pending_head
        } else {
            0
        }
    }

    #[inline]
    fn set_occupied(&mut self, list: u16, occupied: bool) {
        if list == PENDING {
            return;
        }
        let bit = 1 << (list as usize % SLOTS);
        let word = &mut self.occupied[list as usize / SLOTS];
        if occupied {
            *word |= bit;
        } else {
            *word &= !bit;
        }
    }

    /// Files `entry` to fire at tick `when`.
    ///
    /// # Safety
    /// - `entry` is alive, not linked, and stays pinned until it is unlinked from this wheel;
    ///   the caller holds the lock guarding this wheel.
    /// - `when > self.elapsed()`.
    #[inline]
    pub(crate) unsafe fn insert(&mut self, entry: NonNull<Entry>, when: u64) {
        debug_assert!(when > self.elapsed && when <= MAX_TICK);
        let list = self.list_for(when);
        // SAFETY: forwarded from the caller.
        unsafe { self.push(entry, list) }
    }

    /// Appends `entry` to `list`.
    ///
    /// # Safety
    /// - As for [`insert`](Wheel::insert).
    #[inline]
    unsafe fn push(&mut self, entry: NonNull<Entry>, list: u16) {
        let target = &mut self.lists[list as usize];
        let index = u32::try_from(target.entries.len())
            .expect("weave-timer: more than 4 billion timers in one wheel slot");
        target.entries.push(Some(entry));
        target.live += 1;
        // SAFETY: the caller guarantees `entry` is alive and that we hold the lock.
        unsafe { entry.as_ref().set_node(Node { list, index }) };
        self.set_occupied(list, true);
    }

    /// Takes `entry` out of whatever list holds it; false if it was not linked.
    ///
    /// # Safety
    /// - `entry` is alive and, if linked, linked in this wheel; the caller holds its lock.
    #[inline]
    pub(crate) unsafe fn unlink(&mut self, entry: NonNull<Entry>) -> bool {
        // SAFETY: the caller holds the lock and `entry` is alive.
        let node = unsafe { entry.as_ref().node() };
        if node.list == UNLINKED {
            return false;
        }
        // SAFETY: as above.
        unsafe { entry.as_ref().set_node(Node::UNLINKED) };
        let list = &mut self.lists[node.list as usize];
        debug_assert_eq!(list.entries[node.index as usize], Some(entry));
        list.live -= 1;
        if list.live == 0 {
            // The common case for cancelled timeouts: alone in their slot.
            clear(&mut list.entries);
            if node.list == PENDING {
                self.pending_head = 0;
            }
            self.set_occupied(node.list, false);
            return true;
        }
        list.entries[node.index as usize] = None;
        let (filed, live) = (list.entries.len(), list.live);
        let start = self.first_index(node.list);
        if filed - start >= COMPACT_MIN && live * 2 < filed - start {
            // SAFETY: the list's live entries are alive; we hold the lock.
            unsafe { self.compact(node.list) };
        }
        true
    }

    /// Squeezes the tombstones out of `list` (and the pending list's fired prefix), keeping
    /// the order. Each live entry learns its new index, so the pass touches every one of
    /// them; it runs only once tombstones outnumber them, which keeps it O(1) per unlink.
    ///
    /// # Safety
    /// - The list's live entries are alive; the caller holds the lock.
    #[cold]
    unsafe fn compact(&mut self, list_index: u16) {
        let start = if list_index == PENDING {
            std::mem::replace(&mut self.pending_head, 0)
        } else {
            0
        };
        let list = &mut self.lists[list_index as usize];
        let mut kept = 0;
        for read in start..list.entries.len() {
            if let Some(entry) = list.entries[read] {
                list.entries[kept] = Some(entry);
                // SAFETY: the caller's promise.
                unsafe {
                    entry.as_ref().set_node(Node {
                        list: list_index,
                        index: kept as u32,
                    })
                };
                kept += 1;
            }
        }
        list.entries.truncate(kept);
    }

    /// The earliest non-empty slot and the tick at which it comes due.
    fn next_slot(&self) -> Option<(u16, u64)> {
        // A lower level's timers always precede a higher level's: they lie inside the
        // current slot of every level above.
        let level = self.occupied.iter().position(|&bits| bits != 0)?;
        let shift = level as u32 * SLOT_BITS;
        let slot_range = 1u64 << shift;
        let level_range = slot_range << SLOT_BITS;
        let now_slot = (self.elapsed >> shift) & SLOT_MASK;
        // Above level 0 the current slot was emptied when `elapsed` entered it; a timer
        // there now is one clamped at the horizon, due when the level comes round again,
        // so the search starts after it (and the current slot counts as the farthest).
        let start = if level == 0 {
            now_slot
        } else {
            (now_slot + 1) & SLOT_MASK
        };
        let distance = self.occupied[level]
            .rotate_right(start as u32)
            .trailing_zeros() as u64;
        let slot = (start + distance) & SLOT_MASK;
        let level_start = self.elapsed & !(level_range - 1);
        let mut deadline = level_start + slot * slot_range;
        if level > 0 && slot <= now_slot {
            deadline += level_range;
        }
        debug_assert!(
            level > 0 || slot >= now_slot,
            "a level-0 timer behind the wheel"
        );
        Some(((level * SLOTS) as u16 + slot as u16, deadline))
    }

    /// The tick at which the next slot needs attention (a timer fires or cascades), if any
    /// slot is occupied. Pending timers are not counted: the driver fires them right away.
    pub(crate) fn next_expiration(&self) -> Option<u64> {
        self.next_slot().map(|(_, deadline)| deadline)
    }

    /// True if timers wait on the pending list.
    pub(crate) fn has_pending(&self) -> bool {
        self.lists[PENDING as usize].live > 0
    }

    /// Moves every timer due at tick `now` to the pending list, re-filing the others of
    /// each slot that comes due into finer levels.
    ///
    /// # Safety
    /// - The caller holds the lock; every linked entry is alive (the wheel's invariant).
    pub(crate) unsafe fn advance(&mut self, now: u64) {
        while let Some((list, deadline)) = self.next_slot() {
            if deadline > now {
                break;
            }
            self.elapsed = deadline;
            // Detach the whole slot first: a timer clamped at the horizon may be re-filed
            // into this same slot.
            let mut due = std::mem::take(&mut self.lists[list as usize]);
            self.set_occupied(list, false);
            // Oldest first, so timers due together fire in filing order and re-filed ones
            // keep it in their new slot. The addresses come from the array, not from the
            // entries, so the cache misses on the entries overlap.
            for entry in due.entries.drain(..).flatten() {
                // SAFETY: linked entries are alive and we hold the lock.
                unsafe {
                    // The true deadline: an owner may have moved it later without the lock.
                    let when = entry.as_ref().state.load(Acquire);
                    debug_assert!(when <= MAX_TICK, "a linked timer has no deadline");
                    if when <= now {
                        self.push(entry, PENDING);
                    } else {
                        self.insert(entry, when);
                    }
                }
            }
            // Give the slot its buffer back, unless a re-filed timer started a new one.
            let slot = &mut self.lists[list as usize].entries;
            if slot.is_empty() && due.entries.capacity() <= RETAINED {
                *slot = due.entries;
            }
        }
        self.elapsed = self.elapsed.max(now);
    }

    /// Fires pending timers into `batch` until it is full; returns true if some remain.
    /// `now` is the tick of the last [`advance`](Wheel::advance).
    ///
    /// # Safety
    /// - As for [`advance`](Wheel::advance).
    pub(crate) unsafe fn fire_pending(&mut self, now: u64, batch: &mut WakeBatch) -> bool {
        while !batch.is_full() {
            let pending = &self.lists[PENDING as usize];
            if pending.live == 0 {
                return false;
            }
            // Skip the tombstones of cancelled timers; a live entry exists past the head.
            let Some((index, entry)) = pending.entries[self.pending_head..]
                .iter()
                .enumerate()
                .find_map(|(offset, entry)| entry.map(|entry| (self.pending_head + offset, entry)))
            else {
                unreachable!("the pending list counts a live entry it does not hold");
            };
            // Unlink it here rather than through `unlink`: the fired prefix needs no
            // compaction, only the head moving past it.
            self.pending_head = index + 1;
            let pending = &mut self.lists[PENDING as usize];
            pending.entries[index] = None;
            pending.live -= 1;
            if pending.live == 0 {
                clear(&mut pending.entries);
                self.pending_head = 0;
            }
            // SAFETY: linked entries are alive; we hold the lock.
            unsafe {
                let entry_ref = entry.as_ref();
                entry_ref.set_node(Node::UNLINKED);
                let mut state = entry_ref.state.load(Acquire);
                loop {
                    if state <= MAX_TICK && state > now {
                        // Moved later since it was found due: file it again.
                        self.insert(entry, state);
                        break;
                    }
                    // Publishing FIRED under the lock: the owner frees the entry only after
                    // taking this lock, so touching the waker below is still safe.
                    match entry_ref
                        .state
                        .compare_exchange(state, FIRED, AcqRel, Acquire)
                    {
                        Ok(_) => {
                            if let Some(waker) = entry_ref.waker.take() {
                                batch.push(waker);
                            }
                            break;
                        }
                        // The owner moved the deadline concurrently: look again.
                        Err(actual) => state = actual,
                    }
                }
            }
        }
        self.has_pending()
    }

    /// Unlinks every timer and takes its waker (driver shut down). Returns false once empty.
    ///
    /// # Safety
    /// - As for [`advance`](Wheel::advance).
    pub(crate) unsafe fn drain_for_shutdown(&mut self, batch: &mut WakeBatch) -> bool {
        // Entries before the head are all tombstones, so a scan from 0 is always correct;
        // popping from the back below may leave the list shorter than the head.
        self.pending_head = 0;
        for index in 0..self.lists.len() {
            let list = &mut self.lists[index];
            while let Some(slot) = list.entries.pop() {
                let Some(entry) = slot else { continue };
                list.live -= 1;
                // SAFETY: linked entries are alive; we hold the lock.
                unsafe {
                    entry.as_ref().set_node(Node::UNLINKED);
                    if let Some(waker) = entry.as_ref().waker.take() {
                        batch.push(waker);
                    }
                }
                if batch.is_full() {
                    return true;
                }
            }
            clear(&mut list.entries);
            self.set_occupied(index as u16, false);
        }
        false
    }
}

/// Empties a list's array, keeping at most `RETAINED` entries of capacity.
fn clear(entries: &mut Vec<Option<NonNull<Entry>>>) {
    entries.clear();
    if entries.capacity() > RETAINED {
        entries.shrink_to(RETAINED);
    }
}

#[cfg(all(test, not(loom)))]
mod tests;
