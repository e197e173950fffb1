//! The `LocalExecutor`'s hand-off: a task that wakes another and then waits lets the woken
//! one run next, ahead of the queue; a task that finishes does not; and a pair of tasks
//! bouncing messages cannot keep the rest of the queue waiting for long. The `ThreadPool`'s
//! LIFO slot follows the same rule for a finishing task's wakes.

use std::cell::RefCell;
use std::future::pending;
use std::rc::Rc;

use weave_core::task::yield_now;
use weave_executor::LocalExecutor;
use weave_tests::mailbox;

type Log = Rc<RefCell<Vec<&'static str>>>;

fn note(log: &Log, what: &'static str) {
    log.borrow_mut().push(what);
}

/// Runs: `waiter` (waits for a message), `sender` (sends it, then either waits forever or
/// finishes), then two bystanders queued behind them. Returns the order things happened in.
fn order(sender_finishes: bool) -> Vec<&'static str> {
    let ex = LocalExecutor::new();
    let log = Log::default();
    let (tx, mut rx) = mailbox::<()>();
    let l = log.clone();
    let waiter = ex.spawn_local(async move {
        note(&l, "waiter waits");
        rx.recv().await;
        note(&l, "waiter woke");
    });
    let l = log.clone();
    let _sender = ex.spawn_local(async move {
        note(&l, "sender sends");
        tx.send(());
        if !sender_finishes {
            // Keep `tx` alive, so the receiver's wake is the send's alone.
            pending::<()>().await;
        }
        drop(tx);
    });
    for name in ["bystander 1", "bystander 2"] {
        let l = log.clone();
        ex.spawn_local(async move { note(&l, name) });
    }
    ex.block_on(async { waiter.await.unwrap() });
    let order = log.borrow().clone();
    order
}

#[test]
fn a_task_that_wakes_another_and_waits_hands_it_the_thread() {
    assert_eq!(
        order(false),
        [
            "waiter waits",
            "sender sends",
            "waiter woke",
            "bystander 1",
            "bystander 2"
        ]
    );
}

#[test]
fn a_task_that_finishes_does_not_hand_off() {
    assert_eq!(
        order(true),
        [
            "waiter waits",
            "sender sends",
            "bystander 1",
            "bystander 2",
            "waiter woke"
        ]
    );
}

#[test]
fn a_yielding_task_keeps_its_place_behind_the_others() {
    let ex = LocalExecutor::new();
    let log = Log::default();
    let mut tasks = Vec::new();
    for name in ["a", "b"] {
        let l = log.clone();
        tasks.push(ex.spawn_local(async move {
            for _ in 0..3 {
                note(&l, name);
                yield_now().await;
            }
        }));
    }
    ex.block_on(async {
        for task in tasks {
            task.await.unwrap();
        }
    });
    assert_eq!(*log.borrow(), ["a", "b", "a", "b", "a", "b"]);
}

#[test]
fn a_pair_bouncing_messages_lets_the_queue_move_on() {
    const ROUND_TRIPS: usize = 200;
    let ex = LocalExecutor::new();
    let polls = Rc::new(RefCell::new(0usize));
    let seen_by_bystander = Rc::new(RefCell::new(None));
    let (ping, mut pinged) = mailbox::<usize>();
    let (pong, mut ponged) = mailbox::<usize>();
    let p = polls.clone();
    let pinger = ex.spawn_local(async move {
        for round in 0..ROUND_TRIPS {
            *p.borrow_mut() += 1;
            ping.send(round);
            assert_eq!(ponged.recv().await, Some(round));
        }
    });
    let p = polls.clone();
    let ponger = ex.spawn_local(async move {
        while let Some(round) = pinged.recv().await {
            *p.borrow_mut() += 1;
            pong.send(round);
        }
    });
    let (p, seen) = (polls.clone(), seen_by_bystander.clone());
    ex.spawn_local(async move { *seen.borrow_mut() = Some(*p.borrow()) });
    ex.block_on(async {
        pinger.await.unwrap();
        ponger.await.unwrap();
    });
    // Without a bound the pair would finish all its round trips first. The bound is the
    // executor's business: the test only asks that the queue moves on long before that.
    let seen = seen_by_bystander.borrow().expect("the bystander ran");
    assert!(
        seen < 64,
        "the bystander waited for {seen} polls of the ping-pong pair"
    );
}

#[test]
fn a_pool_parent_awaiting_its_children_in_order_runs_once_not_after_each_child() {
    use weave_core::Spawn;
    // One worker, so the order is deterministic. Each finishing child wakes the parent;
    // the parent waits for the next child, so running it right after each child (the LIFO
    // slot) would poll it once per child.
    let pool = weave_executor::ThreadPool::new(1);
    let spawner = pool.handle();
    let parent = pool.handle().spawn(weave_tests::count_polls(async move {
        let children: Vec<_> = (0..100).map(|i| spawner.spawn(async move { i })).collect();
        let mut sum = 0;
        for child in children {
            sum += child.await.unwrap();
        }
        sum
    }));
    let (sum, polls) = pool.block_on(parent).unwrap();
    assert_eq!(sum, 4950);
    assert!(
        polls <= 4,
        "the parent was polled {polls} times for 100 children"
    );
}
