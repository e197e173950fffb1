//! The driver's sleep state, so an `unpark` writes the eventfd only when the driver is
//! actually blocked in `epoll_wait` (PERF.md: tokio pays a syscall on every remote wake).
//!
//! | state | meaning |
//! |---|---|
//! | `EMPTY` | the driver is not sleeping and no notification is pending |
//! | `PARKED` | the driver is in (or about to enter) `epoll_wait` with a timeout |
//! | `NOTIFIED` | an unpark came: the next park must not sleep |
//!
//! Every transition is a read-modify-write, so each side reads the other's latest write
//! (the lesson of `weave_core::ThreadParker`: consume a notification with a swap, never a
//! store, or a second `unpark`'s published writes can be missed).

use weave_core::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};

const EMPTY: usize = 0;
const PARKED: usize = 1;
const NOTIFIED: usize = 2;

#[derive(Debug, Default)]
pub(crate) struct ParkState {
    state: AtomicUsize,
}

impl ParkState {
    /// Before a blocking `epoll_wait`: `true` if the driver may sleep (it is now `PARKED`),
    /// `false` if a notification was pending (consumed; poll without sleeping).
    pub(crate) fn enter_park(&self) -> bool {
        match self.state.compare_exchange(EMPTY, PARKED, SeqCst, SeqCst) {
            Ok(_) => true,
            Err(NOTIFIED) => {
                // A swap, not a store: reading the latest NOTIFIED is what makes the
                // unparker's earlier writes visible to us.
                self.state.swap(EMPTY, SeqCst);
                false
            }
            Err(actual) => {
                panic!("weave-reactor: ReactorDriver parked from two threads (state {actual})")
            }
        }
    }

    /// After `epoll_wait` returned: back to `EMPTY`, consuming a notification that came
    /// while asleep (its eventfd write already ended the sleep or will end the next one
    /// early, which is only a spurious wake-up).
    pub(crate) fn leave_park(&self) {
        self.state.swap(EMPTY, SeqCst);
    }

    /// Records a notification. `true` if the driver is sleeping and must be woken through
    /// the OS (the eventfd).
    pub(crate) fn unpark(&self) -> bool {
        self.state.swap(NOTIFIED, SeqCst) == PARKED
    }
}
