//! Shutting an executor down (dropping it, or `ThreadPool::shutdown`) cancels every
//! unfinished task: each future is dropped, so its destructors run, and each `JoinHandle`
//! resolves to a cancelled error instead of hanging. Spawning afterwards cancels at once.

use std::cell::Cell;
use std::future::pending;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::Waker;

use weave_core::task::yield_now;
use weave_core::{JoinHandle, Spawn};
use weave_executor::{LocalExecutor, ThreadPool};
use weave_tests::{assert_all_cancelled, counted, mailbox, yield_until};

const PARKED: usize = if cfg!(miri) { 50 } else { 1000 };
/// Ping-pong pairs running when an executor is dropped, and the yields the main future makes
/// first to let them get going. Fewer under miri: with the LocalExecutor's hand-off each
/// yield lets every pair bounce up to 15 times, and 50 pairs took miri ~110 s.
const PAIRS: usize = if cfg!(miri) { 8 } else { 50 };
const WARM_UP_YIELDS: usize = if cfg!(miri) { 10 } else { 100 };

/// A task that counts itself as started, then waits forever.
async fn park_forever(started: Arc<AtomicUsize>) {
    started.fetch_add(1, SeqCst);
    pending::<()>().await;
}

#[test]
fn dropping_a_pool_cancels_parked_tasks() {
    let pool = ThreadPool::new(2);
    let live = Arc::new(AtomicUsize::new(0));
    let started = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..PARKED)
        .map(|_| pool.spawn(counted(&live, park_forever(started.clone()))))
        .collect();
    // Every task has been polled once and now sits in no run queue: only the pool's task
    // list still knows it.
    pool.block_on(yield_until(|| started.load(SeqCst) == PARKED));
    assert_eq!(live.load(SeqCst), PARKED);

    drop(pool);
    assert_eq!(live.load(SeqCst), 0, "futures leaked past the pool's drop");
    assert_all_cancelled(handles);
}

#[test]
fn dropping_a_pool_cancels_tasks_never_polled() {
    let pool = ThreadPool::new(2);
    let live = Arc::new(AtomicUsize::new(0));
    let started = Arc::new(AtomicUsize::new(0));
    // Spawned and dropped at once: most are still queued (injector, local queues).
    let handles: Vec<_> = (0..PARKED)
        .map(|_| pool.spawn(counted(&live, park_forever(started.clone()))))
        .collect();
    drop(pool);
    assert_eq!(live.load(SeqCst), 0);
    assert_all_cancelled(handles);
}

#[test]
fn dropping_a_local_executor_cancels_parked_tasks() {
    let ex = LocalExecutor::new();
    let live = Arc::new(AtomicUsize::new(0));
    let started = Rc::new(Cell::new(0));
    let handles: Vec<_> = (0..PARKED)
        .map(|_| {
            // `!Send` tasks: their destructors must run on this thread, during the drop.
            let started = started.clone();
            ex.spawn_local(counted(&live, async move {
                started.set(started.get() + 1);
                pending::<()>().await;
            }))
        })
        .collect();
    ex.block_on(yield_until(|| started.get() == PARKED));
    assert_eq!(live.load(SeqCst), PARKED);

    drop(ex);
    assert_eq!(
        live.load(SeqCst),
        0,
        "futures leaked past the executor's drop"
    );
    assert_all_cancelled(handles);
}

#[test]
fn dropping_a_local_executor_cancels_tasks_never_polled() {
    let ex = LocalExecutor::new();
    let live = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..PARKED)
        .map(|_| ex.spawn(counted(&live, pending::<()>())))
        .collect();
    drop(ex);
    assert_eq!(live.load(SeqCst), 0);
    assert_all_cancelled(handles);
}

#[test]
fn spawning_after_pool_shutdown_is_cancelled_at_once() {
    let pool = ThreadPool::new(2);
    let live = Arc::new(AtomicUsize::new(0));
    pool.shutdown();
    pool.shutdown(); // idempotent
    let handle = pool.spawn(counted(&live, async { 1 }));
    assert_eq!(
        live.load(SeqCst),
        0,
        "a future spawned after shutdown was kept"
    );
    assert!(weave_executor::block_on(handle).unwrap_err().is_cancelled());

    // Through a handle that outlives the pool, too.
    let spawner = pool.handle();
    drop(pool);
    let handle = spawner.spawn(counted(&live, async { 2 }));
    assert!(weave_executor::block_on(handle).unwrap_err().is_cancelled());
    assert_eq!(live.load(SeqCst), 0);
}

