//! Channel behaviour through the public API, under `futures::executor::block_on` and
//! Weave's executors.
#![cfg(not(loom))]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use futures::executor::block_on;
use futures::FutureExt;
use weave_executor::{LocalExecutor, ThreadPool};
use weave_sync::{broadcast, mpsc, oneshot, watch, Queue};

/// Shrinks message counts under miri, which runs ~1000× slower.
fn n(full: u64) -> u64 {
    if cfg!(miri) {
        full / 1000
    } else {
        full
    }
}

#[test]
fn bounded_100k_in_order_on_pool() {
    let pool = ThreadPool::new(2);
    let count = n(100_000);
    let (tx, mut rx) = mpsc::channel(16);
    pool.spawn(async move {
        for i in 0..count {
            tx.send(i).await.unwrap();
        }
    });
    let got = pool.block_on(async move {
        let mut expected = 0;
        while let Some(v) = rx.recv().await {
            assert_eq!(v, expected);
            expected += 1;
        }
        expected
    });
    assert_eq!(got, count);
}

#[test]
fn unbounded_100k_in_order_block_on() {
    let count = n(100_000);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let producer = std::thread::spawn(move || {
        for i in 0..count {
            tx.send(i).unwrap();
        }
    });
    let got = block_on(async {
        let mut expected = 0;
        while let Some(v) = rx.recv().await {
            assert_eq!(v, expected);
            expected += 1;
        }
        expected
    });
    producer.join().unwrap();
    assert_eq!(got, count);
}

#[test]
fn eight_producers_exact_counts() {
    let pool = ThreadPool::new(2);
    let per = n(100_000);
    let (tx, mut rx) = mpsc::channel(1024);
    for p in 0..8u64 {
        let tx = tx.clone();
        pool.spawn(async move {
            for i in 0..per {
                tx.send((p, i)).await.unwrap();
            }
        });
    }
    drop(tx);
    let counts = pool.block_on(async move {
        let mut next = [0u64; 8];
        while let Some((p, i)) = rx.recv().await {
            // Each producer's messages arrive in its own order.
            assert_eq!(i, next[p as usize]);
            next[p as usize] += 1;
        }
        next
    });
    assert_eq!(counts, [per; 8]);
}

#[test]
fn recv_many_and_stream() {
    block_on(async {
        let (tx, mut rx) = mpsc::channel(8);
        for i in 0..6 {
            tx.send(i).await.unwrap();
        }
        let mut buf = Vec::new();
        assert_eq!(rx.recv_many(&mut buf, 4).await, 4);
        assert_eq!(rx.recv_many(&mut buf, 4).await, 2);
        assert_eq!(buf, [0, 1, 2, 3, 4, 5]);
        drop(tx);
        assert_eq!(rx.recv_many(&mut buf, 4).await, 0);
    });
}

#[test]
fn dropped_send_gives_place_to_next_sender() {
    block_on(async {
        let (tx, mut rx) = mpsc::channel(1);
        tx.send(0).await.unwrap();
        let mut first = Box::pin(tx.send(1));
        let mut second = Box::pin(tx.send(2));
        assert!(first.as_mut().now_or_never().is_none());
        assert!(second.as_mut().now_or_never().is_none());
        drop(first); // cancelled: its place goes to `second`
        assert_eq!(rx.recv().await, Some(0));
        second.await.unwrap();
        assert_eq!(rx.recv().await, Some(2));
    });
}

#[test]
fn permits_hold_capacity_and_close_wakes_senders() {
    block_on(async {
        let (tx, mut rx) = mpsc::channel::<u8>(1);
        let permit = tx.reserve().await.unwrap();
        let mut waiting = Box::pin(tx.reserve());
        assert!(waiting.as_mut().now_or_never().is_none());
        rx.close();
        assert!(waiting.await.is_err());
        permit.send(1); // a permit taken before the close still delivers
        assert_eq!(rx.recv().await, Some(1));
        assert_eq!(rx.recv().await, None);
    });
}

struct DropCounter(Arc<AtomicUsize>);
impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn receiver_drop_drops_queued_values() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::unbounded_channel();
    for _ in 0..3 {
        tx.send(DropCounter(drops.clone())).unwrap();
    }
    drop(rx);
    assert_eq!(drops.load(Ordering::SeqCst), 3);
    let err = tx.send(DropCounter(drops.clone())).unwrap_err();
    drop(err);
    assert_eq!(drops.load(Ordering::SeqCst), 4);
}

#[test]
fn oneshot_on_local_executor() {
    let ex = LocalExecutor::new();
    let (tx, rx) = oneshot::channel();
    ex.spawn_local(async move {
        weave_core::task::yield_now().await;
        tx.send(5).unwrap();
    });
    assert_eq!(ex.block_on(rx), Ok(5));
    let (mut tx, rx) = oneshot::channel::<()>();
    drop(rx);
    ex.block_on(tx.closed());
}

