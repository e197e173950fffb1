//! Cancel scopes over a deadline future: `move_on_when`, `fail_when`, `shield`.

mod common;

use std::future::{pending, ready};

use common::{on_every_executor, on_weave_executors, yield_once, DropCounter};
use futures::channel::oneshot;
use weave_combinators::{fail_when, move_on_when, shield, DeadlineReached};

#[test]
fn the_body_wins_when_it_finishes_first() {
    on_every_executor(|| async {
        let (_keep, never) = oneshot::channel::<()>();
        let out = move_on_when(never, async {
            yield_once().await;
            7
        })
        .await;
        assert_eq!(out, Some(7));
        assert_eq!(fail_when(pending::<()>(), ready(1)).await, Ok(1));
    });
}

#[test]
fn the_deadline_cancels_the_body_and_runs_its_destructors() {
    on_every_executor(|| async {
        let drops = DropCounter::default();
        let token = drops.token();
        let (fire, deadline) = oneshot::channel::<()>();
        let body = async move {
            let _token = token;
            pending::<u8>().await
        };
        let scope = fail_when(deadline, body);
        let firing = async move {
            yield_once().await;
            fire.send(()).unwrap();
        };
        let (out, ()) = weave_combinators::join!(scope, firing);
        assert_eq!(out, Err(DeadlineReached));
        assert_eq!(drops.dropped(), 1);
        assert_eq!(
            out.unwrap_err().to_string(),
            "the deadline was reached before the body finished"
        );
    });
}

#[test]
fn nested_scopes_the_earlier_deadline_wins() {
    on_every_executor(|| async {
        // Inner deadline already reached, outer never: the inner scope moves on, the outer
        // body goes on to finish.
        let out = move_on_when(pending::<()>(), async {
            let inner = move_on_when(ready(()), pending::<u8>()).await;
            assert_eq!(inner, None);
            "outer finished"
        })
        .await;
        assert_eq!(out, Some("outer finished"));
        // Outer deadline reached: the whole body, inner scope included, is cancelled.
        let out = move_on_when(ready(()), async {
            move_on_when(pending::<()>(), pending::<u8>()).await
        })
        .await;
        assert_eq!(out, None);
    });
}

#[test]
fn a_shielded_body_finishes_after_its_scope_is_cancelled() {
    on_weave_executors(|| async {
        let (done_tx, done) = oneshot::channel();
        let cleanup = shield(async move {
            for _ in 0..3 {
                yield_once().await;
            }
            done_tx.send("cleaned up").unwrap();
        });
        assert!(move_on_when(ready(()), cleanup).await.is_none());
        assert_eq!(done.await, Ok("cleaned up"));
    });
}

#[test]
fn the_main_types_can_cross_threads() {
    fn assert_send<T: Send>(_: &T) {}
    let ex = weave_executor::LocalExecutor::new();
    let set = weave_combinators::JoinSet::<u8, _>::with_spawner(ex.handle());
    let group = weave_combinators::TaskGroup::<u8, (), _>::with_spawner(ex.handle());
    let join = weave_combinators::join_all([ready(1u8)]);
    assert_send(&set);
    assert_send(&group);
    assert_send(&group.cancel_handle());
    assert_send(&join);
    assert_send(&move_on_when(ready(()), ready(1u8)));
}
