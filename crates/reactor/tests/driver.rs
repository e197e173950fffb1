//! `ReactorDriver` as a `Park` layer: timeouts, unparks from other threads, the layer below.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use weave_core::{Park, ThreadParker, Unpark};
use weave_reactor::ReactorDriver;

#[test]
fn park_timeout_returns_with_nothing_to_do() {
    let mut driver = ReactorDriver::new().unwrap();
    driver.park_timeout(Duration::from_millis(1));
    driver.park_timeout(Duration::ZERO);
}

#[test]
fn an_unpark_from_another_thread_ends_a_park() {
    let mut driver = ReactorDriver::new().unwrap();
    for _ in 0..100 {
        let done = Arc::new(AtomicBool::new(false));
        let (d, unparker) = (done.clone(), driver.unparker());
        let t = std::thread::spawn(move || {
            d.store(true, SeqCst);
            unparker.unpark();
        });
        // Parks without a timeout: only the unpark can end it.
        while !done.load(SeqCst) {
            driver.park();
        }
        t.join().unwrap();
    }
}

/// A layer below the reactor that counts how often it is driven and unparked.
struct CountingPark {
    inner: ThreadParker,
    polled: Arc<AtomicUsize>,
    unparked: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct CountingUnpark(weave_core::ThreadUnparker, Arc<AtomicUsize>);

impl Unpark for CountingUnpark {
    fn unpark(&self) {
        self.1.fetch_add(1, SeqCst);
        self.0.unpark();
    }
}

impl Park for CountingPark {
    type Unparker = CountingUnpark;
    fn unparker(&self) -> CountingUnpark {
        CountingUnpark(self.inner.unparker(), self.unparked.clone())
    }
    fn park(&mut self) {
        unreachable!("the reactor sleeps; the layer below is only polled");
    }
    fn park_timeout(&mut self, timeout: Duration) {
        assert_eq!(timeout, Duration::ZERO, "the layer below is only polled");
        self.polled.fetch_add(1, SeqCst);
        self.inner.park_timeout(timeout);
    }
}

#[test]
fn the_layer_below_is_polled_after_each_wait_and_unparked_with_the_reactor() {
    let (polled, unparked) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let mut driver = ReactorDriver::with_park(CountingPark {
        inner: ThreadParker::new(),
        polled: polled.clone(),
        unparked: unparked.clone(),
    })
    .unwrap();
    driver.unparker().unpark();
    driver.park(); // returns at once: the unpark came first
    driver.park_timeout(Duration::from_millis(1));
    assert_eq!(polled.load(SeqCst), 2);
    assert_eq!(unparked.load(SeqCst), 1);
}
