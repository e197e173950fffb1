//! A panicking task fails alone: its `JoinHandle` carries the panic (payload, message, task
//! id), every other task completes normally, and the executor keeps running.
//!
//! The deliberate panics are silenced in this binary (see
//! [`weave_tests::expect_panics_starting_with`]); any other panic is still printed.

use weave_core::task::yield_now;
use weave_core::{JoinError, JoinHandle, Spawn};
use weave_executor::{LocalExecutor, ThreadPool};
use weave_tests::{expect_panics_starting_with, panic_message};

/// A tenth of them panic. Fewer under miri, where each task costs ~1000× more.
const TASKS: usize = if cfg!(miri) { 100 } else { 10_000 };
const MARKER: &str = "deliberate panic";

/// Every tenth task panics (after a yield, so the panic happens on a later poll).
fn spawn_mixed(spawner: &impl Spawn) -> Vec<JoinHandle<usize>> {
    (0..TASKS)
        .map(|i| {
            spawner.spawn(async move {
                yield_now().await;
                if i % 10 == 0 {
                    panic!("{MARKER} in task #{i}");
                }
                i * 2
            })
        })
        .collect()
}

async fn collect(
    handles: Vec<JoinHandle<usize>>,
) -> Vec<(weave_core::task::Id, Result<usize, JoinError>)> {
    let mut results = Vec::with_capacity(handles.len());
    for handle in handles {
        let id = handle.id();
        results.push((id, handle.await));
    }
    results
}

fn check(results: Vec<(weave_core::task::Id, Result<usize, JoinError>)>) {
    let mut panicked = 0;
    for (i, (id, result)) in results.into_iter().enumerate() {
        if i % 10 != 0 {
            assert_eq!(result.expect("a non-panicking task failed"), i * 2);
            continue;
        }
        panicked += 1;
        let err = result.expect_err("a panicking task gave an output");
        assert!(err.is_panic(), "not a panic: {err:?}");
        assert!(!err.is_cancelled(), "cancelled: {err:?}");
        assert_eq!(err.id(), id);
        let shown = err.to_string();
        assert!(shown.contains("panicked"), "no \"panicked\" in: {shown}");
        assert!(
            shown.contains(&id.to_string()),
            "task {id} is not named in: {shown}"
        );
        assert!(
            shown.contains(MARKER),
            "the message is not quoted in: {shown}"
        );
        let payload = err.into_panic();
        let message = payload
            .downcast_ref::<String>()
            .expect("a formatted panic message is a String");
        assert_eq!(*message, format!("{MARKER} in task #{i}"));
    }
    assert_eq!(panicked, TASKS / 10);
}

#[test]
fn a_tenth_of_pool_tasks_panic_and_the_rest_complete() {
    expect_panics_starting_with(&[MARKER]);
    let pool = ThreadPool::new(2);
    let handles = spawn_mixed(&pool);
    check(pool.block_on(collect(handles)));

    // The workers survived: a new batch completes on the same pool.
    let after: Vec<_> = (0..100u64)
        .map(|i| pool.spawn(async move { i + 1 }))
        .collect();
    let sum = pool.block_on(async {
        let mut sum = 0;
        for handle in after {
            sum += handle.await.expect("task after the panics failed");
        }
        sum
    });
    assert_eq!(sum, (1..=100).sum::<u64>());
    assert_eq!(
        pool.block_on(pool.spawn(async { "still working" }))
            .unwrap(),
        "still working"
    );
}

#[test]
fn a_tenth_of_local_tasks_panic_and_the_rest_complete() {
    expect_panics_starting_with(&[MARKER]);
    let ex = LocalExecutor::new();
    let handles = spawn_mixed(&ex.handle());
    check(ex.block_on(collect(handles)));
    assert_eq!(ex.block_on(ex.spawn(async { 5 })).unwrap(), 5);
    assert!(ex.is_empty(), "panicked tasks must leave the task list");
}

#[test]
fn literal_panic_payload_is_a_static_str() {
    expect_panics_starting_with(&["static boom"]);
    let pool = ThreadPool::new(1);
    let err = pool
        .block_on(pool.spawn(async { panic!("static boom") }))
        .unwrap_err();
    let id = err.id();
    assert_eq!(
        err.to_string(),
        format!("task {id} panicked with message \"static boom\"")
    );
    let payload = err.into_panic();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"static boom"));
}

#[test]
fn non_string_payload_is_kept_and_still_displayed() {
    // No silencing needed: the panic happens on this test's thread, whose output the test
    // harness captures.
    let ex = LocalExecutor::new();
    let handle = ex.spawn(async {
        std::panic::panic_any(42u32);
    });
    let id = handle.id();
    let err = ex.block_on(handle).unwrap_err();
    assert!(err.is_panic());
    assert_eq!(err.to_string(), format!("task {id} panicked"));
    assert_eq!(panic_message(&*err.try_into_panic().unwrap()), "");
}

#[test]
fn resume_unwind_rethrows_the_task_panic_on_the_awaiting_side() {
    expect_panics_starting_with(&["rethrown"]);
    let pool = ThreadPool::new(2);
    let handle = pool.spawn(async { panic!("rethrown {}", 1) });
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pool.block_on(async {
            if let Err(err) = handle.await {
                std::panic::resume_unwind(err.into_panic());
            }
        })
    }))
    .unwrap_err();
    assert_eq!(panic_message(&*caught), "rethrown 1");
    // The thread is usable again after the unwind left `block_on`.
    assert_eq!(pool.block_on(async { 3 }), 3);
}
