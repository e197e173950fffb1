//! Lock and signalling behaviour through the public API.
#![cfg(not(loom))]

use std::sync::Arc;

use futures::executor::block_on;
use futures::FutureExt;
use weave_executor::ThreadPool;
use weave_sync::{Barrier, Event, Mutex, Notify, OnceCell, RwLock, Semaphore};

#[test]
fn mutex_counter_100_tasks_on_pool() {
    let pool = ThreadPool::new(2);
    let (tasks, incs) = if cfg!(miri) { (10, 10) } else { (100, 100) };
    let counter = Arc::new(Mutex::new(0u64));
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let c = counter.clone();
            pool.spawn(async move {
                for _ in 0..incs {
                    let mut g = c.lock().await;
                    let v = *g;
                    weave_core::task::yield_now().await; // hold the lock across a yield
                    *g = v + 1;
                }
            })
        })
        .collect();
    pool.block_on(async {
        for h in handles {
            h.await.unwrap();
        }
    });
    assert_eq!(*block_on(counter.lock()), tasks * incs);
}

#[test]
fn mutex_waiters_are_served_fifo() {
    block_on(async {
        let m = Mutex::new(Vec::new());
        let guard = m.lock().await;
        let mut waiters: Vec<_> = (0..5)
            .map(|i| {
                let m = &m;
                Box::pin(async move { m.lock().await.push(i) })
            })
            .collect();
        for w in &mut waiters {
            assert!(w.as_mut().now_or_never().is_none());
        }
        drop(guard);
        // Polled in reverse: the order must still be the queue's.
        futures::future::join_all(waiters.into_iter().rev()).await;
        assert_eq!(*m.lock().await, [0, 1, 2, 3, 4]);
    });
}

#[test]
fn cancelled_lock_passes_lock_on() {
    block_on(async {
        let m = Mutex::new(0);
        let guard = m.lock().await;
        let mut first = Box::pin(m.lock());
        let mut second = Box::pin(m.lock());
        assert!(first.as_mut().now_or_never().is_none());
        assert!(second.as_mut().now_or_never().is_none());
        drop(guard); // hands the lock to `first`...
        drop(first); // ...which is cancelled: `second` gets it
        *second.await += 1;
        assert_eq!(*m.try_lock().unwrap(), 1);
    });
}

#[test]
fn semaphore_fairness_and_cancelled_acquire() {
    block_on(async {
        let sem = Semaphore::new(2);
        let held = sem.acquire_many(2).await.unwrap();
        let mut big = Box::pin(sem.acquire_many(2));
        let mut small = Box::pin(sem.acquire());
        assert!(big.as_mut().now_or_never().is_none());
        assert!(small.as_mut().now_or_never().is_none());
        drop(held);
        // FIFO: the big request at the front is served first.
        assert!(small.as_mut().now_or_never().is_none());
        let big_permit = big.await.unwrap();
        drop(big_permit);
        let small_permit = small.await.unwrap();
        assert_eq!(sem.available_permits(), 1);
        drop(small_permit);

        // A partially served acquire that is cancelled gives back what it collected.
        let one = sem.acquire().await.unwrap();
        let mut two = Box::pin(sem.acquire_many(2));
        assert!(two.as_mut().now_or_never().is_none()); // holds 1, needs 1 more
        drop(two);
        drop(one);
        assert_eq!(sem.available_permits(), 2);
        sem.close();
        assert!(sem.acquire().await.is_err());
    });
}

#[test]
fn rwlock_writer_blocks_new_readers() {
    block_on(async {
        let lock = RwLock::new(0);
        let r = lock.read().await;
        let mut w = Box::pin(lock.write());
        assert!(w.as_mut().now_or_never().is_none());
        assert!(lock.try_read().is_err(), "a queued writer goes first");
        drop(r);
        *w.await = 1;
        assert_eq!(*lock.read().await, 1);
    });
}