#[test]
fn spawning_through_a_local_handle_after_the_executor_dropped_is_cancelled() {
    let ex = LocalExecutor::new();
    let spawner = ex.handle();
    drop(ex);
    let live = Arc::new(AtomicUsize::new(0));
    let handle = spawner.spawn(counted(&live, async { 1 }));
    assert_eq!(live.load(SeqCst), 0);
    assert!(weave_executor::block_on(handle).unwrap_err().is_cancelled());

    // From another thread as well.
    let live2 = live.clone();
    let handle = std::thread::spawn(move || spawner.spawn(counted(&live2, async { 2 })))
        .join()
        .unwrap();
    assert!(weave_executor::block_on(handle).unwrap_err().is_cancelled());
    assert_eq!(live.load(SeqCst), 0);
}

/// Pairs of tasks bouncing a message forever: at shutdown some are running, some queued,
/// some waiting for their partner's wake.
fn spawn_ping_pong_pairs(
    pairs: usize,
    spawner: &impl Spawn,
    live: &Arc<AtomicUsize>,
) -> Vec<JoinHandle<()>> {
    let mut handles = Vec::new();
    for _ in 0..pairs {
        let (to_b, mut b_inbox) = mailbox::<u64>();
        let (to_a, mut a_inbox) = mailbox::<u64>();
        to_b.send(0);
        handles.push(spawner.spawn(counted(live, async move {
            while let Some(n) = b_inbox.recv().await {
                to_a.send(n + 1);
            }
        })));
        handles.push(spawner.spawn(counted(live, async move {
            while let Some(n) = a_inbox.recv().await {
                yield_now().await;
                to_b.send(n + 1);
            }
        })));
    }
    handles
}

#[test]
fn dropping_a_pool_while_tasks_ping_pong() {
    let pool = ThreadPool::new(2);
    let live = Arc::new(AtomicUsize::new(0));
    let handles = spawn_ping_pong_pairs(PAIRS, &pool, &live);
    // Let them get going (any amount of progress will do).
    pool.block_on(async {
        for _ in 0..WARM_UP_YIELDS {
            yield_now().await;
        }
    });
    drop(pool);
    assert_eq!(live.load(SeqCst), 0);
    assert_all_cancelled(handles);
}

#[test]
fn dropping_a_local_executor_while_tasks_ping_pong() {
    let ex = LocalExecutor::new();
    let live = Arc::new(AtomicUsize::new(0));
    let handles = spawn_ping_pong_pairs(PAIRS, &ex.handle(), &live);
    ex.block_on(async {
        for _ in 0..WARM_UP_YIELDS {
            yield_now().await;
        }
    });
    drop(ex);
    assert_eq!(live.load(SeqCst), 0);
    assert_all_cancelled(handles);
}

#[test]
fn waking_a_task_after_its_executor_is_gone_is_harmless() {
    let local_wakers: Arc<Mutex<Vec<Waker>>> = Arc::default();
    let pool_wakers: Arc<Mutex<Vec<Waker>>> = Arc::default();
    let live = Arc::new(AtomicUsize::new(0));
    let capture = |wakers: Arc<Mutex<Vec<Waker>>>| {
        std::future::poll_fn(move |cx| {
            wakers.lock().unwrap().push(cx.waker().clone());
            std::task::Poll::<()>::Pending
        })
    };

    let ex = LocalExecutor::new();
    let local = ex.spawn(counted(&live, capture(local_wakers.clone())));
    let pool = ThreadPool::new(2);
    let pooled = pool.spawn(counted(&live, capture(pool_wakers.clone())));
    // One list per executor: each `block_on` must wait for its own task (the pool's task can
    // be polled before the local executor ever runs its own).
    let polled = |wakers: &Arc<Mutex<Vec<Waker>>>| !wakers.lock().unwrap().is_empty();
    ex.block_on(yield_until(|| polled(&local_wakers)));
    pool.block_on(yield_until(|| polled(&pool_wakers)));
    drop(ex);
    drop(pool);
    assert_eq!(live.load(SeqCst), 0);

    let mut wakers = std::mem::take(&mut *local_wakers.lock().unwrap());
    wakers.append(&mut pool_wakers.lock().unwrap());
    for waker in &wakers {
        waker.wake_by_ref();
    }
    // From another thread, and by value (dropping the last references to the tasks).
    std::thread::spawn(move || wakers.into_iter().for_each(Waker::wake))
        .join()
        .unwrap();
    assert_all_cancelled(vec![local, pooled]);
}
