//! `TaskGroup`: asyncio.TaskGroup / trio nursery semantics.

mod common;

use std::future::pending;

use common::{eventually, on_weave_executors, size, yield_once, DropCounter};
use weave_combinators::{ChildError, Ready, TaskGroup};
use weave_executor::LocalExecutor;

/// A child that never finishes on its own and counts its drop.
async fn forever(token: common::DropToken) -> Result<u32, String> {
    let _token = token;
    pending::<()>().await;
    unreachable!()
}

#[test]
fn all_children_succeed_values_in_spawn_order() {
    on_weave_executors(|| async {
        let n = size(100, 10);
        let group = TaskGroup::new();
        for i in 0..n {
            group.spawn(async move {
                // Later children finish first.
                for _ in 0..(n - i) % 4 {
                    yield_once().await;
                }
                Ok::<_, String>(i)
            });
        }
        assert_eq!(group.join().await.unwrap(), (0..n).collect::<Vec<_>>());
    });
}

#[test]
fn a_failing_child_cancels_its_siblings() {
    on_weave_executors(|| async {
        let drops = DropCounter::default();
        let group = TaskGroup::new();
        group.spawn(forever(drops.token()));
        group.spawn(async {
            yield_once().await;
            Err("child 1 failed".to_string())
        });
        group.spawn(forever(drops.token()));
        let err = group.join().await.unwrap_err();
        assert_eq!(
            err.first_error().map(String::as_str),
            Some("child 1 failed")
        );
        assert_eq!(err.first().unwrap().index(), 1);
        assert_eq!(err.failures().len(), 1);
        assert_eq!(err.cancelled(), 2);
        assert!(!err.is_cancelled());
        // join returned only after the siblings finished, so their futures are gone.
        assert_eq!(drops.dropped(), 2);
        assert_eq!(
            err.to_string(),
            "task group failed: 1 child failed, 2 cancelled; first: child 1 failed: child 1 failed"
        );
    });
}

#[test]
fn a_panicking_child_is_reported_and_cancels_its_siblings() {
    on_weave_executors(|| async {
        let drops = DropCounter::default();
        let group = TaskGroup::new();
        group.spawn(forever(drops.token()));
        group.spawn(async {
            yield_once().await;
            panic!("child 1 panicked");
        });
        let err = group.join().await.unwrap_err();
        let first = err.first().unwrap();
        assert!(first.is_panic());
        assert_eq!(first.panic_message(), Some("child 1 panicked"));
        assert_eq!(err.cancelled(), 1);
        assert_eq!(drops.dropped(), 1);
        match err.into_first() {
            Some(ChildError::Panicked { index, .. }) => assert_eq!(index, 1),
            other => panic!("expected a panic, got {other:?}"),
        }
    });
}

#[test]
fn cancel_handle_cancels_the_group_from_another_task() {
    on_weave_executors(|| async {
        let drops = DropCounter::default();
        let group = TaskGroup::new();
        for _ in 0..3 {
            group.spawn(forever(drops.token()));
        }
        let canceller = group.cancel_handle();
        weave_executor::spawn(async move {
            yield_once().await;
            canceller.cancel();
        });
        let err = group.join().await.unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(err.cancelled(), 3);
        assert_eq!(drops.dropped(), 3);
    });
}

#[test]
fn aborting_the_task_awaiting_join_cancels_the_children() {
    on_weave_executors(|| async {
        let drops = DropCounter::default();
        let (spawned_tx, spawned) = futures::channel::oneshot::channel();
        let owner = {
            let drops = drops.clone();
            weave_executor::spawn(async move {
                let group = TaskGroup::new();
                group.spawn(forever(drops.token()));
                group.spawn(forever(drops.token()));
                spawned_tx.send(()).unwrap();
                group.join().await
            })
        };
        spawned.await.unwrap(); // the owner is inside `join` (or about to be)
        owner.abort();
        assert!(owner.await.unwrap_err().is_cancelled());
        assert!(eventually(|| drops.dropped() == 2).await);
    });
}

#[test]
fn nested_groups_cancel_inner_children_when_the_outer_fails() {
    on_weave_executors(|| async {
        let drops = DropCounter::default();
        let outer = TaskGroup::new();
        let inner_drops = drops.clone();
        outer.spawn(async move {
            let inner = TaskGroup::new();
            inner.spawn(forever(inner_drops.token()));
            inner.spawn(forever(inner_drops.token()));
            inner.join().await.map_err(|e| e.to_string())?;
            Ok(0)
        });
        outer.spawn(async {
            for _ in 0..3 {
                yield_once().await;
            }
            Err("outer child failed".to_string())
        });
        let err = outer.join().await.unwrap_err();
        assert_eq!(err.first().unwrap().index(), 1);
        // The outer child was dropped, dropping the inner group, which aborts its children.
        assert!(
            eventually(|| drops.dropped() == 2).await,
            "{}",
            drops.dropped()
        );
    });
}

#[test]
fn an_inner_failure_propagates_through_the_outer_group() {
    on_weave_executors(|| async {
        let outer = TaskGroup::<(), String>::new();
        outer.spawn(async {
            let inner = TaskGroup::new();
            inner.spawn(async { Err::<(), _>("deep") });
            inner
                .join()
                .await
                .map(drop)
                .map_err(|e| format!("inner: {}", e.first_error().unwrap()))
        });
        let err = outer.join().await.unwrap_err();
        assert_eq!(err.first_error().map(String::as_str), Some("inner: deep"));
    });
}

#[test]
fn start_waits_for_readiness_and_reports_a_child_that_never_started() {
    on_weave_executors(|| async {
        let group = TaskGroup::new();
        let port = group
            .start(|ready: Ready<u16>| async move {
                yield_once().await;
                ready.started(8080);
                yield_once().await;
                Ok::<_, String>(())
            })
            .await;
        assert_eq!(port, Ok(8080));
        let never = group
            .start(|_ready: Ready<u16>| async { Err("bind failed".to_string()) })
            .await;
        assert!(never.is_err());
        let err = group.join().await.unwrap_err();
        assert_eq!(err.first_error().map(String::as_str), Some("bind failed"));
    });
}

#[test]
fn a_child_spawned_after_cancel_is_cancelled_at_once() {
    let ex = LocalExecutor::new();
    let drops = DropCounter::default();
    let group = TaskGroup::with_spawner(ex.handle());
    group.cancel();
    assert!(group.is_cancelled());
    group.spawn(forever(drops.token()));
    let err = ex.block_on(group.join()).unwrap_err();
    assert_eq!(err.cancelled(), 1);
    assert_eq!(drops.dropped(), 1);
}

#[test]
fn dropping_an_unjoined_group_cancels_its_children() {
    let ex = LocalExecutor::new();
    let drops = DropCounter::default();
    let group = TaskGroup::with_spawner(ex.handle());
    group.spawn(forever(drops.token()));
    drop(group);
    ex.block_on(async { assert!(eventually(|| drops.dropped() == 1).await) });
}