#[test]
fn notify_one_goes_to_another_waiter_when_chosen_one_is_dropped() {
    block_on(async {
        let notify = Notify::new();
        let mut a = Box::pin(notify.notified());
        let mut b = Box::pin(notify.notified());
        assert!(a.as_mut().now_or_never().is_none());
        assert!(b.as_mut().now_or_never().is_none());
        notify.notify_one(); // picks `a`
        drop(a);
        b.await; // completes: the notification moved on
    });
}

#[test]
fn event_barrier_oncecell_across_threads() {
    let pool = ThreadPool::new(2);
    let event = Arc::new(Event::new());
    let barrier = Arc::new(Barrier::new(4));
    let cell = Arc::new(OnceCell::new());
    let inits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (e, b, c, i) = (event.clone(), barrier.clone(), cell.clone(), inits.clone());
            pool.spawn(async move {
                e.wait().await;
                let leader = b.wait().await.is_leader();
                let v = *c
                    .get_or_init(|| async {
                        i.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        7
                    })
                    .await;
                (leader, v)
            })
        })
        .collect();
    event.set();
    let results = pool.block_on(async {
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.unwrap());
        }
        out
    });
    assert_eq!(results.iter().filter(|(l, _)| *l).count(), 1);
    assert!(results.iter().all(|(_, v)| *v == 7));
    assert_eq!(inits.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[test]
fn semaphore_bounds_concurrency_on_pool() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let pool = ThreadPool::new(2);
    let rounds = if cfg!(miri) { 10 } else { 1_000 };
    let sem = Arc::new(Semaphore::new(3));
    let inside = Arc::new(AtomicUsize::new(0));
    let max_seen = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (sem, inside, max_seen) = (sem.clone(), inside.clone(), max_seen.clone());
            pool.spawn(async move {
                for _ in 0..rounds {
                    let _permit = sem.acquire().await.unwrap();
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    max_seen.fetch_max(now, Ordering::SeqCst);
                    weave_core::task::yield_now().await;
                    inside.fetch_sub(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    pool.block_on(async {
        for h in handles {
            h.await.unwrap();
        }
    });
    assert!(max_seen.load(Ordering::SeqCst) <= 3);
    assert_eq!(sem.available_permits(), 3);
}

#[test]
fn rwlock_readers_never_see_a_torn_write_on_pool() {
    let pool = ThreadPool::new(2);
    let rounds = if cfg!(miri) { 10 } else { 1_000 };
    let lock = Arc::new(RwLock::new((0u64, 0u64)));
    let mut handles = Vec::new();
    for i in 0..6 {
        let lock = lock.clone();
        handles.push(pool.spawn(async move {
            for _ in 0..rounds {
                if i % 3 == 0 {
                    let mut w = lock.write().await;
                    w.0 += 1;
                    weave_core::task::yield_now().await;
                    w.1 += 1;
                } else {
                    let r = lock.read().await;
                    assert_eq!(r.0, r.1, "a reader saw a half-done write");
                }
            }
        }));
    }
    pool.block_on(async {
        for h in handles {
            h.await.unwrap();
        }
    });
    assert_eq!(*block_on(lock.read()), (2 * rounds, 2 * rounds));
}

#[test]
fn notify_waiters_wakes_everyone_on_pool() {
    let pool = ThreadPool::new(2);
    let notify = Arc::new(Notify::new());
    let started = Arc::new(Semaphore::new(0));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (notify, started) = (notify.clone(), started.clone());
            pool.spawn(async move {
                let notified = notify.notified();
                started.add_permits(1); // registered (the future captured the epoch)
                notified.await;
            })
        })
        .collect();
    pool.block_on(async {
        started.acquire_many(4).await.unwrap().forget();
        notify.notify_waiters();
        for h in handles {
            h.await.unwrap();
        }
    });
}

#[test]
fn cancelled_barrier_wait_takes_its_arrival_back() {
    block_on(async {
        let barrier = Barrier::new(2);
        let mut first = Box::pin(barrier.wait());
        assert!(first.as_mut().now_or_never().is_none());
        drop(first);
        // One arrival alone must not complete the round.
        let mut second = Box::pin(barrier.wait());
        assert!(second.as_mut().now_or_never().is_none());
        let third = barrier.wait().await;
        assert!(third.is_leader());
        assert!(!second.await.is_leader());
    });
}

#[test]
fn oncecell_cancelled_initializer_lets_the_next_one_run() {
    block_on(async {
        let cell = OnceCell::new();
        let mut stuck = Box::pin(cell.get_or_init(futures::future::pending::<u8>));
        assert!(stuck.as_mut().now_or_never().is_none());
        let mut waiting = Box::pin(cell.get_or_init(|| async { 2 }));
        assert!(waiting.as_mut().now_or_never().is_none()); // queued behind `stuck`
        drop(stuck);
        assert_eq!(*waiting.await, 2);
    });
}

#[test]
fn mutex_guard_map_and_owned_guard_across_threads() {
    let m = Arc::new(Mutex::new((1, String::new())));
    let guard = block_on(m.clone().lock_owned());
    let t = std::thread::spawn(move || {
        let mut g = guard;
        g.1.push('x');
    });
    t.join().unwrap();
    let mut s = weave_sync::MutexGuard::map(block_on(m.lock()), |p| &mut p.1);
    s.push('y');
    drop(s);
    assert_eq!(block_on(m.lock()).1, "xy");
}

#[test]
fn acquiring_zero_permits_never_waits() {
    block_on(async {
        let sem = Semaphore::new(0);
        let mut queued = Box::pin(sem.acquire());
        assert!(queued.as_mut().now_or_never().is_none());
        assert_eq!(sem.acquire_many(0).await.unwrap().num_permits(), 0);
        assert!(sem.try_acquire_many(0).is_ok());
    });
}

#[test]
fn free_lock_and_acquire_loops_still_yield_to_neighbours() {
    // The uncontended paths spend the cooperative budget: a task that only ever takes a free
    // lock or permit must let a neighbour on the same thread run. Without that, this test
    // never ends (the spinning task would hold the only thread for good).
    use std::sync::atomic::{AtomicBool, Ordering};
    let ex = weave_executor::LocalExecutor::new();
    let mutex = Arc::new(Mutex::new(0u64));
    let sem = Arc::new(Semaphore::new(1));
    let stop = Arc::new(AtomicBool::new(false));
    let spinner = {
        let (mutex, sem, stop) = (mutex.clone(), sem.clone(), stop.clone());
        ex.spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                *mutex.lock().await += 1;
                drop(sem.acquire().await.unwrap());
            }
        })
    };
    let stopper = {
        let stop = stop.clone();
        ex.spawn(async move { stop.store(true, Ordering::Relaxed) })
    };
    ex.block_on(async {
        stopper.await.unwrap();
        spinner.await.unwrap();
    });
    assert!(*mutex.try_lock().unwrap() > 0);
}

