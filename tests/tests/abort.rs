//! `JoinHandle::abort` and `AbortHandle`: an aborted task's future is dropped (its
//! destructors run) and its handle resolves to a cancelled `JoinError`, whether it was
//! idle, queued or running; aborting a finished task changes nothing.

use std::future::pending;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};

use weave_core::task::yield_now;
use weave_core::AbortHandle;
use weave_executor::{LocalExecutor, ThreadPool};
use weave_tests::{counted, yield_until};

/// A future that records that it was polled, then waits forever.
async fn started_then_pending(started: Arc<AtomicBool>) {
    started.store(true, SeqCst);
    pending::<()>().await;
}

#[test]
fn abort_of_an_idle_local_task_drops_its_future() {
    let ex = LocalExecutor::new();
    let live = Arc::new(AtomicUsize::new(0));
    let started = Arc::new(AtomicBool::new(false));
    let handle = ex.spawn(counted(&live, started_then_pending(started.clone())));
    ex.block_on(yield_until(|| started.load(SeqCst)));
    assert_eq!(live.load(SeqCst), 1);
    assert!(!handle.is_finished());

    handle.abort();
    let err = ex
        .block_on(handle)
        .expect_err("an aborted task produced an output");
    assert!(err.is_cancelled(), "{err:?}");
    assert!(!err.is_panic());
    assert!(err.to_string().contains("cancelled"), "{err}");
    assert_eq!(live.load(SeqCst), 0, "the aborted future was not dropped");
    assert!(ex.is_empty());
}

#[test]
fn abort_of_an_idle_pool_task_drops_its_future() {
    let pool = ThreadPool::new(2);
    let live = Arc::new(AtomicUsize::new(0));
    let started = Arc::new(AtomicBool::new(false));
    let handle = pool.spawn(counted(&live, started_then_pending(started.clone())));
    pool.block_on(yield_until(|| started.load(SeqCst)));

    handle.abort();
    let err = pool
        .block_on(handle)
        .expect_err("an aborted task produced an output");
    assert!(err.is_cancelled(), "{err:?}");
    assert_eq!(live.load(SeqCst), 0, "the aborted future was not dropped");
}

#[test]
fn abort_before_the_first_poll() {
    let ex = LocalExecutor::new();
    let live = Arc::new(AtomicUsize::new(0));
    let polled = Arc::new(AtomicBool::new(false));
    let handle = ex.spawn(counted(&live, started_then_pending(polled.clone())));
    handle.abort();
    assert!(ex.block_on(handle).unwrap_err().is_cancelled());
    assert!(!polled.load(SeqCst), "an aborted task was polled");
    assert_eq!(live.load(SeqCst), 0);
}

#[test]
fn abort_from_another_thread_reaches_a_local_executor() {
    let ex = LocalExecutor::new();
    let live = Arc::new(AtomicUsize::new(0));
    let started = Arc::new(AtomicBool::new(false));
    let handle = ex.spawn(counted(&live, started_then_pending(started.clone())));
    ex.block_on(yield_until(|| started.load(SeqCst)));

    let aborter = handle.abort_handle();
    assert_eq!(aborter.id(), handle.id());
    // The executor is parked in `block_on(handle)` (or about to be) while the other thread
    // aborts: the abort must queue the task remotely and wake the executor.
    let thread = std::thread::spawn(move || aborter.abort());
    let err = ex.block_on(handle).unwrap_err();
    thread.join().unwrap();
    assert!(err.is_cancelled(), "{err:?}");
    assert_eq!(live.load(SeqCst), 0);
}

#[test]
fn abort_from_another_thread_reaches_a_pool() {
    let pool = ThreadPool::new(2);
    let live = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..100)
        .map(|_| pool.spawn(counted(&live, pending::<()>())))
        .collect();
    let aborters: Vec<AbortHandle> = handles.iter().map(|h| h.abort_handle()).collect();
    let thread = std::thread::spawn(move || {
        for aborter in &aborters {
            aborter.abort();
        }
        aborters
    });
    for handle in handles {
        assert!(weave_executor::block_on(handle).unwrap_err().is_cancelled());
    }
    let aborters = thread.join().unwrap();
    assert!(aborters.iter().all(AbortHandle::is_finished));
    assert_eq!(live.load(SeqCst), 0);
}

