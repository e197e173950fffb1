//! Executors sleep through `Park`, so a driver plugged in with `LocalExecutor::with_park` or
//! `ThreadPool::with_driver` is what idle threads wait in, and its unparker wakes them.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use weave_core::{Park, ThreadParker, Unpark};
use weave_executor::{LocalExecutor, ThreadPool};
use weave_tests::mailbox;

/// A `Park` layer that counts how often it is parked in, and unparked, over a thread parker.
struct CountingDriver {
    inner: ThreadParker,
    parks: Arc<AtomicUsize>,
    unparks: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct CountingUnparker {
    inner: <ThreadParker as Park>::Unparker,
    unparks: Arc<AtomicUsize>,
}

impl CountingDriver {
    fn new() -> (CountingDriver, Arc<AtomicUsize>, Arc<AtomicUsize>) {
        let parks = Arc::new(AtomicUsize::new(0));
        let unparks = Arc::new(AtomicUsize::new(0));
        let driver = CountingDriver {
            inner: ThreadParker::new(),
            parks: parks.clone(),
            unparks: unparks.clone(),
        };
        (driver, parks, unparks)
    }
}

impl Park for CountingDriver {
    type Unparker = CountingUnparker;

    fn unparker(&self) -> CountingUnparker {
        CountingUnparker {
            inner: self.inner.unparker(),
            unparks: self.unparks.clone(),
        }
    }

    fn park(&mut self) {
        self.parks.fetch_add(1, SeqCst);
        self.inner.park();
    }

    fn park_timeout(&mut self, timeout: Duration) {
        self.parks.fetch_add(1, SeqCst);
        self.inner.park_timeout(timeout);
    }
}

impl Unpark for CountingUnparker {
    fn unpark(&self) {
        self.unparks.fetch_add(1, SeqCst);
        self.inner.unpark();
    }
}

/// Spins (sleeping a little) until `done`; a minute without it is a failure, not a hang.
fn wait_until(done: impl Fn() -> bool) {
    for _ in 0..60_000 {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    panic!("condition not reached within a minute");
}

// Both tests wait for threads to go idle with real sleeps; miri has no use for that.
#[test]
#[cfg_attr(miri, ignore)]
fn a_local_executor_sleeps_in_its_driver_and_is_woken_through_it() {
    let (driver, parks, unparks) = CountingDriver::new();
    let ex = LocalExecutor::with_park(driver);
    let (tx, mut rx) = mailbox::<u32>();
    let parked = parks.clone();
    let sender = std::thread::spawn(move || {
        // The executor has nothing to run until this arrives, so it parks in the driver;
        // send only once it did, so the wake must go through the driver's unparker.
        wait_until(|| parked.load(SeqCst) >= 1);
        tx.send(7);
    });
    assert_eq!(ex.block_on(rx.recv()), Some(7));
    sender.join().unwrap();
    assert!(
        parks.load(SeqCst) >= 1,
        "the executor never parked in its driver"
    );
    assert!(
        unparks.load(SeqCst) >= 1,
        "the wake did not go through the driver's unparker"
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_pool_parks_one_idle_worker_in_its_driver() {
    let (driver, parks, unparks) = CountingDriver::new();
    let pool = ThreadPool::with_driver(2, driver);
    // Both workers go idle: one of them waits in the driver.
    wait_until(|| parks.load(SeqCst) >= 1);
    let results: Vec<u32> = pool.block_on(async {
        let handles: Vec<_> = (0..100u32)
            .map(|i| weave_executor::spawn(async move { i }))
            .collect();
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.unwrap());
        }
        out
    });
    assert_eq!(results, (0..100).collect::<Vec<_>>());
    drop(pool);
    // Shutdown (at least) reached the worker sleeping in the driver through its unparker.
    assert!(unparks.load(SeqCst) >= 1);
}