#[test]
fn barging_is_bounded_a_queued_waiter_is_not_overtaken_forever() {
    // A running task that unlocks and relocks at once may take the lock before the woken
    // waiter runs (barging), but only a bounded number of times: then the lock is handed
    // over. The bound is documented as 4 lost retries; allow some slack, not "forever".
    block_on(async {
        let m = Mutex::new(0u32);
        let mut held = Some(m.lock().await);
        let mut waiter = Box::pin(async { *m.lock().await += 100 });
        assert!(waiter.as_mut().now_or_never().is_none());
        let mut barges = 0;
        loop {
            drop(held.take());
            match m.try_lock() {
                Ok(mut g) => {
                    *g += 1;
                    barges += 1;
                    held = Some(g);
                }
                Err(_) => break,
            }
            assert!(barges <= 8, "a queued waiter was overtaken {barges} times");
            // The waiter was woken to retry; it loses while the barger holds the lock.
            assert!(waiter.as_mut().now_or_never().is_none());
        }
        assert!(
            barges >= 1,
            "a free lock with a waiter still queued can be taken"
        );
        // The lock was handed to the waiter: it completes now without another release.
        assert!(waiter.as_mut().now_or_never().is_some());
        assert_eq!(*m.lock().await, barges + 100);
        // Hand-off ended with the queue: a free lock is taken at once again.
        assert!(m.try_lock().is_ok());
    });
}

