//! Misuse fails loudly with a message that says what went wrong, instead of deadlocking:
//! blocking inside an executor, spawning outside one, `spawn_local` without a
//! `LocalExecutor`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use weave_executor::{LocalExecutor, ThreadPool};
use weave_tests::{expect_panics_starting_with, panic_message};

const ALREADY_DRIVING: &str = "already driving";
const OUTSIDE_EXECUTOR: &str = "outside an executor";
const OUTSIDE_LOCAL: &str = "outside a LocalExecutor";

/// Silences the runtime's own misuse panics (each test provokes some on purpose).
fn quiet() {
    expect_panics_starting_with(&[
        "cannot block on a future here",
        "weave_executor::spawn called outside",
        "weave_executor::spawn_local called outside",
        "weave_core::task::id() called outside",
    ]);
}

/// Runs `f`, which must panic, and returns its message.
#[track_caller]
fn panic_of<R>(f: impl FnOnce() -> R) -> String {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(_) => panic!("expected a panic"),
        Err(payload) => panic_message(&*payload).to_owned(),
    }
}

#[track_caller]
fn assert_blocking_message(message: &str) {
    assert!(message.contains("block_on"), "got: {message}");
    assert!(message.contains(ALREADY_DRIVING), "got: {message}");
}

#[test]
fn nested_block_on_panics() {
    quiet();
    let message =
        weave_executor::block_on(async { panic_of(|| weave_executor::block_on(async {})) });
    assert_blocking_message(&message);
    assert!(
        message.contains("weave_executor::block_on"),
        "says what drives the thread: {message}"
    );
    // The failed attempt left the thread usable.
    assert_eq!(weave_executor::block_on(async { 1 }), 1);
}

#[test]
fn every_block_on_inside_every_block_on_panics() {
    quiet();
    let ex = LocalExecutor::new();
    let pool = ThreadPool::new(1);
    let inner: [(&str, &dyn Fn()); 3] = [
        ("block_on", &|| weave_executor::block_on(async {})),
        ("LocalExecutor::block_on", &|| {
            LocalExecutor::new().block_on(async {})
        }),
        ("ThreadPool::block_on", &|| pool.block_on(async {})),
    ];
    for (name, nested) in inner {
        let messages = [
            weave_executor::block_on(async { panic_of(nested) }),
            ex.block_on(async { panic_of(nested) }),
            pool.block_on(async { panic_of(nested) }),
        ];
        for message in messages {
            assert!(message.contains(ALREADY_DRIVING), "{name} gave: {message}");
        }
    }
    // Each outer `block_on` ended cleanly: the thread drives nothing now.
    assert!(weave_core::enter::driving().is_none());
    assert_eq!(ex.block_on(async { 2 }), 2);
}

#[test]
fn block_on_in_a_local_task_panics_into_its_join_handle() {
    quiet();
    let ex = LocalExecutor::new();
    let handle = ex.spawn(async { weave_executor::block_on(async { 1 }) });
    let err = ex.block_on(handle).unwrap_err();
    assert!(err.is_panic(), "{err:?}");
    assert_blocking_message(panic_message(&*err.into_panic()));
}

#[test]
fn thread_pool_block_on_inside_a_pool_task_panics() {
    quiet();
    let pool = Arc::new(ThreadPool::new(2));
    let same_pool = pool.clone();
    let handle = pool.spawn(async move { same_pool.block_on(async { 1 }) });
    let err = pool.block_on(handle).unwrap_err();
    assert!(err.is_panic(), "{err:?}");
    let message = panic_message(&*err.into_panic()).to_owned();
    assert_blocking_message(&message);
    assert!(message.contains("ThreadPool worker"), "got: {message}");

    // A different pool is refused as well: the worker would stall its own tasks.
    let other = Arc::new(ThreadPool::new(1));
    let handle = pool.spawn(async move { other.block_on(async { 1 }) });
    let err = pool.block_on(handle).unwrap_err();
    assert_blocking_message(panic_message(&*err.into_panic()));

    // And the worker that caught the panic keeps running tasks.
    assert_eq!(pool.block_on(pool.spawn(async { 3 })).unwrap(), 3);
}

#[test]
fn spawn_outside_an_executor_panics() {
    quiet();
    let message = panic_of(|| weave_executor::spawn(async {}));
    assert!(message.contains(OUTSIDE_EXECUTOR), "got: {message}");
    assert!(message.contains("weave_executor::spawn"), "got: {message}");

    // Plain `block_on` runs no tasks, so it does not count as an executor either.
    let message = weave_executor::block_on(async { panic_of(|| weave_executor::spawn(async {})) });
    assert!(message.contains(OUTSIDE_EXECUTOR), "got: {message}");

    // Nor does a thread whose executor's `block_on` has returned.
    let pool = ThreadPool::new(1);
    assert_eq!(
        pool.block_on(async { weave_executor::spawn(async { 4 }).await.unwrap() }),
        4
    );
    let message = panic_of(|| weave_executor::spawn(async {}));
    assert!(message.contains(OUTSIDE_EXECUTOR), "got: {message}");
}

#[test]
fn spawn_local_outside_a_local_executor_panics() {
    quiet();
    let message = panic_of(|| weave_executor::spawn_local(async {}));
    assert!(message.contains(OUTSIDE_LOCAL), "got: {message}");
    assert!(
        message.contains("weave_executor::spawn_local"),
        "got: {message}"
    );

    // A pool cannot run `!Send` futures: its `block_on` ...
    let pool = ThreadPool::new(1);
    let message = pool.block_on(async { panic_of(|| weave_executor::spawn_local(async {})) });
    assert!(message.contains(OUTSIDE_LOCAL), "got: {message}");
    assert!(message.contains("ThreadPool"), "explains why: {message}");

    // ... and its tasks both refuse.
    let handle = pool.spawn(async {
        weave_executor::spawn_local(async {});
    });
    let err = pool.block_on(handle).unwrap_err();
    assert!(panic_message(&*err.into_panic()).contains(OUTSIDE_LOCAL));

    // After a LocalExecutor's `block_on` returned, the thread has no LocalExecutor.
    let ex = LocalExecutor::new();
    ex.block_on(async { weave_executor::spawn_local(async {}).await.unwrap() });
    let message = panic_of(|| weave_executor::spawn_local(async {}));
    assert!(message.contains(OUTSIDE_LOCAL), "got: {message}");
}

#[test]
fn task_id_outside_a_task_panics() {
    quiet();
    let message = panic_of(weave_core::task::id);
    assert!(message.contains("outside a task"), "got: {message}");
}