#[test]
fn broadcast_lag_then_catch_up() {
    block_on(async {
        let (tx, mut slow) = broadcast::channel(4);
        let mut fast = tx.subscribe();
        for i in 0..10 {
            tx.send(i).unwrap();
            assert_eq!(fast.recv().await, Ok(i));
        }
        assert_eq!(
            slow.recv().await,
            Err(broadcast::error::RecvError::Lagged(6))
        );
        for i in 6..10 {
            assert_eq!(slow.recv().await, Ok(i));
        }
        drop(tx);
        assert_eq!(slow.recv().await, Err(broadcast::error::RecvError::Closed));
    });
}

#[test]
fn watch_sees_latest_across_threads() {
    let (tx, mut rx) = watch::channel(0u32);
    let t = std::thread::spawn(move || {
        for i in 1..=100 {
            tx.send_replace(i);
        }
    });
    block_on(async {
        while rx.changed().await.is_ok() {
            let v = *rx.borrow_and_update();
            assert!(v <= 100);
        }
    });
    t.join().unwrap();
    assert_eq!(*rx.borrow(), 100);
}

#[test]
fn queue_join_task_done_producer_consumer() {
    let pool = ThreadPool::new(2);
    let items = n(10_000) as usize;
    let queue = Arc::new(Queue::new(8));
    let processed = Arc::new(AtomicUsize::new(0));
    for _ in 0..3 {
        let (q, p) = (queue.clone(), processed.clone());
        pool.spawn(async move {
            while let Ok(v) = q.get().await {
                p.fetch_add(v, Ordering::SeqCst);
                q.task_done();
            }
        });
    }
    let q = queue.clone();
    pool.block_on(async move {
        for _ in 0..items {
            q.put(1).await.unwrap();
        }
        q.join().await;
    });
    // join returned: every item was processed, not only taken.
    assert_eq!(processed.load(Ordering::SeqCst), items);
    queue.close();
    assert!(queue.try_put(1).is_err());
}

#[test]
fn queue_close_drains_then_errors() {
    block_on(async {
        let q = Queue::unbounded();
        q.put(1).await.unwrap();
        q.close();
        assert!(q.put(2).await.is_err());
        assert_eq!(q.get().await, Ok(1));
        assert!(q.get().await.is_err());
    });
}

#[test]
fn queue_getters_are_fifo_and_cancel_passes_item_on() {
    block_on(async {
        let q = Queue::unbounded();
        let mut a = Box::pin(q.get());
        let mut b = Box::pin(q.get());
        let mut c = Box::pin(q.get());
        for f in [&mut a, &mut b, &mut c] {
            assert!(f.as_mut().now_or_never().is_none());
        }
        q.put(1).await.unwrap();
        drop(a); // woken for item 1 but cancelled: b must get it
        assert_eq!(b.await, Ok(1));
        q.put(2).await.unwrap();
        assert_eq!(c.await, Ok(2));
    });
}

#[test]
fn oneshot_errors_and_close() {
    block_on(async {
        let (tx, rx) = oneshot::channel::<u8>();
        drop(tx);
        assert!(rx.await.is_err());

        let (tx, mut rx) = oneshot::channel::<u8>();
        rx.close();
        assert!(tx.is_closed());
        assert_eq!(tx.send(1), Err(1));
        assert_eq!(rx.try_recv(), Err(oneshot::TryRecvError::Closed));
    });
}

#[test]
fn watch_changed_fails_once_sender_is_gone() {
    block_on(async {
        let (tx, mut rx) = watch::channel(1);
        tx.send(2).unwrap();
        drop(tx);
        // The sender is gone, but the change it made is reported first, then the error.
        assert!(rx.changed().await.is_ok());
        assert_eq!(*rx.borrow_and_update(), 2);
        assert!(rx.changed().await.is_err());
    });
}

#[test]
fn channel_recv_spends_the_budget() {
    // A receiver whose channel is always full still lets its neighbour run.
    let ex = LocalExecutor::new();
    let (tx, mut rx) = mpsc::unbounded_channel();
    for i in 0..1_000 {
        tx.send(i).unwrap();
    }
    let neighbour_ran = Arc::new(AtomicUsize::new(0));
    let flag = neighbour_ran.clone();
    ex.spawn_local(async move {
        flag.store(1, Ordering::SeqCst);
    });
    let seen_before_done = ex.block_on(async move {
        let mut seen = 0;
        for _ in 0..1_000 {
            rx.recv().await.unwrap();
        }
        seen += neighbour_ran.load(Ordering::SeqCst);
        seen
    });
    assert_eq!(
        seen_before_done, 1,
        "the neighbour ran while the receiver drained"
    );
}
