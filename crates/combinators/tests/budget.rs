//! The cooperative budget: a huge `join_all` of always-ready futures yields to its
//! neighbours.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use common::{count_polls, size};
use weave_combinators::join_all;
use weave_executor::LocalExecutor;

#[test]
fn join_all_of_ready_futures_lets_other_tasks_run() {
    let ex = LocalExecutor::new();
    let n = size(10_000, 500);
    let polls = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    // A neighbour task that notes how many child polls happened between two of its turns.
    let ticker = {
        let (polls, done) = (polls.clone(), done.clone());
        ex.spawn(async move {
            let (mut last, mut widest, mut turns) = (0, 0, 0);
            loop {
                // Read `done` first: a turn after the last child poll still measures the gap.
                let finished = done.load(Ordering::Relaxed);
                let now = polls.load(Ordering::Relaxed);
                widest = widest.max(now - last);
                last = now;
                turns += 1;
                if finished {
                    break;
                }
                weave_core::task::yield_now().await;
            }
            (widest, turns)
        })
    };
    let outputs = ex.block_on(async {
        weave_core::task::yield_now().await; // the ticker starts first
        let out = join_all((0..n).map(|_| count_polls(polls.clone(), 1))).await;
        done.store(true, Ordering::Relaxed);
        out
    });
    assert_eq!(outputs.len(), n);
    let (widest, turns) = ex.block_on(ticker).unwrap();
    eprintln!("widest gap {widest} child polls, ticker turns {turns}");
    // Every child is ready on its first poll, so without the budget one poll of join_all
    // would run all n of them between two turns of the ticker.
    assert!(
        widest <= 2 * weave_core::budget::INITIAL_BUDGET as usize,
        "{widest} polls in one go"
    );
    assert!(
        turns >= n / (2 * weave_core::budget::INITIAL_BUDGET as usize),
        "ticker ran {turns} times"
    );
}
