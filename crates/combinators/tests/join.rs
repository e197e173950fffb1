//! `join!`, `try_join!`, `join_all`, `try_join_all`, `as_completed`: asyncio's `gather`
//! and `as_completed` semantics.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{count_polls, on_every_executor, size, yield_once, DropCounter};
use futures::channel::oneshot;
use futures::StreamExt;
use weave_combinators::{as_completed, join, join_all, try_join, try_join_all};

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

#[test]
fn join_macro_returns_outputs_in_argument_order() {
    on_every_executor(|| async {
        let (tx, rx) = oneshot::channel();
        // The first branch finishes last: order is by argument, not by completion.
        let (a, b, c) = join!(async { rx.await.unwrap() }, async { "b" }, async move {
            yield_once().await;
            tx.send(1u8).unwrap();
            3.5
        });
        assert_eq!((a, b, c), (1, "b", 3.5));
    });
}

#[test]
fn try_join_macro_stops_at_the_first_error_and_drops_the_rest() {
    on_every_executor(|| async {
        let drops = DropCounter::default();
        let token = drops.token();
        let out: Result<(u8, u8), &str> = try_join!(
            async move {
                let _token = token;
                std::future::pending::<()>().await;
                Ok(1)
            },
            async {
                yield_once().await;
                Err("second failed")
            },
        );
        assert_eq!(out, Err("second failed"));
        assert_eq!(drops.dropped(), 1, "the pending branch was dropped");

        let ok: Result<(u8, &str), ()> = try_join!(async { Ok(1) }, async { Ok("two") });
        assert_eq!(ok, Ok((1, "two")));
    });
}

#[test]
fn join_all_keeps_input_order_whatever_the_completion_order() {
    on_every_executor(|| async {
        let n = size(200, 20);
        // Child i yields (n - i) times: the last finishes first.
        let outputs = join_all((0..n).map(|i| async move {
            for _ in 0..(n - i) {
                yield_once().await;
            }
            i
        }))
        .await;
        assert_eq!(outputs, (0..n).collect::<Vec<_>>());
    });
}

#[test]
fn join_all_over_results_returns_every_error_in_place() {
    on_every_executor(|| async {
        let out = join_all((0..6u32).map(|i| async move {
            yield_once().await;
            if i % 3 == 0 {
                Err(format!("child {i}"))
            } else {
                Ok(i)
            }
        }))
        .await;
        assert_eq!(
            out,
            vec![
                Err("child 0".to_string()),
                Ok(1),
                Ok(2),
                Err("child 3".to_string()),
                Ok(4),
                Ok(5)
            ]
        );
    });
}

#[test]
fn join_all_of_nothing_is_empty() {
    let out: Vec<u8> = futures::executor::block_on(join_all(Vec::<std::future::Ready<u8>>::new()));
    assert!(out.is_empty());
}

#[test]
fn join_all_polls_only_the_woken_child() {
    on_every_executor(|| async {
        let n = size(10_000, 50);
        let polls = Arc::new(AtomicUsize::new(0));
        // Each child is pending once (waking itself) and ready on its second poll: with
        // per-child wakers that is exactly 2n polls; re-polling every child on each wake
        // would be about n^2.
        let out = join_all((0..n).map(|_| count_polls(polls.clone(), 2))).await;
        assert_eq!(out.len(), n);
        assert_eq!(polls.load(Ordering::Relaxed), 2 * n);
    });
}

#[test]
fn try_join_all_fails_fast_and_runs_the_destructors_of_the_rest() {
    on_every_executor(|| async {
        let drops = DropCounter::default();
        let mut futures: Vec<BoxFuture<Result<u32, String>>> = Vec::new();
        for _ in 0..5 {
            let token = drops.token();
            futures.push(Box::pin(async move {
                let _token = token;
                std::future::pending::<()>().await;
                Ok(0)
            }));
        }
        futures.push(Box::pin(async {
            yield_once().await;
            Err("broken".to_string())
        }));
        let out = try_join_all(futures).await;
        assert_eq!(out, Err("broken".to_string()));
        // Dropped before the error came back, not when the caller drops something later.
        assert_eq!(drops.dropped(), 5);

        let all_ok: Result<Vec<u32>, ()> =
            try_join_all((0..4u32).map(|i| async move { Ok(i) })).await;
        assert_eq!(all_ok, Ok(vec![0, 1, 2, 3]));
    });
}

#[test]
fn as_completed_yields_in_completion_order() {
    on_every_executor(|| async {
        let (tx_a, rx_a) = oneshot::channel::<&str>();
        let (tx_b, rx_b) = oneshot::channel::<&str>();
        let futures: Vec<BoxFuture<&str>> = vec![
            Box::pin(async { rx_a.await.unwrap() }),
            Box::pin(async { rx_b.await.unwrap() }),
            Box::pin(async move {
                tx_b.send("b").unwrap();
                yield_once().await;
                tx_a.send("a").unwrap();
                "c"
            }),
        ];
        // "b" is released first and finishes while "c" yields; "c" then releases "a".
        let order: Vec<&str> = as_completed(futures).collect().await;
        assert_eq!(order, ["b", "c", "a"]);
    });
}

#[test]
fn dropping_a_join_all_midway_drops_every_child_and_kept_output_once() {
    let drops = DropCounter::default();
    let mut join = Box::pin(join_all((0..4).map(|i| {
        let token = drops.token();
        async move {
            if i % 2 == 0 {
                // Finished children keep their output (which owns a token) in the slot.
                return Some(token);
            }
            let _token = token;
            std::future::pending::<()>().await;
            None
        }
    })));
    let waker = std::task::Waker::noop();
    assert!(join
        .as_mut()
        .poll(&mut std::task::Context::from_waker(waker))
        .is_pending());
    assert_eq!(drops.dropped(), 0);
    drop(join);
    assert_eq!(drops.dropped(), 4);
}

#[test]
fn join_all_over_tasks_woken_from_worker_threads() {
    // The children are JoinHandles of tasks running on the pool's workers, so every wake
    // reaches the ready list from another thread.
    let pool = weave_executor::ThreadPool::new(2);
    let n = size(1_000, 20);
    let outputs = pool.block_on(async move {
        join_all((0..n).map(|i| {
            weave_executor::spawn(async move {
                yield_once().await;
                i
            })
        }))
        .await
    });
    let outputs: Vec<usize> = outputs.into_iter().map(Result::unwrap).collect();
    assert_eq!(outputs, (0..n).collect::<Vec<_>>());
}
