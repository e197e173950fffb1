//! Loom models of the reactor's concurrent pieces, each standing alone (no mio, no
//! executor): the readiness word, the waker slots, the slab, the driver's sleep state.

use std::sync::Arc as StdArc;
use std::task::{Context, Poll, Wake, Waker};

use weave_core::loom::sync::atomic::{
    AtomicBool, Ordering::Acquire, Ordering::Relaxed, Ordering::Release,
};
use weave_core::loom::sync::{Arc, Condvar, Mutex};
use weave_core::loom::thread;

use crate::park_state::ParkState;
use crate::ready::{Direction, Ready};
use crate::scheduled_io::ScheduledIo;
use crate::slab::Slab;

/// A waker that records that it was woken.
struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: StdArc<Self>) {
        self.0.store(true, Release);
    }
}

fn flag_waker() -> (StdArc<Flag>, Waker) {
    let flag = StdArc::new(Flag(AtomicBool::new(false)));
    (flag.clone(), Waker::from(flag))
}

fn deliver(io: &ScheduledIo, ready: Ready) {
    let mut wake = Vec::new();
    io.set_readiness(ready, &mut wake);
    wake.into_iter().for_each(Waker::wake);
}

/// A task clears the readiness it acted on (after `WouldBlock`) while the driver delivers a
/// new edge: if the task's snapshot predates the new edge, the edge survives the clear.
#[test]
fn loom_readiness_set_racing_clear_loses_no_edge() {
    loom::model(|| {
        let io = Arc::new(ScheduledIo::default());
        deliver(&io, Ready::READABLE); // tick 1: the edge the task is acting on
        let task = {
            let io = io.clone();
            thread::spawn(move || {
                let (_flag, waker) = flag_waker();
                let mut cx = Context::from_waker(&waker);
                let Poll::Ready(Ok(seen)) = io.poll_ready(&mut cx, Direction::Read) else {
                    panic!("readiness delivered before the task started must be visible");
                };
                io.clear_readiness(seen); // the recv said WouldBlock
                seen
            })
        };
        deliver(&io, Ready::READABLE); // tick 2: data arrived after the task's recv
        let seen = task.join().unwrap();
        if seen.tick == 1 {
            assert!(
                io.ready_now().intersects(Ready::READABLE),
                "the driver's newer edge was cleared by a stale snapshot"
            );
        }
    });
}

/// A task registering its waker races the driver delivering readiness: the task either
/// sees the readiness or is woken.
#[test]
fn loom_waker_registration_racing_an_event_is_never_lost() {
    loom::model(|| {
        let io = Arc::new(ScheduledIo::default());
        let task = {
            let io = io.clone();
            thread::spawn(move || {
                let (flag, waker) = flag_waker();
                let mut cx = Context::from_waker(&waker);
                let ready = io.poll_ready(&mut cx, Direction::Write).is_ready();
                (ready, flag)
            })
        };
        deliver(&io, Ready::WRITABLE);
        let (ready, flag) = task.join().unwrap();
        assert!(ready || flag.0.load(Acquire), "wakeup lost");
    });
}

/// A registration is dropped (its slot reused by a new one) while the driver dispatches an
/// event fetched for the old one: the new owner is never made ready by it.
#[test]
fn loom_stale_event_never_wakes_the_slots_next_owner() {
    loom::model(|| {
        let slab = Arc::new(Mutex::new(Slab::default()));
        let old = slab.lock().unwrap().insert(Arc::default());
        let driver = {
            let slab = slab.clone();
            thread::spawn(move || {
                let slab = slab.lock().unwrap();
                if let Some(io) = slab.get(old) {
                    deliver(io, Ready::READABLE);
                }
            })
        };
        let new_io = Arc::new(ScheduledIo::default());
        let new = {
            let mut slab = slab.lock().unwrap();
            drop(slab.remove(old));
            slab.insert(new_io.clone())
        };
        driver.join().unwrap();
        assert_ne!(new, old);
        assert!(
            new_io.ready_now().is_empty(),
            "a stale event reached the new owner"
        );
        drop(slab.lock().unwrap().remove(new));
    });
}

/// The driver's sleep state: an `unpark` racing the driver going to sleep in "epoll"
/// (modelled by a mutex-protected eventfd flag) always ends the sleep or prevents it.
#[test]
fn loom_unpark_racing_park_never_sleeps_through() {
    loom::model(|| {
        let state = Arc::new(ParkState::default());
        let eventfd = Arc::new((Mutex::new(false), Condvar::new()));
        let work = Arc::new(AtomicBool::new(false));
        let unparker = {
            let (state, eventfd, work) = (state.clone(), eventfd.clone(), work.clone());
            thread::spawn(move || {
                work.store(true, Relaxed);
                if state.unpark() {
                    *eventfd.0.lock().unwrap() = true;
                    eventfd.1.notify_one();
                }
            })
        };
        // The driver: sleep until the work published before the unpark is visible.
        while !work.load(Relaxed) {
            if state.enter_park() {
                let mut written = eventfd.0.lock().unwrap();
                while !*written {
                    written = eventfd.1.wait(written).unwrap();
                }
                *written = false;
            }
            state.leave_park();
        }
        unparker.join().unwrap();
    });
}
