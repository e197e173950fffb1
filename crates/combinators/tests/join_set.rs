//! `JoinSet`: completion order, abort, shutdown, drop.

mod common;

use std::future::pending;

use common::{eventually, on_weave_executors, size, yield_once, DropCounter};
use weave_combinators::JoinSet;
use weave_executor::{LocalExecutor, ThreadPool};

#[test]
fn join_next_returns_every_output_then_none() {
    on_weave_executors(|| async {
        let n = size(1_000, 20);
        let mut set = JoinSet::new();
        for i in 0..n {
            set.spawn(async move {
                if i % 2 == 0 {
                    yield_once().await;
                }
                i
            });
        }
        assert_eq!(set.len(), n);
        let mut seen = Vec::new();
        while let Some(result) = set.join_next().await {
            seen.push(result.unwrap());
        }
        seen.sort_unstable();
        assert_eq!(seen, (0..n).collect::<Vec<_>>());
        assert!(set.is_empty());
        assert!(set.join_next().await.is_none());
    });
}

#[test]
fn spawning_through_a_handle_works_from_outside_the_executor() {
    let pool = ThreadPool::new(2);
    let mut set = JoinSet::with_spawner(pool.handle());
    for i in 0..10u32 {
        set.spawn(async move { i });
    }
    let total: u32 = pool.block_on(async {
        let mut total = 0;
        while let Some(v) = set.join_next().await {
            total += v.unwrap();
        }
        total
    });
    assert_eq!(total, 45);
}

#[test]
fn dropping_the_set_aborts_every_task() {
    on_weave_executors(|| async {
        let drops = DropCounter::default();
        let n = size(100, 5);
        let mut set = JoinSet::new();
        for _ in 0..n {
            let token = drops.token();
            set.spawn(async move {
                let _token = token;
                pending::<()>().await;
            });
        }
        yield_once().await; // let some of them start
        drop(set);
        assert!(
            eventually(|| drops.dropped() == n).await,
            "{} of {n} dropped",
            drops.dropped()
        );
    });
}

#[test]
fn abort_all_makes_join_next_return_cancelled_errors() {
    on_weave_executors(|| async {
        let mut set = JoinSet::new();
        for _ in 0..3 {
            set.spawn(pending::<()>());
        }
        set.abort_all();
        let mut cancelled = 0;
        while let Some(result) = set.join_next().await {
            assert!(result.unwrap_err().is_cancelled());
            cancelled += 1;
        }
        assert_eq!(cancelled, 3);
    });
}

#[test]
fn shutdown_aborts_and_waits_for_every_task() {
    on_weave_executors(|| async {
        let drops = DropCounter::default();
        let mut set = JoinSet::new();
        for _ in 0..4 {
            let token = drops.token();
            set.spawn(async move {
                let _token = token;
                pending::<()>().await;
            });
        }
        set.shutdown().await;
        assert!(set.is_empty());
        // Each task's future was dropped before its JoinHandle resolved.
        assert_eq!(drops.dropped(), 4);
    });
}

#[test]
fn a_panicking_task_comes_back_as_a_panic_error() {
    on_weave_executors(|| async {
        let mut set = JoinSet::<()>::new();
        set.spawn(async { panic!("task blew up") });
        let err = set.join_next().await.unwrap().unwrap_err();
        assert!(err.is_panic());
    });
}

#[test]
fn try_join_next_returns_only_finished_tasks() {
    let ex = LocalExecutor::new();
    let mut set = JoinSet::with_spawner(ex.handle());
    set.spawn(async { 1 });
    set.spawn(pending::<i32>());
    assert!(set.try_join_next().is_none(), "nothing ran yet");
    ex.block_on(async {
        yield_once().await;
    });
    assert_eq!(set.try_join_next().unwrap().unwrap(), 1);
    assert!(set.try_join_next().is_none());
    assert_eq!(set.len(), 1);
}

#[test]
fn slots_are_reused_across_many_rounds() {
    on_weave_executors(|| async {
        let mut set = JoinSet::new();
        for round in 0..size(50, 5) {
            for i in 0..10 {
                set.spawn(async move { round * 10 + i });
            }
            let mut sum = 0;
            for _ in 0..10 {
                sum += set.join_next().await.unwrap().unwrap();
            }
            assert_eq!(sum, round * 100 + 45);
        }
        assert!(set.is_empty());
    });
}
