//! Wakeups are never lost: wakes from foreign threads reach a sleeping `LocalExecutor`,
//! tasks ping-ponging across a four-worker `ThreadPool` never stall, and a `JoinHandle`
//! wakes whatever executor awaits it, not only the one running its task.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use weave_core::task::yield_now;
use weave_core::Spawn;
use weave_executor::{LocalExecutor, ThreadPool};
use weave_tests::{mailbox, Receiver, Sender};

/// Completes once a std thread, started on the first poll, has slept and woken the
/// waker captured by the latest poll.
#[derive(Default)]
struct WokenByThread {
    shared: Arc<Mutex<(bool, Option<Waker>)>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Future for WokenByThread {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        {
            let mut state = self.shared.lock().unwrap();
            if state.0 {
                return Poll::Ready(());
            }
            state.1 = Some(cx.waker().clone());
        }
        if self.thread.is_none() {
            let shared = self.shared.clone();
            self.thread = Some(thread::spawn(move || {
                // Long enough that the executor has gone to sleep by now.
                thread::sleep(Duration::from_millis(10));
                let waker = {
                    let mut state = shared.lock().unwrap();
                    state.0 = true;
                    state.1.take()
                };
                waker.expect("polled once before the thread started").wake();
            }));
        }
        Poll::Pending
    }
}

