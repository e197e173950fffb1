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
