//! The hierarchical timing wheel: 6 levels × 64 slots at 1 ms per tick.
//!
//! The idea is Varghese & Lauck's hierarchical wheel ("Hashed and Hierarchical Timing
//! Wheels", 1987), in the form of tokio's and the Linux kernel's: level 0 has one slot per
//! millisecond for the next 64 ms, level 1 one slot per 64 ms for the next ~4 s, and so on;
//! each level is 64 times coarser. A timer is filed at the level of the highest bit in which
//! its deadline differs from the wheel's current time, so insert and remove are O(1) (a
//! push onto, or an unlink from, a doubly linked list, and one bit in an occupancy word per
//! level). When a coarse slot comes due, its timers are re-filed into finer levels; each
//! timer cascades at most 5 times in its life, and most are cancelled before it happens.
//!
//! Why these numbers:
//! - **1 ms ticks**: the resolution users expect from `sleep` (and tokio's); a finer tick buys
//!   nothing while the OS wakes threads with ~50 µs to 1 ms of jitter anyway, and a coarser one
//!   would make `sleep(1ms)` take up to twice as long.
//! - **64 slots**: one `u64` occupancy word per level finds the next due slot with one
//!   rotate and `trailing_zeros`.
//! - **6 levels**: 64^6 ms ≈ 2.2 years before deadlines need clamping, in 6 × 64 + 1 list
//!   heads (3 KiB per shard). Later deadlines sit in the top level and are re-filed each
//!   time their slot comes round (every ~2.2 years), so `sleep(Duration::MAX)` works.
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

