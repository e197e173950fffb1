//! loom models of the timer's races. Run with `cargo xtask loom -p weave-timer`.
//!
//! Each model drives a real `TimerDriver` (over a loom `ThreadParker`) on a `ManualClock`,
//! so what is checked is the code users run: the AtomicWaker, the FIRED compare-and-swap,
//! the shard lock around cancel, and the parked-until handshake.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc as StdArc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use weave_core::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use weave_core::loom::thread;
use weave_core::{ManualClock, Park, ThreadParker};

use crate::{sleep, Instant, Sleep, TimerDriver};

/// Counts its wake-ups.
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: StdArc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

fn counting_waker() -> (Waker, StdArc<CountingWaker>) {
    let counter = StdArc::new(CountingWaker(AtomicUsize::new(0)));
    (Waker::from(counter.clone()), counter)
}

fn poll(sleep: &mut Pin<Box<Sleep>>, waker: &Waker) -> Poll<()> {
    sleep.as_mut().poll(&mut Context::from_waker(waker))
}

fn driver(clock: &ManualClock) -> TimerDriver<ThreadParker> {
    TimerDriver::with_clock_and_shards(ThreadParker::new(), clock.clone(), 1)
}

/// A registered `Sleep` dropped while the driver fires it: no data race on the entry (loom
/// checks every access to the links), the waker is woken at most once, nothing leaks.
#[test]
fn loom_cancel_racing_fire() {
    loom::model(|| {
        let clock = ManualClock::new();
        clock.set_auto_advance(false);
        let mut driver = driver(&clock);
        let _timer = driver.handle().enter();
        let (waker, wakes) = counting_waker();
        let mut nap = Box::pin(sleep(Duration::from_millis(1)));
        assert!(poll(&mut nap, &waker).is_pending());
        clock.advance(Duration::from_millis(2));

        let firing = thread::spawn(move || {
            driver.park_timeout(Duration::ZERO);
            driver
        });
        drop(nap);
        let driver = firing.join().unwrap();
        assert!(wakes.0.load(SeqCst) <= 1);
        drop(driver);
    });
}

/// The owner sees the timer fired (without any lock) and drops it at once, while the driver
/// may still be taking the waker out of the entry: `Drop` must wait for the driver (it takes
/// the shard lock even when fired). A `Drop` that skipped the lock once fired would free the
/// entry under the driver's feet; loom sees that as an unsynchronised access to the waker slot.
#[test]
fn loom_drop_right_after_fired_waits_for_the_driver() {
    loom::model(|| {
        let clock = ManualClock::new();
        clock.set_auto_advance(false);
        let mut driver = driver(&clock);
        let _timer = driver.handle().enter();
        let (waker, _wakes) = counting_waker();
        let mut nap = Box::pin(sleep(Duration::from_millis(1)));
        assert!(poll(&mut nap, &waker).is_pending());
        clock.advance(Duration::from_millis(2));

        let firing = thread::spawn(move || {
            driver.park_timeout(Duration::ZERO);
            driver
        });
        while !nap.is_elapsed() {
            thread::yield_now();
        }
        drop(nap);
        drop(firing.join().unwrap());
    });
}

/// `reset` to a later deadline racing the driver firing the old one: whichever wins, the
/// sleep is not complete afterwards (it never completes early), and it does complete, with
/// a wake-up, once the new deadline passes.
#[test]
fn loom_reset_later_racing_fire() {
    loom::model(|| {
        let clock = ManualClock::new();
        clock.set_auto_advance(false);
        let mut driver = driver(&clock);
        let _timer = driver.handle().enter();
        let (waker, wakes) = counting_waker();
        let mut nap = Box::pin(sleep(Duration::from_millis(1)));
        assert!(poll(&mut nap, &waker).is_pending());
        clock.advance(Duration::from_millis(2));

        let firing = thread::spawn(move || {
            driver.park_timeout(Duration::ZERO);
            driver
        });
        nap.as_mut()
            .reset(Instant::now() + Duration::from_millis(10));
        let mut driver = firing.join().unwrap();

        assert!(
            poll(&mut nap, &waker).is_pending(),
            "completed before its new deadline"
        );
        let before = wakes.0.load(SeqCst);
        clock.advance(Duration::from_millis(10));
        driver.park_timeout(Duration::ZERO);
        assert!(
            wakes.0.load(SeqCst) > before,
            "not woken at the new deadline"
        );
        assert!(poll(&mut nap, &waker).is_ready());
    });
}

/// A timer registered from another thread while the driver parks with no deadline must
/// wake it (otherwise the model deadlocks): either the driver sees the new deadline before
/// it sleeps, or the registering thread sees the driver asleep and unparks it.
#[test]
fn loom_registration_wakes_a_parked_driver() {
    loom::model(|| {
        let clock = ManualClock::new(); // auto-advance: the driver jumps to the deadline
        let mut driver = driver(&clock);
        let handle = driver.handle();
        let (waker, wakes) = counting_waker();
        let registering = {
            let waker = waker.clone();
            thread::spawn(move || {
                let _timer = handle.enter();
                let mut nap = Box::pin(sleep(Duration::from_millis(5)));
                assert!(poll(&mut nap, &waker).is_pending());
                nap
            })
        };
        driver.park(); // must return: woken by the registration, or fired it
        let mut nap = registering.join().unwrap();
        while wakes.0.load(SeqCst) == 0 {
            driver.park();
        }
        assert!(poll(&mut nap, &waker).is_ready());
    });
}
