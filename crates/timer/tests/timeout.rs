//! `timeout` / `timeout_at`, both outcomes, under a paused clock.

mod common;

use std::future::{pending, Future};
use std::pin::pin;
use std::sync::atomic::Ordering::SeqCst;
use std::task::Context;
use std::time::Duration;

use common::{DropFlag, Paused};
use futures::task::noop_waker;
use weave_timer::{sleep, timeout, timeout_at, Instant};

#[test]
fn the_future_wins_before_the_deadline() {
    let rt = Paused::new();
    let start = Instant::now();
    let out = rt.block_on(timeout(Duration::from_millis(50), async {
        sleep(Duration::from_millis(20)).await;
        "fast"
    }));
    assert_eq!(out, Ok("fast"));
    assert_eq!(Instant::now() - start, Duration::from_millis(20));
}

#[test]
fn the_deadline_wins_and_the_inner_future_is_dropped() {
    let rt = Paused::new();
    let (flag, dropped) = DropFlag::new();
    let start = Instant::now();
    let out = rt.block_on(timeout(Duration::from_millis(50), async move {
        let _flag = flag;
        sleep(Duration::from_secs(3600)).await;
    }));
    assert!(out.is_err());
    assert!(
        dropped.load(SeqCst),
        "the inner future outlived its timeout"
    );
    assert_eq!(Instant::now() - start, Duration::from_millis(50));
}

#[test]
fn timeout_at_a_past_deadline_still_lets_a_ready_future_win() {
    let rt = Paused::new();
    let past = Instant::now() - Duration::from_secs(1);
    assert_eq!(rt.block_on(timeout_at(past, async { 1 })), Ok(1));
    assert!(rt.block_on(timeout_at(past, pending::<()>())).is_err());
}

#[test]
fn a_ready_future_never_registers_a_timer() {
    let rt = Paused::new();
    rt.clock.set_auto_advance(false);
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    for _ in 0..100 {
        let mut t = pin!(timeout(Duration::from_secs(1), async { 5 }));
        assert!(t.as_mut().poll(&mut cx).is_ready());
    }
    // Nothing was filed, so an idle driver has no deadline to jump to: the paused clock
    // (with auto-advance back on) stays where it was.
    rt.clock.set_auto_advance(true);
    let before = Instant::now();
    rt.block_on(async { weave_core::task::yield_now().await });
    assert_eq!(Instant::now(), before);
}

#[test]
fn elapsed_converts_to_a_timed_out_io_error() {
    let rt = Paused::new();
    let err = rt
        .block_on(timeout(Duration::from_millis(1), pending::<()>()))
        .unwrap_err();
    assert_eq!(
        std::io::Error::from(err).kind(),
        std::io::ErrorKind::TimedOut
    );
}

/// An inner future that spends the whole cooperative budget at every poll cannot postpone
/// its own timeout: once the deadline passes, the deadline wins.
#[test]
fn an_inner_future_that_spends_the_whole_budget_still_times_out() {
    let rt = Paused::new();
    // The clock moves only from inside the busy future: the executor is never idle.
    rt.clock.set_auto_advance(false);
    let clock = rt.clock.clone();
    let start = Instant::now();
    let out = rt.block_on(timeout(Duration::from_millis(50), async move {
        for _ in 0..1_000_000 {
            clock.advance(Duration::from_millis(1));
            weave_core::task::consume_budget().await;
        }
        panic!("a million budget units later, the timeout has still not won");
    }));
    assert!(out.is_err());
    assert!(Instant::now() - start >= Duration::from_millis(50));
}

/// A loop of timeouts that are elapsed at once still yields: each spends budget.
#[test]
fn an_elapsed_timeout_still_spends_the_cooperative_budget() {
    let rt = Paused::new();
    rt.block_on(async {
        let waker = noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut refused = false;
        for _ in 0..=weave_core::budget::INITIAL_BUDGET as usize {
            let mut t = pin!(timeout(Duration::ZERO, pending::<()>()));
            if t.as_mut().poll(&mut cx).is_pending() {
                refused = true;
                break;
            }
        }
        assert!(
            refused,
            "always-elapsed timeouts never yielded to the budget"
        );
    });
}
