//! The registrations of one reactor, indexed by the token the OS hands back with each event.
//!
//! A token is `generation << 32 | index`. Removing an entry bumps its slot's generation, so
//! an event still in flight for the old owner (fetched by `epoll_wait` before the removal,
//! dispatched after) carries a token whose generation no longer matches and is dropped:
//! a stale event never wakes the slot's next owner. The driver takes the slab's lock once
//! per batch of events, not once per event.

use mio::Token;
use weave_core::loom::sync::Arc;

use crate::scheduled_io::ScheduledIo;

/// Generations stay below 2^31, so [`WAKER_TOKEN`] can never match an entry.
const GENERATION_MASK: u32 = 0x7FFF_FFFF;

/// The token of the driver's own `mio::Waker`.
pub(crate) const WAKER_TOKEN: Token = Token(usize::MAX);

struct Entry {
    generation: u32,
    io: Option<Arc<ScheduledIo>>,
}

/// Slots of live registrations plus a free list of vacant ones.
#[derive(Default)]
pub(crate) struct Slab {
    entries: Vec<Entry>,
    free: Vec<u32>,
}

fn split(token: Token) -> (usize, u32) {
    let index = token.0 & 0xFFFF_FFFF;
    let generation = (token.0 >> 32) as u32;
    (index, generation)
}

impl Slab {
    /// Stores `io`, reusing a vacant slot if any, and returns its token.
    pub(crate) fn insert(&mut self, io: Arc<ScheduledIo>) -> Token {
        let index = match self.free.pop() {
            Some(index) => index as usize,
            None => {
                assert!(
                    self.entries.len() < u32::MAX as usize,
                    "weave-reactor: more than 2^32 live registrations"
                );
                self.entries.push(Entry {
                    generation: 0,
                    io: None,
                });
                self.entries.len() - 1
            }
        };
        let entry = &mut self.entries[index];
        entry.io = Some(io);
        Token(((entry.generation as usize) << 32) | index)
    }

    /// The registration `token` names, if it is still the slot's current owner.
    pub(crate) fn get(&self, token: Token) -> Option<&Arc<ScheduledIo>> {
        let (index, generation) = split(token);
        let entry = self.entries.get(index)?;
        if entry.generation != generation {
            return None;
        }
        entry.io.as_ref()
    }

    /// Vacates `token`'s slot (a no-op for a stale token) and returns what it held.
    pub(crate) fn remove(&mut self, token: Token) -> Option<Arc<ScheduledIo>> {
        let (index, generation) = split(token);
        let entry = self.entries.get_mut(index)?;
        if entry.generation != generation {
            return None;
        }
        let io = entry.io.take()?;
        entry.generation = entry.generation.wrapping_add(1) & GENERATION_MASK;
        self.free.push(index as u32);
        Some(io)
    }

    /// Every live registration.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Arc<ScheduledIo>> {
        self.entries.iter().filter_map(|e| e.io.as_ref())
    }

    /// Live registrations (for `Debug`).
    pub(crate) fn len(&self) -> usize {
        self.entries.len() - self.free.len()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_reused_slot_rejects_the_old_token() {
        let mut slab = Slab::default();
        let old = slab.insert(Arc::default());
        assert!(slab.get(old).is_some());
        assert!(slab.remove(old).is_some());
        let new = slab.insert(Arc::default());
        assert_eq!(new.0 & 0xFFFF_FFFF, old.0 & 0xFFFF_FFFF, "slot reused");
        assert_ne!(new, old);
        assert!(slab.get(old).is_none());
        assert!(
            slab.remove(old).is_none(),
            "a stale remove must not evict the new owner"
        );
        assert!(slab.get(new).is_some());
        assert_eq!(slab.len(), 1);
    }

    #[test]
    fn the_waker_token_never_names_an_entry() {
        let mut slab = Slab::default();
        for _ in 0..3 {
            let t = slab.insert(Arc::default());
            slab.remove(t);
        }
        slab.insert(Arc::default());
        assert!(slab.get(WAKER_TOKEN).is_none());
    }
}