#[test]
fn semaphore_starving_front_waiter_gets_permits_handed_over() {
    // Two permits, a front waiter that needs both and tasks that keep taking one: after a
    // bounded number of lost retries the permits are collected for it in order.
    block_on(async {
        let sem = Semaphore::new(2);
        let mut one = Some(sem.acquire().await.unwrap());
        let mut big = Box::pin(sem.acquire_many(2));
        assert!(big.as_mut().now_or_never().is_none());
        let mut rounds = 0;
        loop {
            drop(one.take());
            match sem.try_acquire() {
                Ok(p) => one = Some(p),
                Err(_) => break,
            }
            rounds += 1;
            assert!(rounds <= 8, "the big request was overtaken {rounds} times");
            assert!(big.as_mut().now_or_never().is_none());
        }
        let all = big.await.unwrap();
        assert_eq!(all.num_permits(), 2);
        assert!(sem.try_acquire().is_err());
        drop(all);
        assert_eq!(sem.available_permits(), 2);
    });
}

#[test]
// Under miri the busy loops make this take minutes; the single-threaded tests above run the
// same code paths there.
#[cfg_attr(miri, ignore)]
fn large_acquire_completes_among_single_permit_loops_on_pool() {
    // A liveness check of the barging paths on two threads: a request for every permit
    // (woken to retry, losing, passing retries on, switching to hand-off) completes among
    // tasks that keep taking one permit each, and no permit is lost. It does not prove the
    // bound (the scheduler may give the big request its chance anyway); the single-threaded
    // `semaphore_starving_front_waiter_gets_permits_handed_over` does.
    use std::sync::atomic::{AtomicBool, Ordering};
    let pool = ThreadPool::new(2);
    let sem = Arc::new(Semaphore::new(3));
    let done = Arc::new(AtomicBool::new(false));
    let hammers: Vec<_> = (0..4)
        .map(|_| {
            let (sem, done) = (sem.clone(), done.clone());
            pool.spawn(async move {
                while !done.load(Ordering::SeqCst) {
                    drop(sem.acquire().await.unwrap());
                }
            })
        })
        .collect();
    let big = {
        let (sem, done) = (sem.clone(), done.clone());
        pool.spawn(async move {
            for _ in 0..50 {
                drop(sem.acquire_many(3).await.unwrap());
            }
            done.store(true, Ordering::SeqCst);
        })
    };
    pool.block_on(async {
        big.await.unwrap();
        for h in hammers {
            h.await.unwrap();
        }
    });
    assert_eq!(sem.available_permits(), 3);
}

#[test]
fn cancelled_front_waiter_lets_the_next_take_free_permits() {
    // A front waiter that needs more permits than are free is cancelled while the permits
    // the next waiter needs are free: the next waiter must get them now, not only at the
    // next release (which might never come).
    block_on(async {
        let sem = Semaphore::new(3);
        let _kept = sem.acquire().await.unwrap();
        let mut big = Box::pin(sem.acquire_many(3));
        assert!(big.as_mut().now_or_never().is_none());
        let two = sem.acquire_many(2).await.unwrap(); // barges: two of three were free
        let mut small = Box::pin(sem.acquire());
        assert!(small.as_mut().now_or_never().is_none()); // none free: queued behind `big`
        drop(two); // wakes `big` to retry...
        assert!(big.as_mut().now_or_never().is_none()); // ...which cannot take 3 of 2
        drop(big);
        assert!(
            small.as_mut().now_or_never().is_some(),
            "free permit left unused"
        );
    });
}