impl Drop for WokenByThread {
    fn drop(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[test]
#[cfg_attr(miri, ignore)] // real sleeps: the point is that the executor is asleep when woken
fn wake_from_another_thread_reaches_a_sleeping_local_executor_task() {
    let ex = LocalExecutor::new();
    let handle = ex.spawn(async {
        WokenByThread::default().await;
        "woken"
    });
    // The main future waits on the task, so the executor has nothing to run and parks.
    assert_eq!(ex.block_on(handle).unwrap(), "woken");
}

#[test]
#[cfg_attr(miri, ignore)] // real sleeps
fn wake_from_another_thread_reaches_the_block_on_future() {
    let ex = LocalExecutor::new();
    ex.block_on(WokenByThread::default());
    weave_executor::block_on(WokenByThread::default());
    ThreadPool::new(2).block_on(WokenByThread::default());
}

#[test]
#[cfg_attr(miri, ignore)] // real sleeps
fn many_foreign_wakes_reach_one_local_executor() {
    let ex = LocalExecutor::new();
    let handles: Vec<_> = (0..16)
        .map(|i| {
            ex.spawn(async move {
                WokenByThread::default().await;
                yield_now().await;
                WokenByThread::default().await;
                i
            })
        })
        .collect();
    let sum = ex.block_on(async {
        let mut sum = 0;
        for handle in handles {
            sum += handle.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, (0..16).sum::<i32>());
}

const ROUNDS: u64 = if cfg!(miri) { 100 } else { 10_000 };

/// Sends `first`, then answers each message with the next number until `ROUNDS`.
async fn player(tx: Sender<u64>, mut rx: Receiver<u64>, serve: bool) -> u64 {
    if serve {
        tx.send(0);
    }
    let mut last = 0;
    while let Some(n) = rx.recv().await {
        last = n;
        if n >= ROUNDS {
            break;
        }
        tx.send(n + 1);
    }
    last
}

#[test]
fn ping_pong_across_four_workers_loses_no_wakeup() {
    let pool = ThreadPool::new(4);
    // Several pairs at once, so wakes cross workers, queues overflow into the LIFO slot,
    // and idle workers steal.
    let pairs: Vec<_> = (0..4)
        .map(|_| {
            let (to_b, b_inbox) = mailbox();
            let (to_a, a_inbox) = mailbox();
            (
                pool.spawn(player(to_b, a_inbox, true)),
                pool.spawn(player(to_a, b_inbox, false)),
            )
        })
        .collect();
    for (a, b) in pairs {
        let (a, b) = pool.block_on(async { (a.await.unwrap(), b.await.unwrap()) });
        // One of them saw ROUNDS and stopped; the other saw ROUNDS - 1 (then its inbox
        // closed) or ROUNDS.
        assert_eq!(a.max(b), ROUNDS);
        assert!(a.min(b) >= ROUNDS - 1, "{a} {b}");
    }
}

#[test]
fn ping_pong_between_the_block_on_thread_and_a_pool_task() {
    // The main future sleeps in `block_on` between messages: each wake crosses from a
    // worker to the blocked thread and back.
    let pool = ThreadPool::new(4);
    let (to_task, task_inbox) = mailbox();
    let (to_main, main_inbox) = mailbox();
    let task = pool.spawn(player(to_main, task_inbox, false));
    let last = pool.block_on(player(to_task, main_inbox, true));
    assert!(last >= ROUNDS - 1);
    assert!(pool.block_on(task).unwrap() >= ROUNDS - 1);
}

#[test]
fn ping_pong_between_a_local_executor_and_a_pool() {
    let pool = ThreadPool::new(4);
    let ex = LocalExecutor::new();
    let (to_local, local_inbox) = mailbox();
    let (to_pool, pool_inbox) = mailbox();
    let pooled = pool.spawn(player(to_local, pool_inbox, true));
    let local = ex.spawn(player(to_pool, local_inbox, false));
    let last = ex.block_on(local).unwrap();
    assert!(last >= ROUNDS - 1);
    assert!(weave_executor::block_on(pooled).unwrap() >= ROUNDS - 1);
}

/// A pool task waiting for `gate`; its `JoinHandle` is first polled while it is pending,
/// so completion must wake the foreign executor that polled it.
fn gated_pool_task(pool: &ThreadPool) -> (Sender<()>, weave_core::JoinHandle<&'static str>) {
    let (gate, mut opened) = mailbox::<()>();
    let handle = pool.spawn(async move {
        opened.recv().await;
        "from the pool"
    });
    (gate, handle)
}

/// Polls `handle` once (it must be pending), opens the gate, then awaits it.
async fn await_after_pending(
    gate: Sender<()>,
    mut handle: weave_core::JoinHandle<&'static str>,
) -> &'static str {
    let first = poll_fn(|cx| Poll::Ready(Pin::new(&mut handle).poll(cx))).await;
    assert!(first.is_pending(), "the gated task finished early");
    gate.send(());
    handle.await.expect("pool task failed")
}

#[test]
fn join_handle_awaited_from_a_local_executor() {
    let pool = ThreadPool::new(2);
    let (gate, handle) = gated_pool_task(&pool);
    let ex = LocalExecutor::new();
    assert_eq!(
        ex.block_on(await_after_pending(gate, handle)),
        "from the pool"
    );

    // Awaited inside a task of the local executor, too.
    let (gate, handle) = gated_pool_task(&pool);
    let local_task = ex.spawn(await_after_pending(gate, handle));
    assert_eq!(ex.block_on(local_task).unwrap(), "from the pool");
}

#[test]
fn join_handle_awaited_from_foreign_block_ons() {
    let pool = ThreadPool::new(2);
    let (gate, handle) = gated_pool_task(&pool);
    assert_eq!(
        futures::executor::block_on(await_after_pending(gate, handle)),
        "from the pool"
    );
    let (gate, handle) = gated_pool_task(&pool);
    assert_eq!(
        weave_executor::block_on(await_after_pending(gate, handle)),
        "from the pool"
    );
}

#[test]
fn join_handle_awaited_from_another_pool_task() {
    let pool = ThreadPool::new(2);
    let other = ThreadPool::new(2);
    let (gate, handle) = gated_pool_task(&pool);
    let waiter = other.spawn(await_after_pending(gate, handle));
    assert_eq!(other.block_on(waiter).unwrap(), "from the pool");
}

#[test]
fn join_handle_moved_between_executors_while_pending() {
    // Polled first with one executor's waker, then awaited under another's: the registered
    // join waker must be replaced, and the second one woken.
    let pool = ThreadPool::new(2);
    let (gate, mut handle) = gated_pool_task(&pool);
    let first =
        futures::executor::block_on(poll_fn(|cx| Poll::Ready(Pin::new(&mut handle).poll(cx))));
    assert!(first.is_pending());
    let output = LocalExecutor::new().block_on(async move {
        let again = poll_fn(|cx| Poll::Ready(Pin::new(&mut handle).poll(cx))).await;
        assert!(again.is_pending());
        let opener = thread::spawn(move || gate.send(()));
        let output = handle.await;
        opener.join().unwrap();
        output
    });
    assert_eq!(output.unwrap(), "from the pool");
}

#[test]
fn local_handle_spawns_from_other_threads_wake_the_executor() {
    // The executor sleeps in `block_on` while other threads spawn onto it: each remote
    // spawn must unpark it.
    let ex = LocalExecutor::new();
    let mut inboxes = Vec::new();
    let threads: Vec<_> = (0..4usize)
        .map(|i| {
            let (tx, rx) = mailbox();
            inboxes.push(rx);
            let spawner = ex.handle();
            thread::spawn(move || spawner.spawn(async move { tx.send(i) }))
        })
        .collect();
    let received = ex.block_on(async {
        let mut received = Vec::new();
        for inbox in &mut inboxes {
            received.push(inbox.recv().await.expect("task dropped its sender unsent"));
        }
        received
    });
    assert_eq!(received, [0, 1, 2, 3]);
    for thread in threads {
        let task = thread.join().unwrap();
        ex.block_on(task).unwrap();
    }
}
