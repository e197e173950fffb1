//! Pool behaviour: results, panics, thread limits, keep-alive, not blocking async threads.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use futures::executor::block_on;
use weave_executor::LocalExecutor;

use crate::{BlockingPool, Builder, Handle};

/// A latch the test opens once; closures block on it.
#[derive(Default)]
struct Gate {
    open: Mutex<bool>,
    cv: Condvar,
}

impl Gate {
    fn wait(&self) {
        let mut open = self.open.lock().unwrap();
        while !*open {
            open = self.cv.wait(open).unwrap();
        }
    }
    fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.cv.notify_all();
    }
}

#[test]
fn a_panic_becomes_a_join_error() {
    let pool = BlockingPool::new();
    let h = pool
        .handle()
        .spawn_blocking(|| -> u32 { panic!("deliberate") });
    let err = block_on(h).unwrap_err();
    assert!(err.is_panic());
    let payload = err.into_panic();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"deliberate"));
    // The thread that caught the panic keeps serving.
    assert_eq!(block_on(pool.handle().spawn_blocking(|| 5)).unwrap(), 5);
}

#[test]
fn never_more_threads_than_the_maximum() {
    let pool = Builder::new().max_threads(3).build();
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(Gate::default());
    let handles: Vec<_> = (0..12)
        .map(|_| {
            let (running, peak, gate) = (running.clone(), peak.clone(), gate.clone());
            pool.handle().spawn_blocking(move || {
                let now = running.fetch_add(1, SeqCst) + 1;
                peak.fetch_max(now, SeqCst);
                gate.wait();
                running.fetch_sub(1, SeqCst);
            })
        })
        .collect();
    // Wait until the pool is saturated, then let everything finish.
    while running.load(SeqCst) < 3 {
        std::thread::yield_now();
    }
    gate.open();
    for h in handles {
        block_on(h).unwrap();
    }
    assert_eq!(peak.load(SeqCst), 3);
    assert!(pool.handle().inner_threads() <= 3);
}

#[test]
fn idle_threads_exit_after_the_keep_alive() {
    let pool = Builder::new().keep_alive(Duration::from_millis(5)).build();
    block_on(pool.handle().spawn_blocking(|| ())).unwrap();
    // No timing assertion: the thread must leave eventually, however slow the machine.
    while pool.handle().inner_threads() > 0 {
        std::thread::sleep(Duration::from_millis(1));
    }
    // And a new submission starts a new thread.
    assert_eq!(block_on(pool.handle().spawn_blocking(|| 9)).unwrap(), 9);
}

#[test]
fn async_tasks_keep_running_while_100_blocking_closures_sleep() {
    // Fewer under miri, where each thread is interpreted.
    const CLOSURES: usize = if cfg!(miri) { 8 } else { 100 };
    let ex = LocalExecutor::new();
    let gate = Arc::new(Gate::default());
    let started = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..CLOSURES)
        .map(|_| {
            let (gate, started) = (gate.clone(), started.clone());
            crate::spawn_blocking(move || {
                started.fetch_add(1, SeqCst);
                gate.wait();
            })
        })
        .collect();
    // An async task that only finishes if the executor thread is free to run it.
    let progress = ex.spawn(async move {
        for _ in 0..1_000 {
            weave_core::task::yield_now().await;
        }
        1_000
    });
    let started_all = started.clone();
    let done = ex.block_on(async move {
        let n = progress.await.unwrap();
        // All closures are running at once (the pool grew to one thread each), blocked.
        while started_all.load(SeqCst) < CLOSURES {
            weave_core::task::yield_now().await;
        }
        gate.open();
        for h in handles {
            h.await.unwrap();
        }
        n
    });
    assert_eq!(done, 1_000);
}

#[test]
fn enter_makes_a_pool_current_and_guards_nest() {
    let outer = Builder::new().thread_name("outer-pool").build();
    let inner = Builder::new().thread_name("inner-pool").build();
    let name = || std::thread::current().name().map(String::from);
    let _a = outer.handle().enter();
    {
        let _b = inner.handle().enter();
        assert_eq!(
            block_on(crate::spawn_blocking(name)).unwrap().as_deref(),
            Some("inner-pool")
        );
    }
    assert_eq!(
        block_on(crate::spawn_blocking(name)).unwrap().as_deref(),
        Some("outer-pool")
    );
    // Work spawned from a pool thread stays on that pool.
    let nested = block_on(
        outer
            .handle()
            .spawn_blocking(move || block_on(crate::spawn_blocking(name))),
    );
    assert_eq!(nested.unwrap().unwrap().as_deref(), Some("outer-pool"));
    assert!(Handle::try_current().is_some());
}

#[test]
fn shutdown_finishes_queued_work_and_cancels_later_work() {
    let pool = Builder::new().max_threads(1).build();
    let gate = Arc::new(Gate::default());
    let g = gate.clone();
    let first = pool.handle().spawn_blocking(move || g.wait());
    let queued = pool.handle().spawn_blocking(|| "queued ran");
    let handle = pool.handle().clone();
    let stopper = std::thread::spawn(move || pool.shutdown_timeout(Duration::from_secs(600)));
    while !handle.inner_is_shutdown() {
        std::thread::yield_now();
    }
    let late = handle.spawn_blocking(|| "late ran");
    gate.open();
    assert!(stopper.join().unwrap());
    block_on(first).unwrap();
    assert_eq!(block_on(queued).unwrap(), "queued ran");
    assert!(block_on(late).unwrap_err().is_cancelled());
}