pub(crate) struct Wheel {
    /// The tick up to which the wheel has been advanced.
    elapsed: u64,
    /// Bit `s` of `occupied[l]` is set iff slot `s` of level `l` holds a timer.
    occupied: [u64; LEVELS],
    /// List heads: `level * 64 + slot`, then the pending list.
    heads: [Option<NonNull<Entry>>; LEVELS * SLOTS + 1],
    /// The pending list is a queue (timers fire in deadline order, then registration
    /// order); slots are stacks, walked from the oldest end when they come due.
    pending_tail: Option<NonNull<Entry>>,
    len: usize,
}

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
            heads: [None; LEVELS * SLOTS + 1],
            pending_tail: None,
            len: 0,
        }
    }

    /// The tick up to which timers have been moved to the pending list.
    pub(crate) fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// Number of linked timers (filed or pending).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
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

    /// Files `entry` to fire at tick `when`.
    ///
    /// # Safety
    /// - `entry` is alive, not linked, and stays pinned until it is unlinked from this wheel;
    ///   the caller holds the lock guarding this wheel.
    /// - `when > self.elapsed()` (due timers go through [`push_pending`](Wheel::push_pending)).
    pub(crate) unsafe fn insert(&mut self, entry: NonNull<Entry>, when: u64) {
        debug_assert!(when > self.elapsed && when <= MAX_TICK);
        let list = self.list_for(when);
        // SAFETY: forwarded from the caller.
        unsafe { self.push(entry, list) }
    }

    /// # Safety
    /// - As for [`insert`](Wheel::insert).
    unsafe fn push(&mut self, entry: NonNull<Entry>, list: u16) {
        if list == PENDING {
            // SAFETY: forwarded from the caller.
            unsafe { self.push_pending_back(entry) };
            return;
        }
        let head = self.heads[list as usize];
        // SAFETY: the caller guarantees `entry` and every linked entry are alive and that we
        // hold the lock guarding their nodes.
        unsafe {
            entry.as_ref().set_node(Node {
                prev: None,
                next: head,
                list,
            });
            if let Some(head) = head {
                let mut node = head.as_ref().node();
                node.prev = Some(entry);
                head.as_ref().set_node(node);
            }
        }
        self.heads[list as usize] = Some(entry);
        self.occupied[list as usize / SLOTS] |= 1 << (list as usize % SLOTS);
        self.len += 1;
    }

    /// # Safety
    /// - As for [`insert`](Wheel::insert).
    unsafe fn push_pending_back(&mut self, entry: NonNull<Entry>) {
        let tail = self.pending_tail;
        // SAFETY: as in `push`.
        unsafe {
            entry.as_ref().set_node(Node {
                prev: tail,
                next: None,
                list: PENDING,
            });
            match tail {
                Some(tail) => {
                    let mut node = tail.as_ref().node();
                    node.next = Some(entry);
                    tail.as_ref().set_node(node);
                }
                None => self.heads[PENDING as usize] = Some(entry),
            }
        }
        self.pending_tail = Some(entry);
        self.len += 1;
    }

    /// Appends a chain of `count` entries, linked `oldest` to `newest` through `next` and
    /// already marked as pending, to the pending list.
    ///
    /// # Safety
    /// - The chain's entries are alive and in no list; the caller holds the lock.
    unsafe fn append_pending(
        &mut self,
        oldest: NonNull<Entry>,
        newest: NonNull<Entry>,
        count: usize,
    ) {
        match self.pending_tail {
            // SAFETY: linked entries are alive; we hold the lock.
            Some(tail) => unsafe {
                let mut node = tail.as_ref().node();
                node.next = Some(oldest);
                tail.as_ref().set_node(node);
                let mut node = oldest.as_ref().node();
                node.prev = Some(tail);
                oldest.as_ref().set_node(node);
            },
            None => self.heads[PENDING as usize] = Some(oldest),
        }
        self.pending_tail = Some(newest);
        self.len += count;
    }

    /// Takes `entry` out of whatever list holds it; false if it was not linked.
    ///
    /// # Safety
    /// - `entry` is alive and, if linked, linked in this wheel; the caller holds its lock.
    pub(crate) unsafe fn unlink(&mut self, entry: NonNull<Entry>) -> bool {
        // SAFETY: the caller holds the lock; linked neighbours are alive (their owners
        // unlink them under this lock before freeing them).
        unsafe {
            let node = entry.as_ref().node();
            if node.list == UNLINKED {
                return false;
            }
            match node.prev {
                Some(prev) => {
                    let mut p = prev.as_ref().node();
                    p.next = node.next;
                    prev.as_ref().set_node(p);
                }
                None => self.heads[node.list as usize] = node.next,
            }
            match node.next {
                Some(next) => {
                    let mut n = next.as_ref().node();
                    n.prev = node.prev;
                    next.as_ref().set_node(n);
                }
                None if node.list == PENDING => self.pending_tail = node.prev,
                None => {}
            }
            entry.as_ref().set_node(Node {
                prev: None,
                next: None,
                list: UNLINKED,
            });
            if node.list != PENDING && self.heads[node.list as usize].is_none() {
                self.occupied[node.list as usize / SLOTS] &= !(1 << (node.list as usize % SLOTS));
            }
        }
        self.len -= 1;
        true
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
        self.heads[PENDING as usize].is_some()
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
            let mut cursor = self.heads[list as usize].take();
            self.occupied[list as usize / SLOTS] &= !(1 << (list as usize % SLOTS));
            // One pass, newest to oldest (the slot is a stack). The entries live in the
            // tasks that own them, so each is a cache miss and the pointer chase is the
            // whole cost (it was 70 % of `advance` with 100k sleeping tasks, when a first
            // pass found the oldest end and a second walked back). Prepending each entry to
            // one of two chains turns them oldest-first, so timers due together still fire
            // in registration order, and re-filed ones keep it in their new slot.
            let mut due: Option<(NonNull<Entry>, NonNull<Entry>)> = None; // (oldest, newest)
            let mut due_len = 0;
            let mut refile: Option<NonNull<Entry>> = None; // oldest first, through `next`
            while let Some(entry) = cursor {
                // SAFETY: linked entries are alive and we hold the lock; the chains are
                // private to this loop until spliced or re-filed below.
                unsafe {
                    let entry_ref = entry.as_ref();
                    cursor = entry_ref.node().next;
                    self.len -= 1;
                    // The true deadline: an owner may have moved it later without the lock.
                    let when = entry_ref.state.load(Acquire);
                    debug_assert!(when <= MAX_TICK, "a linked timer has no deadline");
                    if when <= now {
                        let next = due.map(|(oldest, _)| oldest);
                        entry_ref.set_node(Node {
                            prev: None,
                            next,
                            list: PENDING,
                        });
                        due = Some(match due {
                            Some((oldest, newest)) => {
                                let mut node = oldest.as_ref().node();
                                node.prev = Some(entry);
                                oldest.as_ref().set_node(node);
                                (entry, newest)
                            }
                            None => (entry, entry),
                        });
                        due_len += 1;
                    } else {
                        entry_ref.set_node(Node {
                            prev: None,
                            next: refile,
                            list: UNLINKED,
                        });
                        refile = Some(entry);
                    }
                }
            }
            if let Some((oldest, newest)) = due {
                // SAFETY: the chain's entries and the pending tail are alive; we hold the lock.
                unsafe { self.append_pending(oldest, newest, due_len) };
            }
            while let Some(entry) = refile {
                // SAFETY: as above; these entries were just read, so this pass hits the cache.
                unsafe {
                    let entry_ref = entry.as_ref();
                    refile = entry_ref.node().next;
                    let when = entry_ref.state.load(Acquire);
                    if when <= now {
                        // Not possible today (only an owner moving a deadline *later* races
                        // with us), but filing a due timer in a slot would be wrong.
                        self.push(entry, PENDING);
                    } else {
                        self.insert(entry, when);
                    }
                }
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
            let Some(entry) = self.heads[PENDING as usize] else {
                return false;
            };
            // SAFETY: linked entries are alive; we hold the lock.
            unsafe {
                self.unlink(entry);
                let entry_ref = entry.as_ref();
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
        while !batch.is_full() {
            let Some(entry) = self.heads.iter().find_map(|head| *head) else {
                return false;
            };
            // SAFETY: linked entries are alive; we hold the lock.
            unsafe {
                self.unlink(entry);
                if let Some(waker) = entry.as_ref().waker.take() {
                    batch.push(waker);
                }
            }
        }
        true
    }
}

#[cfg(all(test, not(loom)))]
mod tests;
