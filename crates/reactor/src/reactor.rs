//! The state a reactor shares between its driver and every registration: the mio
//! registry, the slab of registrations, the sleep state and the eventfd waker.

use std::fmt;
use std::io;
use std::task::Waker;

use mio::event::Source;
use mio::{Interest, Token};
use weave_core::loom::sync::atomic::{
    AtomicBool, AtomicUsize, Ordering::Acquire, Ordering::Relaxed, Ordering::Release,
};
use weave_core::loom::sync::{Arc, Mutex};

use crate::park_state::ParkState;
use crate::scheduled_io::{reactor_gone, ScheduledIo};
use crate::slab::Slab;

pub(crate) struct Reactor {
    pub(crate) registry: mio::Registry,
    pub(crate) slab: Mutex<Slab>,
    pub(crate) park: ParkState,
    pub(crate) waker: mio::Waker,
    /// Set (under the slab lock) when the driver drops: no new registrations.
    pub(crate) shut_down: AtomicBool,
    /// How many sources are registered (changed under the slab lock, read without it).
    sources: AtomicUsize,
}

impl fmt::Debug for Reactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reactor")
            .field("registrations", &self.slab.lock().unwrap().len())
            .field("shut_down", &self.shut_down.load(Acquire))
            .finish_non_exhaustive()
    }
}

impl Reactor {
    pub(crate) fn new(registry: mio::Registry, waker: mio::Waker) -> Reactor {
        Reactor {
            registry,
            slab: Mutex::new(Slab::default()),
            park: ParkState::default(),
            waker,
            shut_down: AtomicBool::new(false),
            sources: AtomicUsize::new(0),
        }
    }

    /// Whether any source is registered. Only a hint for skipping a zero-timeout poll: a
    /// source registered right after this read is seen by the next poll, and its readiness
    /// waits in epoll until then, so nothing is lost.
    pub(crate) fn has_sources(&self) -> bool {
        self.sources.load(Relaxed) != 0
    }

    /// Adds `source` to the slab and to epoll (edge-triggered, as mio always is).
    pub(crate) fn register(
        &self,
        source: &mut impl Source,
        interest: Interest,
    ) -> io::Result<(Token, Arc<ScheduledIo>)> {
        let io = Arc::new(ScheduledIo::default());
        let token = {
            let mut slab = self.slab.lock().unwrap();
            // Checked under the lock the shutdown sweep takes, so a registration is either
            // swept or refused, never missed.
            if self.shut_down.load(Acquire) {
                return Err(reactor_gone());
            }
            self.sources.fetch_add(1, Relaxed);
            slab.insert(io.clone())
        };
        if let Err(e) = self.registry.register(source, token, interest) {
            self.release(token);
            return Err(e);
        }
        Ok((token, io))
    }

    /// Forgets `token`'s slot (the source is deregistered from epoll by its owner first).
    pub(crate) fn release(&self, token: Token) {
        let removed = {
            let mut slab = self.slab.lock().unwrap();
            let removed = slab.remove(token);
            if removed.is_some() {
                self.sources.fetch_sub(1, Relaxed);
            }
            removed
        };
        // Dropped outside the lock: a waker's destructor may do arbitrary work.
        drop(removed);
    }

    /// Marks the reactor gone and fails every wait, now and later.
    pub(crate) fn shut_down(&self) {
        let mut wake: Vec<Waker> = Vec::new();
        {
            let slab = self.slab.lock().unwrap();
            self.shut_down.store(true, Release);
            for io in slab.iter() {
                io.shutdown(&mut wake);
            }
        }
        wake.into_iter().for_each(Waker::wake);
    }

    pub(crate) fn is_shut_down(&self) -> bool {
        self.shut_down.load(Acquire)
    }

    /// Ends the driver's sleep if it is in `epoll_wait`; otherwise just leaves a note.
    pub(crate) fn unpark(&self) {
        if self.park.unpark() {
            // The eventfd write can only fail if the counter is saturated, which already
            // means "wake up".
            let _ = self.waker.wake();
        }
    }
}
