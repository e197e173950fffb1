//! The readiness word of one registration: which events the OS reported, and a tick that
//! counts the reports.
//!
//! | bits  | meaning |
//! |-------|---------|
//! | 0     | `READABLE` |
//! | 1     | `WRITABLE` |
//! | 2     | `READ_CLOSED` (peer shut down its write side, or hang-up) |
//! | 3     | `WRITE_CLOSED` (our write side can no longer send) |
//! | 4     | `ERROR` |
//! | 7     | `SHUTDOWN`: the reactor is gone; every wait fails from now on |
//! | 8..24 | tick: incremented (mod 2^16) by every event the driver delivers |
//!
//! A task that saw readiness at tick `t` and then got `WouldBlock` clears the bits it saw,
//! but only if the tick is still `t`: if the driver delivered an event in between, that edge
//! may be newer than the `WouldBlock`, and clearing it would lose it forever (the OS
//! reports an edge once). This is tokio's `ScheduledIo` scheme.

use std::fmt;

/// A set of readiness flags.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Ready(usize);

impl Ready {
    pub(crate) const EMPTY: Ready = Ready(0);
    pub(crate) const READABLE: Ready = Ready(1);
    pub(crate) const WRITABLE: Ready = Ready(1 << 1);
    pub(crate) const READ_CLOSED: Ready = Ready(1 << 2);
    pub(crate) const WRITE_CLOSED: Ready = Ready(1 << 3);
    pub(crate) const ERROR: Ready = Ready(1 << 4);
    /// All flags an event can carry.
    const ALL: Ready = Ready(0b1_1111);
    /// Flags that, once seen, stay: a closed direction does not reopen.
    const FINAL: Ready = Ready(Ready::READ_CLOSED.0 | Ready::WRITE_CLOSED.0);

    pub(crate) fn from_mio(event: &mio::event::Event) -> Ready {
        let mut ready = Ready::EMPTY;
        if event.is_readable() {
            ready = ready | Ready::READABLE;
        }
        if event.is_writable() {
            ready = ready | Ready::WRITABLE;
        }
        if event.is_read_closed() {
            ready = ready | Ready::READ_CLOSED;
        }
        if event.is_write_closed() {
            ready = ready | Ready::WRITE_CLOSED;
        }
        if event.is_error() {
            ready = ready | Ready::ERROR;
        }
        ready
    }

    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub(crate) fn intersects(self, other: Ready) -> bool {
        self.0 & other.0 != 0
    }

    pub(crate) fn is_read_closed(self) -> bool {
        self.intersects(Ready::READ_CLOSED)
    }
}

impl std::ops::BitOr for Ready {
    type Output = Ready;
    fn bitor(self, rhs: Ready) -> Ready {
        Ready(self.0 | rhs.0)
    }
}

impl std::ops::BitAnd for Ready {
    type Output = Ready;
    fn bitand(self, rhs: Ready) -> Ready {
        Ready(self.0 & rhs.0)
    }
}

impl fmt::Debug for Ready {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            "READABLE",
            "WRITABLE",
            "READ_CLOSED",
            "WRITE_CLOSED",
            "ERROR",
        ];
        let set: Vec<_> = (0..names.len())
            .filter(|i| self.0 & (1 << i) != 0)
            .map(|i| names[i])
            .collect();
        write!(f, "Ready({})", set.join(" | "))
    }
}

/// Which half of a registration a task waits on; each has its own waker slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

impl Direction {
    /// The flags that end a wait in this direction: an error or a close must wake the
    /// waiter too, so it can see the failure or the end of stream.
    pub(crate) fn mask(self) -> Ready {
        match self {
            Direction::Read => Ready::READABLE | Ready::READ_CLOSED | Ready::ERROR,
            Direction::Write => Ready::WRITABLE | Ready::WRITE_CLOSED | Ready::ERROR,
        }
    }
}

/// The bit that marks a reactor shut down.
pub(crate) const SHUTDOWN: usize = 1 << 7;
const TICK_SHIFT: u32 = 8;
const TICK_MASK: usize = 0xFFFF << TICK_SHIFT;

/// A snapshot of readiness the task acts on; `tick` identifies the report it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ReadyEvent {
    pub(crate) tick: u16,
    pub(crate) ready: Ready,
}

/// The word's tick.
pub(crate) fn tick(word: usize) -> u16 {
    ((word & TICK_MASK) >> TICK_SHIFT) as u16
}

/// The word's readiness flags.
pub(crate) fn ready(word: usize) -> Ready {
    Ready(word & Ready::ALL.0)
}

/// The word after the driver delivers `ready`: flags added, tick advanced.
pub(crate) fn with_event(word: usize, ready: Ready) -> usize {
    let next_tick = (tick(word).wrapping_add(1) as usize) << TICK_SHIFT;
    (word & !TICK_MASK) | (ready.0 & Ready::ALL.0) | next_tick
}

/// The word after a task that saw `event` got `WouldBlock`: `None` if the tick moved
/// (a newer edge arrived; keep it), else the word without the flags the task saw, except
/// the final ones (a closed side stays closed).
pub(crate) fn cleared(word: usize, event: ReadyEvent) -> Option<usize> {
    if tick(word) != event.tick {
        return None;
    }
    let clear = event.ready.0 & !Ready::FINAL.0;
    Some(word & !clear)
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn an_event_sets_flags_and_advances_the_tick() {
        let w = with_event(0, Ready::READABLE);
        assert_eq!(ready(w), Ready::READABLE);
        assert_eq!(tick(w), 1);
        let w = with_event(w, Ready::WRITABLE);
        assert_eq!(ready(w), Ready::READABLE | Ready::WRITABLE);
        assert_eq!(tick(w), 2);
    }

    #[test]
    fn clearing_with_a_stale_tick_keeps_the_newer_edge() {
        let w = with_event(0, Ready::READABLE);
        let seen = ReadyEvent {
            tick: tick(w),
            ready: ready(w),
        };
        let w2 = with_event(w, Ready::READABLE);
        assert_eq!(cleared(w2, seen), None);
        let now = cleared(w, seen).unwrap();
        assert!(ready(now).is_empty());
    }

    #[test]
    fn closed_flags_survive_a_clear_and_shutdown_is_kept() {
        let w = with_event(SHUTDOWN, Ready::READABLE | Ready::READ_CLOSED);
        let seen = ReadyEvent {
            tick: tick(w),
            ready: ready(w),
        };
        let now = cleared(w, seen).unwrap();
        assert_eq!(ready(now), Ready::READ_CLOSED);
        assert_ne!(now & SHUTDOWN, 0);
    }

    #[test]
    fn the_tick_wraps_without_touching_other_bits() {
        let mut w = SHUTDOWN;
        for _ in 0..70_000 {
            w = with_event(w, Ready::WRITABLE);
        }
        assert_eq!(tick(w), (70_000 % 65_536) as u16);
        assert_eq!(ready(w), Ready::WRITABLE);
        assert_ne!(w & SHUTDOWN, 0);
    }

    #[test]
    fn masks_include_errors_and_closes() {
        assert!(Direction::Read.mask().intersects(Ready::ERROR));
        assert!(Direction::Read.mask().intersects(Ready::READ_CLOSED));
        assert!(!Direction::Read.mask().intersects(Ready::WRITABLE));
        assert!(Direction::Write.mask().intersects(Ready::WRITE_CLOSED));
    }
}
