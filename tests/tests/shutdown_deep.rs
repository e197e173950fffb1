//! Shutdown must not recurse once per woken task: long chains of tasks that wake each other
//! while being cancelled (a pipeline of channels, or tasks awaiting the tasks they spawned)
//! are torn down on a bounded stack.
//!
//! These tests have a file of their own because a stack overflow aborts the whole test
//! binary, which would hide the results of unrelated shutdown tests.

use std::future::{pending, Future};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

use weave_executor::{LocalExecutor, ThreadPool};
use weave_tests::{assert_all_cancelled, spawn_wake_chain, yield_until};

/// Deep enough to overflow a 2 MiB test thread if each link of the chain costs stack
/// frames during shutdown (a recursing link costs over 1 KiB in a debug build).
const DEPTH: usize = if cfg!(miri) { 50 } else { 10_000 };

#[test]
fn a_long_wake_chain_is_shut_down_on_a_bounded_stack_by_a_pool() {
    let pool = ThreadPool::new(2);
    let chain = spawn_wake_chain(DEPTH, &pool);
    pool.block_on(yield_until(|| chain.all_started()));
    drop(pool);
    assert_eq!(chain.live.load(SeqCst), 0);
    drop(chain.last);
    assert_all_cancelled(chain.handles);
}

#[test]
fn a_long_wake_chain_is_shut_down_on_a_bounded_stack_by_a_local_executor() {
    let ex = LocalExecutor::new();
    let chain = spawn_wake_chain(DEPTH, &ex.handle());
    ex.block_on(yield_until(|| chain.all_started()));
    drop(ex);
    assert_eq!(chain.live.load(SeqCst), 0);
    drop(chain.last);
    assert_all_cancelled(chain.handles);
}

/// Each level spawns the next and awaits its `JoinHandle`; the deepest waits forever.
fn spawn_and_await(
    depth: usize,
    started: Arc<AtomicUsize>,
) -> Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(async move {
        started.fetch_add(1, SeqCst);
        if depth == 0 {
            pending::<()>().await;
        } else {
            // Cancelled child → our join waker fires → we are woken mid-shutdown.
            let _ = weave_executor::spawn(spawn_and_await(depth - 1, started)).await;
        }
    })
}

#[test]
fn a_deep_tree_of_awaited_children_is_shut_down_on_a_bounded_stack_by_a_pool() {
    let pool = ThreadPool::new(2);
    let started = Arc::new(AtomicUsize::new(0));
    let root = pool.spawn(spawn_and_await(DEPTH, started.clone()));
    pool.block_on(yield_until(|| started.load(SeqCst) == DEPTH + 1));
    drop(pool);
    assert_all_cancelled(vec![root]);
}

#[test]
fn a_deep_tree_of_awaited_children_is_shut_down_on_a_bounded_stack_by_a_local_executor() {
    let ex = LocalExecutor::new();
    let started = Arc::new(AtomicUsize::new(0));
    let root = ex.spawn(spawn_and_await(DEPTH, started.clone()));
    ex.block_on(yield_until(|| started.load(SeqCst) == DEPTH + 1));
    drop(ex);
    assert_all_cancelled(vec![root]);
}
