//! `sleep` / `sleep_until` semantics, exact under a paused clock.

mod common;

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use common::Paused;
use futures::task::noop_waker;
use weave_timer::{sleep, sleep_until, Instant};

#[test]
fn many_sleeps_complete_in_deadline_order_at_their_deadline() {
    let rt = Paused::new();
    let n = if cfg!(miri) { 20 } else { 500 };
    let woke: Rc<RefCell<Vec<(u64, Instant)>>> = Rc::default();
    let start = Instant::now();
    // A deterministic shuffle of durations, some equal, spanning several wheel levels.
    let durations: Vec<u64> = (0..n).map(|i| (i * 7_919) % 5_003 + 1).collect();
    let tasks: Vec<_> = durations
        .iter()
        .map(|&ms| {
            let woke = woke.clone();
            rt.executor.spawn_local(async move {
                sleep(Duration::from_millis(ms)).await;
                woke.borrow_mut().push((ms, Instant::now()));
            })
        })
        .collect();
    rt.block_on(async {
        for task in tasks {
            task.await.unwrap();
        }
    });
    let woke = woke.borrow();
    assert_eq!(woke.len(), n as usize);
    for pair in woke.windows(2) {
        assert!(pair[0].0 <= pair[1].0, "out of order: {pair:?}");
    }
    for &(ms, at) in woke.iter() {
        assert_eq!(at - start, Duration::from_millis(ms), "woke late or early");
    }
}

#[test]
fn past_and_zero_deadlines_are_ready_at_the_first_poll() {
    let rt = Paused::new();
    rt.clock.advance(Duration::from_secs(10));
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let _guard = rt.handle.enter();
    assert!(pin!(sleep(Duration::ZERO)).poll(&mut cx).is_ready());
    let past = Instant::now() - Duration::from_secs(5);
    let mut past = pin!(sleep_until(past));
    assert!(!past.is_elapsed(), "elapsed before any poll");
    assert!(past.as_mut().poll(&mut cx).is_ready());
    assert!(past.is_elapsed());
}

#[test]
fn huge_durations_neither_overflow_nor_complete() {
    let rt = Paused::new();
    rt.clock.set_auto_advance(false);
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut forever = pin!(sleep(Duration::MAX));
    let mut century = pin!(sleep(Duration::from_secs(100 * 365 * 86_400)));
    assert!(forever.as_mut().poll(&mut cx).is_pending());
    assert!(century.as_mut().poll(&mut cx).is_pending());
    rt.clock.advance(Duration::from_secs(10 * 365 * 86_400));
    rt.block_on(async {
        weave_core::task::yield_now().await; // one driver turn
    });
    assert!(forever.as_mut().poll(&mut cx).is_pending());
    assert!(century.as_mut().poll(&mut cx).is_pending());
}

#[test]
fn reset_moves_the_deadline_both_ways_and_revives_a_completed_sleep() {
    let rt = Paused::new();
    let start = Instant::now();
    rt.block_on(async {
        let mut nap = pin!(sleep(Duration::from_millis(100)));
        // Poll once so it is filed, then move it later (the lock-free path).
        let _ = futures::poll!(nap.as_mut());
        nap.as_mut().reset(start + Duration::from_millis(300));
        nap.as_mut().await;
        assert_eq!(Instant::now() - start, Duration::from_millis(300));

        // Completed: a reset makes it wait again.
        nap.as_mut().reset(start + Duration::from_millis(1_000));
        assert!(!nap.is_elapsed());
        let _ = futures::poll!(nap.as_mut());
        // Earlier (the re-filing path).
        nap.as_mut().reset(start + Duration::from_millis(400));
        nap.as_mut().await;
        assert_eq!(Instant::now() - start, Duration::from_millis(400));
        assert_eq!(nap.deadline(), start + Duration::from_millis(400));
    });
}

#[test]
fn an_elapsed_sleep_still_spends_the_cooperative_budget() {
    let rt = Paused::new();
    rt.block_on(async {
        let mut nap = pin!(sleep(Duration::ZERO));
        let waker = noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut refused = false;
        for _ in 0..=weave_core::budget::INITIAL_BUDGET as usize {
            if nap.as_mut().poll(&mut cx) == Poll::Pending {
                refused = true;
                break;
            }
        }
        assert!(refused, "an always-ready sleep never yielded to the budget");
    });
}

#[test]
fn manual_advance_without_auto_advance_fires_exactly_what_came_due() {
    let rt = Paused::new();
    rt.clock.set_auto_advance(false);
    let clock = rt.clock.clone();
    let start = Instant::now();
    let fired: Rc<RefCell<Vec<u64>>> = Rc::default();
    let tasks: Vec<_> = [5, 10, 15]
        .into_iter()
        .map(|ms| {
            let fired = fired.clone();
            rt.executor.spawn_local(async move {
                sleep(Duration::from_millis(ms)).await;
                fired.borrow_mut().push(ms);
            })
        })
        .collect();
    let [five, ten, fifteen]: [_; 3] = tasks.try_into().ok().unwrap();
    let seen = fired.clone();
    rt.block_on(async move {
        weave_core::task::yield_now().await; // let the sleeps register
        clock.advance(Duration::from_millis(10));
        // Idle now: the executor parks in the driver, which fires what is due.
        five.await.unwrap();
        ten.await.unwrap();
        assert_eq!(*seen.borrow(), vec![5, 10]);
        assert!(!fifteen.is_finished(), "fired before its deadline");
        clock.advance(Duration::from_millis(5));
        fifteen.await.unwrap();
    });
    assert_eq!(*fired.borrow(), vec![5, 10, 15]);
    assert_eq!(Instant::now() - start, Duration::from_millis(15));
}
