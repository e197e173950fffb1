//! Many small tasks all complete: 100,000 on a two-worker `ThreadPool` and on a
//! `LocalExecutor`, spawned from outside and from inside the executor, each counted once
//! and each `JoinHandle` resolving to its own task's output.
//!
//! Under miri the count drops to 100 (the interpreter is ~1000× slower); the code paths are
//! the same.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

use weave_core::task::yield_now;
use weave_core::JoinHandle;
use weave_executor::{LocalExecutor, ThreadPool};

const TASKS: usize = if cfg!(miri) { 100 } else { 100_000 };

/// A task that yields once (so it is scheduled twice), counts itself and returns `i`.
async fn counted_task(i: usize, done: Arc<AtomicUsize>) -> usize {
    yield_now().await;
    done.fetch_add(1, SeqCst);
    i
}

/// Awaits every handle in order and checks each gave its own index back.
async fn check_all(handles: Vec<JoinHandle<usize>>) {
    assert_eq!(handles.len(), TASKS);
    for (i, handle) in handles.into_iter().enumerate() {
        let output = handle
            .await
            .unwrap_or_else(|e| panic!("task {i} failed: {e}"));
        assert_eq!(output, i, "a JoinHandle resolved to another task's output");
    }
}

#[test]
fn many_tasks_spawned_from_outside_a_thread_pool() {
    let pool = ThreadPool::new(2);
    let done = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..TASKS)
        .map(|i| pool.spawn(counted_task(i, done.clone())))
        .collect();
    pool.block_on(check_all(handles));
    assert_eq!(done.load(SeqCst), TASKS);
}

#[test]
fn many_tasks_spawned_from_a_pool_task() {
    // Spawning on a worker fills its bounded local queue, so this goes through the
    // overflow into the injector and through stealing.
    let pool = ThreadPool::new(2);
    let done = Arc::new(AtomicUsize::new(0));
    let counter = done.clone();
    let spawner = pool.spawn(async move {
        let handles: Vec<_> = (0..TASKS)
            .map(|i| weave_executor::spawn(counted_task(i, counter.clone())))
            .collect();
        check_all(handles).await;
    });
    pool.block_on(spawner).expect("spawning task failed");
    assert_eq!(done.load(SeqCst), TASKS);
}

#[test]
fn many_tasks_on_a_local_executor() {
    let ex = LocalExecutor::new();
    let done = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..TASKS)
        .map(|i| ex.spawn(counted_task(i, done.clone())))
        .collect();
    ex.block_on(check_all(handles));
    assert_eq!(done.load(SeqCst), TASKS);
    assert!(ex.is_empty(), "{} tasks still linked", ex.len());
}

#[test]
fn many_tasks_spawned_inside_a_local_executor() {
    let ex = LocalExecutor::new();
    let done = Arc::new(AtomicUsize::new(0));
    ex.block_on(async {
        let handles: Vec<_> = (0..TASKS)
            .map(|i| weave_executor::spawn_local(counted_task(i, done.clone())))
            .collect();
        check_all(handles).await;
    });
    assert_eq!(done.load(SeqCst), TASKS);
}

#[test]
fn many_tasks_spawned_from_other_threads_onto_a_local_executor() {
    // `LocalHandle` spawns go through the remote queue and unpark the executor's thread.
    let ex = LocalExecutor::new();
    let done = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..2)
        .map(|t| {
            let handle = ex.handle();
            let done = done.clone();
            std::thread::spawn(move || {
                (0..TASKS / 2)
                    .map(|i| {
                        use weave_core::Spawn;
                        handle.spawn(counted_task(t * (TASKS / 2) + i, done.clone()))
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let handles: Vec<_> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("spawning thread panicked"))
        .collect();
    ex.block_on(check_all(handles));
    assert_eq!(done.load(SeqCst), TASKS);
}
