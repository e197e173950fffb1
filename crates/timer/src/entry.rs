//! One timer's record, stored inside its [`Sleep`](crate::Sleep) (no allocation per timer)
//! and linked into a wheel slot while it waits.
//!
//! Two kinds of field, two owners:
//!
//! | field | who touches it | how |
//! |---|---|---|
//! | `state` | the `Sleep`'s owner and the driver | atomics: the true deadline tick, or `FIRED` |
//! | `waker` | owner registers, driver takes | [`AtomicWaker`] |
//! | `node` (list, index) | whoever holds the shard's lock | plain fields in an `UnsafeCell` |
//!
//! Because the true deadline lives in `state` and not in the links, moving a timer *later*
//! (`Sleep::reset`, every `Interval` tick is not that, but a keep-alive reset is) is one
//! compare-and-swap without the lock: the entry stays in its earlier slot, and when that slot
//! comes due the driver sees the later deadline and re-files it (tokio's trick).

use std::marker::PhantomPinned;

use weave_core::loom::cell::UnsafeCell;
use weave_core::loom::sync::atomic::AtomicU64;

use crate::atomic_waker::AtomicWaker;

/// `state` value: the timer fired (the driver took its waker and unlinked it).
pub(crate) const FIRED: u64 = u64::MAX;
/// `state` value: never put in a wheel (or taken out of it by a reset of a fired timer).
pub(crate) const UNREGISTERED: u64 = u64::MAX - 1;
/// The largest deadline tick (2^62 ms, ~146 million years): later deadlines are clamped to
/// it, which keeps every tick computation far from overflow.
pub(crate) const MAX_TICK: u64 = 1 << 62;

/// `Node::list` value: not in any list.
pub(crate) const UNLINKED: u16 = u16::MAX;

pub(crate) struct Entry {
    /// The deadline tick while registered, else `FIRED` or `UNREGISTERED`.
    pub(crate) state: AtomicU64,
    pub(crate) waker: AtomicWaker,
    /// Guarded by the lock of the shard the entry was registered in.
    node: UnsafeCell<Node>,
    /// Wheels hold pointers to the entry, so it must not move while linked.
    _pin: PhantomPinned,
}

// SAFETY: `node` (the only non-atomic field) is read and written only
// under the lock of the shard the entry is registered in; every other field is atomic.
unsafe impl Send for Entry {}
// SAFETY: as above.
unsafe impl Sync for Entry {}

/// Where the entry is filed: a wheel slot or the pending list, and its place in that list's
/// array of entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Node {
    /// Index of the list holding the entry, or `UNLINKED`.
    pub(crate) list: u16,
    /// The entry's index in that list (meaningless while `UNLINKED`).
    pub(crate) index: u32,
}

impl Node {
    pub(crate) const UNLINKED: Node = Node {
        list: UNLINKED,
        index: 0,
    };
}

impl Entry {
    pub(crate) fn new() -> Entry {
        Entry {
            state: AtomicU64::new(UNREGISTERED),
            waker: AtomicWaker::new(),
            node: UnsafeCell::new(Node::UNLINKED),
            _pin: PhantomPinned,
        }
    }

    /// Reads where the entry is filed.
    ///
    /// # Safety
    /// - The caller holds the lock of the shard this entry is registered in (or the entry
    ///   was never registered and no other thread can see it).
    #[inline]
    pub(crate) unsafe fn node(&self) -> Node {
        // SAFETY: the caller holds the lock that serialises every access to `node`.
        self.node.with(|node| unsafe { *node })
    }

    /// Writes where the entry is filed.
    ///
    /// # Safety
    /// - As for [`node`](Entry::node).
    #[inline]
    pub(crate) unsafe fn set_node(&self, value: Node) {
        // SAFETY: the caller holds the lock that serialises every access to `node`.
        self.node.with_mut(|node| unsafe { *node = value });
    }
}