#[test]
fn abort_handle_works_after_the_join_handle_is_dropped() {
    let ex = LocalExecutor::new();
    let live = Arc::new(AtomicUsize::new(0));
    let started = Arc::new(AtomicBool::new(false));
    let handle = ex.spawn(counted(&live, started_then_pending(started.clone())));
    let aborter = handle.abort_handle();
    let second = aborter.clone();
    drop(handle); // detached: the task keeps running
    ex.block_on(yield_until(|| started.load(SeqCst)));
    assert_eq!(live.load(SeqCst), 1);

    aborter.abort();
    ex.block_on(yield_until(|| second.is_finished()));
    assert_eq!(live.load(SeqCst), 0);
    assert!(ex.is_empty());
}

#[test]
fn abort_of_a_finished_task_keeps_its_output() {
    let ex = LocalExecutor::new();
    let handle = ex.spawn(async { 42 });
    ex.block_on(yield_until(|| handle.is_finished()));
    handle.abort();
    handle.abort_handle().abort();
    assert_eq!(
        ex.block_on(handle)
            .expect("abort after completion lost the output"),
        42
    );

    let pool = ThreadPool::new(2);
    let handle = pool.spawn(async { String::from("kept") });
    let aborter = handle.abort_handle();
    pool.block_on(yield_until(|| aborter.is_finished()));
    aborter.abort();
    assert_eq!(pool.block_on(handle).unwrap(), "kept");
}

#[test]
fn abort_of_a_task_running_on_a_pool_worker_cancels_it_at_its_next_yield() {
    let pool = ThreadPool::new(2);
    let live = Arc::new(AtomicUsize::new(0));
    let running = Arc::new(AtomicBool::new(false));
    let aborted = Arc::new(AtomicBool::new(false));
    let (r, a) = (running.clone(), aborted.clone());
    let handle = pool.spawn(counted(&live, async move {
        // Busy: always either running or queued behind its own yield.
        let mut polls_seeing_abort = 0;
        loop {
            r.store(true, SeqCst);
            if a.load(SeqCst) {
                // The poll in progress when `abort` returned may see the flag once; the
                // next yield must end the task.
                polls_seeing_abort += 1;
                if polls_seeing_abort == 2 {
                    return "still polled after abort";
                }
            }
            yield_now().await;
        }
    }));
    pool.block_on(yield_until(|| running.load(SeqCst)));
    handle.abort();
    aborted.store(true, SeqCst);
    let result = pool.block_on(handle);
    assert!(
        result.as_ref().is_err_and(|e| e.is_cancelled()),
        "{result:?}"
    );
    assert_eq!(live.load(SeqCst), 0);
}

#[test]
fn a_task_aborting_itself_is_cancelled_at_its_next_yield() {
    let ex = LocalExecutor::new();
    let live = Arc::new(AtomicUsize::new(0));
    let own: Arc<Mutex<Option<AbortHandle>>> = Arc::default();
    let slot = own.clone();
    let reached_after_yield = Arc::new(AtomicBool::new(false));
    let after = reached_after_yield.clone();
    let handle = ex.spawn(counted(&live, async move {
        yield_now().await; // let the test store our AbortHandle
        let me = slot
            .lock()
            .unwrap()
            .take()
            .expect("abort handle not stored");
        me.abort(); // while RUNNING: takes effect when this poll returns
        yield_now().await;
        after.store(true, SeqCst);
    }));
    *own.lock().unwrap() = Some(handle.abort_handle());
    let err = ex.block_on(handle).unwrap_err();
    assert!(err.is_cancelled(), "{err:?}");
    assert!(
        !reached_after_yield.load(SeqCst),
        "the task ran past its abort"
    );
    assert_eq!(live.load(SeqCst), 0);
}

#[test]
fn aborting_twice_and_after_cancellation_is_harmless() {
    let pool = ThreadPool::new(1);
    let handle = pool.spawn(pending::<()>());
    let aborter = handle.abort_handle();
    handle.abort();
    handle.abort();
    aborter.abort();
    assert!(pool.block_on(handle).unwrap_err().is_cancelled());
    aborter.abort();
    assert!(aborter.is_finished());
}
