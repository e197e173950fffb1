//! The same async code gives the same answer on every way Weave runs a future:
//! `weave_executor::block_on`, `LocalExecutor::block_on` and `ThreadPool::block_on`.
//!
//! Where spawning is possible the work fans out into tasks (`weave_executor::spawn`);
//! under plain `block_on`, which runs no tasks, the same children are awaited in place.

use std::future::Future;
use std::pin::Pin;

use weave_core::task::yield_now;
use weave_core::{JoinHandle, Spawn};
use weave_executor::{LocalExecutor, ThreadPool};
use weave_tests::{on_every_executor, Executor};

/// A child: yields a few times (a different number per child), then squares its input.
async fn square(i: u64) -> u64 {
    for _ in 0..i % 4 {
        yield_now().await;
    }
    i * i
}

/// Sums `square(0..n)`, spawning the children where the executor allows it.
async fn sum_of_squares(n: u64, executor: Executor) -> u64 {
    if executor.can_spawn() {
        let children: Vec<JoinHandle<u64>> =
            (0..n).map(|i| weave_executor::spawn(square(i))).collect();
        yield_now().await;
        let mut sum = 0;
        for child in children {
            sum += child.await.expect("child task failed");
        }
        sum
    } else {
        let mut sum = 0;
        for i in 0..n {
            sum += square(i).await;
        }
        sum
    }
}

/// The same sum, computed without any future.
fn expected_sum_of_squares(n: u64) -> u64 {
    (0..n).map(|i| i * i).sum()
}

#[test]
fn sum_of_spawned_children_is_the_same_everywhere() {
    let largest = if cfg!(miri) { 40 } else { 200 };
    for n in [0, 1, 10, largest] {
        let results = on_every_executor(|executor| sum_of_squares(n, executor));
        for (executor, sum) in results {
            assert_eq!(sum, expected_sum_of_squares(n), "n = {n} on {executor:?}");
        }
    }
}

/// Counts the leaves of a binary tree of `depth`, one task per inner node where possible.
fn leaves(depth: u32, executor: Executor) -> Pin<Box<dyn Future<Output = u64> + Send>> {
    Box::pin(async move {
        if depth == 0 {
            yield_now().await;
            return 1;
        }
        if executor.can_spawn() {
            let left = weave_executor::spawn(leaves(depth - 1, executor));
            let right = weave_executor::spawn(leaves(depth - 1, executor));
            left.await.expect("left subtree failed") + right.await.expect("right subtree failed")
        } else {
            leaves(depth - 1, executor).await + leaves(depth - 1, executor).await
        }
    })
}

/// The tree's depth: 255 spawned inner nodes, or 31 under miri, whose interpreter makes
/// each task ~1000× dearer (the code paths are the same).
const TREE_DEPTH: u32 = if cfg!(miri) { 5 } else { 8 };

#[test]
fn recursively_spawned_tree_is_the_same_everywhere() {
    let results = on_every_executor(|executor| leaves(TREE_DEPTH, executor));
    for (executor, count) in results {
        assert_eq!(count, 1 << TREE_DEPTH, "on {executor:?}");
    }
}

/// How many children `outputs_in_spawn_order` spawns (fewer under miri, as above).
const CHILDREN: u64 = if cfg!(miri) { 16 } else { 50 };

/// Children's outputs come back in spawn order, whatever order they finish in.
async fn outputs_in_spawn_order(spawner: &impl Spawn) -> Vec<u64> {
    let handles: Vec<_> = (0..CHILDREN)
        .map(|i| {
            spawner.spawn(async move {
                // Later children finish first: fewer yields.
                for _ in 0..(CHILDREN - i) {
                    yield_now().await;
                }
                i
            })
        })
        .collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.expect("child task failed"));
    }
    out
}

#[test]
fn spawning_through_the_spawn_trait_agrees() {
    let expected: Vec<u64> = (0..CHILDREN).collect();

    let local = LocalExecutor::new();
    let handle = local.handle();
    assert_eq!(local.block_on(outputs_in_spawn_order(&handle)), expected);

    let pool = ThreadPool::new(2);
    let handle = pool.handle();
    assert_eq!(pool.block_on(outputs_in_spawn_order(&handle)), expected);
    // `&ThreadPool` spawns as well, and a pool's tasks may be awaited under plain `block_on`.
    assert_eq!(
        weave_executor::block_on(outputs_in_spawn_order(&pool)),
        expected
    );
}
