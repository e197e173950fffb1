//! Task identity and metadata: `Builder` names and spawns a task through any `Spawn`,
//! `task::id()` inside a task equals its handle's id, ids are unique, and `try_id()` is
//! `None` wherever no task is being polled.

use std::collections::HashSet;
use std::rc::Rc;

use weave_core::task::{self, yield_now, Builder, Id};
use weave_executor::{LocalExecutor, ThreadPool};
use weave_tests::expect_panics_starting_with;

/// How many tasks the id-uniqueness test spawns (fewer under miri, which is slow).
const IDS: usize = if cfg!(miri) { 100 } else { 1000 };

#[test]
fn builder_spawns_a_named_task_on_any_spawner() {
    let builder = Builder::new().name("fetch");
    assert_eq!(builder.get_name(), Some("fetch"));
    assert!(
        builder.location().file().ends_with("task_meta.rs"),
        "{}",
        builder.location()
    );

    let ex = LocalExecutor::new();
    let handle = builder.clone().spawn_on(async { task::id() }, &ex.handle());
    let expected = handle.id();
    assert_eq!(ex.block_on(handle).unwrap(), expected);

    let pool = ThreadPool::new(2);
    let handle = builder
        .clone()
        .spawn_on(async { task::id() }, &pool.handle());
    let expected = handle.id();
    assert_eq!(pool.block_on(handle).unwrap(), expected);
    let handle = builder.clone().spawn_on(async { task::id() }, &pool);
    let expected = handle.id();
    assert_eq!(pool.block_on(handle).unwrap(), expected);

    // `!Send` futures through `LocalSpawn`.
    let not_send = Rc::new(1);
    let handle = builder.spawn_local_on(async move { (*not_send, task::id()) }, &ex);
    let expected = handle.id();
    assert_eq!(ex.block_on(handle).unwrap(), (1, expected));
}

#[test]
fn id_inside_a_task_is_stable_across_yields_and_workers() {
    let pool = ThreadPool::new(2);
    let handles: Vec<_> = (0..20)
        .map(|_| {
            pool.spawn(async {
                let first = task::id();
                for _ in 0..20 {
                    yield_now().await; // may resume on the other worker
                    assert_eq!(task::id(), first);
                    assert_eq!(task::try_id(), Some(first));
                }
                first
            })
        })
        .collect();
    for handle in handles {
        let expected = handle.id();
        assert_eq!(pool.block_on(handle).unwrap(), expected);
    }
}

#[test]
fn a_child_task_sees_its_own_id_and_the_parent_gets_its_back() {
    let ex = LocalExecutor::new();
    let parent = ex.spawn(async {
        let me = task::id();
        let child = weave_executor::spawn(async { task::id() });
        let child_id = child.id();
        assert_eq!(child.await.unwrap(), child_id);
        assert_ne!(child_id, me);
        // Polling the child's handle must not leave its id behind in our context.
        assert_eq!(task::id(), me);
        me
    });
    let expected = parent.id();
    assert_eq!(ex.block_on(parent).unwrap(), expected);
}

#[test]
fn ids_are_unique_across_tasks_and_executors() {
    let pool = ThreadPool::new(2);
    let ex = LocalExecutor::new();
    let mut handles = Vec::new();
    for i in 0..IDS {
        if i % 2 == 0 {
            handles.push(pool.spawn(async { task::id() }));
        } else {
            handles.push(ex.spawn(async { task::id() }));
        }
    }
    let handle_ids: HashSet<Id> = handles.iter().map(|h| h.id()).collect();
    assert_eq!(handle_ids.len(), IDS, "two handles share an id");

    let seen: HashSet<Id> = ex.block_on(async {
        let mut seen = HashSet::new();
        for handle in handles {
            seen.insert(handle.await.unwrap());
        }
        seen
    });
    assert_eq!(seen.len(), IDS, "two tasks saw the same id");
    assert_eq!(seen, handle_ids);
    // Ids show as plain numbers, and are never reused.
    let fresh = pool.spawn(async {}).id();
    assert!(handle_ids.iter().all(|id| id.as_u64() < fresh.as_u64()));
    assert_eq!(fresh.to_string(), fresh.as_u64().to_string());
}

#[test]
fn try_id_is_none_outside_tasks() {
    assert_eq!(task::try_id(), None);
    assert_eq!(futures::executor::block_on(async { task::try_id() }), None);
    std::thread::spawn(|| assert_eq!(task::try_id(), None))
        .join()
        .unwrap();

    // The future given to `block_on` is not a task, even after tasks ran on this thread.
    let ex = LocalExecutor::new();
    let (inside, after) = ex.block_on(async {
        let inside = ex.spawn(async { task::try_id() }).await.unwrap();
        (inside, task::try_id())
    });
    assert!(inside.is_some());
    assert_eq!(after, None);
    assert_eq!(task::try_id(), None);
}

#[test]
fn try_id_is_restored_after_a_task_panics() {
    expect_panics_starting_with(&["panicking task"]);
    let ex = LocalExecutor::new();
    let err = ex
        .block_on(ex.spawn(async { panic!("panicking task") }))
        .unwrap_err();
    assert!(err.is_panic());
    assert_eq!(
        task::try_id(),
        None,
        "a panicking poll left its id on the thread"
    );
}

#[test]
fn a_named_task_is_named_in_its_join_error() {
    // `Builder::name` documents that the name is "shown in `JoinError` messages".
    expect_panics_starting_with(&["named failure"]);
    let ex = LocalExecutor::new();
    let handle = Builder::new()
        .name("fetch")
        .spawn_on(async { panic!("named failure") }, &ex.handle());
    let err = ex.block_on(handle).unwrap_err();
    assert!(
        err.to_string().contains("fetch"),
        "the name is missing from: {err}"
    );

    let handle = Builder::new()
        .name("fetch")
        .spawn_on(std::future::pending::<()>(), &ex.handle());
    handle.abort();
    let err = ex.block_on(handle).unwrap_err();
    assert!(
        err.to_string().contains("fetch"),
        "the name is missing from: {err}"
    );
}
