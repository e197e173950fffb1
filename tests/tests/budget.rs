//! Cooperative budget: a task whose work is always ready still yields, so it cannot starve
//! its neighbours; `unconstrained` turns that off. Assertions are about order and poll
//! counts, never time.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;

use weave_core::budget::INITIAL_BUDGET;
use weave_core::task::{consume_budget, unconstrained};
use weave_executor::{LocalExecutor, ThreadPool};
use weave_tests::count_polls;

// Miri interprets every step: a smaller loop still spans several budgets.
const STEPS: usize = if cfg!(miri) { 400 } else { 1000 };
/// `STEPS` budget units take at least this many polls.
const MIN_POLLS: usize = STEPS / INITIAL_BUDGET as usize;

/// Spends one unit per step, `STEPS` times, never waiting for anything.
async fn busy_steps() {
    for _ in 0..STEPS {
        consume_budget().await;
    }
}

/// Loops on `consume_budget` (always ready) until `stop` is set; returns the iterations.
async fn spin_until(stop: impl Fn() -> bool) -> usize {
    let mut iterations = 0;
    while !stop() {
        consume_budget().await;
        iterations += 1;
    }
    iterations
}

#[test]
fn an_always_ready_task_does_not_starve_its_neighbour_on_a_local_executor() {
    let ex = LocalExecutor::new();
    let stop = Rc::new(Cell::new(false));
    let flag = stop.clone();
    // The spinner is queued first; without a budget it would never let the setter run.
    let spinner = ex.spawn_local(spin_until(move || flag.get()));
    let setter = ex.spawn_local({
        let stop = stop.clone();
        async move { stop.set(true) }
    });
    let iterations = ex.block_on(spinner).expect("spinner failed");
    assert!(stop.get());
    assert!(iterations >= 1);
    ex.block_on(setter).unwrap();
}

#[test]
fn an_always_ready_block_on_future_does_not_starve_tasks() {
    let ex = LocalExecutor::new();
    let stop = Arc::new(AtomicBool::new(false));
    let setter = ex.spawn({
        let stop = stop.clone();
        async move { stop.store(true, SeqCst) }
    });
    // The main future itself spins: the executor must still run the setter between polls.
    ex.block_on(spin_until(|| stop.load(SeqCst)));
    assert!(setter.is_finished());
}

#[test]
fn an_always_ready_task_does_not_starve_its_neighbour_on_a_single_worker() {
    let pool = ThreadPool::new(1);
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let spinner = pool.spawn(spin_until(move || flag.load(SeqCst)));
    let setter = pool.spawn({
        let stop = stop.clone();
        async move { stop.store(true, SeqCst) }
    });
    assert!(pool.block_on(spinner).unwrap() >= 1);
    pool.block_on(setter).unwrap();
}

#[test]
fn a_budgeted_loop_yields_every_budget_in_a_task() {
    let ex = LocalExecutor::new();
    let ((), polls) = ex.block_on(ex.spawn(count_polls(busy_steps()))).unwrap();
    assert!(polls >= MIN_POLLS, "{polls} polls for {STEPS} steps");

    let pool = ThreadPool::new(2);
    let ((), polls) = pool
        .block_on(pool.spawn(count_polls(busy_steps())))
        .unwrap();
    assert!(
        polls >= MIN_POLLS,
        "{polls} polls for {STEPS} steps on a pool"
    );
}

#[test]
fn a_budgeted_loop_yields_in_every_block_on() {
    let ((), polls) = weave_executor::block_on(count_polls(busy_steps()));
    assert!(polls >= MIN_POLLS, "block_on: {polls}");
    let ((), polls) = LocalExecutor::new().block_on(count_polls(busy_steps()));
    assert!(polls >= MIN_POLLS, "LocalExecutor::block_on: {polls}");
    let ((), polls) = ThreadPool::new(1).block_on(count_polls(busy_steps()));
    assert!(polls >= MIN_POLLS, "ThreadPool::block_on: {polls}");
}

#[test]
fn unconstrained_runs_the_loop_in_one_poll() {
    let ex = LocalExecutor::new();
    let ((), polls) = ex
        .block_on(ex.spawn(count_polls(unconstrained(busy_steps()))))
        .unwrap();
    assert_eq!(polls, 1);

    let pool = ThreadPool::new(2);
    let ((), polls) = pool
        .block_on(pool.spawn(count_polls(unconstrained(busy_steps()))))
        .unwrap();
    assert_eq!(polls, 1);

    let ((), polls) = weave_executor::block_on(count_polls(unconstrained(busy_steps())));
    assert_eq!(polls, 1);
}

#[test]
fn outside_any_executor_there_is_no_budget() {
    let ((), polls) = futures::executor::block_on(count_polls(busy_steps()));
    assert_eq!(polls, 1);
}

#[test]
fn the_budget_comes_back_after_an_unconstrained_section() {
    let ex = LocalExecutor::new();
    let ((), polls) = ex
        .block_on(ex.spawn(count_polls(async {
            unconstrained(busy_steps()).await;
            busy_steps().await;
        })))
        .unwrap();
    assert!(
        polls >= MIN_POLLS,
        "the budget stayed off after `unconstrained`: {polls} polls"
    );
}

#[test]
fn awaiting_finished_join_handles_spends_budget() {
    let ex = LocalExecutor::new();
    let handles: Vec<_> = (0..STEPS).map(|i| ex.spawn(async move { i })).collect();
    ex.block_on(weave_tests::yield_until(|| {
        handles.iter().all(|h| h.is_finished())
    }));
    let (sum, polls) = ex
        .block_on(ex.spawn(count_polls(async move {
            let mut sum = 0;
            for handle in handles {
                sum += handle.await.unwrap();
            }
            sum
        })))
        .unwrap();
    assert_eq!(sum, (0..STEPS).sum::<usize>());
    assert!(
        polls >= MIN_POLLS,
        "{polls} polls to read {STEPS} ready handles"
    );
}
